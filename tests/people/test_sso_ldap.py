"""LDAP directory sign-in (people/sso_ldap.py) through the real login forms, against Debian's
OpenLDAP server (slapd) started on 127.0.0.1 with a throwaway directory of a few people."""

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from django.utils import translation
from django.utils.translation import gettext

from people import roles
from people.models import User
from tests.factories.people import PASSWORD, UserFactory
from tests.sso.network import process_stop

SLAPD = shutil.which("slapd") or next((p for p in ("/usr/sbin/slapd",) if os.access(p, os.X_OK)), None)
SCHEMAS = Path("/etc/ldap/schema")
pytestmark = [
    pytest.mark.skipif(SLAPD is None, reason="slapd is not installed (make test-tools installs it)"),
    pytest.mark.django_db,
]

SUFFIX = "dc=example,dc=cn"
ROOT_DN = f"cn=admin,{SUFFIX}"
SERVICE_DN = f"cn=reader,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "reader-secret"
DIRECTORY_PASSWORD = "Directory#2024"
# Entries under ou=people: employee number, common name, mail, unit (departmentNumber).
PEOPLE = [
    ("GZ1001", "张晓明", "zxm@example.cn", "A"),
    ("PX2001", "李文静", "lwj@example.cn", "A"),
    ("NEW7001", "孙新", "sx@example.cn", "A"),
    ("ZZ9001", "周停", "zt@example.cn", "B"),
]
WRONG = "not-the-directory-password"


def _ssha(password: str) -> str:
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 - LDAP's {SSHA} scheme
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _directory_ldif() -> str:
    entries = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people",
        f"dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services",
        f"dn: {SERVICE_DN}\nobjectClass: simpleSecurityObject\nobjectClass: organizationalRole\n"
        f"cn: reader\nuserPassword: {_ssha(SERVICE_PASSWORD)}",
    ]
    for employee_id, name, mail, unit in PEOPLE:
        entries.append(
            f"dn: uid={employee_id.lower()},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\n"
            f"uid: {employee_id.lower()}\nemployeeNumber: {employee_id}\n"
            f"cn:: {base64.b64encode(name.encode()).decode()}\nsn: {employee_id}\nmail: {mail}\n"
            f"departmentNumber: {unit}\nuserPassword: {_ssha(DIRECTORY_PASSWORD)}"
        )
    return "\n\n".join(entries) + "\n"


def _slapd_conf(work: Path) -> str:
    return f"""
include {SCHEMAS}/core.schema
include {SCHEMAS}/cosine.schema
include {SCHEMAS}/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {work}/slapd.pid
database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ROOT_DN}"
rootpw root-secret
directory {work}/data
# Passwords are only ever compared by a bind; only the service account may search.
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="{SERVICE_DN}" read by * none
"""


@pytest.fixture(scope="session")
def directory(tmp_path_factory):
    """slapd on a free port of 127.0.0.1, serving PEOPLE; its URI."""
    work = tmp_path_factory.mktemp("slapd")
    (work / "data").mkdir()
    conf = work / "slapd.conf"
    conf.write_text(_slapd_conf(work))
    (work / "people.ldif").write_text(_directory_ldif())
    slapadd = Path(SLAPD).with_name("slapadd")
    subprocess.run(  # noqa: S603 - Debian's own tools, fixed arguments
        [str(slapadd), "-f", str(conf), "-l", str(work / "people.ldif")], check=True, capture_output=True
    )
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    with (work / "slapd.log").open("w") as log:
        # -d keeps slapd in the foreground (a child we can stop); as root it keeps root's rights.
        slapd = subprocess.Popen(  # noqa: S603
            [SLAPD, "-h", f"{uri}/", "-f", str(conf), "-d", "0"], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if slapd.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("slapd did not start: " + (work / "slapd.log").read_text()) from None
                time.sleep(0.05)
        yield uri
    finally:
        process_stop(slapd, timeout=5)


@pytest.fixture
def ldap_on(settings, directory):
    settings.SSO_LDAP_SERVER_URI = directory
    settings.SSO_LDAP_USER_SEARCH_BASE = f"ou=people,{SUFFIX}"
    settings.SSO_LDAP_USER_FILTER = "(employeeNumber=%(user)s)"
    settings.SSO_LDAP_BIND_DN = SERVICE_DN
    settings.SSO_LDAP_BIND_PASSWORD = SERVICE_PASSWORD
    settings.SSO_LDAP_START_TLS = False
    settings.SSO_LDAP_TIMEOUT_SECONDS = 2
    settings.SSO_PROVISION_OFFICIALS = False
    return settings


def form_errors(response) -> str:
    return " ".join(str(error) for error in response.context["form"].non_field_errors())


def test_the_directory_password_signs_in_the_linked_account(ldap_on, official, sign_in, signed_in_as):
    response = sign_in("gz1001", DIRECTORY_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as() == official.pk


def test_a_wrong_directory_password_fails_and_counts_toward_the_lockout(ldap_on, official, sign_in):
    for _ in range(4):
        response = sign_in("GZ1001", WRONG)
        assert response.status_code == 200
        assert not response.context["user"].is_authenticated
    assert sign_in("GZ1001", WRONG).status_code == 429
    # Locked out: not even the right directory password gets through now.
    assert sign_in("GZ1001", DIRECTORY_PASSWORD).status_code == 429


def test_an_unknown_employee_id_is_refused_in_chinese_and_no_account_is_created(ldap_on, sign_in):
    response = sign_in("NEW7001", DIRECTORY_PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "工号 NEW7001 在本系统中没有账号" in form_errors(response)
    assert not User.objects.filter(employee_id__iexact="NEW7001").exists()


def test_provisioning_creates_an_official_only(ldap_on, org_tree, sign_in, signed_in_as):
    ldap_on.SSO_PROVISION_OFFICIALS = True
    assert sign_in("NEW7001", DIRECTORY_PASSWORD).status_code == 302
    user = User.objects.get(employee_id="NEW7001")
    assert signed_in_as() == user.pk
    assert (user.full_name, user.email, user.org_unit) == ("孙新", "sx@example.cn", org_tree["a"])
    assert list(user.groups.values_list("name", flat=True)) == [roles.OFFICIAL]
    assert not user.is_staff and not user.is_superuser and not user.has_usable_password()


def test_a_disabled_account_is_refused(ldap_on, sign_in, signed_in_as):
    disabled = UserFactory(official=True, employee_id="ZZ9001")
    disabled.is_active = False
    disabled.save()
    response = sign_in("ZZ9001", DIRECTORY_PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert gettext("This account has been disabled. Please contact your unit's HR office.") in (
            form_errors(response)
        )
    assert signed_in_as() is None


def test_the_directory_never_changes_roles_or_names(ldap_on, trainer, sign_in, signed_in_as):
    trainer.full_name = "李老师"
    trainer.save()
    assert sign_in("PX2001", DIRECTORY_PASSWORD).status_code == 302
    assert signed_in_as() == trainer.pk
    trainer.refresh_from_db()
    assert trainer.full_name == "李老师"
    assert set(trainer.groups.values_list("name", flat=True)) == {roles.TRAINER}


@pytest.mark.parametrize("login_name", ["*", "GZ1001)(uid=*", "*)(|(employeeNumber=*", "GZ100*"])
def test_a_filter_injection_cannot_sign_in(ldap_on, official, sign_in, signed_in_as, login_name):
    response = sign_in(login_name, DIRECTORY_PASSWORD)
    assert response.status_code == 200
    assert signed_in_as() is None


def test_the_way_into_the_admin_takes_the_directory_password(ldap_on, admin_sign_in, signed_in_as):
    UserFactory(hr=True, employee_id="PX2001")  # a staff member the directory knows
    response = admin_sign_in("PX2001", DIRECTORY_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as() == User.objects.get(employee_id="PX2001").pk


def test_officials_local_passwords_can_be_switched_off_while_the_directory_signs_them_in(
    ldap_on, official, hr_user, sign_in, signed_in_as, client
):
    ldap_on.SSO_LOCAL_PASSWORDS_FOR_OFFICIALS = False
    assert sign_in("GZ1001", PASSWORD).status_code == 200
    assert signed_in_as() is None
    assert sign_in("GZ1001", DIRECTORY_PASSWORD).status_code == 302
    assert signed_in_as() == official.pk
    client.logout()
    assert sign_in("RS3001", PASSWORD).status_code == 302
    assert signed_in_as() == hr_user.pk


@pytest.fixture
def silent_directory():
    """A port that accepts connections and never answers: a stalled directory."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"ldap://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.mark.parametrize("down", ["refused", "silent"])
def test_with_the_directory_down_staff_local_passwords_still_work_without_hanging(
    ldap_on, hr_user, sign_in, signed_in_as, client, caplog, silent_directory, down
):
    ldap_on.SSO_LDAP_SERVER_URI = silent_directory if down == "silent" else f"ldap://127.0.0.1:{_free_port()}"
    ldap_on.SSO_LDAP_TIMEOUT_SECONDS = 1
    ldap_on.SSO_LOCAL_PASSWORDS_FOR_OFFICIALS = False
    started = time.monotonic()
    assert sign_in("RS3001", PASSWORD).status_code == 302
    assert signed_in_as() == hr_user.pk
    client.logout()
    # A wrong password does ask the directory: the answer comes within the timeout.
    assert sign_in("RS3001", WRONG).status_code == 200
    assert time.monotonic() - started < 4
    assert "LDAP directory" in caplog.text and "unavailable" in caplog.text


def test_a_search_the_directory_refuses_is_logged_as_a_deployment_problem(ldap_on, official, sign_in, caplog):
    ldap_on.SSO_LDAP_USER_SEARCH_BASE = f"ou=nobody,{SUFFIX}"
    assert sign_in("GZ1001", DIRECTORY_PASSWORD).status_code == 200
    assert "the search failed" in caplog.text
