from django.urls import path

from . import views

urlpatterns = [
    path("", views.learner_home, name="learner_home"),
    path("search/", views.learning_search, name="learning_search"),
    path("learn/lessons/<int:lesson_id>/heartbeat", views.lesson_heartbeat, name="lesson_heartbeat"),
]
