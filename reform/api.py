"""Reform index API: lists scoped by the access policy, one POST endpoint per action.

Service errors map once (core.api): ValidationError → 400 naming the field, ConflictError → 409,
PermissionDenied → 403, not visible → 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from reform import services, structure
from reform.access import get_assessment_for_user, get_set_for_user
from reform.selectors import assessment_list_for_user, ranking_for_user, remedy_list_for_user, set_list_for_user
from reform.serializers import (
    AnswerInputSerializer,
    AppraiseInputSerializer,
    AssessmentDetailSerializer,
    AssessmentSerializer,
    CriteriaSetDetailSerializer,
    CriteriaSetSerializer,
    CriteriaSetVersionSerializer,
    DecideInputSerializer,
    IndexPublishInputSerializer,
    IndexResultSerializer,
    LinkInputSerializer,
    RemedySerializer,
    ScoreInputSerializer,
    SetCopyInputSerializer,
    SetVersionInputSerializer,
    SurveyInputSerializer,
)

ERRORS = {400: OpenApiResponse(description="Invalid input, with the field"),
          403: OpenApiResponse(description="Not yours to do"), 404: OpenApiResponse(description="Not found"),
          409: OpenApiResponse(description="Wrong state or someone acted first")}


class SetListApi(generics.ListAPIView):
    serializer_class = CriteriaSetSerializer

    def get_queryset(self):
        return set_list_for_user(self.request.user)


class SetDetailApi(APIView):
    @extend_schema(responses={200: CriteriaSetDetailSerializer, 404: ERRORS[404]}, operation_id="reform_sets_retrieve")
    def get(self, request, pk: int):
        criteria_set = get_set_for_user(request.user, pk)
        criteria_set = type(criteria_set).objects.select_related("issuing_unit", "based_on").prefetch_related(
            "bands", "areas", "sub_criteria__criterion").get(pk=criteria_set.pk)
        return Response(CriteriaSetDetailSerializer(criteria_set).data)


class AssessmentListApi(generics.ListAPIView):
    serializer_class = AssessmentSerializer

    def get_queryset(self):
        criteria_set = get_set_for_user(self.request.user, self.kwargs["pk"])
        return assessment_list_for_user(self.request.user, criteria_set=criteria_set)


class RankingApi(generics.ListAPIView):
    serializer_class = IndexResultSerializer

    def get_queryset(self):
        criteria_set = get_set_for_user(self.request.user, self.kwargs["pk"])
        return ranking_for_user(self.request.user, criteria_set)


class RemedyListApi(generics.ListAPIView):
    """The remedial tasks of a set's lost points, with their task's state, scoped like the assessments."""

    serializer_class = RemedySerializer

    def get_queryset(self):
        criteria_set = get_set_for_user(self.request.user, self.kwargs["pk"])
        return remedy_list_for_user(self.request.user, criteria_set)


def _assessment_detail(assessment):
    assessment = type(assessment).objects.select_related("unit", "task", "finalised_by").prefetch_related(
        "scores__sub_criterion", "scores__appraised_by", "scores__decided_by", "scores__links").get(pk=assessment.pk)
    return AssessmentDetailSerializer(assessment).data


def _sub_criterion(assessment, code: str):
    sub = assessment.criteria_set.sub_criteria.filter(code=code).first()
    if sub is None:
        raise ValidationError({"sub_criterion": _("%(code)s is not a sub-criterion of this set.") % {"code": code}})
    return sub


class AssessmentDetailApi(APIView):
    @extend_schema(responses={200: AssessmentDetailSerializer, 404: ERRORS[404]},
                   operation_id="reform_assessments_retrieve")
    def get(self, request, pk: int):
        return Response(_assessment_detail(get_assessment_for_user(request.user, pk)))


class SelfScoreApi(APIView):
    @extend_schema(request=ScoreInputSerializer, responses={200: AssessmentDetailSerializer, **ERRORS},
                   operation_id="reform_assessments_self_score")
    def post(self, request, pk: int):
        assessment = get_assessment_for_user(request.user, pk)
        payload = ScoreInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.score_self(actor=request.user, assessment=assessment,
                            sub_criterion=_sub_criterion(assessment, data["sub_criterion"]), points=data["points"],
                            note=data["note"])
        return Response(_assessment_detail(assessment))


class AppraiseApi(APIView):
    @extend_schema(request=AppraiseInputSerializer, responses={200: AssessmentDetailSerializer, **ERRORS},
                   operation_id="reform_assessments_appraise")
    def post(self, request, pk: int):
        assessment = get_assessment_for_user(request.user, pk)
        payload = AppraiseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.score_appraise(actor=request.user, assessment=assessment,
                                sub_criterion=_sub_criterion(assessment, data["sub_criterion"]),
                                points=data["points"], comment=data["comment"])
        return Response(_assessment_detail(assessment))


def _sub_criterion_action(serializer_class, run, operation_id: str):
    """A POST on one sub-criterion of an assessment, named by its code: the input's other fields go to `run`."""

    class SubCriterionActionApi(APIView):
        @extend_schema(request=serializer_class, responses={200: AssessmentDetailSerializer, **ERRORS},
                       operation_id=operation_id)
        def post(self, request, pk: int):
            assessment = get_assessment_for_user(request.user, pk)
            payload = serializer_class(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            sub = _sub_criterion(assessment, data.pop("sub_criterion"))
            run(actor=request.user, assessment=assessment, sub_criterion=sub, **data)
            return Response(_assessment_detail(assessment))

    return SubCriterionActionApi


SUB_CRITERION_ACTIONS = {
    "links": _sub_criterion_action(LinkInputSerializer, services.score_link_add, "reform_assessments_link"),
    "answers": _sub_criterion_action(AnswerInputSerializer, services.score_answer, "reform_assessments_answer"),
    "decisions": _sub_criterion_action(DecideInputSerializer, services.score_decide, "reform_assessments_decide"),
}


def _assessment_action(run, operation_id: str):
    class AssessmentActionApi(APIView):
        @extend_schema(request=None, responses={200: AssessmentDetailSerializer, **ERRORS}, operation_id=operation_id)
        def post(self, request, pk: int):
            assessment = get_assessment_for_user(request.user, pk)
            run(actor=request.user, assessment=assessment)
            return Response(_assessment_detail(assessment))

    return AssessmentActionApi


ASSESSMENT_ACTIONS = {
    "submit": _assessment_action(services.assessment_submit, "reform_assessments_submit"),
    "finish-appraisal": _assessment_action(services.assessment_finish_appraisal, "reform_assessments_finish"),
    "compute-automatic": _assessment_action(services.assessment_compute_automatic, "reform_assessments_compute"),
    "finalise": _assessment_action(services.assessment_finalise, "reform_assessments_finalise"),
}


class SurveyApi(APIView):
    @extend_schema(request=SurveyInputSerializer, responses={200: CriteriaSetSerializer, **ERRORS},
                   operation_id="reform_sets_survey")
    def post(self, request, pk: int):
        criteria_set = get_set_for_user(request.user, pk)
        payload = SurveyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assessments = {a.unit.code: a for a in assessment_list_for_user(request.user, criteria_set=criteria_set)}
        areas = {a.code: a for a in criteria_set.areas.all()}
        rows, errors = [], {}
        for index, row in enumerate(payload.validated_data["rows"]):
            assessment, area = assessments.get(row["unit"]), areas.get(row["area"])
            if assessment is None or area is None:
                errors[f"rows[{index}]"] = _("Unknown unit %(unit)s or area %(area)s in this set.") % row
                continue
            rows.append(services.SurveyRow(assessment=assessment, area=area, points=row["points"]))
        if errors:
            raise ValidationError(errors)
        services.survey_record(actor=request.user, criteria_set=criteria_set, rows=rows)
        return Response(CriteriaSetSerializer(criteria_set).data)


class FreezeApi(APIView):
    @extend_schema(request=None, responses={200: CriteriaSetSerializer, **ERRORS}, operation_id="reform_sets_freeze")
    def post(self, request, pk: int):
        criteria_set = services.criteria_set_freeze(actor=request.user, criteria_set=get_set_for_user(request.user, pk))
        return Response(CriteriaSetSerializer(criteria_set).data)


class PublishApi(APIView):
    @extend_schema(request=IndexPublishInputSerializer, responses={200: CriteriaSetSerializer, **ERRORS},
                   operation_id="reform_sets_publish")
    def post(self, request, pk: int):
        criteria_set = get_set_for_user(request.user, pk)
        payload = IndexPublishInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        criteria_set = services.criteria_set_publish(actor=request.user, criteria_set=criteria_set,
                                                     **payload.validated_data)
        return Response(CriteriaSetSerializer(criteria_set).data)


class SetCopyApi(APIView):
    @extend_schema(request=SetCopyInputSerializer, responses={201: CriteriaSetVersionSerializer, **ERRORS},
                   operation_id="reform_sets_copy")
    def post(self, request, pk: int):
        source = get_set_for_user(request.user, pk)
        payload = SetCopyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        copy = structure.criteria_set_copy(actor=request.user, source=source, **payload.validated_data)
        return Response(CriteriaSetVersionSerializer(copy).data, status=status.HTTP_201_CREATED)


class SetVersionApi(APIView):
    @extend_schema(request=SetVersionInputSerializer, responses={201: CriteriaSetVersionSerializer, **ERRORS},
                   operation_id="reform_sets_new_version")
    def post(self, request, pk: int):
        criteria_set = get_set_for_user(request.user, pk)
        payload = SetVersionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = structure.criteria_set_new_version(actor=request.user, criteria_set=criteria_set,
                                                     reason=payload.validated_data["reason"])
        return Response(CriteriaSetVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class SetVersionOpenApi(APIView):
    @extend_schema(request=None, responses={200: CriteriaSetVersionSerializer, **ERRORS},
                   operation_id="reform_sets_version_open")
    def post(self, request, pk: int):
        criteria_set = structure.criteria_set_version_open(actor=request.user,
                                                           criteria_set=get_set_for_user(request.user, pk))
        return Response(CriteriaSetVersionSerializer(criteria_set).data)
