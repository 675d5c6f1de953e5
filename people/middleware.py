import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
    logout,
)
from django.contrib.auth import get_user as auth_get_user
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.cache import DEFAULT_CACHE_ALIAS
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .identity_cache import header_for, identity_keys, identity_prefetch, user_remember
from .roles import is_staff_account
from .second_factor import SECOND_FACTOR_PASSED
from .session_policy import session_lifetime_check
from .sso import local_password_allowed

STAFF_CHECK = "people.staff_checked"
STAFF_CHECK_SECONDS = 300


# Names the signed-in user to the server before their session is read, so that the session and
# the user's identity entries come in one cache round trip. Only a hint: the session decides who
# is signed in, and a hint naming anyone else costs the request a second round trip, nothing more.
USER_HINT_COOKIE = "training_user"


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the signed-in user's row and header facts read
    from the shared cache (people.identity_cache) instead of the database, in the same round
    trip as the session when the browser's USER_HINT_COOKIE names the session's user. The
    session is verified against the row as Django does (its auth hash, which changes with the
    password and when every session is signed out); anything unusual (a hash that only a
    fallback secret verifies, an unknown backend) goes through Django's own get_user."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_cached(request))

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is None or (isinstance(user, SimpleLazyObject) and not hasattr(request, "_cached_user")):
            return response  # the request never asked who it came from (login() sets a user)
        hint = request.COOKIES.get(USER_HINT_COOKIE)
        where = {"path": settings.SESSION_COOKIE_PATH, "domain": settings.SESSION_COOKIE_DOMAIN}
        if user.is_authenticated:
            if hint != str(user.pk):
                response.set_cookie(
                    USER_HINT_COOKIE,
                    str(user.pk),
                    max_age=None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                    **where,
                )
        elif hint is not None:
            response.delete_cookie(USER_HINT_COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE, **where)
        return response


def _user_cached(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _user_from_session(request)
    return request._cached_user


def _user_from_session(request):
    session = request.session
    hinted_id, found = _hinted_identity(request)
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    user, header = identity_prefetch(user_id, found if user_id == hinted_id else None)
    if user is None:
        user = load_backend(backend_path).get_user(user_id)
        if user is None:
            return AnonymousUser()
        user_remember(user)
    session_hash = session.get(HASH_SESSION_KEY)
    if not (session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())):
        return auth_get_user(request)  # fallback secrets, or the session is flushed
    user._identity_prefetched = header
    return user


def _hinted_identity(request) -> tuple[int | None, dict | None]:
    """The user the browser's hint names and their identity entries, read with the session's
    (not yet loaded) cache entry; (None, None) without a usable hint."""
    hint = request.COOKIES.get(USER_HINT_COOKIE, "")
    session = request.session
    if not (hint.isascii() and hint.isdigit() and len(hint) <= 18 and hasattr(session, "load_with")):
        return None, None
    if settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
        return None, None  # the identity entries live in the default cache
    hinted_id = int(hint)
    return hinted_id, session.load_with(identity_keys(hinted_id))


class PasswordChangeRequiredMiddleware:
    """Accounts created with an initial password or an activation code, or whose password is
    too old, go to the password page until they choose their own; signing out, static files
    and the second-factor pages (which come first for staff) stay reachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            # Officials who sign in only through the identity system have no local password
            # to change.
            and local_password_allowed(user)
        ):
            allowed = (
                reverse("account_change_password"),
                # Accounts signed in with an activation code have no password yet to change.
                reverse("account_set_password"),
                reverse("account_logout"),
                reverse("account_reauthenticate"),
                reverse("mfa_index"),
                reverse("session_keepalive"),
                "/static/",
                "/i18n/",
            )
            if not request.path.startswith(allowed):
                return redirect("account_change_password")
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """MLPS level 3 session limits: a session ends after SESSION_IDLE_MINUTES without a request
    and SESSION_ABSOLUTE_HOURS after its sign-in, whatever the activity. The request then goes
    on as anonymous, so each view answers as it does for anyone signed out (a page sends to the
    sign-in page and back, a study heartbeat is refused). Requests a page makes by itself
    while open (Wagtail's editing-session pings) are not someone at the keyboard."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = session_lifetime_check(
                request.session,
                now=time.time(),
                activity=not request.path.startswith(settings.SESSION_PASSIVE_PATHS),
            )
            if ended:
                logout(request)
                messages.info(request, ended)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """With MFA_REQUIRED_FOR_STAFF, staff accounts (any group but the officials', and
    superusers) must set up a second factor before anything else, and every session must have
    passed one: a session that signed in without it (before enrolment, or through single
    sign-on of an account enrolled since) reaches nothing but the second step, so that the
    password alone cannot read recovery codes, remove the owner's authenticator or change the
    password. Officials may enrol; it is then asked at sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.MFA_REQUIRED_FOR_STAFF:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            # Officials first: their requests (study heartbeats) need no path reversed.
            or not self._is_staff(request, user)
            or request.path.startswith(self._always_open())
        ):
            return self.get_response(request)
        if header_for(user).second_factor:
            if request.session.get(SECOND_FACTOR_PASSED) or request.path in self._second_step():
                return self.get_response(request)
            return redirect_to_login(request.get_full_path(), reverse("mfa_reauthenticate"), "next")
        # No second factor (never set up, removed, or reset by the security administrator): a
        # pass from before does not count.
        request.session.pop(SECOND_FACTOR_PASSED, None)
        if request.path.startswith(self._enrolment()):
            return self.get_response(request)
        messages.warning(
            request,
            _(
                "Your role requires two-factor sign-in. Set up an authenticator app on your "
                "phone (or a security key) to continue."
            ),
        )
        return redirect_to_login(request.get_full_path(), reverse("mfa_activate_totp"), "next")

    @staticmethod
    def _is_staff(request, user) -> bool:
        """is_staff_account, remembered in the session for a few minutes: an official's study
        heartbeats do not each ask the database for their groups, and a role granted during a
        session still needs the second factor within minutes."""
        now = time.time()
        remembered = request.session.get(STAFF_CHECK)
        if remembered and now - remembered[1] < STAFF_CHECK_SECONDS:
            return remembered[0]
        staff = is_staff_account(user)
        request.session[STAFF_CHECK] = [staff, now]
        return staff

    @staticmethod
    def _always_open() -> tuple[str, ...]:
        return (reverse("account_logout"), reverse("session_keepalive"), "/static/", "/i18n/")

    @staticmethod
    def _second_step() -> tuple[str, ...]:
        return (
            reverse("mfa_authenticate"),
            reverse("mfa_reauthenticate"),
            reverse("mfa_reauthenticate_webauthn"),
        )

    @staticmethod
    def _enrolment() -> tuple[str, ...]:
        return (
            reverse("mfa_index"),
            # allauth asks for the password again before a new factor is added.
            reverse("account_reauthenticate"),
            reverse("account_change_password"),
            reverse("account_set_password"),
        )
