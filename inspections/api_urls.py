"""The inspections API's routes, under /api/v1/ in the namespace "api" (config/urls.py)."""

from django.urls import path

from inspections import api

urlpatterns = [
    path("violation-types/", api.ViolationTypeListApi.as_view(), name="violation-type-list"),
    path("inspection-plans/", api.PlanListCreateApi.as_view(), name="inspection-plan-list"),
    path("inspection-plans/<int:pk>/", api.PlanDetailApi.as_view(), name="inspection-plan-detail"),
    path("inspections/", api.InspectionListCreateApi.as_view(), name="inspection-list"),
    path("inspections/<int:pk>/", api.InspectionDetailApi.as_view(), name="inspection-detail"),
    *[path(f"inspections/<int:pk>/{name}/", view.as_view(), name=f"inspection-{name}")
      for name, view in api.INSPECTION_ACTIONS.items()],
    path("inspections/<int:pk>/findings/", api.FindingCreateApi.as_view(), name="inspection-findings"),
    path("inspections/<int:pk>/roll/", api.CheckRollApi.as_view(), name="inspection-roll"),
    path("inspections/<int:pk>/roll/open/", api.RollOpenApi.as_view(), name="inspection-roll-open"),
    path("inspections/<int:pk>/roll/findings/", api.RollFindingsApi.as_view(),
         name="inspection-roll-findings"),
    path("inspections/<int:pk>/roll/<int:roll_pk>/submit/", api.RollSubmitApi.as_view(),
         name="inspection-roll-submit"),
    path("inspections/<int:pk>/roll/<int:roll_pk>/people/", api.RollPersonApi.as_view(),
         name="inspection-roll-people"),
    path("inspections/repeat-offenders/", api.RepeatOffendersApi.as_view(),
         name="inspection-repeat-offenders"),
    path("findings/", api.FindingListApi.as_view(), name="finding-list"),
    path("findings/<int:pk>/", api.FindingDetailApi.as_view(), name="finding-detail"),
    *[path(f"findings/<int:pk>/{name}/", view.as_view(), name=f"finding-{name}")
      for name, view in api.FINDING_ACTIONS.items()],
    path("recommendations/<int:pk>/verify/", api.RecommendationVerifyApi.as_view(),
         name="recommendation-verify"),
    path("recommendations/<int:pk>/withdraw/", api.RecommendationWithdrawApi.as_view(),
         name="recommendation-withdraw"),
    path("recommendations/<int:pk>/replace-task/", api.RecommendationReplaceTaskApi.as_view(),
         name="recommendation-replace-task"),
    path("decisions/", api.DecisionListCreateApi.as_view(), name="decision-list"),
    path("decisions/<int:pk>/", api.DecisionDetailApi.as_view(), name="decision-detail"),
    *[path(f"decisions/<int:pk>/{name}/", view.as_view(), name=f"decision-{name}")
      for name, view in api.DECISION_ACTIONS.items()],
]
