from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import services


@login_required
def notifications(request):
    """The person's on-site messages, newest first; opening the page marks them read."""
    items = list(request.user.notifications.all()[:100])
    services.notifications_mark_read(user=request.user)
    return render(request, "people/notifications.html", {"notifications": items})
