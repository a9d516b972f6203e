from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:kind>/default.docx", views.default_template, name="default-template"),
    path("task-report.docx", views.task_report_document, {"extension": "docx"}, name="task-report-docx"),
    path("task-report.pdf", views.task_report_document, {"extension": "pdf"}, name="task-report-pdf"),
    path("<slug:kind>/<int:pk>.docx", views.document_docx, name="docx"),
    path("<slug:kind>/<int:pk>.pdf", views.document_pdf, name="pdf"),
    path("<slug:kind>/<int:pk>/issue/", views.document_issue, name="issue"),
]
