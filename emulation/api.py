"""Emulation API: periods and their steps, the ranking (ratings with breakdown and verdicts),
unit scores, nominations, council sessions with the secret ballot, awards. Scoped like the pages;
service errors map once (core.api): 400 with the field, 403, 404, 409."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import get_person_for_user, get_unit_for_user
from core.api_actions import ERRORS, ActionApi
from core.serializers import ReasonInputSerializer
from emulation import access, selectors, services
from emulation.models import Period
from emulation.serializers import (
    AdvanceInputSerializer,
    AwardSerializer,
    BallotInputSerializer,
    CloseInputSerializer,
    GeneralInputSerializer,
    LevelInputSerializer,
    NominationInputSerializer,
    NominationSerializer,
    PeriodInputSerializer,
    PeriodSerializer,
    RankingFilterSerializer,
    RatingDetailSerializer,
    RatingSerializer,
    SessionSerializer,
    UnitScoreSerializer,
)


def _results_period(request, pk) -> Period:
    period = access.get_period_for_user(request.user, pk)
    if not access.can_read_results(request.user, period):
        raise Http404
    return period


class PeriodListCreateApi(generics.GenericAPIView):
    serializer_class = PeriodSerializer

    @extend_schema(responses=PeriodSerializer(many=True), operation_id="emulation_periods_list")
    def get(self, request):
        page = self.paginate_queryset(access.periods_visible_to(request.user).select_related("unit"))
        return self.get_paginated_response(PeriodSerializer(page, many=True).data)

    @extend_schema(request=PeriodInputSerializer, responses={201: PeriodSerializer, **ERRORS},
                   operation_id="emulation_periods_create")
    def post(self, request):
        payload = PeriodInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        period = services.period_open(actor=request.user, unit=get_unit_for_user(request.user, data["unit"]),
                                      year=data["year"], quarter=data["quarter"], name=data["name"])
        return Response(PeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class PeriodDetailApi(APIView):
    @extend_schema(responses=PeriodSerializer, operation_id="emulation_periods_retrieve")
    def get(self, request, pk):
        return Response(PeriodSerializer(access.get_period_for_user(request.user, pk)).data)


class PeriodAdvanceApi(ActionApi):
    operation_id = "emulation_periods_advance"
    input_serializer = AdvanceInputSerializer
    output_serializer = PeriodSerializer

    def get_object(self, request, pk):
        return access.get_period_for_user(request.user, pk)

    def perform(self, request, period, data, **kwargs):
        services.period_advance(actor=request.user, period=period, **data)


# Not an ActionApi: its answer is the queued run with 202, not the period as it now is.
class PeriodRecomputeApi(APIView):
    @extend_schema(request=None, responses={202: OpenApiTypes.OBJECT, **ERRORS},
                   operation_id="emulation_periods_recompute")
    def post(self, request, pk):
        period = access.get_period_for_user(request.user, pk)
        run = services.recompute_request(actor=request.user, period=period)
        return Response({"run": run.pk, "status": run.status, "done": run.done, "total": run.total},
                        status=status.HTTP_202_ACCEPTED)


class RatingListApi(generics.GenericAPIView):
    serializer_class = RatingSerializer

    @extend_schema(parameters=[OpenApiParameter(name, OpenApiTypes.STR) for name in ("q", "level", "staff_group",
                                                                                      "sort")]
                   + [OpenApiParameter("withheld", OpenApiTypes.BOOL)],
                   responses=RatingSerializer(many=True), operation_id="emulation_ratings_list")
    def get(self, request, pk):
        period = access.get_period_for_user(request.user, pk)
        filters = RankingFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.ranking(request.user, period, **filters.validated_data))
        return self.get_paginated_response(RatingSerializer(page, many=True).data)


class RatingDetailApi(APIView):
    @extend_schema(responses=RatingDetailSerializer, operation_id="emulation_ratings_retrieve")
    def get(self, request, pk, person_pk):
        period = access.get_period_for_user(request.user, pk)
        return Response(RatingDetailSerializer(access.get_rating_for_user(request.user, period, person_pk)).data)


# An action on one official's rating in a period: …/periods/<pk>/ratings/<person_pk>/…
class _RatingActionApi(ActionApi):
    output_serializer = RatingSerializer

    def get_object(self, request, pk):
        period = access.get_period_for_user(request.user, pk)
        return access.get_rating_for_user(request.user, period, self.kwargs["person_pk"])


class RatingGeneralApi(_RatingActionApi):
    operation_id = "emulation_ratings_general"
    input_serializer = GeneralInputSerializer

    def perform(self, request, rating, data, **kwargs):
        services.rating_set_general(actor=request.user, rating=rating, points=data["general_points"],
                                    met=data["general_met"], note=data["general_note"],
                                    organising=data["organising_percent"])


class RatingLevelApi(_RatingActionApi):
    operation_id = "emulation_ratings_level"
    input_serializer = LevelInputSerializer

    def perform(self, request, rating, data, **kwargs):
        services.rating_decide_level(actor=request.user, rating=rating, level=data["level"], note=data["level_note"])


class UnitScoreListApi(generics.GenericAPIView):
    serializer_class = UnitScoreSerializer

    @extend_schema(responses=UnitScoreSerializer(many=True), operation_id="emulation_unit_scores_list")
    def get(self, request, pk):
        period = access.get_period_for_user(request.user, pk)
        page = self.paginate_queryset(selectors.unit_ranking(request.user, period))
        return self.get_paginated_response(UnitScoreSerializer(page, many=True).data)


class NominationListCreateApi(generics.GenericAPIView):
    serializer_class = NominationSerializer

    @extend_schema(responses=NominationSerializer(many=True), operation_id="emulation_nominations_list")
    def get(self, request, pk):
        period = _results_period(request, pk)
        page = self.paginate_queryset(selectors.nominations(request.user, period))
        return self.get_paginated_response(NominationSerializer(page, many=True).data)

    @extend_schema(request=NominationInputSerializer, responses={201: NominationSerializer, **ERRORS},
                   operation_id="emulation_nominations_create")
    def post(self, request, pk):
        period = access.get_period_for_user(request.user, pk)
        payload = NominationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        person = get_person_for_user(request.user, data["person"]) if data["person"] else None
        unit = get_unit_for_user(request.user, data["unit"]) if data["unit"] else None
        nomination = services.nomination_create(actor=request.user, period=period, title=data["title"],
                                                person=person, unit=unit, note=data["note"])
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)


class NominationWithdrawApi(ActionApi):
    operation_id = "emulation_nominations_withdraw"
    input_serializer = ReasonInputSerializer
    output_serializer = NominationSerializer

    def get_object(self, request, pk):
        period = access.get_period_for_user(request.user, pk)
        return get_object_or_404(selectors.nominations(request.user, period), pk=self.kwargs["nomination_pk"])

    def perform(self, request, nomination, data, **kwargs):
        services.nomination_withdraw(actor=request.user, nomination=nomination, reason=data["reason"])


class SessionDetailApi(APIView):
    @extend_schema(responses=SessionSerializer, operation_id="emulation_sessions_retrieve")
    def get(self, request, pk):
        return Response(SessionSerializer(access.get_session_for_user(request.user, pk)).data)


# Not an ActionApi: its answer is 201 and the fact of having voted — never the session's counts.
class BallotApi(APIView):
    @extend_schema(request=BallotInputSerializer, responses={201: OpenApiTypes.OBJECT, **ERRORS},
                   operation_id="emulation_sessions_ballot")
    def post(self, request, pk):
        session = access.get_session_for_user(request.user, pk)
        payload = BallotInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            choices = {int(k): v for k, v in payload.validated_data["choices"].items()}
        except ValueError:
            return Response({"choices": ["Keys are nomination ids."]}, status=status.HTTP_400_BAD_REQUEST)
        receipt = services.ballot_cast(actor=request.user, session=session, choices=choices)
        return Response({"voted": True, "written": receipt.written}, status=status.HTTP_201_CREATED)


class SessionCloseApi(ActionApi):
    operation_id = "emulation_sessions_close"
    input_serializer = CloseInputSerializer
    output_serializer = SessionSerializer

    def get_object(self, request, pk):
        return access.get_session_for_user(request.user, pk)

    def perform(self, request, session, data, **kwargs):
        services.session_close(actor=request.user, session=session, **data)


class AwardListApi(generics.GenericAPIView):
    serializer_class = AwardSerializer

    @extend_schema(responses=AwardSerializer(many=True), operation_id="emulation_awards_list")
    def get(self, request, pk):
        period = _results_period(request, pk)
        page = self.paginate_queryset(selectors.decision_list(request.user, period))
        return self.get_paginated_response(AwardSerializer(page, many=True).data)


class AwardRevokeApi(ActionApi):
    operation_id = "emulation_awards_revoke"
    input_serializer = ReasonInputSerializer
    output_serializer = AwardSerializer

    def get_object(self, request, pk):
        period = access.get_period_for_user(request.user, pk)
        return get_object_or_404(selectors.decision_list(request.user, period), pk=self.kwargs["award_pk"])

    def perform(self, request, award, data, **kwargs):
        services.award_revoke(actor=request.user, award=award, reason=data["reason"])
