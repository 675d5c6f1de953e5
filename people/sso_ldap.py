"""Password sign-in against the province's directory over LDAP (SSO_LDAP_*, docs/deployment.md).

The login forms' employee ID and password are checked by the directory: the service account
finds the person's entry (SSO_LDAP_USER_FILTER), then a bind as that entry checks the password.
Which account that signs in, if any, is people.sso's decision, as for every protocol.

A refusal from people.sso (unknown employee ID, disabled account) cannot travel back through
django.contrib.auth.authenticate(), which only says "no user"; and raising PermissionDenied
would stop the remaining backends. So the backend notes the refusal on the request
(people/sign_in_refusals.py) and the login form shows it in place of "wrong password".
"""

import contextlib
import dataclasses
import logging
import ssl

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.core.results import RESULT_SIZE_LIMIT_EXCEEDED, RESULT_SUCCESS
from ldap3.utils.conv import escape_filter_chars

from django.conf import settings
from django.contrib.auth.backends import BaseBackend

from .models import User
from .sign_in_refusals import sign_in_refusal_note
from .sso import SignInRefused, VouchedIdentity, sso_account

auth_log = logging.getLogger("training.auth")

SOURCE = "ldap"


class DirectoryUnavailable(Exception):
    """The directory could not answer: unreachable, too slow, or the service account refused."""


class LdapDirectoryBackend(BaseBackend):
    """Signs in with the directory password when SSO_LDAP_SERVER_URI is set.

    Login names with an @ are left to the local backends: the directory is searched by
    employee ID. An unavailable directory is logged and counts as "no user", so the local
    passwords that remain allowed (people.sso.local_password_allowed) still work.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.SSO_LDAP_SERVER_URI or not username or not password:
            return None
        login_name = username.strip()
        if not login_name or "@" in login_name:
            return None
        try:
            identity = directory_identity(login_name, password)
        except DirectoryUnavailable as error:
            auth_log.warning(
                "LDAP directory %s unavailable, only local passwords can sign in: %s",
                settings.SSO_LDAP_SERVER_URI,
                error,
            )
            return None
        if identity is None:
            return None
        try:
            return sso_account(identity, source=SOURCE)
        except SignInRefused as refused:
            auth_log.info("LDAP sign-in of %s refused: %s", identity.employee_id, refused.message)
            sign_in_refusal_note(request, refused.message)
            return None

    def get_user(self, user_id):
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


def directory_identity(login_name: str, password: str) -> VouchedIdentity | None:
    """What the directory says about the person whose entry matches the login name, when the
    password is theirs; None when no single entry matches or the password is wrong."""
    server = _server()
    mapping = settings.SSO_LDAP_ATTRIBUTES
    service = _bound_connection(server, settings.SSO_LDAP_BIND_DN, settings.SSO_LDAP_BIND_PASSWORD)
    if service is None:
        raise DirectoryUnavailable("the service account (SSO_LDAP_BIND_DN) could not bind")
    try:
        search_filter = settings.SSO_LDAP_USER_FILTER % {"user": escape_filter_chars(login_name)}
        found = service.search(
            settings.SSO_LDAP_USER_SEARCH_BASE,
            search_filter,
            search_scope=SUBTREE,
            attributes=[name for name in mapping.values() if name],
            # Two are enough to know the login name is ambiguous.
            size_limit=2,
        )
        # Anything but "found" or "more than two" is the deployment's mistake (a wrong search
        # base, a service account without read access): a warning, not a wrong password.
        if not found and service.result.get("result") not in (RESULT_SUCCESS, RESULT_SIZE_LIMIT_EXCEEDED):
            raise DirectoryUnavailable(f"the search failed: {service.result.get('description')}")
        entries = [entry for entry in service.response or [] if entry.get("type") == "searchResEntry"]
    except LDAPException as error:
        raise DirectoryUnavailable(error) from error
    finally:
        _close(service)
    if len(entries) != 1:
        if len(entries) > 1:
            auth_log.warning("LDAP filter %s matches more than one entry: nobody signs in", search_filter)
        return None
    entry = entries[0]
    person = _bound_connection(server, entry["dn"], password)
    if person is None:
        return None
    _close(person)
    attributes = entry.get("attributes") or {}
    fields = [field.name for field in dataclasses.fields(VouchedIdentity)]
    return VouchedIdentity(**{field: _first_value(attributes, mapping.get(field)) for field in fields})


def _server() -> Server:
    # ldap3's own default accepts any certificate; the directory must prove who it is.
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.SSO_LDAP_CA_FILE or None)
    return Server(
        settings.SSO_LDAP_SERVER_URI,
        connect_timeout=settings.SSO_LDAP_TIMEOUT_SECONDS,
        get_info=NONE,
        tls=tls,
    )


def _bound_connection(server: Server, dn: str, password: str) -> Connection | None:
    """A connection bound as `dn` (anonymously without one), or None when the directory refuses
    the password. DirectoryUnavailable when it cannot be asked."""
    connection = Connection(
        server,
        user=dn or None,
        password=password or None,
        read_only=True,
        receive_timeout=settings.SSO_LDAP_TIMEOUT_SECONDS,
        auto_referrals=False,
    )
    try:
        connection.open()
        if settings.SSO_LDAP_START_TLS and not connection.start_tls():
            raise DirectoryUnavailable("StartTLS failed")
        if connection.bind():
            return connection
    except LDAPException as error:
        _close(connection)
        raise DirectoryUnavailable(error) from error
    except DirectoryUnavailable:
        _close(connection)
        raise
    _close(connection)
    return None


def _close(connection: Connection) -> None:
    with contextlib.suppress(LDAPException):
        connection.unbind()


def _first_value(attributes, name: str | None) -> str:
    if not name:
        return ""
    value = attributes.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").strip()
