from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts.access import people_visible_to, scope_for, units_visible_to
from accounts.models import Organisation, RoleAssignment, Unit, User
from accounts.text import fold
from config.history_admin import ScopedHistoryAdmin


class ScopedAdminMixin:
    """Staff who are not superusers see in the admin only what the access policy allows."""

    def scope_queryset(self, request, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(request, queryset)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, ScopedHistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=scope_for(request.user).admin_org_ids)


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, GuardedModelAdminMixin, ScopedHistoryAdmin, TreeAdmin):
    form = movenodeform_factory(Unit, exclude=["search_text"])
    list_display = ["name", "code", "kind", "organisation", "active"]
    list_filter = ["organisation", "kind", "active"]
    search_fields = ["search_text", "code"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=units_visible_to(request.user).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))

    def changelist_view(self, request, extra_context=None):
        # TreeAdmin starts at the root level only on GET; a POST (an action with nothing selected)
        # re-renders the list without it and fails. Start every request at the root level.
        if not hasattr(request, "_treebeard_parent_id"):
            request._treebeard_parent_id = None
        return super().changelist_view(request, extra_context)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, ScopedHistoryAdmin, DjangoUserAdmin):
    list_display = ["full_name", "username", "employee_code", "unit", "position", "staff_group", "is_active"]
    list_filter = ["staff_group", "is_leader", "is_party_member", "is_active", "is_staff"]
    search_fields = ["search_text", "username", "employee_code"]
    ordering = ["full_name"]
    autocomplete_fields = ["unit"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Official"), {"fields": ("full_name", "employee_code", "unit", "position", "staff_group",
                                     "is_leader", "is_party_member", "service_start_date", "email", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "unit", "password1", "password2")}),
    )

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=people_visible_to(request.user).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out superuser or admin-site rights.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "is_staff", "groups", "user_permissions"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, ScopedHistoryAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__search_text", "unit__search_text"]
    autocomplete_fields = ["user", "unit"]

    def scope_queryset(self, request, queryset):
        scope = scope_for(request.user)
        return queryset.filter(unit__organisation_id__in=scope.admin_org_ids)
