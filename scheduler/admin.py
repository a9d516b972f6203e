from django.contrib import admin

from accounts.admin import ScopedAdminMixin
from scheduler.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: runs are written by the scheduler alone. A run belongs to no organisation — each
    job goes over every organisation, and its error text may name any of their records — so only
    superusers, who run the system, see the runs."""

    list_display = ["job_id", "scheduled_for", "started_at", "finished_at", "outcome", "items_processed", "hostname", "pid"]
    list_filter = ["outcome", "job_id"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
