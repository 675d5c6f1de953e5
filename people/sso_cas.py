"""Sign-in through a CAS server (Apereo CAS protocol 2 or 3), the province's unified identity system.

The browser goes to the CAS server with our callback as the service; the server sends it back
with a service ticket, which the callback validates with the server directly. The identity the
server vouches for becomes an account only through people.sso's rules, and the sign-in then
finishes through allauth, so that its login stages (two-factor authentication among them) and
Django's user_logged_in apply exactly as for a password.
"""

import logging
from xml.etree.ElementTree import ParseError

import requests
from allauth.account.adapter import get_adapter
from allauth.account.utils import perform_login
from cas import CASClient, CASClientV2

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import services
from .sso import SignInRefused, VouchedIdentity, sso_account

log = logging.getLogger("training.auth")

IDENTITY_FIELDS = ("employee_id", "full_name", "email", "unit_code")
SUPPORTED_VERSIONS = ("2", "3")
# Where the browser goes after signing in, kept from the start of the round trip so that the
# service URL registered at the CAS server is one fixed address.
SESSION_NEXT_KEY = "people_cas_next"
# This session began at the CAS server, so signing out here signs out there too.
SESSION_CAS_KEY = "people_cas_signed_in"
# A sign-in waits for the ticket validation: an unresponsive server must not hold a worker.
VALIDATION_TIMEOUT_SECONDS = 10


def cas_enabled() -> bool:
    return bool(settings.SSO_CAS_SERVER_URL)


class _TimeoutSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", VALIDATION_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def cas_client(request: HttpRequest) -> CASClientV2:
    version = str(settings.SSO_CAS_VERSION)
    if version not in SUPPORTED_VERSIONS:
        raise ImproperlyConfigured(f"SSO_CAS_VERSION must be one of {', '.join(SUPPORTED_VERSIONS)}.")
    server_url = settings.SSO_CAS_SERVER_URL
    return CASClient(
        version=version,
        # The client joins "login", "p3/serviceValidate" and "logout" onto this URL.
        server_url=server_url if server_url.endswith("/") else f"{server_url}/",
        service_url=request.build_absolute_uri(reverse("cas_callback")),
        session=_TimeoutSession(),
    )


def attribute_mapping() -> dict[str, str]:
    """Our field → the CAS attribute carrying it (SSO_CAS_ATTRIBUTES)."""
    mapping = settings.SSO_CAS_ATTRIBUTES or {}
    unknown = set(mapping) - set(IDENTITY_FIELDS)
    if unknown:
        raise ImproperlyConfigured(
            f"SSO_CAS_ATTRIBUTES maps unknown fields {sorted(unknown)}; known: {', '.join(IDENTITY_FIELDS)}."
        )
    return mapping


def vouched_identity(principal: str, attributes: dict) -> VouchedIdentity:
    """What the CAS server said, mapped to our fields; the employee ID is the principal unless
    an attribute is named for it."""
    mapping = attribute_mapping()

    def attribute(field: str) -> str:
        value = attributes.get(mapping[field]) if mapping.get(field) else None
        if isinstance(value, list):
            value = value[0] if value else None
        return str(value or "").strip()

    return VouchedIdentity(
        employee_id=attribute("employee_id") if mapping.get("employee_id") else principal,
        full_name=attribute("full_name"),
        email=attribute("email"),
        unit_code=attribute("unit_code"),
    )


def signed_in_through_cas(request: HttpRequest) -> bool:
    return cas_enabled() and bool(getattr(request, "session", {}).get(SESSION_CAS_KEY))


def cas_logout_url(request: HttpRequest) -> str:
    """The CAS server's logout, which then returns the browser to our sign-in page."""
    login_page = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    return cas_client(request).get_logout_url(redirect_url=login_page)


def _safe_next(request: HttpRequest, next_url: str) -> str:
    # The same rule as allauth's own `next` after a password sign-in: this site's hosts only.
    return next_url if next_url and get_adapter(request).is_safe_url(next_url) else ""


@never_cache
@require_GET
def cas_login(request: HttpRequest) -> HttpResponse:
    if not cas_enabled():
        raise Http404
    request.session[SESSION_NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
    return redirect(cas_client(request).get_login_url())


@never_cache
@require_GET
def cas_callback(request: HttpRequest) -> HttpResponse:
    if not cas_enabled():
        raise Http404
    if SESSION_NEXT_KEY not in request.session:
        # A ticket this browser did not ask for: from the identity system's portal, or planted
        # to sign the visitor in as someone else (login CSRF). Either way, start a round trip
        # of this browser's own; the CAS server's session decides who comes back.
        return redirect(cas_client(request).get_login_url())
    next_url = _safe_next(request, request.session.pop(SESSION_NEXT_KEY, ""))
    ticket = request.GET.get("ticket", "")
    if not ticket:
        return _refused(request, _("The identity system did not confirm your sign-in. Please try again."))
    try:
        principal, attributes, _proxy_ticket_iou = cas_client(request).verify_ticket(ticket)
    except requests.RequestException:
        log.exception("cas ticket validation: the server at %s did not answer", settings.SSO_CAS_SERVER_URL)
        return _refused(
            request,
            _("The identity system cannot be reached at the moment. Please try again later."),
        )
    except (ParseError, IndexError, AttributeError):
        log.warning("cas ticket validation: the server's answer was not a CAS response")
        principal = None
    if not principal:
        return _refused(request, _("The identity system did not confirm your sign-in. Please try again."))

    identity = vouched_identity(principal, attributes or {})
    try:
        user = sso_account(identity, source="cas")
    except SignInRefused as refused:
        return _refused(request, refused.message, identifier=identity.employee_id or principal)

    # Before the login as well as after: a two-factor stage finishes the login in a later request.
    request.session[SESSION_CAS_KEY] = True
    response = perform_login(request, user, redirect_url=next_url or None)
    if request.user.is_authenticated:
        request.session[SESSION_CAS_KEY] = True
    return response


def _refused(request: HttpRequest, message: str, *, identifier: str = "") -> HttpResponse:
    services.login_event_record(request=request, identifier=identifier, user=None, succeeded=False)
    return render(request, "people/sso_refused.html", {"message": message}, status=403)
