from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_certificates, name="my_certificates"),
    path("<int:certificate_id>/download", views.certificate_download, name="certificate_download"),
    path("verify/", views.verify_form, name="certificate_verify_form"),
    path("verify/<str:code>/", views.verify, name="certificate_verify"),
    path("manage/", views.manage, name="certificates_manage"),
    path("manage/certificates.zip", views.manage_zip, name="certificates_zip"),
    path("manage/zips/<int:archive_id>/", views.certificate_archive, name="certificate_archive"),
    path(
        "manage/zips/<int:archive_id>/certificates.zip",
        views.certificate_archive_download,
        name="certificate_archive_download",
    ),
    path("manage/<int:certificate_id>/revoke", views.revoke, name="certificate_revoke"),
    path("manage/<int:certificate_id>/reissue", views.reissue, name="certificate_reissue"),
]
