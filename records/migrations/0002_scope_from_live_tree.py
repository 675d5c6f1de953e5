from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0001_initial'),
        # The audit log moved to its own app, which copies the rows first.
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='auditevent',
            name='user',
        ),
        migrations.RemoveIndex(
            model_name='curriculumrecord',
            name='records_curr_unit_status',
        ),
        migrations.RemoveIndex(
            model_name='curriculumrecord',
            name='records_unit_status',
        ),
        migrations.RemoveField(
            model_name='curriculumrecord',
            name='position',
        ),
        migrations.RemoveField(
            model_name='curriculumrecord',
            name='unit_path',
        ),
        migrations.DeleteModel(
            name='AuditEvent',
        ),
    ]
