from django.urls import path

from . import views

urlpatterns = [
    path("", views.learner_home, name="learner_home"),
]
