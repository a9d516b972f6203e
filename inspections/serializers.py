"""Inspection API shapes. Every writable relation is scoped to the requesting user (DRF #2374)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UnitRefSerializer
from core.api_schema import BOOLEAN, DATE, INTEGER, STRING, list_of
from inspections.access import decisions_visible_to, findings_visible_to, plans_visible_to
from inspections.models import (
    CheckResult,
    DisciplinaryDecision,
    DisciplineForm,
    DisciplineSystem,
    Finding,
    Handling,
    Inspection,
    InspectionKind,
    InspectionPlan,
    PartySubject,
    PauseKind,
    Recommendation,
    RollCall,
    RollEntry,
    Severity,
    ViolationType,
)
from inspections.selectors import time_limits
from accounts.serializers import PersonRefSerializer, ScopedPeople, ScopedUnits


@extend_schema_field(OpenApiTypes.INT)
class ActiveViolationTypes(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return ViolationType.objects.filter(active=True)


@extend_schema_field(OpenApiTypes.INT)
class ScopedPlans(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return plans_visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedFindings(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return findings_visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedDecisions(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return decisions_visible_to(self.context["request"].user)


class ViolationTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ViolationType
        fields = ["id", "code", "name", "group", "default_severity", "suggested_handling", "legal_basis",
                  "no_limitation", "active"]


class PlanSerializer(serializers.ModelSerializer):
    issuing_unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = InspectionPlan
        fields = ["id", "year", "title", "number", "approved_on", "note", "issuing_unit"]


class PlanInputSerializer(serializers.Serializer):
    issuing_unit = ScopedUnits()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=300)
    number = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    approved_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class RecommendationSerializer(serializers.ModelSerializer):
    target_unit = UnitRefSerializer(read_only=True)
    task_code = serializers.CharField(source="task.code", read_only=True, allow_null=True, default=None)
    task_status = serializers.CharField(source="task.status", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Recommendation
        fields = ["id", "number", "content", "target_unit", "deadline", "expected_result", "status", "task",
                  "task_code", "task_status", "verified_by", "verified_at", "verification_note"]


class InspectionSerializer(serializers.ModelSerializer):
    issuing_unit = UnitRefSerializer(read_only=True)
    leader = PersonRefSerializer(read_only=True)
    targets = UnitRefSerializer(many=True, read_only=True)
    team = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "code", "kind", "year", "title", "status", "issuing_unit", "plan", "decision_number",
                  "decision_date", "targets", "scope", "period_from", "period_to", "starts_on", "ends_on", "leader",
                  "team", "reported_at", "drafting_assigned_on", "draft_received_on", "draft_conclusion_at",
                  "concluded_at", "conclusion_number", "conclusion_date", "conclusion_signer", "directive_number",
                  "directive_date", "published_at", "publish_until", "closed_at"]

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_team(self, inspection):
        return [{"id": m.user_id, "full_name": m.user.full_name, "role": m.role} for m in inspection.team.all()]


class InspectionDetailSerializer(InspectionSerializer):
    recommendations = RecommendationSerializer(many=True, read_only=True)
    time_limits = serializers.SerializerMethodField()

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "conclusion_text", "recommendations", "time_limits"]

    @extend_schema_field(list_of({"step": STRING, "label": STRING, "counted_from": DATE, "days": INTEGER,
                                  "working_days": BOOLEAN, "due": DATE, "done": {**DATE, "nullable": True},
                                  "state": STRING, "basis": STRING, "rule": INTEGER, "rule_url": STRING}))
    def get_time_limits(self, inspection):
        return [{**limit, "label": str(limit["label"])} for limit in time_limits(inspection)]


class InspectionInputSerializer(serializers.Serializer):
    issuing_unit = ScopedUnits()
    kind = serializers.ChoiceField(choices=InspectionKind.choices, default=InspectionKind.PLANNED)
    title = serializers.CharField(max_length=300)
    plan = ScopedPlans(required=False, allow_null=True)
    decision_number = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    targets = ScopedUnits(many=True)
    scope = serializers.CharField(required=False, default="", allow_blank=True)
    period_from = serializers.DateField(required=False, allow_null=True)
    period_to = serializers.DateField(required=False, allow_null=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    leader = ScopedPeople()
    members = ScopedPeople(many=True, required=False, default=list)
    overlap_reason = serializers.CharField(required=False, default="", allow_blank=True)


class TeamInputSerializer(serializers.Serializer):
    leader = ScopedPeople()
    members = ScopedPeople(many=True, required=False, default=list)


class StepNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, default="", allow_blank=True)


class WithdrawReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AssignDraftingInputSerializer(serializers.Serializer):
    assigned_on = serializers.DateField()


class DraftInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    received_on = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text="When the head received the draft (today if omitted)")
    drafting_assigned_on = serializers.DateField(required=False, allow_null=True, default=None,
                                                 help_text="When the drafting was assigned, if not recorded yet")


class DirectiveInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=100)
    directive_date = serializers.DateField()


class ConcludeInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=100)
    conclusion_date = serializers.DateField()
    signer = serializers.CharField(max_length=200)
    text = serializers.CharField(required=False, default="", allow_blank=True)


class PublishInputSerializer(serializers.Serializer):
    publish_until = serializers.DateField()


class RecommendationInputSerializer(serializers.Serializer):
    content = serializers.CharField()
    target_unit = ScopedUnits()
    deadline = serializers.DateField()
    expected_result = serializers.CharField()


class ReplaceTaskInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class VerifyInputSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    note = serializers.CharField(required=False, default="", allow_blank=True)


class FindingSerializer(serializers.ModelSerializer):
    subject_person = PersonRefSerializer(read_only=True)
    subject_unit = UnitRefSerializer(read_only=True)
    violation_type = ViolationTypeSerializer(read_only=True)
    inspection_code = serializers.CharField(source="inspection.code", read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "code", "inspection", "inspection_code", "subject_person", "subject_unit", "violation_type",
                  "occurred_at", "location", "description", "severity", "recorded_by", "recorded_at", "status",
                  "explanation_due", "explanation", "explained_at", "proposed_handling", "handling_note",
                  "withdrawn_reason", "evidence"]

    @extend_schema_field({**list_of({"id": INTEGER, "name": STRING, "size": INTEGER, "for_explanation": BOOLEAN}),
                          "nullable": True, "description": "On the detail only; null in lists."})
    def get_evidence(self, finding):
        if self.parent is not None and not self.context.get("detail"):  # a row of a list
            return None
        return [{"id": e.pk, "name": e.name, "size": e.size, "for_explanation": e.for_explanation}
                for e in finding.evidence.all()]


class FindingInputSerializer(serializers.Serializer):
    subject_person = ScopedPeople(required=False, allow_null=True)
    subject_unit = ScopedUnits(required=False, allow_null=True)
    violation_type = ActiveViolationTypes()
    occurred_at = serializers.DateTimeField(required=False)
    location = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True, default="")
    client_token = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ExplainInputSerializer(serializers.Serializer):
    explanation = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ProposeInputSerializer(serializers.Serializer):
    proposed_handling = serializers.ChoiceField(choices=Handling.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class DecisionSerializer(serializers.ModelSerializer):
    subject = PersonRefSerializer(read_only=True)
    subject_unit = UnitRefSerializer(read_only=True)
    legal_basis = serializers.CharField(source="form_rule.legal_basis", read_only=True, allow_null=True, default=None)

    class Meta:
        model = DisciplinaryDecision
        fields = ["id", "code", "system", "party_subject", "subject", "subject_unit", "staff_group",
                  "subject_is_leader", "findings", "summary", "violation_date", "discovered_on", "opened_on",
                  "complex_case", "status", "form", "legal_basis", "number", "decision_date", "signer",
                  "announced_on", "effective_from", "effect_until", "salary_delay_until", "public_duty",
                  "same_act_as", "counted_in_year",
                  "warnings", "lapsed_at", "withdrawn_reason"]


class IssueInputSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=DisciplineForm.choices)
    number = serializers.CharField(max_length=100)
    decision_date = serializers.DateField()
    signer = serializers.CharField(max_length=200)
    effective_from = serializers.DateField(required=False, allow_null=True)
    public_duty = serializers.BooleanField(
        help_text="The violation is related to public duty: the discipline forces the year's rating to KHT.")
    warranted_form = serializers.ChoiceField(
        choices=DisciplineForm.choices, required=False, allow_blank=True, default="",
        help_text="The form the (heaviest) violation warrants on its own; checks several violations and a "
                  "discipline in force.")
    violation_count = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100,
                                               help_text="Violations considered in the case (default: its findings).")
    announced_on = serializers.DateField(required=False, allow_null=True,
                                         help_text="Party decisions: the state follow-up runs from this date.")


class AnnounceInputSerializer(serializers.Serializer):
    announced_on = serializers.DateField()


class DecisionInputSerializer(serializers.Serializer):
    """Open a case; with `issue`, record the decision already taken in the same transaction."""

    subject = ScopedPeople(required=False, allow_null=True, default=None)
    subject_unit = ScopedUnits(required=False, allow_null=True, default=None,
                               help_text="The Party organisation disciplined (with party_subject “organisation”).")
    system = serializers.ChoiceField(choices=DisciplineSystem.choices, default=DisciplineSystem.STATE)
    party_subject = serializers.ChoiceField(choices=PartySubject.choices, required=False, allow_blank=True, default="")
    opened_on = serializers.DateField(required=False, allow_null=True,
                                      help_text="When the proceeding opened (default: today, or the decision date "
                                                "when recording a decision already taken).")
    summary = serializers.CharField()
    discovered_on = serializers.DateField()
    findings = ScopedFindings(many=True, required=False, default=list)
    violation_date = serializers.DateField(required=False, allow_null=True)
    complex_case = serializers.BooleanField(required=False, default=False)
    same_act_as = ScopedDecisions(required=False, allow_null=True, default=None,
                                  help_text="The other system's decision (Party or State) on the same act.")
    issue = IssueInputSerializer(required=False)


class PauseInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PauseKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


# -- the roll of a public-service check ------------------------------------------------------


class RollSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    excused = serializers.IntegerField()
    unexcused = serializers.IntegerField()
    unmarked = serializers.IntegerField()
    rate = serializers.CharField(help_text="Present ÷ on the roll, in %, two decimals")
    text = serializers.CharField(help_text="As users write it: “có mặt 185/263, 78,39%; vắng 51, không lý do 9”")


class RollEntrySerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()
    unit = serializers.CharField(source="person_unit.name")
    finding = serializers.CharField(source="finding.code", default=None)

    class Meta:
        model = RollEntry
        fields = ["id", "person", "unit", "state", "reason", "version", "finding"]


class CheckResultSerializer(serializers.ModelSerializer):
    item = serializers.SerializerMethodField()
    finding = serializers.CharField(source="finding.code", default=None)

    class Meta:
        model = CheckResult
        fields = ["id", "item", "outcome", "note", "version", "finding"]

    @extend_schema_field({"type": "object", "properties": {"id": INTEGER, "code": STRING, "name": STRING}})
    def get_item(self, result):
        return {"id": result.item_id, "code": result.item.code, "name": result.item.name}


class RollSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    summary = RollSummarySerializer()
    entries = RollEntrySerializer(many=True)
    checks = CheckResultSerializer(many=True)

    class Meta:
        model = RollCall
        fields = ["id", "unit", "checked_at", "summary", "entries", "checks"]


class CheckRollSerializer(serializers.Serializer):
    actions = serializers.ListField(child=serializers.CharField())
    summary = RollSummarySerializer(allow_null=True)
    rolls = RollSerializer(many=True)


class RollOpenInputSerializer(serializers.Serializer):
    unit = ScopedUnits()


class RollPersonInputSerializer(serializers.Serializer):
    person = ScopedPeople()


class RollEntryInputSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    state = serializers.ChoiceField(choices=RollEntry._meta.get_field("state").choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    version = serializers.IntegerField(help_text="The row's version as the member saw it")


class CheckResultInputSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=CheckResult._meta.get_field("outcome").choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    version = serializers.IntegerField()


class RollSubmitInputSerializer(serializers.Serializer):
    client_token = serializers.CharField(max_length=64, help_text="One per submission; sent again, it changes nothing")
    entries = RollEntryInputSerializer(many=True, required=False, default=list)
    checks = CheckResultInputSerializer(many=True, required=False, default=list)


class RollSubmitSerializer(serializers.Serializer):
    changed = serializers.IntegerField()
    replayed = serializers.BooleanField(help_text="The token was already submitted: nothing changed this time")
    message = serializers.CharField()
    summary = RollSummarySerializer()


class RollFindingsSerializer(serializers.Serializer):
    recorded = serializers.ListField(child=serializers.CharField(), help_text="Codes of the findings recorded now")


class RepeatCheckSerializer(serializers.Serializer):
    inspection = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    day = serializers.DateField()
    what = serializers.CharField()


class RepeatOffenderSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    person = serializers.IntegerField(source="person_id", allow_null=True)
    unit_id = serializers.IntegerField(allow_null=True)
    checks = serializers.SerializerMethodField()

    @extend_schema_field(RepeatCheckSerializer(many=True))
    def get_checks(self, offender):
        return [{"inspection": i, "code": code, "title": title, "day": day, "what": what}
                for i, code, title, day, what in offender.checks]


class RepeatOffendersSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    people = RepeatOffenderSerializer(many=True)
    units = RepeatOffenderSerializer(many=True)
