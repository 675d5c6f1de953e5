"""The browser's user hint (people.middleware.USER_HINT_COOKIE): a signed-in request reads its
session and its user's identity entries in one cache round trip, and the hint never decides who
is signed in."""

import re
from contextlib import contextmanager

import pytest

from django.contrib.auth import SESSION_KEY
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.test import Client
from django.urls import reverse

from people.identity_cache import identity_keys
from people.middleware import USER_HINT_COOKIE
from people.session_policy import SEEN_AT, SEEN_AT_RESOLUTION_SECONDS
from tests.factories.people import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("learner_home")
PAGE = reverse("learning_search")  # a page that reads nothing else about the official


@contextmanager
def cache_reads():
    """The keys of each read of the default cache (get, get_many), in order."""
    reads = []
    backend = caches[DEFAULT_CACHE_ALIAS]  # the instance sessions and identity use
    get, get_many = backend.get, backend.get_many
    inside = []  # the local-memory cache's get_many calls its get for each key

    def counted_get(key, *args, **kwargs):
        if not inside:
            reads.append([key])
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    backend.get, backend.get_many = counted_get, counted_get_many
    try:
        yield reads
    finally:
        del backend.get, backend.get_many


def session_cache_key(client) -> str:
    return client.session.cache_key


def test_signing_in_gives_the_browser_the_hint_and_signing_out_takes_it(client, official, sign_in):
    response = sign_in(official.employee_id, PASSWORD)

    assert response.status_code == 302
    hint = response.cookies[USER_HINT_COOKIE]
    assert hint.value == str(official.pk)
    assert hint["httponly"] and hint["samesite"] == "Lax"

    response = client.post(reverse("account_logout"))

    assert response.cookies[USER_HINT_COOKIE].value == ""  # deleted
    assert client.get(HOME).status_code == 302


def test_with_the_hint_the_session_and_the_identity_are_one_round_trip(client, official):
    client.force_login(official)
    client.get(PAGE)  # sets the hint, fills the cache
    assert client.cookies[USER_HINT_COOKIE].value == str(official.pk)
    session_key = session_cache_key(client)

    with cache_reads() as reads:
        response = client.get(PAGE)

    assert response.status_code == 200 and official.full_name in response.content.decode()
    user_key = identity_keys(official.pk)[0]
    asking = [keys for keys in reads if session_key in keys or user_key in keys]
    assert asking == [[session_key, *identity_keys(official.pk)]]
    assert USER_HINT_COOKIE not in response.cookies  # already right: not sent again


def test_without_the_hint_it_is_two_round_trips_and_the_hint_comes_back(client, official):
    client.force_login(official)
    client.get(PAGE)
    del client.cookies[USER_HINT_COOKIE]

    with cache_reads() as reads:
        response = client.get(PAGE)

    assert response.status_code == 200 and official.full_name in response.content.decode()
    user_key = identity_keys(official.pk)[0]
    assert [keys for keys in reads if user_key in keys] == [identity_keys(official.pk)]
    assert response.cookies[USER_HINT_COOKIE].value == str(official.pk)


def test_a_hint_naming_someone_else_changes_nothing_about_who_is_signed_in(client, official):
    other = UserFactory(official=True, full_name="王其他")
    for someone in (other, official):  # both cached
        visitor = Client()
        visitor.force_login(someone)
        visitor.get(PAGE)
    client.force_login(official)
    client.get(PAGE)
    client.cookies[USER_HINT_COOKIE] = str(other.pk)

    with cache_reads() as reads:
        response = client.get(PAGE)

    assert identity_keys(official.pk) in reads  # the session's user, read on their own
    page = response.content.decode()
    assert response.status_code == 200
    assert official.full_name in page and other.full_name not in page
    assert client.session[SESSION_KEY] == str(official.pk)
    assert response.cookies[USER_HINT_COOKIE].value == str(official.pk)  # put right


@pytest.mark.parametrize("hint", ["", "abc", "-1", "²", "9" * 40, "0"])
def test_a_malformed_hint_is_ignored(client, official, hint):
    client.force_login(official)
    client.cookies[USER_HINT_COOKIE] = hint

    response = client.get(PAGE)

    assert response.status_code == 200 and official.full_name in response.content.decode()
    assert response.cookies[USER_HINT_COOKIE].value == str(official.pk)


def test_a_hint_without_a_session_is_anonymous_and_is_taken_away(client, official):
    client.cookies[USER_HINT_COOKIE] = str(official.pk)

    response = client.get(HOME)

    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert response.cookies[USER_HINT_COOKIE].value == ""


def test_a_session_missing_from_the_cache_is_read_from_the_database(client, official):
    client.force_login(official)
    client.get(PAGE)
    cache.delete(session_cache_key(client))

    response = client.get(PAGE)

    assert response.status_code == 200 and official.full_name in response.content.decode()


def test_what_a_request_writes_into_a_prefetched_session_is_kept(client, official):
    client.force_login(official)
    client.get(PAGE)
    session = client.session
    session[SEEN_AT] -= 2 * SEEN_AT_RESOLUTION_SECONDS  # the request will record its activity
    session.save()
    cache.delete(session_cache_key(client))
    client.get(PAGE)  # the session comes from the database and into the cache again
    last_seen = client.session[SEEN_AT]
    session = client.session
    session[SEEN_AT] = last_seen - 2 * SEEN_AT_RESOLUTION_SECONDS
    session.save()

    with cache_reads() as reads:
        assert client.get(PAGE).status_code == 200

    assert [session_cache_key(client), *identity_keys(official.pk)] in reads  # prefetched
    assert client.session[SEEN_AT] >= last_seen  # and written back


def test_signing_in_as_someone_else_on_the_same_browser_moves_the_hint(client, official, sign_in):
    other = UserFactory(official=True, employee_id="GZ1002", full_name="王其他")
    sign_in(official.employee_id, PASSWORD)
    client.post(reverse("account_logout"))
    client.cookies[USER_HINT_COOKIE] = str(official.pk)  # as if the sign-out's response was lost

    response = sign_in(other.employee_id, PASSWORD)

    assert response.cookies[USER_HINT_COOKIE].value == str(other.pk)
    header = re.search(r"<header.*?</header>", client.get(PAGE).content.decode(), re.S).group(0)
    assert other.full_name in header and official.full_name not in header


def test_a_session_ended_by_its_idle_limit_takes_the_hint_away(client, official, settings):
    client.force_login(official)
    client.get(PAGE)
    session = client.session
    session[SEEN_AT] -= settings.SESSION_IDLE_MINUTES * 60 + 1
    session.save()

    response = client.get(HOME)

    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert response.cookies[USER_HINT_COOKIE].value == ""
