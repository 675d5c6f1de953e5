import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


COLUMNS = "id, created_at, user_id, employee_id, ip_address, action, path, filters, row_count, result, detail"


def copy_from_records(apps, schema_editor):
    connection = schema_editor.connection
    if "records_auditevent" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO audit_auditevent ({COLUMNS}, object_type, object_ids) "
                       f"SELECT {COLUMNS}, '', '[]' FROM records_auditevent")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), "
                           "COALESCE((SELECT MAX(id) FROM audit_auditevent), 1))")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The audit log used to live in records: its rows are copied before that table goes.
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time (UTC)')),
                ('employee_id', models.CharField(blank=True, max_length=32, verbose_name='employee ID')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('action', models.CharField(choices=[('view_records', 'Viewed records'), ('view_summary', 'Viewed unit summary'), ('view_transcript', 'Viewed a transcript'), ('export_csv', 'Downloaded CSV'), ('export_xlsx', 'Downloaded XLSX'), ('export_transcript', 'Downloaded a transcript PDF'), ('import_officials', 'Imported officials'), ('import_units', 'Imported units'), ('assign', 'Assigned a curriculum'), ('assignment_change', 'Changed an assignment'), ('assignment_delete', 'Deleted an assignment'), ('remind', 'Sent reminders'), ('view_certificates', 'Viewed certificates'), ('download_certificate', 'Downloaded a certificate PDF'), ('export_certificates', 'Downloaded certificates as ZIP'), ('revoke_certificate', 'Revoked a certificate'), ('reissue_certificate', 'Re-issued a certificate'), ('view_people', 'Viewed people in the admin'), ('create', 'Created (admin)'), ('change', 'Changed (admin)'), ('delete', 'Deleted (admin)'), ('move_unit', 'Moved a unit'), ('view_audit', 'Viewed the audit log'), ('export_audit', 'Downloaded the audit log'), ('denied', 'Refused')], max_length=32, verbose_name='action')),
                ('object_type', models.CharField(blank=True, max_length=40, verbose_name='object type')),
                ('object_ids', models.JSONField(blank=True, default=list, verbose_name='object ids')),
                ('path', models.CharField(blank=True, max_length=300, verbose_name='path')),
                ('filters', models.JSONField(blank=True, default=dict, verbose_name='filters')),
                ('row_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='rows')),
                ('result', models.CharField(default='ok', max_length=20, verbose_name='result')),
                ('detail', models.CharField(blank=True, max_length=500, verbose_name='detail')),
                ('user', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit log',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['action', '-created_at'], name='audit_action'), models.Index(fields=['employee_id', '-created_at'], name='audit_employee')],
            },
        ),
        migrations.RunPython(copy_from_records, migrations.RunPython.noop),
    ]
