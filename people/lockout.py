from .backends import user_for_login_name


def lockout_username(request, credentials) -> str:
    """The key that failed logins are counted against: the account itself, so that switching
    between employee ID, email and letter case does not earn extra attempts."""
    credentials = credentials or {}
    login_name = (
        credentials.get("username")
        or credentials.get("email")
        or request.POST.get("login")
        or request.POST.get("username")
        or ""
    )
    user = user_for_login_name(login_name) if login_name else None
    if user is not None:
        return f"user:{user.pk}"
    return login_name.strip().lower()
