from django.urls import path

from apps.decisions import api

urlpatterns = [
    path("decisions", api.DecisionListCreateApi.as_view(), name="api-decisions"),
    path("decisions/import", api.DecisionImportApi.as_view(), name="api-decisions-import"),
    path(
        "decisions/imports/<int:import_id>", api.DecisionImportDetailApi.as_view(), name="api-decisions-import-detail"
    ),
    path("decisions/without-notice", api.DecisionsWithoutNoticeApi.as_view(), name="api-decisions-without-notice"),
    path("decisions/coverage", api.TwoDocumentsCoverageApi.as_view(), name="api-decisions-coverage"),
    path("decisions/<int:decision_id>", api.DecisionDetailApi.as_view(), name="api-decision"),
    path("decisions/<int:decision_id>/delivery", api.DecisionDeliveryApi.as_view(), name="api-decision-delivery"),
    path("decisions/<int:decision_id>/document", api.DecisionDocumentApi.as_view(), name="api-decision-document"),
    path("decisions/<int:decision_id>/bundle.pdf", api.DecisionBundleApi.as_view(), name="api-decision-bundle"),
]
