from django.urls import include, path
from django.views.generic import RedirectView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import views as core_views
from courses import media_views
from people import views as people_views

urlpatterns = [
    # Browsers ask for /favicon.ico on pages without an icon link (the error pages, PDFs).
    path("favicon.ico", core_views.favicon),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/live", core_views.liveness, name="liveness"),
    # One sign-in for everyone: Wagtail's own login and password-reset forms, and its
    # page-privacy login, send to allauth's (its counters, rate limits and two-factor step).
    path("admin/login/", RedirectView.as_view(pattern_name="admin_entrance", query_string=True)),
    path("accounts/admin-entrance/", people_views.admin_entrance, name="admin_entrance"),
    path("accounts/session/keepalive/", people_views.session_keepalive, name="session_keepalive"),
    path(
        "admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password", query_string=False),
    ),
    path("courses/_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/cas/", include("people.sso_cas_urls")),
    # Identity-system sign-ins are linked to accounts by 工号 (people/sso.py), never by hand:
    # allauth's page for connecting and disconnecting them is not offered.
    path("accounts/3rdparty/", RedirectView.as_view(pattern_name="learner_home")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Ahead of Wagtail's pattern for the same URLs: sign-in first, then Wagtail's view and our hook.
    path("documents/<int:document_id>/<str:document_filename>", media_views.document_file),
    path("documents/", include(wagtaildocs_urls)),
    path("quizzes/", include("quizzes.urls")),
    path("drills/", include("drills.urls")),
    path("certificates/", include("certificates.urls")),
    path("messages/", include("people.urls")),
    path("records/", include("records.urls")),
    path("offline-training/", include("records.claim_urls")),
    path("", include("courses.urls")),
]

urlpatterns += [
    # Course media in every mode, each file checked against the pages that use it; behind
    # nginx the bytes then come from the proxy (X-Accel-Redirect). Never a static mapping.
    path("media/<path:path>", media_views.media_file, name="media_file"),
    # Wagtail serves the course catalogue (the site's root page) and everything below it.
    path("courses/", include(wagtail_urls)),
]

handler500 = core_views.server_error
