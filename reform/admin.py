"""The reform records in the admin site, read-only: sets, their bands and areas, and the units'
assessments change through their actions (pages, API, Excel), which keep the structure frozen
once scoring starts and every score checked. Nothing here is deleted."""

from django.contrib import admin
from django.db.models import Q

from accounts.access import scope_for
from accounts.admin import ScopedAdminMixin, administered_rows
from core.history_admin import ScopedHistoryAdmin
from reform.access import assessments_visible_to, sets_visible_to
from reform.models import Area, Assessment, Band, CriteriaSet

# CriteriaSet carries its organisation (the default rule of ScopedAdminMixin).
administered_rows(Assessment, lambda org_ids: Q(criteria_set__organisation_id__in=org_ids))
administered_rows(Band, lambda org_ids: Q(criteria_set__organisation_id__in=org_ids))
administered_rows(Area, lambda org_ids: Q(criteria_set__organisation_id__in=org_ids))


class ReadOnly:
    """An organisation's administrators read their organisation's rows (the queryset scopes them)."""

    def has_module_permission(self, request):
        return scope_for(request.user).is_admin

    def has_view_permission(self, request, obj=None):
        return scope_for(request.user).is_admin

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BandInline(ScopedAdminMixin, ReadOnly, admin.TabularInline):
    model = Band
    fields = ["name", "min_percent"]


class AreaInline(ScopedAdminMixin, ReadOnly, admin.TabularInline):
    model = Area
    fields = ["code", "name", "order", "survey_max_points"]


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ScopedAdminMixin, ReadOnly, ScopedHistoryAdmin):
    list_display = ["year", "title", "unit_group", "version", "status", "issuing_unit", "published_on"]
    list_filter = ["year", "unit_group", "status"]
    search_fields = ["title", "legal_basis"]
    inlines = [BandInline, AreaInline]

    def get_queryset(self, request):
        return sets_visible_to(request.user).select_related("issuing_unit")


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdminMixin, ReadOnly, ScopedHistoryAdmin):
    list_display = ["unit", "criteria_set", "status", "appraiser", "submitted_at", "appraised_at"]
    list_filter = ["status", "criteria_set__year"]
    search_fields = ["unit__name", "unit__code"]

    def get_queryset(self, request):
        return assessments_visible_to(request.user).select_related("unit", "criteria_set", "appraiser")
