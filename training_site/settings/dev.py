"""Local development: debug on, a fixed throwaway key, mail printed to the console."""

import warnings

from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-8d3f0a6c1e2b4f7a9c5d")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
DEMO_DATA_ALLOWED = True
# Security keys on http://127.0.0.1 (browsers allow WebAuthn on localhost without HTTPS).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

# Static files come from the finders in development; nothing is collected.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
