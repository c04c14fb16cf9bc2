from django.urls import path

from apps.repairs import api

urlpatterns = [
    path("repairs", api.RepairListApi.as_view(), name="api-repairs"),
    path("repairs/eligibility", api.RepairEligibilityApi.as_view(), name="api-repair-eligibility"),
    path("repairs/lifts", api.SanctionLiftListApi.as_view(), name="api-repair-lifts"),
    path("repairs/lifts/<int:lift_id>/confirm", api.SanctionLiftConfirmApi.as_view(), name="api-repair-lift-confirm"),
    path("repairs/<int:case_id>", api.RepairDetailApi.as_view(), name="api-repair"),
    path("repairs/<int:case_id>/supplement", api.RepairSupplementApi.as_view(), name="api-repair-supplement"),
    path("repairs/<int:case_id>/revoke", api.RepairRevokeApi.as_view(), name="api-repair-revoke"),
]
