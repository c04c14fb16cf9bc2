from django.urls import path

from apps.commitments import views

urlpatterns = [
    path("", views.register_page, name="commitments-register"),
]
