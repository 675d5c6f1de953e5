"""The signed-in user and their header come from the shared cache, and every change to what
they copy shows on the next request (people.identity_cache)."""

import re

import pytest

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people import roles, services
from people.models import OrgUnit, User
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("learner_home")


def header(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return re.search(r"<header.*?</header>", response.content.decode(), re.S).group(0)


def unread(client) -> int:
    link = re.escape(reverse("notifications"))
    found = re.search(rf'href="{link}"[^>]*>[^<]*<span class="nav-count"[^>]*>(\d+)<', header(client))
    return int(found.group(1)) if found else 0


def test_a_page_asks_the_database_nothing_about_who_is_asking(client, org_tree):
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    client.force_login(official)
    page = reverse("learning_search")  # a page that reads nothing else
    client.get(page)  # fills the cache

    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)

    assert response.status_code == 200 and "甲一科" in response.content.decode()
    assert not queries.captured_queries


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, official):
    client.force_login(official)
    header(client)

    official.is_active = False
    official.save()

    assert client.get(HOME).status_code == 302


def test_ending_every_session_signs_out_a_cached_session(client, official):
    client.force_login(official)
    header(client)

    services.sessions_end_all(user=User.objects.get(pk=official.pk))  # a queryset update

    assert client.get(HOME).status_code == 302


def test_a_password_changed_elsewhere_ends_the_session(client, official):
    client.force_login(official)
    header(client)

    official.set_password("Another#Passw0rd2026")
    official.save()

    assert client.get(HOME).status_code == 302


def test_a_role_granted_or_taken_shows_at_once_from_either_side(client, official):
    client.force_login(official)
    records = reverse("records_list")
    assert records not in header(client)

    official.groups.add(Group.objects.get(name=roles.HR))
    assert records in header(client)

    Group.objects.get(name=roles.HR).user_set.remove(official)
    assert records not in header(client)

    Group.objects.get(name=roles.HR).user_set.add(official)
    assert records in header(client)

    Group.objects.get(name=roles.HR).user_set.clear()
    assert records not in header(client)


def test_admin_access_follows_a_groups_permissions(client, official):
    client.force_login(official)
    admin = reverse("wagtailadmin_home")
    assert admin not in header(client)
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")

    Group.objects.get(name=roles.OFFICIAL).permissions.add(access)
    assert admin in header(client)

    Group.objects.get(name=roles.OFFICIAL).permissions.remove(access)
    assert admin not in header(client)

    official.user_permissions.add(access)
    assert admin in header(client)


def test_messages_sent_and_read_change_the_count_at_once(client, official):
    client.force_login(official)
    assert unread(client) == 0

    services.notification_send(user=official, title="证书已颁发", email=False)
    services.notification_send(user=official, title="新的专题班", email=False)
    assert unread(client) == 2

    services.notifications_mark_read(user=official)
    assert unread(client) == 0


def test_a_renamed_unit_and_a_move_show_in_the_header(client, org_tree):
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    client.force_login(official)
    assert "甲一科" in header(client)

    unit = OrgUnit.objects.get(pk=org_tree["a1"].pk)
    unit.name = "甲一处"
    unit.save()
    assert "甲一处" in header(client)

    User.objects.filter(pk=official.pk).update(org_unit=org_tree["b1"])
    assert "乙一科" in header(client)


def test_a_role_check_outside_a_request_reads_the_change(official):
    assert not roles.is_hr(User.objects.get(pk=official.pk))
    assert not roles.is_hr(User.objects.get(pk=official.pk))  # now cached

    official.groups.add(Group.objects.get(name=roles.HR))

    assert roles.is_hr(User.objects.get(pk=official.pk))
