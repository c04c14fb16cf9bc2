from django.urls import path

from apps.commitments import api

urlpatterns = [
    path("commitments", api.CommitmentListApi.as_view(), name="api-commitments"),
    path("commitments/register", api.CommitmentRegisterApi.as_view(), name="api-commitment-register"),
    path("commitments/checks", api.FulfilmentCheckListApi.as_view(), name="api-commitment-checks"),
    path(
        "commitments/checks/<int:check_id>", api.FulfilmentCheckRecordApi.as_view(), name="api-commitment-check-record"
    ),
    path("commitments/<int:commitment_id>", api.CommitmentDetailApi.as_view(), name="api-commitment"),
    path("commitments/<int:commitment_id>/check", api.CommitmentCheckApi.as_view(), name="api-commitment-check"),
    path("commitment-texts", api.CommitmentTextListApi.as_view(), name="api-commitment-texts"),
]
