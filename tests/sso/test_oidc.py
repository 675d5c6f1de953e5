"""OpenID Connect sign-in against a real identity server (django-oauth-toolkit, in its own process
on 127.0.0.1): the whole authorization code flow over HTTP, from the site's sign-in button through
the identity server's login form and back, the code exchanged and the ID token checked by allauth."""

import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from people import roles
from people.models import LoginEvent, User
from people.sso import sign_in_links
from tests.sso.network import process_stop

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ID = "unified-identity"
CLIENT = {
    "client_id": "training-site",
    "client_secret": "training-site-secret",
    "redirect_uri": f"http://testserver/accounts/oidc/{PROVIDER_ID}/login/callback/",
}
# Login names at the identity server are not 工号: the claim mapping is what links accounts.
IDENTITY_SERVER_USERS = [
    {"username": "zhangxm", "claims": {"employee_no": "GZ1001", "name": "张晓明"}},
    {"username": "liwj", "claims": {"employee_no": "PX2001", "name": "别人", "email": "other@example.cn"}},
    {"username": "stranger", "claims": {"employee_no": "NEW0001", "name": "陌生人"}},
    {
        "username": "newcomer",
        "claims": {"employee_no": "NEW0002", "name": "赵新", "email": "zx@example.cn", "unit": "A"},
    },
]
PASSWORD = "identity-server-password"
STARTUP_SECONDS = 30

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def identity_server(tmp_path_factory):
    """The identity server's base URL; one process for the whole run."""
    work = tmp_path_factory.mktemp("oidc-provider")
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    config = {
        "database": str(work / "provider.sqlite3"),
        "private_key": signing_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        "client": CLIENT,
        "users": [{**user, "password": PASSWORD} for user in IDENTITY_SERVER_USERS],
    }
    config_path = work / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "TEST_OIDC_PROVIDER_CONFIG": str(config_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log_path = work / "provider.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and test server
            [sys.executable, "-m", "tests.sso.oidc_provider.serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_SECONDS)
        port = process.stdout.readline().strip() if ready else ""
        if not port.isdigit():
            raise RuntimeError(f"The test identity server did not start:\n{log_path.read_text()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process_stop(process)


@pytest.fixture(autouse=True)
def oidc_on(settings, identity_server):
    settings.SSO_OIDC_SERVER_URL = f"{identity_server}/o"
    settings.SSO_OIDC_CLIENT_ID = CLIENT["client_id"]
    settings.SSO_OIDC_CLIENT_SECRET = CLIENT["client_secret"]
    settings.SSO_OIDC_LABEL = "统一身份认证登录"
    settings.SSO_OIDC_CLAIMS = {
        "employee_id": "employee_no",
        "full_name": "name",
        "email": "email",
        "unit_code": "unit",
    }
    settings.SSO_PROVISION_OFFICIALS = False


def identity_server_redirect(client) -> str:
    """Press the sign-in page's button and confirm: the site sends the browser to the identity
    server's authorization endpoint."""
    _label, url = sign_in_links()[0]
    assert client.get(url).status_code == 200  # the page whose button POSTs
    response = client.post(url)
    assert response.status_code == 302
    return response["Location"]


def sign_in_at_identity_server(authorize_url: str, username: str) -> str:
    """A browser at the identity server: its login form, then (consent skipped) the redirect
    back to the site's callback, returned as the site-relative URL."""
    browser = requests.Session()
    to_login = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert to_login.status_code == 302
    login_page = browser.get(urljoin(authorize_url, to_login.headers["Location"]), timeout=10)
    csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    next_url = parse_qs(urlsplit(login_page.url).query)["next"][0]
    signed_in = browser.post(
        login_page.url,
        data={
            "csrfmiddlewaretoken": csrf_token,
            "username": username,
            "password": PASSWORD,
            "next": next_url,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text
    back = browser.get(
        urljoin(authorize_url, signed_in.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    assert (callback.scheme, callback.netloc) == ("http", "testserver")
    return f"{callback.path}?{callback.query}"


def sign_in_through_identity_server(client, username: str):
    callback_url = sign_in_at_identity_server(identity_server_redirect(client), username)
    return client.get(callback_url)


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_the_sign_in_page_offers_the_identity_server(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "统一身份认证登录" in page
    assert f"/accounts/oidc/{PROVIDER_ID}/login/" in page


def test_the_flow_uses_pkce_and_the_registered_redirect_uri(client, identity_server):
    authorize_url = identity_server_redirect(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(f"{identity_server}/o/authorize/")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["redirect_uri"] == [CLIENT["redirect_uri"]]
    assert "openid" in query["scope"][0].split()


def test_an_official_is_signed_in_to_the_account_with_the_employee_id_claim(client, official):
    response = sign_in_through_identity_server(client, "zhangxm")

    assert response.status_code == 302
    assert response["Location"] == reverse("learner_home")
    assert signed_in_user_id(client) == str(official.pk)
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == official
    event = LoginEvent.objects.get()  # recorded by the user_logged_in receiver
    assert (event.succeeded, event.user, event.identifier) == (True, official, "GZ1001")
    # Signing in again uses the link made the first time.
    client.logout()
    assert sign_in_through_identity_server(client, "zhangxm").status_code == 302
    assert signed_in_user_id(client) == str(official.pk)
    assert SocialAccount.objects.count() == 1


def test_signing_in_never_changes_the_accounts_roles_name_or_email(client, trainer):
    email_before = trainer.email
    sign_in_through_identity_server(client, "liwj")

    assert signed_in_user_id(client) == str(trainer.pk)
    trainer.refresh_from_db()
    assert (trainer.full_name, trainer.email) == ("李文静", email_before)
    assert set(trainer.groups.values_list("name", flat=True)) == {roles.TRAINER}
    assert not trainer.is_superuser


def test_an_unknown_employee_id_is_refused_in_chinese_and_no_account_is_created(client, official):
    response = sign_in_through_identity_server(client, "stranger")

    assert response.status_code == 403
    assert "工号 NEW0001 在本系统中没有账号" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(employee_id="NEW0001").exists()
    assert not SocialAccount.objects.exists()
    event = LoginEvent.objects.get()
    assert (event.succeeded, event.identifier, event.user) == (False, "NEW0001", None)


def test_a_deployment_that_provisions_officials_gets_an_official_and_nothing_more(client, settings, org_tree):
    settings.SSO_PROVISION_OFFICIALS = True
    response = sign_in_through_identity_server(client, "newcomer")

    assert response.status_code == 302
    user = User.objects.get(employee_id="NEW0002")
    assert signed_in_user_id(client) == str(user.pk)
    assert (user.full_name, user.email, user.org_unit) == ("赵新", "zx@example.cn", org_tree["a"])
    assert list(user.groups.values_list("name", flat=True)) == [roles.OFFICIAL]
    assert not user.is_superuser and not user.has_usable_password()


def test_a_disabled_account_is_refused(client, official):
    official.is_active = False
    official.save()
    response = sign_in_through_identity_server(client, "zhangxm")

    assert response.status_code == 403
    assert "停用" in response.content.decode()
    assert signed_in_user_id(client) is None
    event = LoginEvent.objects.get()
    assert (event.succeeded, event.user) == (False, official)


def test_an_answer_with_another_state_is_refused(client, official):
    callback_url = sign_in_at_identity_server(identity_server_redirect(client), "zhangxm")
    path, query = callback_url.split("?", 1)
    answer = {key: values[0] for key, values in parse_qs(query).items()}
    answer["state"] = "forged-state"

    response = client.get(f"{path}?{urlencode(answer)}")

    assert response.status_code == 401
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert LoginEvent.objects.get().succeeded is False


def test_without_an_identity_server_there_is_no_oidc_sign_in(client, settings):
    settings.SSO_OIDC_SERVER_URL = ""
    assert sign_in_links() == []
    assert client.get(f"/accounts/oidc/{PROVIDER_ID}/login/").status_code == 404
