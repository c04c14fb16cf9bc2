from django.urls import path

from apps.sanctions import api

urlpatterns = [
    path("credit-checks", api.CreditCheckListCreateApi.as_view(), name="api-credit-checks"),
    path("credit-checks/<int:check_id>", api.CreditCheckDetailApi.as_view(), name="api-credit-check"),
    path(
        "credit-checks/<int:check_id>/feedback", api.CreditCheckFeedbackApi.as_view(), name="api-credit-check-feedback"
    ),
]
