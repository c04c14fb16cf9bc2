from django.urls import path

from apps.sanctions import views

urlpatterns = [
    path("", views.credit_check_page, name="sanctions-credit-check"),
]
