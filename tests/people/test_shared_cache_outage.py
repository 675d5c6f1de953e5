"""Redis down (a real outage: nothing listens where the cache points): pages go on without the
cache, signed-in officials keep studying (sessions come from the database), and password
sign-in is refused with a message while the failure counters are out of reach."""

import socket

import pytest

from django.core.cache import cache
from django.urls import reverse

from core.cache import shared_cache_reachable
from people.models import LoginEvent
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        }
    }


def test_the_cache_reads_miss_and_writes_drop(redis_down):
    cache.set("key", "value")
    assert cache.get("key", "missed") == "missed"
    assert not shared_cache_reachable()


def test_a_signed_in_official_keeps_studying(client, official, settings):
    client.force_login(official)  # signed in before the outage: the session is in the database
    assert client.get(reverse("learner_home")).status_code == 200
    redis_down.__wrapped__(settings)
    assert client.get(reverse("learner_home")).status_code == 200
    assert client.get("/courses/").status_code == 200


def test_password_sign_in_waits_with_a_message(redis_down, client, official, sign_in, signed_in_as):
    response = sign_in(official.employee_id, PASSWORD)
    assert signed_in_as() is None
    assert "登录暂时不可用" in response.content.decode()


def test_a_sign_in_reaching_the_backends_is_refused_and_recorded(redis_down, rf, official):
    from django.contrib.auth import authenticate

    from people.sign_in_refusals import sign_in_refusal

    request = rf.post("/accounts/login/")
    assert authenticate(request, username=official.employee_id, password=PASSWORD) is None
    assert "稍后再试" in sign_in_refusal(request)
    assert LoginEvent.objects.filter(succeeded=False).exists()
