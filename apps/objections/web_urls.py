from django.urls import path

from apps.objections import views

app_name = "objections"

urlpatterns = [
    path("", views.objection_list_page, name="list"),
    path("new/", views.objection_file_page, name="file"),
    path("<int:objection_id>/", views.objection_detail_page, name="detail"),
    path("<int:objection_id>/material/", views.objection_material_page, name="material"),
]
