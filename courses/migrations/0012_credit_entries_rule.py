import datetime

from django.db import migrations


def entries_name_first_rule(apps, schema_editor):
    """The first version (a course credits its own hours, as before) is in the admin's list
    from the start, and names the hours credited so far."""
    CreditRule = apps.get_model("courses", "CreditRule")
    CreditHourEntry = apps.get_model("courses", "CreditHourEntry")
    rule, _created = CreditRule.objects.get_or_create(effective_from=datetime.date(2000, 1, 1))
    CreditHourEntry.objects.update(rule=rule)


class Migration(migrations.Migration):
    """Separate from the schema change: on PostgreSQL a table cannot be altered in the
    transaction that updated its rows' deferred foreign keys."""

    dependencies = [("courses", "0011_credit_rules")]

    operations = [
        migrations.RunPython(entries_name_first_rule, migrations.RunPython.noop),
    ]
