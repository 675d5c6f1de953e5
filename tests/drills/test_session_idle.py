"""An open drill page polls its feed by itself: the polls are not activity, so an official who
left the desk is still signed out after the idle time (MLPS level 3)."""

import time

import pytest

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from drills.services import runs as services
from people.session_policy import SEEN_AT
from tests.drills import factories

pytestmark = pytest.mark.django_db


def test_feed_polls_do_not_keep_an_idle_session_going(client, official, settings):
    settings.SESSION_IDLE_MINUTES = 30
    run = services.run_start(user=official, scenario=factories.scenario())
    client.force_login(official)
    assert client.get(reverse("drill_run_take", args=[run.pk])).status_code == 200
    session = client.session
    session[SEEN_AT] = time.time() - 29 * 60  # the official left the desk 29 minutes ago
    session.save()
    assert client.get(reverse("drill_run_feed", args=[run.pk])).status_code == 200
    session = client.session
    session[SEEN_AT] = session[SEEN_AT] - 2 * 60  # two more minutes away
    session.save()
    client.get(reverse("drill_run_feed", args=[run.pk]))
    assert SESSION_KEY not in client.session
