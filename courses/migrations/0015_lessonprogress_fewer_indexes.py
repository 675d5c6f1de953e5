"""Fewer indexes on lesson progress and room for in-place updates (courses.steady_beat).

The user's and the course's own indexes go: the composite indexes begin with them. On
PostgreSQL, the progress and focus tables leave 15 % of each page free, so that a heartbeat's
new row version fits beside the old one (a HOT update); pages written before keep their
packing until rewritten (VACUUM FULL), and fill the room as rows are updated and pruned.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLES = ["courses_lessonprogress", "courses_studyfocus"]
FILLFACTOR = 85


def fillfactor_set(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {FILLFACTOR})")


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0014_alter_lessonpage_completion_rule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="lessonprogress",
            name="course",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lesson_progress",
                to="courses.coursepage",
            ),
        ),
        migrations.AlterField(
            model_name="lessonprogress",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lesson_progress",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(fillfactor_set, fillfactor_reset),
    ]
