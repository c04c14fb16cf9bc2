from django.urls import path

from apps.reports.api import CreditReportRequestApi

urlpatterns = [
    path("subjects/<str:uscc>/credit-report", CreditReportRequestApi.as_view(), name="api-subject-credit-report"),
]
