from django.urls import path

from . import views

urlpatterns = [
    path("<int:quiz_id>/", views.quiz_detail, name="quiz_detail"),
    path("<int:quiz_id>/start", views.attempt_start, name="attempt_start"),
    path("attempts/<int:attempt_id>/", views.attempt_take, name="attempt_take"),
    path("attempts/<int:attempt_id>/answer", views.attempt_answer, name="attempt_answer"),
    path("attempts/<int:attempt_id>/submit", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result", views.attempt_result, name="attempt_result"),
]
