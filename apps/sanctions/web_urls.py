from django.urls import path

from apps.sanctions import views

urlpatterns = [
    path("", views.credit_check_page, name="sanctions-credit-check"),
    path("removals/", views.removals_page, name="sanctions-removals"),
    path("removals/<int:removal_id>/confirm/", views.removal_confirm, name="sanctions-removal-confirm"),
]
