"""The database refuses to change audit rows and to delete rows younger than the retention
period, whatever code (or person with the application's credentials) tries."""

from django.conf import settings
from django.db import migrations

RETENTION_DAYS = 185

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION audit_auditevent_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit events are append-only';
    END IF;
    IF OLD.created_at > now() - interval '{RETENTION_DAYS} days' THEN
        RAISE EXCEPTION 'audit events are kept at least {RETENTION_DAYS} days';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_guard BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_guard();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS audit_auditevent_guard ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_guard();
"""
SQLITE = [
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    f"""CREATE TRIGGER audit_auditevent_keep BEFORE DELETE ON audit_auditevent
    WHEN OLD.created_at > datetime('now', '-{RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'audit events are kept at least {RETENTION_DAYS} days'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_keep",
]


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif connection.vendor == "sqlite" and getattr(settings, "AUDIT_LOG_GUARD_SQLITE", True):
        # The test settings leave SQLite's out: Django empties tables between transactional
        # tests with DELETE there (TRUNCATE on PostgreSQL, which row triggers do not see).
        for statement in SQLITE:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
