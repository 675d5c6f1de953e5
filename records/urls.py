from django.urls import path

from . import views

urlpatterns = [
    path("", views.records_list, name="records_list"),
    path("records.csv", views.records_csv, name="records_csv"),
    path("records.xlsx", views.records_xlsx, name="records_xlsx"),
    path("units/", views.unit_summary, name="records_units"),
    path("units/<int:unit_id>/", views.unit_summary, name="records_unit"),
    path("officials/<int:user_id>/", views.transcript, name="records_transcript"),
    path("officials/<int:user_id>/transcript.pdf", views.transcript_pdf, name="records_transcript_pdf"),
]
