from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.learner_home, name="learner_home"),
    path("search/", views.learning_search, name="learning_search"),
    path("learn/lessons/<int:lesson_id>/heartbeat", views.lesson_heartbeat, name="lesson_heartbeat"),
    path("learn/presence", views.presence_answer, name="presence_answer"),
    # Ahead of Wagtail's own pattern for the same paths (training_site.urls, "wagtail_serve").
    # Wagtail's own views under courses/_util/ (the password form of a view restriction) excluded.
    re_path(r"^courses/(?!_util/)((?:[\w\-]+/)*)$", views.page_serve, name="course_page_serve"),
]
