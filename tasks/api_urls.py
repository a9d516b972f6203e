"""The tasks API's routes, under /api/v1/ in the namespace "api" (config/urls.py)."""

from django.urls import path

from tasks import api

urlpatterns = [
    path("tasks/", api.TaskListCreateApi.as_view(), name="task-list"),
    path("tasks/import-history/", api.TaskHistoryImportApi.as_view(), name="task-import-history"),
    path("tasks/<int:pk>/", api.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<int:pk>/checklist/", api.TaskChecklistApi.as_view(), name="task-checklist"),
    path("tasks/<int:pk>/assign/", api.TaskAssignApi.as_view(), name="task-assign"),
    path("tasks/<int:pk>/accept/", api.TaskAcceptApi.as_view(), name="task-accept"),
    path("tasks/<int:pk>/return/", api.TaskReturnApi.as_view(), name="task-return"),
    path("tasks/<int:pk>/progress/", api.TaskProgressApi.as_view(), name="task-progress"),
    path("tasks/<int:pk>/extension/", api.TaskExtensionApi.as_view(), name="task-extension"),
    path("tasks/<int:pk>/submit/", api.TaskSubmitApi.as_view(), name="task-submit"),
    path("tasks/<int:pk>/approve/", api.TaskApproveApi.as_view(), name="task-approve"),
    path("tasks/<int:pk>/send-back/", api.TaskSendBackApi.as_view(), name="task-send-back"),
    path("tasks/<int:pk>/cancel/", api.TaskCancelApi.as_view(), name="task-cancel"),
    path("tasks/<int:pk>/extensions/<int:request_pk>/decide/", api.TaskDecideExtensionApi.as_view(),
         name="task-decide-extension"),
]
