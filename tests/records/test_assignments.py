from datetime import timedelta

import pytest

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from people.models import Notification
from records.models import CurriculumRecord
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client, org_tree):
    hr = UserFactory(hr=True, managed_units=(org_tree["a"],))
    officials = [UserFactory(official=True, org_unit=org_tree["a1"], position="科员") for _ in range(2)]
    chief = UserFactory(official=True, org_unit=org_tree["a1"], position="科长")
    outsider = UserFactory(official=True, org_unit=org_tree["b1"], position="科员")
    curriculum = course_factories.curriculum([course_factories.course()])
    client.force_login(hr)
    return {"hr": hr, "officials": officials, "chief": chief, "outsider": outsider, "curriculum": curriculum}


def assign(client, setup, unit, due, positions=""):
    return client.post(
        reverse("records_assignments"),
        {
            "curriculum": setup["curriculum"].pk,
            "units": [unit.pk],
            "positions": positions,
            "due_date": due.isoformat(),
        },
    )


def test_hr_assigns_to_their_units_and_positions(client, setup, org_tree):
    response = assign(
        client, setup, org_tree["a"], timezone.localdate() + timedelta(days=3), positions="科员"
    )
    assert response.status_code == 302
    assigned = set(CurriculumRecord.objects.values_list("user_id", flat=True))
    assert assigned == {official.pk for official in setup["officials"]}
    assert AuditEvent.objects.filter(action="assign").exists()


def test_hr_cannot_assign_to_other_units_or_in_the_past(client, setup, org_tree):
    response = assign(client, setup, org_tree["b"], timezone.localdate() + timedelta(days=3))
    assert response.status_code == 200 and not CurriculumRecord.objects.exists()
    response = assign(client, setup, org_tree["a"], timezone.localdate() - timedelta(days=1))
    assert "截止日期已过" in response.content.decode()


def test_reminders_go_to_officials_due_soon_once_a_day(
    client, setup, org_tree, django_capture_on_commit_callbacks
):
    assign(client, setup, org_tree["a"], timezone.localdate() + timedelta(days=5))
    page = client.get(reverse("records_assignments"))
    assert len(page.context["due"]) == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("records_send_reminders"))
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3
    client.post(reverse("records_send_reminders"))
    assert Notification.objects.count() == 3  # not twice in one day
    call_command("send_reminders")
    assert Notification.objects.count() == 3
    assert AuditEvent.objects.filter(action="remind").count() == 2
