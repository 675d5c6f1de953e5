"""Two HR people deciding one offline training claim at the same moment: one returns it while
the other approves it. PostgreSQL only (it detects deadlocks; SQLite serialises writers)."""

import threading
import time
from datetime import timedelta

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from records.models import ClaimStatus, OfflineClaim
from records.services import claims as claim_services
from tests.factories.people import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_returning_and_approving_one_claim_at_once_never_deadlocks(org_tree, monkeypatch):
    """Found in review: claim_approve locks the official's row, then the claim; claim_return
    locks only the claim, then writes the official's notification, whose foreign key needs a
    share lock on the official's row. The two wait for each other: PostgreSQL aborts one with a
    deadlock (a 500 for that HR person) instead of refusing it ("not awaiting your decision")."""
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    returning = UserFactory(hr=True, managed_units=(org_tree["a1"],))
    approving = UserFactory(hr=True, managed_units=(org_tree["a"],))
    today = timezone.localdate()
    claim = claim_services.claim_submit(
        user=official,
        data={
            "title": "全省政务新媒体培训班",
            "organiser": "省委网信办",
            "start_date": today - timedelta(days=3),
            "end_date": today - timedelta(days=2),
            "hours": 6,
        },
        evidence=SimpleUploadedFile("结业证书.pdf", PDF, content_type="application/pdf"),
    )

    claim_locked = threading.Event()
    real_locked_for_decision = claim_services._locked_for_decision

    def locked_for_decision(claim, reviewer):
        locked = real_locked_for_decision(claim, reviewer)
        if reviewer.pk == returning.pk:
            claim_locked.set()
            time.sleep(1)  # the approval now holds the official's row and waits for the claim
        return locked

    monkeypatch.setattr(claim_services, "_locked_for_decision", locked_for_decision)
    errors = []

    def run(target):
        try:
            target()
        except claim_services.ClaimRefused:
            pass  # the second decision is refused: right
        except Exception as error:  # noqa: BLE001 - a deadlock above all is the finding
            errors.append(error)
        finally:
            connections.close_all()

    def give_back():
        claim_services.claim_return(claim=claim, reviewer=returning, reason="缺少结业证书盖章页")

    def approve():
        claim_locked.wait(10)
        claim_services.claim_approve(claim=claim, reviewer=approving)

    threads = [threading.Thread(target=run, args=(target,)) for target in (give_back, approve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert OfflineClaim.objects.get(pk=claim.pk).status in (ClaimStatus.RETURNED, ClaimStatus.APPROVED)
