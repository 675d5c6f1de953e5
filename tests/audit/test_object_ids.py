"""An audit row names each object shown once, in the order shown: a records page lists an
official once per curriculum, and the row says whose data was seen."""

import pytest

from audit.services import audit_record
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def test_each_object_is_named_once_in_the_order_shown(caplog):
    hr = UserFactory(hr=True)
    event = audit_record(user=hr, action="view_records", object_ids=[7, 7, 3, 9, 3, 7], row_count=6)
    event.refresh_from_db()
    assert event.object_ids == [7, 3, 9]
    assert event.row_count == 6
    assert "ids=7,3,9 " in caplog.text
