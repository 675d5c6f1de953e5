import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("courses", "0012_credit_entries_rule")]

    operations = [
        migrations.AlterField(
            model_name="credithourentry",
            name="rule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="courses.creditrule",
                verbose_name="crediting rule",
            ),
        ),
    ]
