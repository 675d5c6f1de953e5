"""OpenID Connect sign-in, through allauth's socialaccount and its openid_connect provider.

allauth runs the authorization code flow (with PKCE) and checks the ID token; this adapter maps
the identity server's claims (SSO_OIDC_CLAIMS) to a VouchedIdentity and lets people/sso.py
decide the account, which allauth then signs in through its own login flow, so every stage it
adds (a second factor) applies. Nothing here creates an account or grants a role.
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthError

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import services
from .sso import SignInRefused, VouchedIdentity, oidc_sign_in_label, sso_account


def oidc_app() -> SocialApp | None:
    """The identity server as allauth's client configuration, or None when OIDC is off."""
    if not settings.SSO_OIDC_SERVER_URL:
        return None
    return SocialApp(
        provider="openid_connect",
        provider_id=settings.SSO_OIDC_PROVIDER_ID,
        name=oidc_sign_in_label(),
        client_id=settings.SSO_OIDC_CLIENT_ID,
        secret=settings.SSO_OIDC_CLIENT_SECRET,
        settings={"server_url": settings.SSO_OIDC_SERVER_URL, "oauth_pkce_enabled": True},
    )


def vouched_identity(claims: dict) -> VouchedIdentity:
    """The identity server's claims, read through SSO_OIDC_CLAIMS."""

    def claim(field: str) -> str:
        value = claims.get(settings.SSO_OIDC_CLAIMS.get(field) or "")
        return "" if value is None else str(value).strip()

    return VouchedIdentity(
        employee_id=claim("employee_id"),
        full_name=claim("full_name"),
        email=claim("email"),
        unit_code=claim("unit_code"),
    )


def _claims(sociallogin: SocialLogin) -> dict:
    data = sociallogin.account.extra_data or {}
    # The userinfo answer wins over the ID token, as allauth reads them.
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def sign_in_refused_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "people/sso_refused.html", {"message": message}, status=403)


class OidcAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        """Only the identity server configured in settings; never a client stored in the
        database, so that no data can add a way in."""
        app = oidc_app()
        if app is None or provider not in (None, app.provider, app.provider_id):
            return []
        if client_id not in (None, app.client_id):
            return []
        return [app]

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin: SocialLogin) -> None:
        identity = vouched_identity(_claims(sociallogin))
        try:
            user = sso_account(identity, source="oidc")
        except SignInRefused as refused:
            services.login_event_record(
                request=request, identifier=identity.employee_id, user=None, succeeded=False
            )
            raise ImmediateHttpResponse(sign_in_refused_page(request, refused.message)) from None
        if sociallogin.account.pk is None:
            sociallogin.connect(request, user)
        elif sociallogin.account.user_id != user.pk:
            # The 工号 decides the account, even when the identity server's subject was
            # linked to another one before.
            sociallogin.account.user = user
            sociallogin.account.save(update_fields=["user"])
        sociallogin.user = user

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """A failed sign-in (a forged or stale answer, an identity server that could not be
        checked) is recorded like a wrong password; a sign-in the person cancelled is not."""
        if error != AuthError.CANCELLED:
            services.login_event_record(request=request, identifier="", user=None, succeeded=False)
