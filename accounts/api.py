from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import get_person_for_user, get_unit_for_user
from accounts.models import Unit
from accounts.selectors import person_list_for_user, roles_of, unit_list_for_user
from accounts.serializers import MeOutputSerializer, PersonOutputSerializer, UnitOutputSerializer

SEARCH = OpenApiParameter("q", OpenApiTypes.STR, description="Search ignoring diacritics (name, code).")


def _parent_ids(units) -> dict[int, int | None]:
    """Parent ids for a page of units in one query (parents found by path)."""
    steplen = Unit.steplen
    parent_paths = {u.path[:-steplen] for u in units if u.depth > 1}
    by_path = dict(Unit.objects.filter(path__in=parent_paths).values_list("path", "pk"))
    return {u.pk: by_path.get(u.path[:-steplen]) for u in units}


class UnitListApi(generics.ListAPIView):
    """Units the caller may see, in tree order."""

    serializer_class = UnitOutputSerializer

    def get_queryset(self):
        return unit_list_for_user(self.request.user, search=self.request.query_params.get("q", "")[:100])

    @extend_schema(parameters=[SEARCH], operation_id="units_list")
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        serializer = self.get_serializer(page, many=True, context={"parent_ids": _parent_ids(page)})
        return self.get_paginated_response(serializer.data)


class UnitDetailApi(APIView):
    @extend_schema(responses=UnitOutputSerializer, operation_id="units_retrieve")
    def get(self, request, pk: int):
        unit = get_unit_for_user(request.user, pk)
        return Response(UnitOutputSerializer(unit, context={"parent_ids": _parent_ids([unit])}).data)


class PersonListApi(generics.ListAPIView):
    """People the caller may see. `unit` limits the list to that unit's subtree."""

    serializer_class = PersonOutputSerializer

    def get_queryset(self):
        unit = None
        unit_id = self.request.query_params.get("unit")
        if unit_id:
            # A unit outside the caller's scope is not found, as everywhere else.
            unit = get_unit_for_user(self.request.user, unit_id)
        return person_list_for_user(self.request.user, search=self.request.query_params.get("q", "")[:100], unit=unit)

    @extend_schema(
        parameters=[SEARCH, OpenApiParameter("unit", OpenApiTypes.INT, description="Only this unit's subtree.")],
        operation_id="people_list",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PersonDetailApi(APIView):
    @extend_schema(responses=PersonOutputSerializer, operation_id="people_retrieve")
    def get(self, request, pk: int):
        return Response(PersonOutputSerializer(get_person_for_user(request.user, pk)).data)


class MeApi(APIView):
    @extend_schema(responses=MeOutputSerializer, operation_id="me_retrieve")
    def get(self, request):
        roles = list(roles_of(request.user))
        return Response(MeOutputSerializer(request.user, context={"roles": roles}).data)



