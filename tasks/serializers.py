from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.access import units_visible_to
from accounts.serializers import PersonRefSerializer, ScopedPeople, ScopedUnits, UnitRefSerializer
from core.serializers import ReasonInputSerializer
from tasks.access import available_actions, owner_refusal, tasks_visible_to
from tasks.clarity import checklist_data
from tasks.models import ProcessTemplate, Quality, Task, TaskOwner
from tasks.status import official_status


@extend_schema_field(OpenApiTypes.INT)
class ScopedTemplates(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("Choose an active process template of your organisation.")}

    def get_queryset(self):
        orgs = units_visible_to(self.context["request"].user).values("organisation_id")
        return ProcessTemplate.objects.filter(active=True, organisation_id__in=orgs)


class ParticipantInputSerializer(serializers.Serializer):
    user = ScopedPeople(required=False, allow_null=True)
    unit = ScopedUnits(required=False, allow_null=True)
    part = serializers.CharField(allow_blank=True, max_length=2000)
    deadline = serializers.DateTimeField(required=False, allow_null=True)


class StepInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    responsible = serializers.CharField(max_length=200, allow_blank=True, required=False)
    due_at = serializers.DateTimeField(required=False, allow_null=True)


@extend_schema_field(OpenApiTypes.INT)
class ScopedTasks(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("Choose one of the tasks you can see (no. “{pk_value}” is not one).")}

    def get_queryset(self):
        return tasks_visible_to(self.context["request"].user)


class TaskInputSerializer(serializers.Serializer):
    assigning_unit = ScopedUnits(required=False, help_text="Required when creating; a unit you head or deputise.")
    parent = ScopedTasks(required=False, allow_null=True,
                         help_text="Delegate part of a task you lead (it must be in progress); the sub-task is assigned from your unit.")
    title = serializers.CharField(max_length=300)
    content = serializers.CharField(allow_blank=True, required=False)
    source_number = serializers.CharField(allow_blank=True, required=False, max_length=100)
    source_date = serializers.DateField(required=False, allow_null=True)
    source_issuer = serializers.CharField(allow_blank=True, required=False, max_length=200)
    lead = ScopedPeople(required=False, allow_null=True,
                        error_messages={"does_not_exist": _("The lead must belong to your unit.")})
    lead_unit = ScopedUnits(required=False, allow_null=True)
    monitor = ScopedPeople(required=False, allow_null=True)
    process_template = ScopedTemplates(required=False, allow_null=True)
    process_description = serializers.CharField(allow_blank=True, required=False)
    reporting_regime = serializers.CharField(allow_blank=True, required=False, max_length=200)
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    responsibility = serializers.CharField(allow_blank=True, required=False)
    product_type = serializers.CharField(allow_blank=True, required=False, max_length=100)
    product_description = serializers.CharField(allow_blank=True, required=False)
    expected_result = serializers.CharField(allow_blank=True, required=False)
    acceptance_criterion = serializers.CharField(allow_blank=True, required=False)
    authority_basis = serializers.CharField(allow_blank=True, required=False, max_length=300)
    lead_may_decide = serializers.CharField(allow_blank=True, required=False)
    participants = ParticipantInputSerializer(many=True, required=False)
    steps = StepInputSerializer(many=True, required=False)


class CheckSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


class TaskListOutputSerializer(serializers.ModelSerializer):
    lead = PersonRefSerializer(allow_null=True)
    lead_unit = UnitRefSerializer(allow_null=True)
    official_status = serializers.CharField(source="official")

    class Meta:
        model = Task
        fields = ["id", "code", "title", "status", "official_status", "lead", "lead_unit", "deadline",
                  "original_deadline", "extended", "progress_percent", "source_number", "completed_at"]

    # The columns a row of the list is made of, read with `.values()` (no model instances).
    COLUMNS = ("id", "code", "title", "status", "official", "lead_id", "lead__full_name", "lead_unit_id",
               "lead_unit__code", "lead_unit__name", "deadline", "original_deadline", "extended", "progress_percent",
               "source_number", "completed_at")

    @staticmethod
    def rows(values) -> list[dict]:
        """The list's rows from `.values(*COLUMNS)`, exactly as the serializer writes them from
        tasks: same keys in the same order, times through DRF's own DateTimeField."""
        when = serializers.DateTimeField().to_representation

        def at(value):
            return None if value is None else when(value)

        return [{
            "id": row["id"], "code": row["code"], "title": row["title"], "status": row["status"],
            "official_status": row["official"],
            "lead": None if row["lead_id"] is None else {"id": row["lead_id"], "full_name": row["lead__full_name"]},
            "lead_unit": None if row["lead_unit_id"] is None else {
                "id": row["lead_unit_id"], "code": row["lead_unit__code"], "name": row["lead_unit__name"]},
            "deadline": at(row["deadline"]), "original_deadline": at(row["original_deadline"]),
            "extended": row["extended"], "progress_percent": row["progress_percent"],
            "source_number": row["source_number"], "completed_at": at(row["completed_at"]),
        } for row in values]


class TaskDetailOutputSerializer(serializers.ModelSerializer):
    assigner = PersonRefSerializer()
    assigning_unit = UnitRefSerializer()
    lead = PersonRefSerializer(allow_null=True)
    lead_unit = UnitRefSerializer(allow_null=True)
    monitor = PersonRefSerializer(allow_null=True)
    official_status = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What the requesting user may do on the task now: the action endpoints that accept it.")
    managed_by = serializers.ChoiceField(
        choices=TaskOwner.choices, allow_blank=True, read_only=True,
        help_text="The record that manages the task's lifecycle (cancel, return); empty when none does.")
    managed_note = serializers.SerializerMethodField(
        help_text="Why cancel and return are not among the actions when another record manages the task; empty otherwise.")

    class Meta:
        model = Task
        fields = [
            "id", "code", "parent", "status", "official_status", "title", "content", "source_number", "source_date",
            "source_issuer", "assigner", "assigning_unit", "lead", "lead_unit", "monitor", "process_template",
            "process_description", "reporting_regime", "deadline", "original_deadline", "extended", "responsibility",
            "product_type", "product_description", "expected_result", "acceptance_criterion", "authority_basis",
            "lead_may_decide", "progress_percent", "assigned_at", "submitted_at", "completed_at", "quality",
            "evaluation_note", "checklist", "participants", "events", "actions", "managed_by", "managed_note",
        ]

    def get_official_status(self, task) -> str:
        return official_status(task)

    def get_managed_note(self, task) -> str:
        return owner_refusal(task, "cancel") or ""

    def get_checklist(self, task) -> list[dict]:
        return checklist_data(task)

    def get_participants(self, task) -> list[dict]:
        return [
            {"user": p.user_id, "user_name": str(p.user) if p.user else None, "unit": p.unit_id,
             "unit_name": str(p.unit) if p.unit else None, "part": p.part, "deadline": p.deadline}
            for p in task.participants.select_related("user", "unit")
        ]

    def get_actions(self, task) -> list[str]:
        request = self.context.get("request")
        return sorted(available_actions(request.user, task)) if request is not None else []

    def get_events(self, task) -> list[dict]:
        return [
            {"action": e.action, "from": e.from_status, "to": e.to_status, "actor": e.actor_id, "at": e.at,
             "note": e.note, "data": e.data}
            for e in task.events.all()
        ]


class ProgressInputSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    steps_done = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                       help_text="Order numbers of the process steps finished.")
    note = serializers.CharField(allow_blank=True, required=False, max_length=4000)
    files = serializers.ListField(child=serializers.FileField(), required=False)


class SubmitInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)
    files = serializers.ListField(child=serializers.FileField(), required=False)


class ExtensionInputSerializer(serializers.Serializer):
    new_deadline = serializers.DateTimeField()
    reason = serializers.CharField(max_length=4000)


class ExtensionDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    granted_deadline = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(allow_blank=True, required=False, max_length=4000)


class ApproveInputSerializer(serializers.Serializer):
    quality = serializers.ChoiceField(
        choices=[c for c in Quality.choices if c[0] != Quality.FAIL],
        error_messages={"invalid_choice": _("“{input}” is not a quality a result can be approved with; "
                                            "a result that falls short is sent back.")})
    note = serializers.CharField(allow_blank=True, required=False, max_length=4000)
    open_subtasks_reason = serializers.CharField(allow_blank=True, required=False, max_length=2000)



