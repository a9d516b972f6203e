from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedAdminMixin
from scheduler.models import JobRun
from scheduler.registry import collect_jobs


class JobFilter(admin.SimpleListFilter):
    """Jobs by their titles (the ids are for logs)."""

    title = _("job")
    parameter_name = "job_id"

    def lookups(self, request, model_admin):
        return sorted(((job_id, str(job.title)) for job_id, job in collect_jobs().items()), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(job_id=self.value()) if self.value() else queryset


@admin.register(JobRun)
class JobRunAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: runs are written by the scheduler alone. A run belongs to no organisation — each
    job goes over every organisation, and its error text may name any of their records — so only
    superusers, who run the system, see the runs."""

    list_display = ["job", "scheduled_for", "started_at", "finished_at", "outcome", "items_processed", "hostname", "pid"]
    list_filter = ["outcome", JobFilter]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in JobRun._meta.fields]

    @admin.display(description=_("job"), ordering="job_id")
    def job(self, run):
        return run.title

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
