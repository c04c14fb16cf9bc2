from django.urls import path

from apps.subjects import api

urlpatterns = [
    path("uscc/<str:code>", api.UsccCheckApi.as_view(), name="api-uscc"),
    path("subjects", api.SubjectListApi.as_view(), name="api-subjects"),
    path("subjects/<str:uscc>", api.SubjectDetailApi.as_view(), name="api-subject"),
    path("records", api.RecordsApi.as_view(), name="api-records"),
    path("records/<int:record_id>", api.RecordDetailApi.as_view(), name="api-record"),
]
