"""The home page, the work inbox, the rules in force and the task report (names without a namespace:
they are the site's own)."""

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("readyz", views.readyz, name="readyz"),
    path("rules/", views.rules_in_force, name="rules"),
    path("reports/tasks/", views.task_report_page, name="task_report"),
    path("reports/tasks/export.xlsx", views.task_report_export, name="task_report_export"),
    path("reports/tasks/send/", views.task_report_send, name="task_report_send"),
]
