"""Attacks on the cached signed-in user (people.identity_cache): a request of another session
that lands while an account is changed must not keep the old row in the cache."""

import pytest

from django.test import Client
from django.urls import reverse

from people import models as people_models
from people import roles
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("learner_home")


def test_ending_every_session_is_not_undone_by_a_request_landing_during_it(client, official, monkeypatch):
    """The stolen session keeps polling while the security administrator ends every session:
    its request between the cache delete and the database write must not put the old row
    (with the old session proof) back for the cache's lifetime. Outside a transaction, as in
    this admin view, the after-commit delete runs at once, i.e. also before the write."""
    stolen = Client()
    stolen.force_login(official)
    assert stolen.get(HOME).status_code == 200

    forget = people_models.identity_forget

    def forget_then_the_stolen_session_asks(pks):
        forget(pks)
        stolen.get(HOME)

    monkeypatch.setattr(people_models, "identity_forget", forget_then_the_stolen_session_asks)
    security = UserFactory(roles=(roles.SECURITY_ADMIN,))
    client.force_login(security)
    response = client.post(reverse("account_security", args=[official.pk]), {"action": "end_sessions"})
    assert response.status_code == 302
    monkeypatch.undo()

    assert stolen.get(HOME).status_code == 302
