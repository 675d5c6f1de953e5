"""WSGI entry point; production settings unless DJANGO_SETTINGS_MODULE says otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_site.settings.production")

application = get_wsgi_application()

if os.environ.get("WARM_UP", "1") != "0":
    from core.warmup import warm_up

    warm_up()
