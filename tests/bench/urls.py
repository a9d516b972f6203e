"""The product's URLs and, in front of them, the harness's bare yardstick views (tests/bench/ceiling.py)."""

from django.urls import path

import config.urls
from tests.bench import ceiling

urlpatterns = [
    path("bench/ceiling/tasks/", ceiling.task_rows, name="bench-ceiling-tasks"),
    path("bench/summary/overview/", ceiling.overview_counts, name="bench-summary-overview"),
    path("bench/summary/inspector/", ceiling.inspector_counts, name="bench-summary-inspector"),
    path("bench/summary/ranking/<int:pk>/", ceiling.ranking_rows, name="bench-summary-ranking"),
    *config.urls.urlpatterns,
]

handler403 = config.urls.handler403
handler404 = config.urls.handler404
handler500 = config.urls.handler500
