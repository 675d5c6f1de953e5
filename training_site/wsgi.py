"""WSGI entry point; production settings unless DJANGO_SETTINGS_MODULE says otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_site.settings.production")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - configured by get_wsgi_application()

if settings.WARM_UP:
    from core.warmup import warm_up

    warm_up()
