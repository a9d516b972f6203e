from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/team/", views.inspection_team, name="team"),
    path("<int:pk>/do/<slug:action>/", views.inspection_action, name="action"),
    path("<int:pk>/recommendations/", views.recommendation_add, name="recommend"),
    path("<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("<int:pk>/findings/people/", views.person_search, name="person_search"),
    path("<int:pk>/findings/import/", views.finding_import, name="finding_import"),
    path("<int:pk>/findings/import/template.xlsx", views.finding_import_template, name="finding_import_template"),
    path("<int:pk>/findings.xlsx", views.inspection_findings_export, name="findings_export"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/explain/", views.finding_explain, name="finding_explain"),
    path("findings/<int:pk>/propose/", views.finding_propose, name="finding_propose"),
    path("findings/<int:pk>/withdraw/", views.finding_withdraw, name="finding_withdraw"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("recommendations/", views.recommendation_list, name="recommendations"),
    path("recommendations/<int:pk>/verify/", views.recommendation_verify, name="recommendation_verify"),
    path("recommendations/<int:pk>/withdraw/", views.recommendation_withdraw, name="recommendation_withdraw"),
    path("recommendations/<int:pk>/replace-task/", views.recommendation_replace_task,
         name="recommendation_replace_task"),
    path("discipline/", views.decision_register, name="decisions"),
    path("discipline/new/", views.decision_create, name="decision_create"),
    path("discipline/people/", views.discipline_person_search, name="discipline_person_search"),
    path("discipline/<int:pk>/", views.decision_detail, name="decision"),
    path("discipline/<int:pk>/issue/", views.decision_issue, name="decision_issue"),
    path("discipline/<int:pk>/pause/", views.decision_pause, name="decision_pause"),
    path("discipline/<int:pk>/announce/", views.decision_announce, name="decision_announce"),
    path("discipline/<int:pk>/withdraw/", views.decision_withdraw, name="decision_withdraw"),
]
