"""Test runs: fast hashing, an in-memory cache and mail outbox, no manifest for static files."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not REDIS_URL:  # noqa: F405 - CI runs the suite once more against a real Redis
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = BASE_DIR / "media-test"  # noqa: F405
PRIVATE_ROOT = BASE_DIR / "private-test"  # noqa: F405
STORAGES["private"]["OPTIONS"] = {"location": PRIVATE_ROOT}  # noqa: F405
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,  # noqa: F405
    # Axes warns that a per-process cache cannot share counters between workers; a test
    # run is one process, and deployed settings use the database table or Redis.
    "axes.W001",
]
DEMO_DATA_ALLOWED = True
# Django empties SQLite tables between transactional tests with DELETE, which the audit log's
# retention trigger would refuse; tests/audit installs the triggers themselves to test them.
AUDIT_LOG_GUARD_SQLITE = False
# Tasks run inline in tests; tests/records/test_import_jobs.py runs the real queue and worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
