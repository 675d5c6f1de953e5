import datetime

from django.db import migrations


def entries_name_first_rule(apps, schema_editor):
    """Hours credited so far were a course's own hours: the first version's rule."""
    CreditRule = apps.get_model("courses", "CreditRule")
    CreditHourEntry = apps.get_model("courses", "CreditHourEntry")
    if CreditHourEntry.objects.exists():
        rule, _created = CreditRule.objects.get_or_create(effective_from=datetime.date(2000, 1, 1))
        CreditHourEntry.objects.update(rule=rule)


class Migration(migrations.Migration):
    """Separate from the schema change: on PostgreSQL a table cannot be altered in the
    transaction that updated its rows' deferred foreign keys."""

    dependencies = [("courses", "0011_credit_rules")]

    operations = [
        migrations.RunPython(entries_name_first_rule, migrations.RunPython.noop),
    ]
