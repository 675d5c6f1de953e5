"""CAS sign-in against a real CAS server (django-cas-server, started by conftest.py): the browser's
round trip through the server's login form, the ticket validated over the back channel."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

# allauth's internal flows first: importing its stages module first is a circular import.
from allauth.account.internal import flows  # noqa: F401
from allauth.account.stages import LoginStage

from django.contrib.auth import SESSION_KEY
from django.http import HttpResponseRedirect
from django.test import Client
from django.urls import reverse

from people import roles
from people.adapters import AccountAdapter
from people.models import LoginEvent, User
from people.services import SESSION_MARK
from people.sso_cas import SESSION_CAS_KEY
from tests.factories.people import PASSWORD as LOCAL_PASSWORD
from tests.factories.people import UserFactory

from .cas_server.directory import PASSWORD
from .network import free_port

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/accounts/cas/callback/"
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


@pytest.fixture(autouse=True)
def cas_on(settings, cas_server_url):
    settings.SSO_CAS_SERVER_URL = cas_server_url
    settings.SSO_CAS_VERSION = "3"
    settings.SSO_CAS_ATTRIBUTES = {"employee_id": "employeeNumber"}
    settings.SSO_PROVISION_OFFICIALS = False


def cas_ticket_url(client, cas_server_url, username, *, next_url=None) -> str:
    """Our sign-in → the CAS server's login form, posted → the callback URL with its ticket."""
    response = client.get(reverse("cas_login"), {"next": next_url} if next_url else {})
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith(f"{cas_server_url}login?")
    assert parse_qs(urlsplit(login_url).query)["service"] == [CALLBACK]
    browser = requests.Session()
    form = browser.get(login_url, timeout=10)
    fields = {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(form.text)}
    answer = browser.post(
        form.url,
        data={**fields, "username": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    ticket_url = answer.headers["Location"]
    assert ticket_url.startswith(f"{CALLBACK}?ticket=ST-")
    return ticket_url


def cas_sign_in(client, cas_server_url, username, *, next_url=None):
    return client.get(cas_ticket_url(client, cas_server_url, username, next_url=next_url))


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_the_login_page_offers_cas_only_when_it_is_configured(client, settings):
    settings.SSO_CAS_LABEL = "省统一身份认证"
    page = client.get(reverse("account_login"), {"next": "/messages/"}).content.decode()
    assert 'href="/accounts/cas/login/?next=/messages/"' in page
    assert "省统一身份认证" in page
    settings.SSO_CAS_SERVER_URL = ""
    assert "/accounts/cas/" not in client.get(reverse("account_login")).content.decode()
    assert client.get(reverse("cas_login")).status_code == 404


def test_the_employee_id_attribute_signs_in_its_account_through_allauth(client, cas_server_url, official):
    response = cas_sign_in(client, cas_server_url, "zhangxm", next_url="/messages/")

    assert response.status_code == 302
    assert response["Location"] == "/messages/"
    assert int(signed_in_user_id(client)) == official.pk
    # user_logged_in fired: the login record and the session's mark.
    event = LoginEvent.objects.get()
    assert (event.succeeded, event.user, event.path) == (True, official, "/accounts/cas/callback/")
    official.refresh_from_db()
    assert client.session[SESSION_MARK] == official.latest_session_mark
    assert client.session[SESSION_CAS_KEY] is True
    # The identity server's name for the person does not replace ours.
    assert official.full_name == "张晓明"


def test_protocol_2_carries_the_attributes_too(client, cas_server_url, settings, official):
    settings.SSO_CAS_VERSION = "2"
    assert cas_sign_in(client, cas_server_url, "zhangxm").status_code == 302
    assert int(signed_in_user_id(client)) == official.pk


def test_by_default_the_cas_principal_is_the_employee_id(client, cas_server_url, settings, official):
    settings.SSO_CAS_ATTRIBUTES = {}
    assert cas_sign_in(client, cas_server_url, "GZ1001").status_code == 302
    assert int(signed_in_user_id(client)) == official.pk

    other = Client()
    refused = cas_sign_in(other, cas_server_url, "zhangxm")
    assert refused.status_code == 403
    assert "工号 zhangxm 在本系统中没有账号" in refused.content.decode()


def test_an_unknown_employee_id_is_refused_in_chinese_and_no_account_is_made(client, cas_server_url):
    response = cas_sign_in(client, cas_server_url, "newcomer")

    assert response.status_code == 403
    page = response.content.decode()
    assert "工号 NEW0001 在本系统中没有账号" in page
    assert 'href="/accounts/login/"' in page
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(employee_id="NEW0001").exists()
    event = LoginEvent.objects.get()
    assert (event.succeeded, event.identifier, event.user) == (False, "NEW0001", None)


def test_provisioning_makes_an_official_from_the_mapped_attributes(
    client, cas_server_url, settings, org_tree
):
    settings.SSO_PROVISION_OFFICIALS = True
    settings.SSO_CAS_ATTRIBUTES = {
        "employee_id": "employeeNumber",
        "full_name": "cn",
        "email": "mail",
        "unit_code": "ou",
    }
    assert cas_sign_in(client, cas_server_url, "newcomer").status_code == 302

    user = User.objects.get(employee_id="NEW0001")
    assert int(signed_in_user_id(client)) == user.pk
    assert (user.full_name, user.email, user.org_unit) == ("赵新", "zx@cas.example.cn", org_tree["a"])
    assert list(user.groups.values_list("name", flat=True)) == [roles.OFFICIAL]
    assert not (user.is_superuser or user.is_staff or user.has_usable_password())


def test_a_disabled_account_is_refused(client, cas_server_url):
    disabled = UserFactory(official=True, employee_id="TY9001")
    disabled.is_active = False
    disabled.save()
    response = cas_sign_in(client, cas_server_url, "disabled")

    assert response.status_code == 403
    assert "停用" in response.content.decode()
    assert SESSION_KEY not in client.session
    event = LoginEvent.objects.get()
    assert (event.succeeded, event.user) == (False, disabled)


def test_a_forged_or_replayed_ticket_is_refused(client, cas_server_url, official):
    client.get(reverse("cas_login"))
    forged = client.get(f"{CALLBACK}?ticket=ST-forged0123456789")
    assert forged.status_code == 403
    assert 'href="/accounts/login/"' in forged.content.decode()
    assert SESSION_KEY not in client.session

    ticket_url = cas_ticket_url(client, cas_server_url, "zhangxm")
    assert client.get(ticket_url).status_code == 302
    replayer = Client()
    replayer.get(reverse("cas_login"))
    assert replayer.get(ticket_url).status_code == 403
    assert SESSION_KEY not in replayer.session
    assert list(LoginEvent.objects.order_by("created_at", "pk").values_list("succeeded", flat=True)) == [
        False,
        True,
        False,
    ]


def test_a_ticket_this_browser_did_not_ask_for_starts_its_own_round_trip(client, cas_server_url, official):
    """Login CSRF: an attacker's ticket planted on a victim's browser never signs it in; a
    ticket from the identity system's portal leads to a round trip of the browser's own."""
    ticket_url = cas_ticket_url(Client(), cas_server_url, "zhangxm")
    response = client.get(ticket_url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{cas_server_url}login?")
    assert SESSION_KEY not in client.session
    assert not LoginEvent.objects.exists()


def test_an_unreachable_cas_server_is_a_refusal_not_an_error(client, settings):
    settings.SSO_CAS_SERVER_URL = f"http://127.0.0.1:{free_port()}/cas/"
    client.get(reverse("cas_login"))
    response = client.get(f"{CALLBACK}?ticket=ST-0123456789")
    assert response.status_code == 403
    assert LoginEvent.objects.get().succeeded is False


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/path", "/\\evil.example"])
def test_a_next_url_off_this_site_is_not_followed(client, cas_server_url, official, next_url):
    response = cas_sign_in(client, cas_server_url, "zhangxm", next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("learner_home")


def test_roles_never_change_through_cas(client, cas_server_url, trainer):
    assert cas_sign_in(client, cas_server_url, "liwj").status_code == 302
    trainer.refresh_from_db()
    assert set(trainer.groups.values_list("name", flat=True)) == {roles.TRAINER}
    assert not trainer.is_superuser


class HeldForSecondFactor(LoginStage):
    key = "test_second_factor"

    def handle(self):
        return HttpResponseRedirect("/second-factor/"), True


def test_allauths_login_stages_apply_to_cas_sign_ins(client, cas_server_url, official, monkeypatch):
    stages = AccountAdapter.get_login_stages
    monkeypatch.setattr(
        AccountAdapter,
        "get_login_stages",
        lambda adapter: [*stages(adapter), f"{__name__}.HeldForSecondFactor"],
    )
    response = cas_sign_in(client, cas_server_url, "zhangxm")
    assert response["Location"] == "/second-factor/"
    assert SESSION_KEY not in client.session


def test_signing_out_signs_out_at_the_cas_server_too(client, cas_server_url, official):
    cas_sign_in(client, cas_server_url, "zhangxm")
    response = client.post(reverse("account_logout"))

    assert SESSION_KEY not in client.session
    logout_url = response["Location"]
    assert logout_url.startswith(f"{cas_server_url}logout?")
    assert parse_qs(urlsplit(logout_url).query)["service"] == ["http://testserver/accounts/login/"]
    assert requests.get(logout_url, allow_redirects=False, timeout=10).status_code in (200, 302)


def test_a_password_sign_in_signs_out_here_only(client, official, sign_in):
    sign_in("GZ1001", LOCAL_PASSWORD)
    assert client.post(reverse("account_logout"))["Location"] == reverse("account_login")
