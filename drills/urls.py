from django.urls import path

from . import views

urlpatterns = [
    path("<int:scenario_id>/", views.drill_detail, name="drill_detail"),
    path("<int:scenario_id>/start", views.run_start, name="drill_run_start"),
    path("runs/<int:run_id>/", views.run_take, name="drill_run_take"),
    # Outside runs/: an open page polls it by itself, which is not activity (SESSION_PASSIVE_PATHS).
    path("feed/<int:run_id>", views.run_feed, name="drill_run_feed"),
    path("runs/<int:run_id>/injects/<str:key>/image", views.inject_image, name="drill_inject_image"),
    path("runs/<int:run_id>/tasks/<str:task_key>/save", views.answer_save, name="drill_answer_save"),
    path("runs/<int:run_id>/tasks/<str:task_key>/send", views.answer_send, name="drill_answer_send"),
    path("runs/<int:run_id>/submit", views.run_submit, name="drill_run_submit"),
    path("runs/<int:run_id>/result", views.run_result, name="drill_run_result"),
]
