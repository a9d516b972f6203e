"""Reform index API: lists scoped by the access policy, one POST endpoint per action.

Each action is a class on core.api_actions.ActionApi: the object is read through the access policy
(404 for whoever may not see it), the input validated by its serializer, the service decides.
Service errors map once (core.api): ValidationError → 400 naming the field, ConflictError → 409,
PermissionDenied → 403, not visible → 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_actions import ERRORS, ActionApi
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


def _assessment_loaded(assessment):
    """The assessment with what its detail shows, read afresh."""
    return type(assessment).objects.select_related("unit", "task", "finalised_by").prefetch_related(
        "scores__sub_criterion", "scores__appraised_by", "scores__decided_by", "scores__links").get(pk=assessment.pk)


def _assessment_detail(assessment):
    return AssessmentDetailSerializer(_assessment_loaded(assessment)).data


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


# -- actions on an assessment -------------------------------------------------------------


class _AssessmentActionApi(ActionApi):
    """An action on an assessment; the answer is the assessment's detail."""

    output_serializer = AssessmentDetailSerializer

    def get_object(self, request, pk):
        return get_assessment_for_user(request.user, pk)

    def refreshed(self, request, obj):
        return _assessment_loaded(obj)


class SelfScoreApi(_AssessmentActionApi):
    operation_id = "reform_assessments_self_score"
    summary = "The unit's head self-scores a sub-criterion"
    input_serializer = ScoreInputSerializer

    def perform(self, request, assessment, data, **kwargs):
        services.score_self(actor=request.user, assessment=assessment,
                            sub_criterion=_sub_criterion(assessment, data["sub_criterion"]), points=data["points"],
                            note=data["note"])


class AppraiseApi(_AssessmentActionApi):
    operation_id = "reform_assessments_appraise"
    summary = "The appraiser scores a sub-criterion"
    input_serializer = AppraiseInputSerializer

    def perform(self, request, assessment, data, **kwargs):
        services.score_appraise(actor=request.user, assessment=assessment,
                                sub_criterion=_sub_criterion(assessment, data["sub_criterion"]),
                                points=data["points"], comment=data["comment"])


class LinkApi(_AssessmentActionApi):
    operation_id = "reform_assessments_link"
    summary = "The unit links a record of the product as evidence of a sub-criterion"
    input_serializer = LinkInputSerializer

    def perform(self, request, assessment, data, **kwargs):
        services.score_link_add(actor=request.user, assessment=assessment,
                                sub_criterion=_sub_criterion(assessment, data["sub_criterion"]), kind=data["kind"],
                                code=data["code"])


class AnswerApi(_AssessmentActionApi):
    operation_id = "reform_assessments_answer"
    summary = "The unit answers the appraisal of a sub-criterion"
    input_serializer = AnswerInputSerializer

    def perform(self, request, assessment, data, **kwargs):
        services.score_answer(actor=request.user, assessment=assessment,
                              sub_criterion=_sub_criterion(assessment, data["sub_criterion"]), answer=data["answer"])


class DecideApi(_AssessmentActionApi):
    operation_id = "reform_assessments_decide"
    summary = "The council fixes the final points of a sub-criterion"
    input_serializer = DecideInputSerializer

    def perform(self, request, assessment, data, **kwargs):
        services.score_decide(actor=request.user, assessment=assessment,
                              sub_criterion=_sub_criterion(assessment, data["sub_criterion"]), points=data["points"],
                              note=data["note"])


class SubmitApi(_AssessmentActionApi):
    operation_id = "reform_assessments_submit"
    summary = "The unit's head submits the self-assessment for appraisal"

    def perform(self, request, assessment, data, **kwargs):
        services.assessment_submit(actor=request.user, assessment=assessment)


class FinishAppraisalApi(_AssessmentActionApi):
    operation_id = "reform_assessments_finish"
    summary = "The appraiser closes the appraisal"

    def perform(self, request, assessment, data, **kwargs):
        services.assessment_finish_appraisal(actor=request.user, assessment=assessment)


class ComputeAutomaticApi(_AssessmentActionApi):
    operation_id = "reform_assessments_compute"
    summary = "Recompute the automatic sub-criteria"

    def perform(self, request, assessment, data, **kwargs):
        services.assessment_compute_automatic(actor=request.user, assessment=assessment)


class FinaliseApi(_AssessmentActionApi):
    operation_id = "reform_assessments_finalise"
    summary = "The council fixes the unit's final score"

    def perform(self, request, assessment, data, **kwargs):
        services.assessment_finalise(actor=request.user, assessment=assessment)


# -- actions on a criteria set -------------------------------------------------------------


class _SetActionApi(ActionApi):
    """An action on a criteria set; the answer is the set."""

    output_serializer = CriteriaSetSerializer

    def get_object(self, request, pk):
        return get_set_for_user(request.user, pk)


class SurveyApi(_SetActionApi):
    operation_id = "reform_sets_survey"
    summary = "Record the survey's points per unit and survey area"
    input_serializer = SurveyInputSerializer

    def perform(self, request, criteria_set, data, **kwargs):
        assessments = {a.unit.code: a for a in assessment_list_for_user(request.user, criteria_set=criteria_set)}
        areas = {a.code: a for a in criteria_set.areas.all()}
        rows, errors = [], {}
        for index, row in enumerate(data["rows"]):
            assessment, area = assessments.get(row["unit"]), areas.get(row["area"])
            if assessment is None or area is None:
                errors[f"rows[{index}]"] = _("Unknown unit %(unit)s or area %(area)s in this set.") % row
                continue
            rows.append(services.SurveyRow(assessment=assessment, area=area, points=row["points"]))
        if errors:
            raise ValidationError(errors)
        services.survey_record(actor=request.user, criteria_set=criteria_set, rows=rows)


class FreezeApi(_SetActionApi):
    operation_id = "reform_sets_freeze"
    summary = "The scores become final and the index is computed"

    def perform(self, request, criteria_set, data, **kwargs):
        services.criteria_set_freeze(actor=request.user, criteria_set=criteria_set)


class PublishApi(_SetActionApi):
    operation_id = "reform_sets_publish"
    summary = "Publish the results"
    input_serializer = IndexPublishInputSerializer

    def perform(self, request, criteria_set, data, **kwargs):
        services.criteria_set_publish(actor=request.user, criteria_set=criteria_set, published_on=data["published_on"])


class SetVersionOpenApi(_SetActionApi):
    operation_id = "reform_sets_version_open"
    summary = "Put a new version in force"
    output_serializer = CriteriaSetVersionSerializer

    def perform(self, request, criteria_set, data, **kwargs):
        structure.criteria_set_version_open(actor=request.user, criteria_set=criteria_set)


class _SetMakingApi(_SetActionApi):
    """An action that makes a new set from this one: 201 with the set it made."""

    output_serializer = CriteriaSetVersionSerializer

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.operation_id:
            return

        def post(self, request, *args, **kwargs):
            return _SetMakingApi.post(self, request, *args, **kwargs)

        post.__doc__ = cls.summary
        cls.post = extend_schema(request=cls.input_serializer, responses={201: cls.output_serializer, **ERRORS},
                                 summary=cls.summary or None, operation_id=cls.operation_id)(post)

    def post(self, request, pk: int, **kwargs):
        source = self.get_object(request, pk=pk)
        payload = self.input_serializer(data=request.data, context={"request": request, "object": source})
        payload.is_valid(raise_exception=True)
        made = self.perform(request, source, dict(payload.validated_data), **kwargs)
        return Response(self.output_serializer(made, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class SetCopyApi(_SetMakingApi):
    operation_id = "reform_sets_copy"
    summary = "Copy the set as the model of another year's"
    input_serializer = SetCopyInputSerializer

    def perform(self, request, source, data, **kwargs):
        return structure.criteria_set_copy(actor=request.user, source=source, **data)


class SetVersionApi(_SetMakingApi):
    operation_id = "reform_sets_new_version"
    summary = "Start a new version of a set in use, with the reason"
    input_serializer = SetVersionInputSerializer

    def perform(self, request, criteria_set, data, **kwargs):
        return structure.criteria_set_new_version(actor=request.user, criteria_set=criteria_set,
                                                  reason=data["reason"])
