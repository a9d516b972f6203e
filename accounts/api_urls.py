"""The accounts API's routes, under /api/v1/ in the namespace "api" (config/urls.py)."""

from django.urls import path

from accounts import api

urlpatterns = [
    path("me/", api.MeApi.as_view(), name="me"),
    path("units/", api.UnitListApi.as_view(), name="unit-list"),
    path("units/<int:pk>/", api.UnitDetailApi.as_view(), name="unit-detail"),
    path("people/", api.PersonListApi.as_view(), name="person-list"),
    path("people/<int:pk>/", api.PersonDetailApi.as_view(), name="person-detail"),
]
