"""The documents API's routes, under /api/v1/ in the namespace "api" (config/urls.py)."""

from django.urls import path

from documents import api

urlpatterns = [
    path("documents/<slug:kind>/<int:pk>/", api.DocumentDetailApi.as_view(), name="document-detail"),
    path("documents/<slug:kind>/<int:pk>/issue/", api.DocumentIssueApi.as_view(), name="document-issue"),
    path("documents/<slug:kind>/<int:pk>/docx/", api.DocumentDocxApi.as_view(), name="document-docx"),
    path("documents/<slug:kind>/<int:pk>/pdf/", api.DocumentPdfApi.as_view(), name="document-pdf"),
]
