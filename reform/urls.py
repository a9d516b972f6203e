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
    path("<int:pk>/structure/", views.set_structure, name="structure"),
    path("<int:pk>/structure.xlsx", views.structure_export, name="structure_export"),
    path("<int:pk>/structure/<str:kind>/add/", views.structure_item, name="structure_add"),
    path("<int:pk>/structure/<str:kind>/<int:item_pk>/", views.structure_item, name="structure_item"),
    path("<int:pk>/structure/<str:kind>/<int:item_pk>/remove/", views.structure_remove, name="structure_remove"),
    path("<int:pk>/copy/", views.set_copy, name="copy"),
    path("<int:pk>/version/", views.set_new_version, name="new_version"),
    path("<int:pk>/version/open/", views.set_version_open, name="version_open"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/score/<int:sub_pk>/", views.assessment_score, name="score"),
    path("assessments/<int:pk>/appraise/<int:sub_pk>/", views.assessment_appraise, name="appraise"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="submit"),
    path("assessments/<int:pk>/finish/", views.assessment_finish, name="finish"),
    path("scores/<int:pk>/remedy/", views.score_remedy, name="remedy"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/remedies/", views.remedies, name="remedies"),
    path("assessments/<int:pk>/compute/", views.assessment_compute, name="compute"),
    path("assessments/<int:pk>/link/<int:sub_pk>/", views.assessment_link, name="link"),
    path("links/<int:pk>/remove/", views.link_remove, name="link_remove"),
    path("assessments/<int:pk>/answer/<int:sub_pk>/", views.assessment_answer, name="answer"),
    path("assessments/<int:pk>/decide/<int:sub_pk>/", views.assessment_decide, name="decide"),
    path("assessments/<int:pk>/finalise/", views.assessment_finalise, name="finalise"),
]
