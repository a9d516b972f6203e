from django.contrib import admin

from accounts.access import scope_for
from tasks.access import tasks_visible_to
from tasks.models import ProcessTemplate, ProcessTemplateStep, Recurrence, Task, TaskEvent, TaskPolicy


@admin.register(TaskPolicy)
class TaskPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "clarity_profile", "extension_lead_days"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = scope_for(request.user)
        return queryset if scope.is_superuser else queryset.filter(organisation_id__in=scope.admin_org_ids)


class StepInline(admin.TabularInline):
    model = ProcessTemplateStep
    extra = 1


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "active"]
    list_filter = ["organisation", "active"]
    inlines = [StepInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = scope_for(request.user)
        return queryset if scope.is_superuser else queryset.filter(organisation_id__in=scope.admin_org_ids)


@admin.register(Recurrence)
class RecurrenceAdmin(admin.ModelAdmin):
    list_display = ["template", "frequency", "due_day", "due_time", "assign_days_before", "active"]
    list_filter = ["frequency", "active"]
    raw_id_fields = ["template"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(template__in=tasks_visible_to(request.user))


class EventInline(admin.TabularInline):
    model = TaskEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "from_status", "to_status", "actor", "note", "data"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """For looking things up: the status changes only through the actions, never here."""

    list_display = ["code", "title", "status", "lead", "lead_unit", "deadline", "progress_percent"]
    list_filter = ["status", "extended"]
    search_fields = ["code", "search_text"]
    date_hierarchy = "deadline"
    raw_id_fields = ["parent", "assigner", "lead", "monitor", "assigning_unit", "lead_unit", "recurrence"]
    readonly_fields = ["status", "code", "assigned_at", "submitted_at", "completed_at", "extended", "original_deadline",
                       "overdue_marked_at", "quality", "progress_percent", "recurrence", "period"]
    inlines = [EventInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk__in=tasks_visible_to(request.user).values("pk"))

    def has_add_permission(self, request):
        return False  # tasks are created through the 5-rõ form or the API, where the gate applies

    def has_delete_permission(self, request, obj=None):
        return False
