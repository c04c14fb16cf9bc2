from django.urls import path

from apps.objections import api

urlpatterns = [
    path("objections", api.ObjectionListApi.as_view(), name="api-objections"),
    path("objections/<int:objection_id>", api.ObjectionDetailApi.as_view(), name="api-objection"),
    path("objections/<int:objection_id>/material", api.ObjectionMaterialApi.as_view(), name="api-objection-material"),
]
