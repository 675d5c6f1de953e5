from django.urls import path

from . import claim_views

urlpatterns = [
    path("", claim_views.my_claims, name="my_claims"),
    path("<int:claim_id>/", claim_views.my_claim_edit, name="my_claim_edit"),
    path("<int:claim_id>/evidence", claim_views.claim_evidence, name="claim_evidence"),
]
