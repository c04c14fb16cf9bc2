from django.urls import path

from apps.commitments import api

urlpatterns = [
    path("commitments/register", api.CommitmentRegisterApi.as_view(), name="api-commitment-register"),
    path("commitments/<int:commitment_id>", api.CommitmentDetailApi.as_view(), name="api-commitment"),
    path("commitments/<int:commitment_id>/check", api.CommitmentCheckApi.as_view(), name="api-commitment-check"),
    path("commitment-texts", api.CommitmentTextListApi.as_view(), name="api-commitment-texts"),
]
