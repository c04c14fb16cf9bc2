from django.urls import path

from apps.training import api

urlpatterns = [
    path("training/sessions", api.SessionListApi.as_view(), name="api-training-sessions"),
    path("training/sessions/<int:session_id>", api.SessionDetailApi.as_view(), name="api-training-session"),
    path(
        "training/sessions/<int:session_id>/enrollments",
        api.EnrollmentCreateApi.as_view(),
        name="api-training-enrollments",
    ),
    path("training/sessions/<int:session_id>/checkin", api.CheckInApi.as_view(), name="api-training-checkin"),
    path(
        "training/enrollments/<int:enrollment_id>/cancel",
        api.EnrollmentCancelApi.as_view(),
        name="api-training-enrollment-cancel",
    ),
    path(
        "training/enrollments/<int:enrollment_id>/attendance",
        api.AttendanceMarkApi.as_view(),
        name="api-training-attendance",
    ),
    path("training/coverage", api.CoverageApi.as_view(), name="api-training-coverage"),
    path("training/coverage/not-reached", api.NotReachedApi.as_view(), name="api-training-not-reached"),
    path("training/invitations", api.InvitationListApi.as_view(), name="api-training-invitations"),
    path(
        "training/sessions/<int:session_id>/invitations",
        api.SessionInvitationsApi.as_view(),
        name="api-training-session-invitations",
    ),
    path("training/coverage.csv", api.CoverageCsvApi.as_view(), name="api-training-coverage-csv"),
    path("training/coverage.xlsx", api.CoverageXlsxApi.as_view(), name="api-training-coverage-xlsx"),
]
