from django.urls import path

from apps.letters import views

app_name = "letters"

urlpatterns = [
    path("", views.verify_lookup, name="verify-lookup"),
    path("<str:code>", views.verify_page, name="verify"),
]
