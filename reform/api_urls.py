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
    path("reform/assessments/<int:pk>/submit/", api.SubmitApi.as_view(), name="reform-assessment-submit"),
    path("reform/assessments/<int:pk>/finish-appraisal/", api.FinishAppraisalApi.as_view(),
         name="reform-assessment-finish-appraisal"),
    path("reform/assessments/<int:pk>/compute-automatic/", api.ComputeAutomaticApi.as_view(),
         name="reform-assessment-compute-automatic"),
    path("reform/assessments/<int:pk>/finalise/", api.FinaliseApi.as_view(), name="reform-assessment-finalise"),
    path("reform/assessments/<int:pk>/links/", api.LinkApi.as_view(), name="reform-assessment-links"),
    path("reform/assessments/<int:pk>/answers/", api.AnswerApi.as_view(), name="reform-assessment-answers"),
    path("reform/assessments/<int:pk>/decisions/", api.DecideApi.as_view(), name="reform-assessment-decisions"),
    path("reform/sets/<int:pk>/remedies/", api.RemedyListApi.as_view(), name="reform-remedy-list"),
]
