from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("overview/", views.overview, name="overview"),
    path("new/", views.task_create, name="create"),
    path("checklist/", views.checklist, name="checklist"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.task_import, name="import"),
    path("import/template.xlsx", views.task_import_template, name="import_template"),
    path("import/history/", views.history_import, name="history_import"),
    path("import/history/template.xlsx", views.history_import_template, name="history_import_template"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/return/", views.return_task, name="return"),
    path("<int:pk>/progress/", views.report_progress, name="progress"),
    path("<int:pk>/extension/", views.request_extension, name="extension"),
    path("<int:pk>/extension/<int:request_pk>/decide/", views.decide_extension, name="decide_extension"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/send-back/", views.send_back, name="send_back"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
