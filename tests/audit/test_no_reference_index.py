"""Log rows (audit events, sign-in attempts) are written on every HR page view and sign-in: they
start no background work. Their admin screens register them with Wagtail's reference index,
which by default queues a task per saved row to record that the row mentions a user."""

import pytest

from django.contrib.contenttypes.models import ContentType
from django.urls import get_resolver

from wagtail.models import ReferenceIndex

from audit.services import audit_record
from people.models import LoginEvent
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def test_log_rows_record_no_references(django_capture_on_commit_callbacks):
    assert get_resolver().url_patterns  # loading them registers the admin's viewsets' models
    official = UserFactory(employee_id="XR1001")
    with django_capture_on_commit_callbacks(execute=True):
        event = audit_record(user=official, action="view_records", object_ids=[official.pk])
        attempt = LoginEvent.objects.create(identifier="XR1001", user=official, succeeded=True)
    for row in (event, attempt):
        assert not ReferenceIndex.objects.filter(
            base_content_type=ContentType.objects.get_for_model(row), object_id=str(row.pk)
        ).exists()
    assert not ReferenceIndex.objects.exists()
