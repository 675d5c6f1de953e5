from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services


@login_required
def notifications(request):
    """The person's on-site messages, newest first; opening the page marks them read."""
    items = list(request.user.notifications.all()[:100])
    services.notifications_mark_read(user=request.user)
    return render(request, "people/notifications.html", {"notifications": items})


def admin_entrance(request):
    """Where Wagtail sends everyone it keeps out of the admin (its own login form is not used):
    the site's sign-in for visitors; for a signed-in account without admin access, a page that
    says so (sending it to the sign-in page again would loop back here)."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    next_url = next_url or reverse("wagtailadmin_home")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, reverse("account_login"))
    if request.user.has_perm("wagtailadmin.access_admin"):
        return redirect(next_url)
    return render(request, "people/admin_refused.html", status=403)


@require_POST
def session_keepalive(request):
    """ "Stay signed in" on the idle warning: a request is activity (SessionLifetimeMiddleware
    has recorded it); 401 when the session has already ended."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)
