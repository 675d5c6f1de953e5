"""Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after
the sign-in (MLPS level 3; what was seen: sessions lasted 8 hours whatever the idle time), and
a password change or a disabled account ends the others."""

import time

import pytest

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from wagtail.models import Page

from people.session_policy import SEEN_AT, SIGNED_IN_AT
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


def set_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_a_session_idle_past_the_limit_ends_and_says_why(client, official, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(official)
    assert client.get("/").status_code == 200
    set_session(client, **{SEEN_AT: time.time() - 31 * 60})

    response = client.get("/", follow=True)

    assert response.redirect_chain[0][0] == "/accounts/login/?next=/"
    assert SESSION_KEY not in client.session
    assert "30 分钟无操作" in response.content.decode()


def test_activity_keeps_it_going(client, official):
    client.force_login(official)
    set_session(client, **{SEEN_AT: time.time() - 29 * 60})
    assert client.get("/").status_code == 200
    assert client.session[SEEN_AT] > time.time() - 5


def test_activity_is_written_to_the_session_at_most_once_a_minute(client, official):
    client.force_login(official)
    client.get("/")
    seen = client.session[SEEN_AT]
    set_session(client, **{SEEN_AT: seen - 30})
    client.get("/")
    assert client.session[SEEN_AT] == seen - 30


def test_a_session_ends_at_its_absolute_lifetime_however_active(client, official, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client.force_login(official)
    set_session(client, **{SIGNED_IN_AT: time.time() - 12 * 3600 - 5, SEEN_AT: time.time()})
    response = client.get("/", follow=True)
    assert SESSION_KEY not in client.session
    assert "12 小时" in response.content.decode()


def test_a_study_heartbeat_after_the_idle_limit_earns_nothing(client, official):
    client.force_login(official)
    set_session(client, **{SEEN_AT: time.time() - 31 * 60})
    response = client.post(reverse("lesson_heartbeat", args=[1]), content_type="application/json")
    assert response.status_code in (302, 401, 403, 404)
    assert SESSION_KEY not in client.session


def test_signing_in_starts_the_clocks(client, official, sign_in):
    sign_in("GZ1001", PASSWORD)
    session = client.session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 5
    assert session[SEEN_AT] == session[SIGNED_IN_AT]


def test_the_page_carries_the_idle_warning(client, official, settings):
    settings.SESSION_IDLE_MINUTES = 20
    client.force_login(official)
    page = client.get("/").content.decode()
    assert 'data-idle-seconds="1200"' in page
    assert "保持登录" in page


def test_stay_signed_in_answers_while_the_session_lasts(client, official):
    assert client.post(reverse("session_keepalive")).status_code == 401
    client.force_login(official)
    assert client.post(reverse("session_keepalive")).status_code == 204
    set_session(client, **{SEEN_AT: time.time() - 31 * 60})
    assert client.post(reverse("session_keepalive")).status_code == 401


def test_a_password_change_ends_the_accounts_other_sessions(client, official, sign_in):
    other = type(client)()
    other.force_login(official)
    assert other.get("/").status_code == 200
    sign_in("GZ1001", PASSWORD)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "New-Study-Pass-42", "password2": "New-Study-Pass-42"},
    )
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_disabling_an_account_ends_its_sessions(client, official):
    client.force_login(official)
    assert client.get("/").status_code == 200
    official.is_active = False
    official.save()
    assert client.get("/").status_code == 302


def shift_seen_at(client, seconds):
    session = client.session
    session[SEEN_AT] = session[SEEN_AT] - seconds
    session.save()


def test_the_editors_own_pings_do_not_keep_an_idle_session_going(client, superuser, settings):
    settings.SESSION_IDLE_MINUTES = 30
    page = Page.objects.filter(depth=2).first()
    client.force_login(superuser)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    session = client.session
    session[SEEN_AT] = time.time() - 29 * 60  # the editor left the desk 29 minutes ago
    session.save()

    ping = reverse("wagtailadmin_editing_sessions:ping", args=["wagtailcore", "page", page.pk, 0])
    assert client.post(ping).status_code == 200  # the open tab pings on its own

    shift_seen_at(client, 2 * 60)  # two more minutes away
    client.get(reverse("wagtailadmin_home"))
    assert SESSION_KEY not in client.session


def test_the_admin_carries_the_idle_warning_too(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-session-warning" in page
    assert 'data-passive-paths="/admin/editing-sessions/ /drills/feed/"' in page
