"""The audit log is append-only in the application and, underneath it, in the database."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest

from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from audit.models import MINIMUM_RETENTION_DAYS, AuditEvent

pytestmark = pytest.mark.django_db

guard_migration = importlib.import_module("audit.migrations.0002_append_only")


def event(days_old=0, **fields):
    return AuditEvent.objects.create(
        created_at=timezone.now() - timedelta(days=days_old),
        employee_id=fields.pop("employee_id", "XT4001"),
        action=fields.pop("action", "view_people"),
        **fields,
    )


@pytest.fixture
def guarded(settings):
    """The database triggers, as migration 0002 installs them. PostgreSQL has them from
    `migrate`; on SQLite the test settings leave them out (Django empties tables with DELETE
    between transactional tests), so this installs them inside the test's transaction, which
    rolls them back with everything else."""
    if connection.vendor == "sqlite":
        settings.AUDIT_LOG_GUARD_SQLITE = True
        with connection.cursor() as cursor:
            guard_migration.install(None, SimpleNamespace(connection=connection, execute=cursor.execute))
    elif connection.vendor != "postgresql":
        pytest.skip(f"no audit triggers for {connection.vendor}")
    yield


def refused_by_database(statement, params=(), match="audit events"):
    """Run raw SQL in a savepoint (PostgreSQL aborts the transaction on an error) and expect
    the database's own refusal."""
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


TABLE = AuditEvent._meta.db_table


class TestTheApplicationRefuses:
    def test_a_new_event_is_saved(self):
        new = AuditEvent(employee_id="XT4001", action="view_people")

        new.save()

        assert AuditEvent.objects.get().pk == new.pk

    def test_saving_an_existing_event_raises_and_changes_nothing(self):
        stored = event(detail="原文")
        stored.detail = "改过"

        with pytest.raises(TypeError, match="append-only"):
            stored.save()

        assert AuditEvent.objects.get(pk=stored.pk).detail == "原文"

    def test_save_with_update_fields_raises_too(self):
        stored = event()
        stored.result = "failed"

        with pytest.raises(TypeError):
            stored.save(update_fields=["result"])

        assert AuditEvent.objects.get(pk=stored.pk).result == "ok"

    def test_deleting_an_event_raises(self):
        stored = event(days_old=400)

        with pytest.raises(TypeError, match="append-only"):
            stored.delete()

        assert AuditEvent.objects.filter(pk=stored.pk).exists()

    def test_queryset_update_raises(self):
        event()

        with pytest.raises(TypeError):
            AuditEvent.objects.update(detail="x")
        with pytest.raises(TypeError):
            AuditEvent.objects.filter(action="view_people").update(result="failed")

        assert AuditEvent.objects.get().result == "ok"

    def test_queryset_delete_raises(self):
        event(days_old=400)

        with pytest.raises(TypeError, match="prune_audit_log"):
            AuditEvent.objects.all().delete()
        with pytest.raises(TypeError):
            AuditEvent.objects.filter(action="view_people").delete()

        assert AuditEvent.objects.count() == 1


class TestTheDatabaseRefuses:
    def test_update_is_refused_whatever_the_age(self, guarded):
        young, old = event(), event(days_old=400)

        for row in (young, old):
            refused_by_database(f"UPDATE {TABLE} SET detail = 'x' WHERE id = %s", [row.pk])  # noqa: S608

        assert set(AuditEvent.objects.values_list("detail", flat=True)) == {""}

    def test_an_update_around_the_models_guard_is_refused(self, guarded):
        stored = event()

        # The plain QuerySet.update, as code that sidestepped AuditEventQuerySet would call it.
        with pytest.raises(DatabaseError), transaction.atomic():
            models.QuerySet.update(AuditEvent.objects.filter(pk=stored.pk), result="failed")

        assert AuditEvent.objects.get(pk=stored.pk).result == "ok"

    @pytest.mark.parametrize("days_old", [0, 1, MINIMUM_RETENTION_DAYS - 5])
    def test_delete_of_a_young_row_is_refused(self, guarded, days_old):
        young = event(days_old=days_old)

        refused_by_database(f"DELETE FROM {TABLE} WHERE id = %s", [young.pk], match="185 days")  # noqa: S608

        assert AuditEvent.objects.filter(pk=young.pk).exists()

    def test_delete_of_an_old_row_is_allowed(self, guarded):
        old, young = event(days_old=MINIMUM_RETENTION_DAYS + 5), event(days_old=10)

        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [old.pk])  # noqa: S608
            assert cursor.rowcount == 1

        assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]

    def test_a_mixed_delete_is_refused_as_a_whole(self, guarded):
        event(days_old=400), event(days_old=1)

        refused_by_database(f"DELETE FROM {TABLE}", match="185 days")  # noqa: S608

        assert AuditEvent.objects.count() == 2

    def test_inserting_stays_possible(self, guarded):
        event()
        event(days_old=1000)

        assert AuditEvent.objects.count() == 2

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL installs the trigger at migrate"
    )
    def test_migrate_installed_the_trigger_on_postgresql(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE]
            )
            assert [row[0] for row in cursor.fetchall()] == ["audit_auditevent_guard"]


class TestPruneCommand:
    @pytest.mark.parametrize("days", [100, 0, MINIMUM_RETENTION_DAYS - 1])
    def test_refuses_less_than_the_retention_period(self, days):
        old = event(days_old=150)

        with pytest.raises(CommandError, match="185"):
            call_command("prune_audit_log", days=days)

        assert AuditEvent.objects.filter(pk=old.pk).exists()

    def test_deletes_only_rows_older_than_asked(self, guarded, capsys):
        very_old, old, kept = event(days_old=400), event(days_old=200), event(days_old=190)
        recent = event(days_old=2)

        call_command("prune_audit_log", days=195)

        assert set(AuditEvent.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
        assert not AuditEvent.objects.filter(pk__in=[very_old.pk, old.pk]).exists()
        assert "2 audit rows older than 195 days deleted." in capsys.readouterr().out

    def test_default_keeps_a_year(self, guarded):
        event(days_old=366), event(days_old=364)

        call_command("prune_audit_log")

        assert AuditEvent.objects.count() == 1

    def test_minimum_is_accepted(self, guarded):
        event(days_old=MINIMUM_RETENTION_DAYS + 1)
        event(days_old=MINIMUM_RETENTION_DAYS - 1)

        call_command("prune_audit_log", days=MINIMUM_RETENTION_DAYS)

        assert AuditEvent.objects.count() == 1
