from django.urls import path

from . import assignment_views, claim_views, onboarding_views, views

urlpatterns = [
    path("", views.records_list, name="records_list"),
    path("records.csv", views.records_csv, name="records_csv"),
    path("records.xlsx", views.records_xlsx, name="records_xlsx"),
    path("units/", views.unit_summary, name="records_units"),
    path("units/<int:unit_id>/", views.unit_summary, name="records_unit"),
    path("officials/<int:user_id>/", views.transcript, name="records_transcript"),
    path("officials/<int:user_id>/transcript.pdf", views.transcript_pdf, name="records_transcript_pdf"),
    path("claims/", claim_views.claims_queue, name="records_claims"),
    path("claims/<int:claim_id>/", claim_views.claim_review, name="records_claim"),
    path("assignments/", assignment_views.assignments, name="records_assignments"),
    path("assignments/remind", assignment_views.send_reminders, name="records_send_reminders"),
    path("import/officials/", onboarding_views.import_officials, name="records_import_officials"),
    path("import/units/", onboarding_views.import_units, name="records_import_units"),
    path("import/jobs/<int:job_id>/", onboarding_views.import_job, name="records_import_job"),
    path(
        "import/jobs/<int:job_id>/status",
        onboarding_views.import_job_status,
        name="records_import_job_status",
    ),
    path(
        "import/jobs/<int:job_id>/sheet/", onboarding_views.import_job_sheet, name="records_import_job_sheet"
    ),
    path(
        "import/jobs/<int:job_id>/discard",
        onboarding_views.import_job_discard,
        name="records_import_job_discard",
    ),
    path(
        "import/<str:kind>-template.<str:file_format>",
        onboarding_views.import_template,
        name="records_import_template",
    ),
]
