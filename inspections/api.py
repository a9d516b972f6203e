"""Inspection and discipline API: lists scoped by the access policy, one POST endpoint per action.

Service errors map once (core.api): ValidationError → 400 naming the field, ConflictError → 409,
PermissionDenied → 403, not visible → 404. Legal records offer no DELETE.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import get_unit_for_user
from core.api_actions import ERRORS, ActionApi
from core.filters import DateFilter, IdFilter, YearFilter
from core.parsers import JSONParser
from inspections import services
from inspections.access import (
    get_decision_for_user,
    get_finding_for_user,
    get_inspection_for_user,
    get_plan_for_user,
    get_roll_for_user,
    plans_visible_to,
    recommendations_visible_to,
    roll_actions,
)
from inspections.models import (
    DecisionStatus,
    Finding,
    FindingStatus,
    InspectionKind,
    InspectionStatus,
    Recommendation,
    RollEntry,
    ViolationType,
)
from inspections.selectors import (
    check_summary,
    decision_register_for_user,
    finding_list_for_user,
    inspection_list_for_user,
    repeat_offenders_for_user,
    repeat_window,
    rolls_of,
)
from inspections.serializers import (
    CheckRollSerializer,
    RepeatOffendersSerializer,
    RollEntrySerializer,
    RollFindingsSerializer,
    RollOpenInputSerializer,
    RollPersonInputSerializer,
    RollSubmitInputSerializer,
    RollSubmitSerializer,
    AnnounceInputSerializer,
    AssignDraftingInputSerializer,
    ConcludeInputSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    DirectiveInputSerializer,
    DraftInputSerializer,
    ExplainInputSerializer,
    FindingInputSerializer,
    FindingSerializer,
    InspectionDetailSerializer,
    InspectionInputSerializer,
    InspectionSerializer,
    IssueInputSerializer,
    PauseInputSerializer,
    PlanInputSerializer,
    PlanSerializer,
    ProposeInputSerializer,
    PublishInputSerializer,
    RecommendationInputSerializer,
    RecommendationSerializer,
    ReplaceTaskInputSerializer,
    StepNoteInputSerializer,
    TeamInputSerializer,
    VerifyInputSerializer,
    ViolationTypeSerializer,
    WithdrawReasonInputSerializer,
)



class ViolationTypeListApi(generics.ListAPIView):
    serializer_class = ViolationTypeSerializer
    pagination_class = None
    queryset = ViolationType.objects.filter(active=True).order_by("order", "name")


class PlanListCreateApi(generics.GenericAPIView):
    serializer_class = PlanSerializer

    @extend_schema(responses=PlanSerializer(many=True), operation_id="inspection_plans_list")
    def get(self, request):
        plans = plans_visible_to(request.user).select_related("issuing_unit").order_by("-year", "title", "id")
        page = self.paginate_queryset(plans)
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    @extend_schema(request=PlanInputSerializer, responses={201: PlanSerializer, **ERRORS},
                   operation_id="inspection_plans_create")
    def post(self, request):
        payload = PlanInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        plan = services.plan_create(actor=request.user, **payload.validated_data)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(APIView):
    @extend_schema(responses={200: PlanSerializer, 404: ERRORS[404]}, operation_id="inspection_plans_retrieve")
    def get(self, request, pk: int):
        return Response(PlanSerializer(get_plan_for_user(request.user, pk)).data)


class _InspectionFilters(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=[*InspectionStatus.values, ""], required=False, default="")
    kind = serializers.ChoiceField(choices=[*InspectionKind.values, ""], required=False, default="")
    year = YearFilter(required=False, allow_null=True, default=None)
    mine = serializers.BooleanField(required=False, default=False)


def _inspection_loaded(inspection):
    return type(inspection).objects.prefetch_related("targets", "team__user", "recommendations__target_unit",
                                                     "recommendations__task").select_related(
        "issuing_unit", "leader").get(pk=inspection.pk)


def _inspection_detail(inspection):
    return InspectionDetailSerializer(_inspection_loaded(inspection)).data


class InspectionListCreateApi(generics.GenericAPIView):
    serializer_class = InspectionSerializer

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("status", OpenApiTypes.STR),
                               OpenApiParameter("kind", OpenApiTypes.STR), OpenApiParameter("year", OpenApiTypes.INT),
                               OpenApiParameter("mine", OpenApiTypes.BOOL)],
                   responses=InspectionSerializer(many=True), operation_id="inspections_list")
    def get(self, request):
        filters = _InspectionFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        inspections = inspection_list_for_user(request.user, **filters.validated_data).prefetch_related(
            "targets", "team__user")
        page = self.paginate_queryset(inspections)
        return self.get_paginated_response(InspectionSerializer(page, many=True).data)

    @extend_schema(request=InspectionInputSerializer, responses={201: InspectionDetailSerializer, **ERRORS},
                   operation_id="inspections_create")
    def post(self, request):
        payload = InspectionInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        inspection = services.inspection_create(
            actor=request.user, issuing_unit=data.pop("issuing_unit"), targets=data.pop("targets"),
            leader=data.pop("leader"), members=data.pop("members"), overlap_reason=data.pop("overlap_reason"), data=data)
        return Response(_inspection_detail(inspection), status=status.HTTP_201_CREATED)


class InspectionDetailApi(APIView):
    @extend_schema(responses=InspectionDetailSerializer, operation_id="inspections_retrieve")
    def get(self, request, pk: int):
        return Response(_inspection_detail(get_inspection_for_user(request.user, pk)))


# -- inspection actions: POST /inspections/<pk>/<action>/ ------------------------------------


class _InspectionActionApi(ActionApi):
    output_serializer = InspectionDetailSerializer

    def get_object(self, request, pk):
        return get_inspection_for_user(request.user, pk)

    def refreshed(self, request, inspection):
        return _inspection_loaded(inspection)


class InspectionStartApi(_InspectionActionApi):
    operation_id = "inspections_start"
    summary = "Start (grants the team the right to record findings)"

    def perform(self, request, inspection, data):
        services.inspection_start(actor=request.user, inspection=inspection)


class InspectionReportApi(_InspectionActionApi):
    operation_id = "inspections_report"
    summary = "Submit the team's report"
    input_serializer = StepNoteInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_report(actor=request.user, inspection=inspection, note=data["note"])


class InspectionAssignDraftingApi(_InspectionActionApi):
    operation_id = "inspections_assign_drafting"
    summary = "Record when the head assigned the drafting of the conclusion (Law 84/2025 art. 34(1))"
    input_serializer = AssignDraftingInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_assign_drafting(actor=request.user, inspection=inspection, assigned_on=data["assigned_on"])


class InspectionDraftConclusionApi(_InspectionActionApi):
    operation_id = "inspections_draft_conclusion"
    summary = "Record the draft conclusion as received by the head (the signing limit counts from that day)"
    input_serializer = DraftInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_draft_conclusion(actor=request.user, inspection=inspection, **data)


class InspectionDirectiveApi(_InspectionActionApi):
    operation_id = "inspections_directive"
    summary = "Record the implementing directive (Law 84/2025 art. 53)"
    input_serializer = DirectiveInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_record_directive(actor=request.user, inspection=inspection, **data)


class InspectionConcludeApi(_InspectionActionApi):
    operation_id = "inspections_conclude"
    summary = "Sign the conclusion: each recommendation becomes a remediation task"
    input_serializer = ConcludeInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_conclude(actor=request.user, inspection=inspection, **data)


class InspectionPublishApi(_InspectionActionApi):
    operation_id = "inspections_publish"
    summary = "Publish (at least 15 consecutive days)"
    input_serializer = PublishInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_publish(actor=request.user, inspection=inspection, publish_until=data["publish_until"])


class InspectionFollowUpApi(_InspectionActionApi):
    operation_id = "inspections_follow_up"
    summary = "Follow up the recommendations"

    def perform(self, request, inspection, data):
        services.inspection_follow_up(actor=request.user, inspection=inspection)


class InspectionCloseApi(_InspectionActionApi):
    operation_id = "inspections_close"
    summary = "Close (only when every recommendation is verified)"
    input_serializer = StepNoteInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_close(actor=request.user, inspection=inspection, note=data["note"])


class InspectionCancelApi(_InspectionActionApi):
    operation_id = "inspections_cancel"
    summary = "Cancel (only before any finding)"
    input_serializer = WithdrawReasonInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_cancel(actor=request.user, inspection=inspection, reason=data["reason"])


class InspectionTeamApi(_InspectionActionApi):
    operation_id = "inspections_team"
    summary = "Change the team"
    input_serializer = TeamInputSerializer

    def perform(self, request, inspection, data):
        services.inspection_set_team(actor=request.user, inspection=inspection, leader=data["leader"],
                                     members=data["members"])


class InspectionRecommendApi(_InspectionActionApi):
    operation_id = "inspections_recommend"
    summary = "Add a recommendation to the draft conclusion"
    input_serializer = RecommendationInputSerializer

    def perform(self, request, inspection, data):
        services.recommendation_add(actor=request.user, inspection=inspection, **data)


def _finding_loaded(finding):
    return (Finding.objects.select_related("subject_person", "subject_unit", "violation_type", "inspection")
            .prefetch_related("evidence").get(pk=finding.pk))


def _finding_detail(finding):
    return FindingSerializer(_finding_loaded(finding), context={"detail": True}).data


class FindingCreateApi(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request={"multipart/form-data": FindingInputSerializer, "application/json": FindingInputSerializer},
                   responses={201: FindingSerializer, **ERRORS}, operation_id="inspections_findings_create",
                   summary="Record a finding with evidence files (a retried client_token returns the first)")
    def post(self, request, pk: int):
        inspection = get_inspection_for_user(request.user, pk)
        payload = FindingInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("files", None)
        finding = services.finding_record(actor=request.user, inspection=inspection, files=request.FILES.getlist("files"),
                                          client_token=data.pop("client_token"), data=data)
        return Response(_finding_detail(finding), status=status.HTTP_201_CREATED)


class _FindingFilters(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=[*FindingStatus.values, ""], required=False, default="")
    violation_type = IdFilter(required=False, allow_null=True, default=None)
    unit = IdFilter(required=False)
    date_from = DateFilter(required=False, allow_null=True, default=None)
    date_to = DateFilter(required=False, allow_null=True, default=None)
    inspection = IdFilter(required=False)


class FindingListApi(generics.GenericAPIView):
    serializer_class = FindingSerializer

    @extend_schema(parameters=[OpenApiParameter(name, OpenApiTypes.STR) for name in _FindingFilters().fields],
                   responses=FindingSerializer(many=True), operation_id="findings_list")
    def get(self, request):
        filters = _FindingFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        if "unit" in data:
            data["unit"] = get_unit_for_user(request.user, data["unit"])
        if "inspection" in data:
            data["inspection"] = get_inspection_for_user(request.user, data["inspection"])
        page = self.paginate_queryset(finding_list_for_user(request.user, **data))
        return self.get_paginated_response(FindingSerializer(page, many=True).data)


class FindingDetailApi(APIView):
    @extend_schema(responses=FindingSerializer, operation_id="findings_retrieve")
    def get(self, request, pk: int):
        return Response(_finding_detail(get_finding_for_user(request.user, pk)))


# -- finding actions: POST /findings/<pk>/<action>/ --------------------------------------------


class _FindingActionApi(ActionApi):
    output_serializer = FindingSerializer

    def get_object(self, request, pk):
        return get_finding_for_user(request.user, pk)

    def refreshed(self, request, finding):
        return _finding_loaded(finding)


class FindingExplainApi(_FindingActionApi):
    operation_id = "findings_explain"
    summary = "The subject's explanation"
    input_serializer = ExplainInputSerializer

    def perform(self, request, finding, data):
        services.finding_explain(actor=request.user, finding=finding, text=data["explanation"],
                                 files=data.get("files", []))


class FindingProposeApi(_FindingActionApi):
    operation_id = "findings_propose"
    summary = "Propose handling"
    input_serializer = ProposeInputSerializer

    def perform(self, request, finding, data):
        services.finding_propose_handling(actor=request.user, finding=finding, handling=data["proposed_handling"],
                                          note=data["note"])


class FindingWithdrawApi(_FindingActionApi):
    operation_id = "findings_withdraw"
    summary = "Withdraw (never deleted)"
    input_serializer = WithdrawReasonInputSerializer

    def perform(self, request, finding, data):
        services.finding_withdraw(actor=request.user, finding=finding, reason=data["reason"])


# -- recommendation actions: POST /recommendations/<pk>/<action>/ ------------------------------


def _get_recommendation(user, pk):
    try:
        return recommendations_visible_to(user).select_related("inspection", "task").get(pk=pk)
    except (ValueError, TypeError, Recommendation.DoesNotExist):
        raise Http404 from None


class _RecommendationActionApi(ActionApi):
    output_serializer = RecommendationSerializer

    def get_object(self, request, pk):
        return _get_recommendation(request.user, pk)

    def refreshed(self, request, recommendation):
        return _get_recommendation(request.user, recommendation.pk)


class RecommendationVerifyApi(_RecommendationActionApi):
    operation_id = "recommendations_verify"
    summary = "The team leader verifies the remedy (accept or send back)"
    input_serializer = VerifyInputSerializer

    def perform(self, request, recommendation, data):
        services.recommendation_verify(actor=request.user, recommendation=recommendation, accepted=data["accepted"],
                                       note=data["note"])

    def refreshed(self, request, recommendation):
        recommendation.refresh_from_db()
        return recommendation


class RecommendationWithdrawApi(_RecommendationActionApi):
    operation_id = "recommendations_withdraw"
    summary = "Withdraw (a draft one, or a signed one being remedied: its remediation task is cancelled with it)"
    input_serializer = WithdrawReasonInputSerializer

    def perform(self, request, recommendation, data):
        services.recommendation_withdraw(actor=request.user, recommendation=recommendation, reason=data["reason"])


class RecommendationReplaceTaskApi(_RecommendationActionApi):
    operation_id = "recommendations_replace_task"
    summary = "Cancel the remediation task and assign a new one to the head of the unit to act"
    input_serializer = ReplaceTaskInputSerializer

    def perform(self, request, recommendation, data):
        services.recommendation_replace_task(actor=request.user, recommendation=recommendation,
                                             **data)


class _DecisionFilters(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=[*DecisionStatus.values, ""], required=False, default="")
    form = serializers.CharField(required=False, default="", allow_blank=True, max_length=30)
    system = serializers.CharField(required=False, default="", allow_blank=True, max_length=10)
    year = YearFilter(required=False, allow_null=True, default=None)
    unit = IdFilter(required=False)


class DecisionListCreateApi(generics.GenericAPIView):
    serializer_class = DecisionSerializer

    @extend_schema(parameters=[OpenApiParameter(name, OpenApiTypes.STR) for name in _DecisionFilters().fields],
                   responses=DecisionSerializer(many=True), operation_id="decisions_list")
    def get(self, request):
        filters = _DecisionFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        if "unit" in data:
            data["unit"] = get_unit_for_user(request.user, data["unit"])
        decisions = decision_register_for_user(request.user, **data).prefetch_related("findings")
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)

    @extend_schema(request=DecisionInputSerializer, responses={201: DecisionSerializer, **ERRORS},
                   operation_id="decisions_create",
                   summary="Open a disciplinary case; with `issue`, record the decision already taken")
    def post(self, request):
        payload = DecisionInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        issue = data.pop("issue", None)
        if issue:
            decision = services.decision_record(actor=request.user, **data, **issue)
        else:
            decision = services.decision_open(actor=request.user, **data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class DecisionDetailApi(APIView):
    @extend_schema(responses=DecisionSerializer, operation_id="decisions_retrieve")
    def get(self, request, pk: int):
        return Response(DecisionSerializer(get_decision_for_user(request.user, pk)).data)


# -- decision actions: POST /decisions/<pk>/<action>/ ------------------------------------------


class _DecisionActionApi(ActionApi):
    output_serializer = DecisionSerializer

    def get_object(self, request, pk):
        return get_decision_for_user(request.user, pk)

    def refreshed(self, request, decision):
        return get_decision_for_user(request.user, decision.pk)


class DecisionIssueApi(_DecisionActionApi):
    operation_id = "decisions_issue"
    summary = "Issue under the rules in force on the decision date"
    input_serializer = IssueInputSerializer

    def perform(self, request, decision, data):
        services.decision_issue(actor=request.user, decision=decision, **data)


class DecisionPauseApi(_DecisionActionApi):
    operation_id = "decisions_pause"
    summary = "Record time that does not count (illness, maternity, criminal proceedings, complaint)"
    input_serializer = PauseInputSerializer

    def perform(self, request, decision, data):
        services.decision_add_pause(actor=request.user, decision=decision, **data)


class DecisionAnnounceApi(_DecisionActionApi):
    operation_id = "decisions_announce"
    summary = "Record a Party decision's announcement: the state follow-up runs from it"
    input_serializer = AnnounceInputSerializer

    def perform(self, request, decision, data):
        services.decision_announce(actor=request.user, decision=decision, announced_on=data["announced_on"])


class DecisionWithdrawApi(_DecisionActionApi):
    operation_id = "decisions_withdraw"
    summary = "Withdraw (never deleted)"
    input_serializer = WithdrawReasonInputSerializer

    def perform(self, request, decision, data):
        services.decision_withdraw(actor=request.user, decision=decision, reason=data["reason"])


# -- the roll of a public-service check ------------------------------------------------------


def _check_roll(user, inspection) -> dict:
    actions = roll_actions(user, inspection)
    if "view" not in actions:
        raise Http404
    rolls = rolls_of(inspection)
    return CheckRollSerializer({"actions": sorted(actions), "summary": check_summary(rolls), "rolls": rolls}).data


class CheckRollApi(APIView):
    @extend_schema(responses={200: CheckRollSerializer, 404: ERRORS[404]}, operation_id="inspections_roll_retrieve",
                   summary="The roll of a public-service check: each unit visited, its officials and check items")
    def get(self, request, pk: int):
        return Response(_check_roll(request.user, get_inspection_for_user(request.user, pk)))


class RollOpenApi(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=RollOpenInputSerializer, responses={201: CheckRollSerializer, **ERRORS},
                   operation_id="inspections_roll_open", summary="Open the roll of a unit visited (its officials now)")
    def post(self, request, pk: int):
        inspection = get_inspection_for_user(request.user, pk)
        payload = RollOpenInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        services.roll_open(actor=request.user, inspection=inspection, unit=payload.validated_data["unit"])
        return Response(_check_roll(request.user, inspection), status=status.HTTP_201_CREATED)


class RollPersonApi(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=RollPersonInputSerializer, responses={201: RollEntrySerializer, **ERRORS},
                   operation_id="inspections_roll_add_person",
                   summary="Put an official of the unit visited on its roll")
    def post(self, request, pk: int, roll_pk: int):
        roll = get_roll_for_user(request.user, pk, roll_pk)
        payload = RollPersonInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        entry = services.roll_add_person(actor=request.user, roll=roll, person=payload.validated_data["person"])
        entry = RollEntry.objects.select_related("person", "person_unit", "finding").get(pk=entry.pk)
        return Response(RollEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class RollSubmitApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=RollSubmitInputSerializer, responses={200: RollSubmitSerializer, **ERRORS},
                   operation_id="inspections_roll_submit",
                   summary="Submit marks, all or nothing: a row changed by someone else since its version answers "
                           "409 with `rows`; the same client_token again changes nothing (`replayed`)")
    def post(self, request, pk: int, roll_pk: int):
        roll = get_roll_for_user(request.user, pk, roll_pk)
        payload = RollSubmitInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            result = services.roll_submit(actor=request.user, roll=roll, client_token=data["client_token"],
                                          entries=data["entries"], checks=data["checks"])
        except services.RollConflict as conflict:
            return Response({"detail": conflict.message, "code": conflict.code, "rows": conflict.rows},
                            status=status.HTTP_409_CONFLICT)
        return Response(RollSubmitSerializer({**result, "message": services.roll_submission_message(result)}).data)


class RollFindingsApi(APIView):
    @extend_schema(request=None, responses={200: RollFindingsSerializer, **ERRORS},
                   operation_id="inspections_roll_findings",
                   summary="Record findings: each absence without a reason (on the person), each item not met "
                           "(on the unit); rows already recorded are skipped")
    def post(self, request, pk: int):
        inspection = get_inspection_for_user(request.user, pk)
        findings = services.roll_record_findings(actor=request.user, inspection=inspection)
        return Response({"recorded": [f.code for f in findings]})


class _RepeatFilters(serializers.Serializer):
    since = DateFilter(required=False, allow_null=True, default=None)
    until = DateFilter(required=False, allow_null=True, default=None)


class RepeatOffendersApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("since", OpenApiTypes.DATE), OpenApiParameter("until", OpenApiTypes.DATE)],
                   responses=RepeatOffendersSerializer, operation_id="inspections_repeat_offenders",
                   summary="People absent without a reason, and units with items not met, in more than one "
                           "public-service check within the window")
    def get(self, request):
        filters = _RepeatFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        since, until = repeat_window(**filters.validated_data)
        people, units = repeat_offenders_for_user(request.user, since=since, until=until)
        return Response(RepeatOffendersSerializer({"since": since, "until": until, "people": people,
                                                   "units": units}).data)
