from django.urls import path

from apps.repairs import views

urlpatterns = [
    path("", views.portal_index, name="repairs-portal"),
    path("new/", views.portal_new, name="repairs-portal-new"),
    path("counter/", views.counter_page, name="repairs-counter"),
    path("counter/filings/", views.counter_filings_page, name="repairs-counter-filings"),
    path("lifts/", views.lifts_page, name="repairs-lifts"),
    path("lifts/<int:lift_id>/confirm/", views.lift_confirm, name="repairs-lift-confirm"),
    path("<int:case_id>/", views.portal_detail, name="repairs-portal-detail"),
    path("<int:case_id>/receipt/", views.counter_receipt_page, name="repairs-counter-receipt"),
    path("<int:case_id>/supplement/", views.portal_supplement, name="repairs-portal-supplement"),
]
