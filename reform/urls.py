from django.urls import path

from reform import views

app_name = "reform"

urlpatterns = [
    path("", views.set_list, name="list"),
    path("queue/", views.appraiser_queue, name="queue"),
    path("<int:pk>/", views.set_detail, name="set"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("<int:pk>/freeze/", views.set_freeze, name="freeze"),
    path("<int:pk>/publish/", views.set_publish, name="publish"),
    path("<int:pk>/import/<str:kind>/", views.set_import, name="import"),
    path("<int:pk>/import/<str:kind>/template/", views.set_import_template, name="import_template"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/score/<int:sub_pk>/", views.assessment_score, name="score"),
    path("assessments/<int:pk>/appraise/<int:sub_pk>/", views.assessment_appraise, name="appraise"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="submit"),
    path("assessments/<int:pk>/finish/", views.assessment_finish, name="finish"),
    path("scores/<int:pk>/remedy/", views.score_remedy, name="remedy"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
