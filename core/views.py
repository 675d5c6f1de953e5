from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET


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
