from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def learner_home(request):
    """我的学习: what the official must study and how far they are."""
    return render(request, "courses/learner_home.html", {"curricula": [], "courses": []})
