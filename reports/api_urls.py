"""The reports API's routes, under /api/v1/ in the namespace "api" (config/urls.py)."""

from django.urls import path

from reports import api

urlpatterns = [
    path("reports/tasks/", api.TaskReportApi.as_view(), name="task-report"),
]
