from django.urls import path

from apps.sanctions import api

urlpatterns = [
    path("credit-checks", api.CreditCheckListCreateApi.as_view(), name="api-credit-checks"),
    path("credit-checks/<int:check_id>", api.CreditCheckDetailApi.as_view(), name="api-credit-check"),
    path(
        "credit-checks/<int:check_id>/feedback", api.CreditCheckFeedbackApi.as_view(), name="api-credit-check-feedback"
    ),
    path("measure-removals", api.MeasureRemovalListApi.as_view(), name="api-measure-removals"),
    path(
        "measure-removals/<int:removal_id>/confirm",
        api.MeasureRemovalConfirmApi.as_view(),
        name="api-measure-removal-confirm",
    ),
]
