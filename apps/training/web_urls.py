from django.urls import path

from apps.training import views

workbench_urlpatterns = [
    path("", views.workbench_home, name="training-workbench"),
    path("sessions/new/", views.workbench_session_new, name="training-workbench-new"),
    path("sessions/<int:session_id>/", views.workbench_session, name="training-workbench-session"),
    path("sessions/<int:session_id>/enrol/", views.workbench_enrol, name="training-workbench-enrol"),
    path("enrollments/<int:enrollment_id>/attend/", views.workbench_attend, name="training-workbench-attend"),
    path("sessions/<int:session_id>/qr/", views.workbench_qr, name="training-workbench-qr"),
    path("invite/", views.workbench_invite, name="training-workbench-invite"),
]

portal_urlpatterns = [
    path("", views.portal_index, name="training-portal"),
    path("sessions/<int:session_id>/enrol/", views.portal_enrol, name="training-portal-enrol"),
    path("sessions/<int:session_id>/checkin/", views.portal_checkin, name="training-portal-checkin"),
    path("sessions/<int:session_id>/qr-checkin/", views.portal_qr_checkin, name="training-portal-qr-checkin"),
    path("enrollments/<int:enrollment_id>/cancel/", views.portal_cancel, name="training-portal-cancel"),
]
