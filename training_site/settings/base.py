"""Settings shared by every environment; safe by default (no secret, DEBUG off).

The environment is read here and only here (django-environ). Each variable is listed in
`.env.example` and in the README's production section.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core",
    "audit",
    "people",
    "courses",
    "quizzes",
    "drills",
    "certificates",
    "records",
    "demo",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "people.apps.PeopleUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Always installed, so that the tables and URLs do not depend on the environment; with
    # SSO_OIDC_SERVER_URL empty there is no provider to sign in with (people/sso_oidc.py).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "people.middleware.CachedAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "people.middleware.PasswordChangeRequiredMiddleware",
    "people.middleware.SessionLifetimeMiddleware",
    "people.middleware.SecondFactorRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "training_site.urls"
WSGI_APPLICATION = "training_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.site",
                "records.context_processors.claims",
            ],
        },
    },
]

# Database: an SQLite file unless DATABASE_URL names another (postgres://user@host:5432/name).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions take the write
    # lock up front, so concurrent writers wait (busy timeout) instead of failing mid-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's cursors bind parameters on the client and are never prepared, whatever this
    # says; it lets the one statement that asks for it (the steady study heartbeat,
    # courses.steady_beat) be prepared once per connection. Django's default (None) forbids
    # it, for transaction-mode connection poolers (PgBouncer before 1.21): set
    # DATABASE_PREPARED_STATEMENTS=0 behind one.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env.bool("DATABASE_PREPARED_STATEMENTS", default=True) else None
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is given, otherwise a database table that every process on
# the machine shares (login lockout counters must be seen by all workers).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis, so that Redis being down degrades instead of failing every page: a read
    # misses, a write is dropped (both logged on `training.cache`), sessions come from the
    # database, and password sign-in is refused while the failure counters are out of reach
    # (people.lockout.SharedCountersRequiredBackend). Short timeouts: a hung Redis costs each
    # request at most about a second.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Entries copy rows of one database (users, pages): sites whose databases share a
            # Redis (staging beside production, a benchmark's) must never read each other's.
            "KEY_PREFIX": "training-"
            + hashlib.blake2b(
                f"{DATABASES['default'].get('HOST', '')}/{DATABASES['default']['NAME']}".encode(),
                digest_size=6,
            ).hexdigest(),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "training.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

SESSION_ENGINE = "people.session_store"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

# People and authentication
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    # Password sign-in waits while the shared cache holding the failure counters is down.
    "people.lockout.SharedCountersRequiredBackend",
    # Axes first: it refuses locked-out accounts before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Then account-wide protection: an account many addresses failed on signs in only from
    # the addresses it used before (people/lockout.py).
    "people.lockout.AccountWideProtectionBackend",
    # Local passwords: always for staff; for officials unless single sign-on is on and
    # SSO_LOCAL_PASSWORDS_FOR_OFFICIALS is off (people.sso.local_password_allowed).
    "people.backends.EmployeeIdOrEmailBackend",
    # First sign-in of imported accounts, with the code from HR's sheet (people/activation.py).
    "people.backends.ActivationCodeBackend",
    # The directory password, when SSO_LDAP_SERVER_URI is set. After the local passwords, so
    # that staff sign in without waiting on a directory that is down; after axes, so that its
    # failures count toward the lockout.
    "people.sso_ldap.LdapDirectoryBackend",
    "people.backends.AllauthPasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # MLPS level 3: at least three of the four kinds of character.
    {
        "NAME": "people.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": env.int("PASSWORD_MIN_CHARACTER_CLASSES", default=3)},
    },
    # Optional: not one of the last N passwords (0: off; production's default is 5).
    {
        "NAME": "people.validators.PasswordHistoryValidator",
        "OPTIONS": {"count": env.int("PASSWORD_HISTORY_COUNT", default=0)},
    },
]
# Optional: a local password older than this must be changed at the next sign-in (0: never;
# production's default is 90). Passwords kept by an identity system follow its own policy.
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "learner_home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "employee_id"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[网络技能培训] "
ACCOUNT_FORMS = {"login": "people.forms.LoginForm"}
ACCOUNT_SIGNUP_FORM_CLASS = "people.signup_forms.SignupForm"
ACCOUNT_USER_DISPLAY = "people.adapters.user_display"
# Failed logins: axes locks the account for the address they came from after
# LOGIN_FAILURE_LIMIT (below). allauth's per-address limit slows one address trying many
# accounts; its per-account limit, across addresses, is much higher, so that an attacker's
# failures from elsewhere do not stop the owner signing in (it blocks every address once
# reached: a distributed attack at that scale is for the security administrator).
ACCOUNT_RATE_LIMITS = {
    # allauth's per-account limit across addresses is left to people.lockout's account-wide
    # protection, which still lets the owner in from the addresses they usually sign in from.
    "login_failed": "10/m/ip",
    # Password-reset mail: a few per address and per account, whichever form asked.
    "reset_password": "5/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Every sign-in form is allauth's: Wagtail's admin login, its password reset and its
# page-privacy login redirect here (training_site/urls.py), so that one set of counters, rate
# limits and the two-factor step covers them all.
WAGTAILADMIN_LOGIN_URL = "/accounts/admin-entrance/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No shared page or collection passwords: each person signs in as themselves (and a shared
# password form would be a guessing target outside the sign-in counters).
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
# Two-factor sign-in (MLPS level 3 for administrators): an authenticator app (TOTP) with
# recovery codes, or a security key (WebAuthn). Required for every staff role when
# MFA_REQUIRED_FOR_STAFF is on (production's default): enrolment before anything else, and a
# second factor in every session (people.middleware.SecondFactorRequiredMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "网络技能培训"
# A code from the period before or after counts too (RFC 6238's allowance for a phone's clock
# and the time taken to type it).
MFA_TOTP_TOLERANCE = 1
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_FORMS = {
    "authenticate": "people.forms.SecondFactorAuthenticateForm",
    "reauthenticate": "people.forms.SecondFactorReauthenticateForm",
}
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)
# Sessions (MLPS level 3): signed out after IDLE minutes without a request (the page warns
# two minutes before), and after an absolute lifetime whatever the activity.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
# Requests an open page makes by itself, which are not activity (Wagtail's editor pings, a
# drill's feed polls).
SESSION_PASSIVE_PATHS = ("/admin/editing-sessions/", "/drills/feed/")
# Officials are provisioned by HR; public sign-up stays off unless a deployment opts in.
ACCOUNT_ALLOW_SIGNUP = env.bool("ACCOUNT_ALLOW_SIGNUP", default=False)

# Single sign-on with the province's identity system (统一身份认证): each protocol is on when
# its server is configured (people/sso.py holds the account rules for all of them; the
# protocol settings are in docs/deployment.md). Accounts are linked by employee ID; an
# unknown employee ID is refused unless SSO_PROVISION_OFFICIALS lets it create an official.
SSO_CAS_SERVER_URL = env.str("SSO_CAS_SERVER_URL", default="")
SSO_OIDC_SERVER_URL = env.str("SSO_OIDC_SERVER_URL", default="")
SSO_LDAP_SERVER_URI = env.str("SSO_LDAP_SERVER_URI", default="")
SSO_PROVISION_OFFICIALS = env.bool("SSO_PROVISION_OFFICIALS", default=False)
# Off: officials sign in only through the identity system (staff keep their local passwords).
SSO_LOCAL_PASSWORDS_FOR_OFFICIALS = env.bool("SSO_LOCAL_PASSWORDS_FOR_OFFICIALS", default=True)
# CAS (people/sso_cas.py): protocol 2 or 3. The employee ID is the CAS principal unless
# SSO_CAS_ATTRIBUTES names the attribute carrying it; it maps our fields employee_id, full_name,
# email and unit_code to attribute names, e.g. '{"employee_id": "employeeNumber", "full_name": "cn"}'.
SSO_CAS_VERSION = env.str("SSO_CAS_VERSION", default="3")
SSO_CAS_ATTRIBUTES = env.json("SSO_CAS_ATTRIBUTES", default={})
# The login page's button; empty: "Sign in with the unified identity system".
SSO_CAS_LABEL = env.str("SSO_CAS_LABEL", default="")

# LDAP directory sign-in (people/sso_ldap.py): the login forms check the employee ID and the
# directory password. The service account (anonymous without a DN) finds the person's entry with
# SSO_LDAP_USER_FILTER, where %(user)s is the login name escaped for LDAP filters; a bind as
# that entry then checks the password. SSO_LDAP_ATTRIBUTES maps our fields to attribute names.
SSO_LDAP_USER_SEARCH_BASE = env.str("SSO_LDAP_USER_SEARCH_BASE", default="")
SSO_LDAP_USER_FILTER = env.str("SSO_LDAP_USER_FILTER", default="(employeeNumber=%(user)s)")
SSO_LDAP_BIND_DN = env.str("SSO_LDAP_BIND_DN", default="")
SSO_LDAP_BIND_PASSWORD = env.str("SSO_LDAP_BIND_PASSWORD", default="")
SSO_LDAP_ATTRIBUTES = {
    "employee_id": "employeeNumber",
    "full_name": "cn",
    "email": "mail",
    "unit_code": "departmentNumber",
    **env.json("SSO_LDAP_ATTRIBUTES", default={}),
}
SSO_LDAP_START_TLS = env.bool("SSO_LDAP_START_TLS", default=False)
# The CA that signed the directory's certificate (ldaps:// or StartTLS); empty: the system's.
SSO_LDAP_CA_FILE = env.str("SSO_LDAP_CA_FILE", default="")
# An unreachable or stalled directory must not hold up the login form.
SSO_LDAP_TIMEOUT_SECONDS = env.float("SSO_LDAP_TIMEOUT_SECONDS", default=5.0)

# OpenID Connect: allauth's socialaccount with its openid_connect provider, whose one client
# (the authorization code flow with PKCE) people/sso_oidc.py builds from these settings when
# SSO_OIDC_SERVER_URL (the issuer) is set. Its redirect URI: /accounts/oidc/<id below>/login/callback/.
SSO_OIDC_PROVIDER_ID = "unified-identity"
SSO_OIDC_CLIENT_ID = env.str("SSO_OIDC_CLIENT_ID", default="")
SSO_OIDC_CLIENT_SECRET = env.str("SSO_OIDC_CLIENT_SECRET", default="")
# The sign-in button's text; empty: "统一身份认证登录".
SSO_OIDC_LABEL = env.str("SSO_OIDC_LABEL", default="")
# Which claim holds each of our fields; SSO_OIDC_CLAIMS (JSON) overrides some or all. No
# standard claim holds the 工号: an identity server without an "employee_id" claim must be
# mapped, or every sign-in is refused (never guessed from a login name).
SSO_OIDC_CLAIMS = {
    "employee_id": "employee_id",
    "full_name": "name",
    "email": "email",
    "unit_code": "unit_code",
    **env.json("SSO_OIDC_CLAIMS", default={}),
}
SOCIALACCOUNT_ADAPTER = "people.sso_oidc.OidcAccountAdapter"
# Opening the sign-in URL shows a page whose button (a POST) starts the sign-in, so that no
# other site can start one in the background.
SOCIALACCOUNT_LOGIN_ON_GET = False
# Accounts are linked by 工号 only, never by an email address the identity server sent.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False

# Lockout: five failures in a row from one address lock the account for that address for the
# cool-off period; the owner signing in from elsewhere is not locked out by someone guessing
# (an account locked outright was anyone's to lock). Counters live in the cache above, so
# every worker process sees them.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Account-wide protection (people/lockout.py): this many failures from any addresses within an
# hour limit the account to the addresses it signed in from before, for the minutes below, and
# tell the security administrators.
LOGIN_ACCOUNT_WIDE_FAILURES = env.int("LOGIN_ACCOUNT_WIDE_FAILURES", default=30)
LOGIN_ACCOUNT_PROTECTION_MINUTES = env.int("LOGIN_ACCOUNT_PROTECTION_MINUTES", default=60)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "people.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# The client's address, for lockout, rate limits, login records, audit rows and certificate
# lookups (all read it through axes, which uses django-ipware). Behind the reverse proxy
# (PROXY_COUNT ≥ 1) it is the X-Real-IP header that the nearest proxy, nginx, sets from the
# connection, overwriting whatever a client sent (with more proxies in front, nginx's realip
# module finds the client first: docs/deployment.md). Without a proxy only the connection's
# address counts, so a client's own X-Forwarded-For or X-Real-IP is never believed.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"] if PROXY_COUNT else ["REMOTE_ADDR"]
# allauth's rate limits read the address themselves: the same header.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP" if PROXY_COUNT else None
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = [
    # security.W019 wants X_FRAME_OPTIONS = "DENY"; Wagtail's live preview shows our own
    # pages in a same-origin frame, so SAMEORIGIN is needed and still blocks other sites.
    "security.W019",
]

# Internationalisation: Chinese first, English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project's own catalogue first (makemessages writes there), then the translations of
# Wagtail's admin strings that Wagtail's zh_Hans catalogue lacks (kept by hand; a test lists
# what a Wagtail upgrade adds).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "static_collected")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Course media (images, videos, documents): every /media/ URL goes through the application,
# which serves a file only to those who may see a page using it (courses/media.py).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files with personal data (certificate PDFs): no URL maps to this directory.
PRIVATE_ROOT = Path(env.str("PRIVATE_ROOT", default=str(BASE_DIR / "private")))
STORAGES = {
    # MEDIA_STORAGE names another storage class (for example an S3-compatible one from
    # django-storages) for deployments with a shared object store; options come as JSON.
    "default": {
        "BACKEND": env.str("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={}),
    },
    "private": {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Behind nginx (deploy/nginx/), authorised files are handed to the proxy: each storage alias
# maps to an `internal` location that aliases its directory. Off: the application streams
# them itself, with byte ranges (core/files.py).
FILES_ACCEL_REDIRECT = env.bool("FILES_ACCEL_REDIRECT", default=False)
FILES_ACCEL_LOCATIONS = {"default": "/_protected/media/", "private": "/_protected/private/"}
FILE_UPLOAD_PERMISSIONS = 0o640
# Uploads above 2.5 MB go to a temporary file, never into memory; lecture videos may be large.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
# Every message goes to the task queue first (core.mail); the task sends it through EMAIL_URL's
# transport, and tries again later when the mail server refuses.
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="网络技能培训 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks: Django's tasks API with django-tasks-db's queue in the database, worked by
# `manage.py db_worker` (which `make run` starts beside the web server). TASKS_BACKEND names
# another backend, e.g. django_tasks.backends.immediate.ImmediateBackend to run tasks inline.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# Periodic jobs (core.scheduler), queued by `task_worker --schedule` or `run_scheduler` at
# these times (cron syntax, in TIME_ZONE): name -> (task, when).
SCHEDULED_JOBS = {
    # Tasks of workers that died queued again; old results forgotten.
    "task_queue_tidy": ("core.task_queue.task_queue_tidy_task", "* * * * *"),
    "expired_attempts_close": ("quizzes.services.attempts.attempts_close_expired_task", "*/5 * * * *"),
    "expired_drill_runs_close": ("drills.services.runs.runs_close_expired_task", "*/5 * * * *"),
    "activation_sheets_expire": (
        "records.services.import_jobs.import_jobs_expire_credentials_task",
        "7 * * * *",
    ),
    "reminders_send": ("records.services.assignments.reminders_send_task", "0 8 * * *"),
    "audit_log_prune": ("audit.services.audit_log_prune_task", "30 3 1 * *"),
    "certificate_archives_prune": ("certificates.services.certificate_archives_prune_task", "45 2 * * *"),
}

# Wagtail
WAGTAIL_SITE_NAME = "网络技能培训"
WAGTAILADMIN_BASE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv", "docx", "mp3", "mp4", "odt", "pdf", "pptx", "txt", "vtt", "webm", "xlsx", "zip",
]  # fmt: skip
# Lesson videos play in the page and captions load into it, so they are served inline.
WAGTAILDOCS_INLINE_CONTENT_TYPES = [
    "application/pdf", "audio/mpeg", "text/plain", "text/vtt", "video/mp4", "video/webm",
]  # fmt: skip
# Documents are always served by the application's view, which checks who may see them.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# A 45-minute lecture is a few hundred MB; the proxy's client_max_body_size must allow as much.
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("DOCUMENT_MAX_UPLOAD_MB", default=500) * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("IMAGE_MAX_UPLOAD_MB", default=10) * 1024 * 1024
# An isolated intranet: no avatars from gravatar.com, no update check against wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# One time zone for everyone: the admin's account page offers no world list to pick from.
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Pages restricted to signed-in users send visitors to the site's own sign-in page.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Every application logger (training.auth, training.audit, training.certificates, ...):
        # sign-ins, audit rows and certificate events reach the application log.
        "training": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Product settings

# Learning rules
YEARLY_CREDIT_HOURS = env.int("YEARLY_CREDIT_HOURS", default=50)  # unless set per position/rank
# Seconds between study heartbeats; one heartbeat can never credit more than this.
STUDY_HEARTBEAT_SECONDS = 15
# A server process imports its URL configurations, compiles templates and connects before it
# serves its first request (core.warmup, from training_site/wsgi.py).
WARM_UP = env.bool("WARM_UP", default=True)
# Presence checks: after every 10 to 20 minutes of study (at random), a "继续学习" prompt that
# must be answered within 60 seconds, or the study time from the prompt on is not credited.
PRESENCE_CHECK_MINUTES = (
    env.int("PRESENCE_CHECK_MIN_MINUTES", default=10),
    env.int("PRESENCE_CHECK_MAX_MINUTES", default=20),
)
PRESENCE_CHECK_ANSWER_SECONDS = env.int("PRESENCE_CHECK_ANSWER_SECONDS", default=60)
# One study session per account: a new sign-in ends study credit in the account's older
# sessions (they stay signed in and say why they earn nothing). On by default in production.
ONE_STUDY_SESSION_PER_ACCOUNT = env.bool("ONE_STUDY_SESSION_PER_ACCOUNT", default=False)
# A unit's own TrueType font for certificates (宋体/仿宋); default: Debian's WenQuanYi font.
CERTIFICATE_FONT_PATH = env.str("CERTIFICATE_FONT_PATH", default="")
# HR's certificate ZIP streams up to this many certificates; more are built by a task worker,
# and HR is sent a message with the link.
CERTIFICATE_ZIP_INLINE_MAX = env.int("CERTIFICATE_ZIP_INLINE_MAX", default=200)
# Days an activation code from an onboarding sheet stays valid.
ACTIVATION_CODE_DAYS = env.int("ACTIVATION_CODE_DAYS", default=30)
# Public certificate lookups allowed per client address.
VERIFY_RATE = env.str("VERIFY_RATE", default="20/m")
# Seconds a quiz answer may arrive after the attempt's deadline (network lag).
QUIZ_GRACE_SECONDS = 30

# The demo data command refuses to run unless a settings module allows it (never production).
DEMO_DATA_ALLOWED = False
