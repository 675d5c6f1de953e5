"""Every change to a drill scenario reaches the auditor's log, as a quiz's does."""

import pytest

from audit.models import AuditEvent
from people import roles
from tests.drills import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def test_a_scenario_edited_and_published_is_in_the_audit_log():
    trainer, reviewer = UserFactory(trainer=True), UserFactory(roles=(roles.REVIEWER,))
    scenario = factories.scenario(live=False)
    scenario.title = "食堂谣言（修订）"
    revision = scenario.save_revision(user=trainer, log_action=True)
    revision.publish(user=reviewer)
    rows = AuditEvent.objects.filter(object_type="drill scenario")
    mine = [row for row in rows if str(scenario.pk) in map(str, row.object_ids)]
    by_action = {(row.action, row.employee_id) for row in mine}
    assert ("change", trainer.employee_id) in by_action
    assert ("publish", reviewer.employee_id) in by_action
