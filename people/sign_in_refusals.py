"""Why a sign-in was refused, carried from an authentication backend to the login form.

django.contrib.auth.authenticate() only says "no user", so a backend that refuses for a reason
the person should read (an identity server vouched for an unknown 工号; the account is under
account-wide protection) notes it on the request, and people.forms.LoginForm shows it in place
of "wrong password".
"""

from django.http import HttpRequest

_ATTRIBUTE = "_sign_in_refusal"


def sign_in_refusal_note(request: HttpRequest | None, message: str) -> None:
    if request is not None:
        setattr(request, _ATTRIBUTE, message)


def sign_in_refusal(request: HttpRequest | None) -> str | None:
    return getattr(request, _ATTRIBUTE, None)
