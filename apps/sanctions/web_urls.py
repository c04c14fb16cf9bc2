from django.urls import path

from apps.sanctions import views

urlpatterns = [
    path("", views.credit_check_page, name="sanctions-credit-check"),
    path("removals/", views.removals_page, name="sanctions-removals"),
    path("removals/<int:removal_id>/confirm/", views.removal_confirm, name="sanctions-removal-confirm"),
    path("reports/", views.case_reports_page, name="sanctions-case-reports"),
    path("reports/xlsx/", views.case_report_xlsx_download, name="sanctions-case-report-xlsx"),
]
