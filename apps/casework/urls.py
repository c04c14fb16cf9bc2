from django.urls import path

from apps.casework import api

urlpatterns = [
    path("tasks", api.TaskListApi.as_view(), name="api-tasks"),
    path("tasks/reassign", api.TaskReassignApi.as_view(), name="api-tasks-reassign"),
    path("breaches", api.BreachListApi.as_view(), name="api-breaches"),
    path("tasks/<int:task_id>", api.TaskDetailApi.as_view(), name="api-task"),
    path("tasks/<int:task_id>/claim", api.TaskClaimApi.as_view(), name="api-task-claim"),
    path("tasks/<int:task_id>/release", api.TaskReleaseApi.as_view(), name="api-task-release"),
    path("tasks/<int:task_id>/complete", api.TaskCompleteApi.as_view(), name="api-task-complete"),
    path("documents/<int:document_id>", api.DocumentDownloadApi.as_view(), name="api-document"),
    path("notices", api.NoticeListApi.as_view(), name="api-notices"),
    path("notices/<int:notice_id>/acknowledge", api.NoticeAcknowledgeApi.as_view(), name="api-notice-acknowledge"),
]
