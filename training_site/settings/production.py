"""Production: every secret from the environment, HTTPS only, hashed static files."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# The public address: printed in certificate QR codes and email links, so never a default.
WAGTAILADMIN_BASE_URL = env.str("SITE_URL")
if not SECRET_KEY or not ALLOWED_HOSTS or not WAGTAILADMIN_BASE_URL:
    raise ImproperlyConfigured("SECRET_KEY, ALLOWED_HOSTS and SITE_URL must be set in production.")

# Cadre platforms credit study to the latest sign-in only (base.py).
ONE_STUDY_SESSION_PER_ACCOUNT = env.bool("ONE_STUDY_SESSION_PER_ACCOUNT", default=True)
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
AUTH_PASSWORD_VALIDATORS = [  # noqa: F405
    {**validator, "OPTIONS": {"count": env.int("PASSWORD_HISTORY_COUNT", default=5)}}
    if validator["NAME"].endswith("PasswordHistoryValidator")
    else validator
    for validator in AUTH_PASSWORD_VALIDATORS  # noqa: F405
]

# Behind nginx (deploy/nginx/), which serves authorised files from its internal locations.
FILES_ACCEL_REDIRECT = env.bool("FILES_ACCEL_REDIRECT", default=True)

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,  # noqa: F405
    # HSTS preload lists are for public hostnames; intranet hosts cannot be on them, so the
    # preload directive is opt-in through SECURE_HSTS_PRELOAD.
    "security.W021",
]
