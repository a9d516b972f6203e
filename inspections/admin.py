"""Administration of the catalogue and the rules (data with a legal basis), and read-mostly views
of the records. Legal records — findings, decisions — cannot be deleted here (withdraw instead)."""

from django.contrib import admin
from django.db.models import Q

from accounts.access import scope_for
from accounts.admin import AdministratorsOnly, NoDelete, ScopedAdminMixin, administered_rows, shared
from core.history_admin import ScopedHistoryAdmin
from inspections.access import decisions_visible_to, findings_visible_to, inspections_visible_to, plans_visible_to
from inspections.models import (
    CheckItem,
    ConclusionTimeLimit,
    Complaint,
    DisciplinaryDecision,
    DisciplineFormRule,
    DisciplineRuleSet,
    Finding,
    Inspection,
    InspectionPlan,
    ViolationType,
)


# InspectionPlan and Inspection carry their organisation (the default rule of ScopedAdminMixin).
administered_rows(Finding, lambda org_ids: Q(inspection__organisation_id__in=org_ids))
administered_rows(DisciplinaryDecision, lambda org_ids: Q(subject_unit__organisation_id__in=org_ids))
for _shared in (ViolationType, DisciplineFormRule, DisciplineRuleSet, CheckItem):
    administered_rows(_shared, shared)
# The general limits are shared; a row for one inspecting body belongs to that body's organisation.
administered_rows(ConclusionTimeLimit, lambda org_ids: Q(issuing_unit__isnull=True)
                  | Q(issuing_unit__organisation_id__in=org_ids))


@admin.register(CheckItem)
class CheckItemAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    """What a public-service check looks at; an item no longer checked is made inactive (its results stay)."""

    list_display = ["order", "code", "name", "violation_type", "active"]
    list_display_links = ["code", "name"]
    list_filter = ["active"]
    search_fields = ["code", "name"]


@admin.register(ViolationType)
class ViolationTypeAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["order", "code", "name", "group", "default_severity", "suggested_handling", "no_limitation", "active"]
    list_display_links = ["code", "name"]
    list_filter = ["group", "active", "no_limitation"]
    search_fields = ["code", "name", "legal_basis"]


@admin.register(DisciplineFormRule)
class DisciplineFormRuleAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["system", "staff_group", "leader_scope", "party_subject", "level", "form", "salary_delay_months",
                    "valid_from", "valid_to", "legal_basis"]
    list_filter = ["system", "staff_group", "leader_scope", "party_subject", "form"]


@admin.register(DisciplineRuleSet)
class DisciplineRuleSetAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["name", "system", "staff_group", "valid_from", "valid_to", "limitation_light_years",
                    "limitation_heavy_years", "expulsion_not_time_barred", "processing_days", "several_violations",
                    "state_follow_up_days"]
    list_filter = ["system", "staff_group"]


@admin.register(ConclusionTimeLimit)
class ConclusionTimeLimitAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["step", "days", "working_days", "issuing_unit", "valid_from", "valid_to", "legal_basis"]
    list_filter = ["step"]
    raw_id_fields = ["issuing_unit"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ScopedAdminMixin, NoDelete, admin.ModelAdmin):
    list_display = ["year", "title", "issuing_unit", "number"]
    list_filter = ["year"]
    raw_id_fields = ["issuing_unit"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return plans_visible_to(request.user).select_related("issuing_unit")


class ScopedReadOnly(NoDelete):
    """Records change through their actions (pages and API), never by editing fields here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ScopedAdminMixin, ScopedReadOnly, ScopedHistoryAdmin):
    list_display = ["code", "title", "kind", "status", "issuing_unit", "year"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["code", "title", "decision_number"]

    def get_queryset(self, request):
        return inspections_visible_to(request.user).select_related("issuing_unit")


@admin.register(Finding)
class FindingAdmin(ScopedAdminMixin, ScopedReadOnly, ScopedHistoryAdmin):
    list_display = ["code", "violation_type", "subject_person", "subject_unit", "occurred_at", "status"]
    list_filter = ["status", "severity", "violation_type"]
    search_fields = ["code", "description"]

    def get_queryset(self, request):
        return findings_visible_to(request.user).select_related("violation_type", "subject_person", "subject_unit")


@admin.register(DisciplinaryDecision)
class DisciplinaryDecisionAdmin(ScopedAdminMixin, ScopedReadOnly, ScopedHistoryAdmin):
    list_display = ["code", "number", "subject", "form", "decision_date", "status"]
    list_filter = ["status", "system", "form"]
    search_fields = ["code", "number"]

    def get_queryset(self, request):
        return decisions_visible_to(request.user).select_related("subject")


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdminMixin, NoDelete, ScopedHistoryAdmin):
    """Complaints and denunciations about people and units of the organisation, until settled:
    commendation of their subject is postponed meanwhile. Never deleted: settled with a date."""

    list_display = ["received_on", "reference", "subject_person", "subject_unit", "resolved_on"]
    list_filter = ["resolved_on"]
    search_fields = ["reference", "summary"]
    autocomplete_fields = ["subject_person", "subject_unit"]
