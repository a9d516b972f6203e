from django.urls import path

from emulation import views

app_name = "emulation"

urlpatterns = [
    path("", views.period_list, name="periods"),
    path("new/", views.period_create, name="period_create"),
    path("mine/", views.my_results, name="mine"),
    path("<int:pk>/", views.period_detail, name="period"),
    path("<int:pk>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("<int:pk>/advance/", views.period_advance, name="advance"),
    path("<int:pk>/recompute/", views.recompute, name="recompute"),
    path("<int:pk>/recompute/<int:run_pk>/", views.recompute_progress, name="recompute_progress"),
    path("<int:pk>/withheld/", views.withheld, name="withheld"),
    path("<int:pk>/people/<int:person_pk>/", views.person, name="person"),
    path("<int:pk>/people/<int:person_pk>/general/", views.person_general, name="person_general"),
    path("<int:pk>/people/<int:person_pk>/level/", views.person_level, name="person_level"),
    path("<int:pk>/people/<int:person_pk>/cause/", views.person_cause, name="person_cause"),
    path("<int:pk>/people/<int:person_pk>/initiative/", views.person_initiative, name="person_initiative"),
    path("<int:pk>/people/<int:person_pk>/nominate/", views.person_nominate, name="person_nominate"),
    path("<int:pk>/units/", views.unit_list, name="units"),
    path("<int:pk>/units/import/", views.manual_import, name="manual_import"),
    path("<int:pk>/units/<int:unit_pk>/", views.unit_detail, name="unit"),
    path("<int:pk>/units/<int:unit_pk>/manual/", views.unit_manual, name="unit_manual"),
    path("<int:pk>/units/<int:unit_pk>/nominate/", views.unit_nominate, name="unit_nominate"),
    path("<int:pk>/nominations/", views.nomination_list, name="nominations"),
    path("<int:pk>/nominations/<int:nomination_pk>/withdraw/", views.nomination_withdraw, name="nomination_withdraw"),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("<int:pk>/awards/", views.award_list, name="awards"),
    path("<int:pk>/awards.xlsx", views.award_list_export, name="awards_export"),
    path("<int:pk>/awards/<int:award_pk>/revoke/", views.award_revoke, name="award_revoke"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/ballot/", views.ballot, name="ballot"),
    path("sessions/<int:pk>/presence/", views.session_presence, name="session_presence"),
    path("sessions/<int:pk>/close/", views.session_close, name="session_close"),
]
