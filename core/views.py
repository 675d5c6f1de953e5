import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error

# Seconds a browser or client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 10


@never_cache
@require_GET
def liveness(request):
    """200 while the process serves requests, touching nothing else: for process supervisors,
    and the benchmark's floor (the cheapest request through the full middleware stack)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not; no session, no login."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@cache_control(public=True, max_age=24 * 60 * 60)
@require_GET
def favicon(request):
    """The site's icon, for pages without an icon link (error pages, PDFs opened in a tab)."""
    return redirect(static("img/favicon.ico"))


def server_error(request):
    """handler500. A request that failed because the database could not be reached (it is
    restarting, or failing over) answers 503 with a page saying to try again shortly, which
    rendering touches nothing; anything else is the usual 500."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        page = loader.get_template("503.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return django_server_error(request)
