from django.contrib import admin

from scheduler.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the scheduler alone."""

    list_display = ["job_id", "scheduled_for", "started_at", "finished_at", "outcome", "items_processed", "hostname", "pid"]
    list_filter = ["outcome", "job_id"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
