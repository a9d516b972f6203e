"""Emulation API: periods and their steps, the ranking (ratings with breakdown and verdicts),
unit scores, nominations, council sessions with the secret ballot, awards. Scoped like the pages;
service errors map once (core.api): 400 with the field, 403, 404, 409."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import get_person_for_user, get_unit_for_user
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
from core.serializers import ReasonInputSerializer

ERRORS = {400: OpenApiResponse(description="Invalid input, with the field"),
          403: OpenApiResponse(description="Not yours to do"), 404: OpenApiResponse(description="Not found"),
          409: OpenApiResponse(description="Wrong state or someone acted first")}


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


class PeriodAdvanceApi(APIView):
    @extend_schema(request=AdvanceInputSerializer, responses={200: PeriodSerializer, **ERRORS},
                   operation_id="emulation_periods_advance")
    def post(self, request, pk):
        period = access.get_period_for_user(request.user, pk)
        payload = AdvanceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        period = services.period_advance(actor=request.user, period=period, **payload.validated_data)
        return Response(PeriodSerializer(period).data)


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


class RatingGeneralApi(APIView):
    @extend_schema(request=GeneralInputSerializer, responses={200: RatingSerializer, **ERRORS},
                   operation_id="emulation_ratings_general")
    def post(self, request, pk, person_pk):
        period = access.get_period_for_user(request.user, pk)
        rating = access.get_rating_for_user(request.user, period, person_pk)
        payload = GeneralInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        rating = services.rating_set_general(actor=request.user, rating=rating, points=data["general_points"],
                                             met=data["general_met"], note=data["general_note"],
                                             organising=data["organising_percent"])
        return Response(RatingSerializer(rating).data)


class RatingLevelApi(APIView):
    @extend_schema(request=LevelInputSerializer, responses={200: RatingSerializer, **ERRORS},
                   operation_id="emulation_ratings_level")
    def post(self, request, pk, person_pk):
        period = access.get_period_for_user(request.user, pk)
        rating = access.get_rating_for_user(request.user, period, person_pk)
        payload = LevelInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rating = services.rating_decide_level(actor=request.user, rating=rating, level=payload.validated_data["level"],
                                              note=payload.validated_data["level_note"])
        return Response(RatingSerializer(rating).data)


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


class NominationWithdrawApi(APIView):
    @extend_schema(request=ReasonInputSerializer, responses={200: NominationSerializer, **ERRORS},
                   operation_id="emulation_nominations_withdraw")
    def post(self, request, pk, nomination_pk):
        period = access.get_period_for_user(request.user, pk)
        nomination = get_object_or_404(selectors.nominations(request.user, period), pk=nomination_pk)
        payload = ReasonInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nomination = services.nomination_withdraw(actor=request.user, nomination=nomination,
                                                  reason=payload.validated_data["reason"])
        return Response(NominationSerializer(nomination).data)


class SessionDetailApi(APIView):
    @extend_schema(responses=SessionSerializer, operation_id="emulation_sessions_retrieve")
    def get(self, request, pk):
        return Response(SessionSerializer(access.get_session_for_user(request.user, pk)).data)


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


class SessionCloseApi(APIView):
    @extend_schema(request=CloseInputSerializer, responses={200: SessionSerializer, **ERRORS},
                   operation_id="emulation_sessions_close")
    def post(self, request, pk):
        session = access.get_session_for_user(request.user, pk)
        payload = CloseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        session = services.session_close(actor=request.user, session=session, **payload.validated_data)
        return Response(SessionSerializer(session).data)


class AwardListApi(generics.GenericAPIView):
    serializer_class = AwardSerializer

    @extend_schema(responses=AwardSerializer(many=True), operation_id="emulation_awards_list")
    def get(self, request, pk):
        period = _results_period(request, pk)
        page = self.paginate_queryset(selectors.decision_list(request.user, period))
        return self.get_paginated_response(AwardSerializer(page, many=True).data)


class AwardRevokeApi(APIView):
    @extend_schema(request=ReasonInputSerializer, responses={200: AwardSerializer, **ERRORS},
                   operation_id="emulation_awards_revoke")
    def post(self, request, pk, award_pk):
        period = access.get_period_for_user(request.user, pk)
        award = get_object_or_404(selectors.decision_list(request.user, period), pk=award_pk)
        payload = ReasonInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        award = services.award_revoke(actor=request.user, award=award, reason=payload.validated_data["reason"])
        return Response(AwardSerializer(award).data)
