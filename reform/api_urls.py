"""The reform API's routes, under /api/v1/ in the namespace "api" (config/urls.py)."""

from django.urls import path

from reform import api

urlpatterns = [
    path("reform/sets/", api.SetListApi.as_view(), name="reform-set-list"),
    path("reform/sets/<int:pk>/", api.SetDetailApi.as_view(), name="reform-set-detail"),
    path("reform/sets/<int:pk>/assessments/", api.AssessmentListApi.as_view(), name="reform-assessment-list"),
    path("reform/sets/<int:pk>/ranking/", api.RankingApi.as_view(), name="reform-ranking"),
    path("reform/sets/<int:pk>/survey/", api.SurveyApi.as_view(), name="reform-set-survey"),
    path("reform/sets/<int:pk>/freeze/", api.FreezeApi.as_view(), name="reform-set-freeze"),
    path("reform/sets/<int:pk>/publish/", api.PublishApi.as_view(), name="reform-set-publish"),
    path("reform/sets/<int:pk>/copy/", api.SetCopyApi.as_view(), name="reform-set-copy"),
    path("reform/sets/<int:pk>/versions/", api.SetVersionApi.as_view(), name="reform-set-version"),
    path("reform/sets/<int:pk>/versions/open/", api.SetVersionOpenApi.as_view(),
         name="reform-set-version-open"),
    path("reform/assessments/<int:pk>/", api.AssessmentDetailApi.as_view(), name="reform-assessment-detail"),
    path("reform/assessments/<int:pk>/self-scores/", api.SelfScoreApi.as_view(), name="reform-self-score"),
    path("reform/assessments/<int:pk>/appraisals/", api.AppraiseApi.as_view(), name="reform-appraise"),
    *[path(f"reform/assessments/<int:pk>/{name}/", view.as_view(), name=f"reform-assessment-{name}")
      for name, view in api.ASSESSMENT_ACTIONS.items()],
    *[path(f"reform/assessments/<int:pk>/{name}/", view.as_view(), name=f"reform-assessment-{name}")
      for name, view in api.SUB_CRITERION_ACTIONS.items()],
    path("reform/sets/<int:pk>/remedies/", api.RemedyListApi.as_view(), name="reform-remedy-list"),
]
