"""Work every server process would otherwise do on its first requests, done as it starts
(training_site/wsgi.py), before it accepts any: importing every URL configuration (Wagtail's
admin, allauth, the MFA libraries), compiling the site's templates, loading the translation
catalogues, and opening the database connection. The first official after a deploy then waits
no longer than the next one (`make bench`'s cold_start scenario).
"""

import logging
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger("training.warmup")


def warm_up() -> None:
    """Each step on its own: one that fails (the database not up yet) is logged and skipped,
    and the process serves as it would have without it."""
    started = time.perf_counter()
    for step in (_urls, _translations, _templates, _database):
        try:
            step()
        except Exception:  # noqa: BLE001 - warming up must never stop a server from starting
            log.warning("warm-up step %s failed", step.__name__, exc_info=True)
    log.info("warmed up in %.0f ms", 1000 * (time.perf_counter() - started))


def _urls() -> None:
    # Reversing any name imports every URL configuration and builds the reverse lookup.
    get_resolver().reverse_dict  # noqa: B018 - read for its side effect


def _translations() -> None:
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Course admin")


def _templates() -> None:
    """Compile every template of the project's own (the cached loader keeps them)."""
    roots = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR) and "site-packages" not in config.path
    ]
    for root in roots:
        for path in root.rglob("*.html"):
            try:
                get_template(path.relative_to(root).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue  # a template of another engine (an email's text part), or a partial


def _database() -> None:
    connection.ensure_connection()
    ContentType.objects.get_for_models(*apps.get_models())  # Django's per-process cache
