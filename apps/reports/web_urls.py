from django.urls import path

from apps.reports import views

urlpatterns = [
    path("monthly/", views.monthly_page, name="reports-monthly"),
]
