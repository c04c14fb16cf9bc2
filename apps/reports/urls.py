from django.urls import path

from apps.reports.api import (
    CreditReportRequestApi,
    MonthlyReportDetailApi,
    MonthlyReportListApi,
    MonthlyStatsApi,
    MonthlyStatsXlsxApi,
    SlaDashboardApi,
)

urlpatterns = [
    path("subjects/<str:uscc>/credit-report", CreditReportRequestApi.as_view(), name="api-subject-credit-report"),
    path("stats/sla", SlaDashboardApi.as_view(), name="api-stats-sla"),
    path("stats/monthly", MonthlyStatsApi.as_view(), name="api-stats-monthly"),
    path("stats/monthly.xlsx", MonthlyStatsXlsxApi.as_view(), name="api-stats-monthly-xlsx"),
    path("stats/monthly/reports", MonthlyReportListApi.as_view(), name="api-monthly-reports"),
    path("stats/monthly/reports/<int:report_id>", MonthlyReportDetailApi.as_view(), name="api-monthly-report"),
]
