"""The emulation API's routes, under /api/v1/ in the namespace "api" (config/urls.py)."""

from django.urls import path

from emulation import api

urlpatterns = [
    path("emulation/periods/", api.PeriodListCreateApi.as_view(), name="emulation-period-list"),
    path("emulation/periods/<int:pk>/", api.PeriodDetailApi.as_view(), name="emulation-period-detail"),
    path("emulation/periods/<int:pk>/advance/", api.PeriodAdvanceApi.as_view(),
         name="emulation-period-advance"),
    path("emulation/periods/<int:pk>/recompute/", api.PeriodRecomputeApi.as_view(),
         name="emulation-period-recompute"),
    path("emulation/periods/<int:pk>/ratings/", api.RatingListApi.as_view(), name="emulation-rating-list"),
    path("emulation/periods/<int:pk>/ratings/<int:person_pk>/", api.RatingDetailApi.as_view(),
         name="emulation-rating-detail"),
    path("emulation/periods/<int:pk>/ratings/<int:person_pk>/general/", api.RatingGeneralApi.as_view(),
         name="emulation-rating-general"),
    path("emulation/periods/<int:pk>/ratings/<int:person_pk>/level/", api.RatingLevelApi.as_view(),
         name="emulation-rating-level"),
    path("emulation/periods/<int:pk>/units/", api.UnitScoreListApi.as_view(), name="emulation-unit-list"),
    path("emulation/periods/<int:pk>/nominations/", api.NominationListCreateApi.as_view(),
         name="emulation-nomination-list"),
    path("emulation/periods/<int:pk>/nominations/<int:nomination_pk>/withdraw/",
         api.NominationWithdrawApi.as_view(), name="emulation-nomination-withdraw"),
    path("emulation/periods/<int:pk>/awards/", api.AwardListApi.as_view(), name="emulation-award-list"),
    path("emulation/periods/<int:pk>/awards/<int:award_pk>/revoke/", api.AwardRevokeApi.as_view(),
         name="emulation-award-revoke"),
    path("emulation/sessions/<int:pk>/", api.SessionDetailApi.as_view(), name="emulation-session-detail"),
    path("emulation/sessions/<int:pk>/ballot/", api.BallotApi.as_view(), name="emulation-session-ballot"),
    path("emulation/sessions/<int:pk>/close/", api.SessionCloseApi.as_view(),
         name="emulation-session-close"),
]
