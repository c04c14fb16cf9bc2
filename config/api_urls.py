from django.urls import include, path, re_path

from apps.accounts.api import TokenObtainApi, TokenRevokeApi
from apps.core.api import api_not_found

urlpatterns = [
    path("auth/token", TokenObtainApi.as_view(), name="api-token"),
    path("auth/token/revoke", TokenRevokeApi.as_view(), name="api-token-revoke"),
    path("", include("apps.sla.urls")),
    path("", include("apps.subjects.urls")),
    path("", include("apps.letters.urls")),
    path("", include("apps.decisions.urls")),
    path("", include("apps.reports.urls")),
    path("", include("apps.casework.urls")),
    path("", include("apps.commitments.urls")),
    path("", include("apps.sanctions.urls")),
    path("", include("apps.repairs.urls")),
    path("", include("apps.objections.urls")),
    path("", include("apps.training.urls")),
    path("", include("apps.notifications.urls")),
    re_path(r"^.*$", api_not_found),
]
