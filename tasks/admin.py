from django.contrib import admin
from django.db.models import Q

from accounts.admin import ScopedAdminMixin, administered_rows
from tasks.access import tasks_visible_to
from tasks.models import ProcessTemplate, ProcessTemplateStep, Recurrence, Task, TaskEvent, TaskPolicy

# TaskPolicy and ProcessTemplate carry their organisation (the default rule of ScopedAdminMixin).
administered_rows(Task, lambda org_ids: Q(assigning_unit__organisation_id__in=org_ids))
administered_rows(Recurrence, lambda org_ids: Q(template__assigning_unit__organisation_id__in=org_ids))
administered_rows(ProcessTemplateStep, lambda org_ids: Q(template__organisation_id__in=org_ids))
administered_rows(TaskEvent, lambda org_ids: Q(task__assigning_unit__organisation_id__in=org_ids))


@admin.register(TaskPolicy)
class TaskPolicyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "clarity_profile", "extension_lead_days"]


class StepInline(ScopedAdminMixin, admin.TabularInline):
    model = ProcessTemplateStep
    extra = 1


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "active"]
    list_filter = ["organisation", "active"]
    inlines = [StepInline]


@admin.register(Recurrence)
class RecurrenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["template", "frequency", "due_day", "due_time", "assign_days_before", "active"]
    list_filter = ["frequency", "active"]
    raw_id_fields = ["template"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(template__in=tasks_visible_to(request.user))


class EventInline(ScopedAdminMixin, admin.TabularInline):
    model = TaskEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "from_status", "to_status", "actor", "note", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """For looking things up only, by everyone, superusers included: a task changes through its
    actions (pages and API), which check who may do what and write the task's event — an edit here
    would move a deadline or set a lead with no event and no check."""

    list_display = ["code", "title", "status", "lead", "lead_unit", "deadline", "progress_percent"]
    list_filter = ["status", "extended"]
    search_fields = ["code", "search_text"]
    date_hierarchy = "deadline"
    raw_id_fields = ["parent", "assigner", "lead", "monitor", "assigning_unit", "lead_unit", "recurrence"]
    readonly_fields = ["status", "code", "assigned_at", "submitted_at", "completed_at", "extended", "original_deadline",
                       "overdue_marked_at", "quality", "progress_percent", "recurrence", "period"]
    inlines = [EventInline]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=tasks_visible_to(request.user).values("pk"))

    def has_add_permission(self, request):
        return False  # tasks are created through the 5-rõ form or the API, where the gate applies

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
