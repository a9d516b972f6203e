"""The tasks API's routes, under /api/v1/ in the namespace "api" (config/urls.py)."""

from django.urls import path

from tasks import api

urlpatterns = [
    path("tasks/", api.TaskListCreateApi.as_view(), name="task-list"),
    path("tasks/import-history/", api.TaskHistoryImportApi.as_view(), name="task-import-history"),
    path("tasks/<int:pk>/", api.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<int:pk>/checklist/", api.TaskChecklistApi.as_view(), name="task-checklist"),
    *[
        path(f"tasks/<int:pk>/{name.replace('_', '-')}/", view.as_view(), name=f"task-{name.replace('_', '-')}")
        for name, view in api.ACTIONS.items() if name != "decide_extension"
    ],
    path("tasks/<int:pk>/extensions/<int:request_pk>/decide/", api.ACTIONS["decide_extension"].as_view(),
         name="task-decide-extension"),
]
