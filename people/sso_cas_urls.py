from django.urls import path

from . import sso_cas

urlpatterns = [
    path("login/", sso_cas.cas_login, name="cas_login"),
    # The service URL to register at the CAS server (docs/deployment.md).
    path("callback/", sso_cas.cas_callback, name="cas_callback"),
]
