from django.urls import path

from apps.commitments import views

urlpatterns = [
    path("", views.register_page, name="commitments-register"),
]

workbench_urlpatterns = [
    path("", views.staff_commitments_page, name="commitments-staff"),
    path("checks/", views.checks_page, name="commitments-checks"),
    path("checks/<int:check_id>/record/", views.check_record, name="commitments-check-record"),
]

portal_urlpatterns = [
    path("", views.portal_commitments_page, name="commitments-portal"),
]
