from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdminMixin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts import two_factor
from accounts.access import people_visible_to, scope_for, units_visible_to
from accounts.models import Organisation, RoleAssignment, Unit, User
from accounts.text import fold
from config.history_admin import ScopedHistoryAdmin

# Devices are managed from the user list (reset) and by their owners, within the access policy;
# the library's own device admin would list every organisation's devices.
admin.site.unregister(TOTPDevice)


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

    actions = ["reset_two_step_sign_in"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=people_visible_to(request.user).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))

    @admin.action(description=_("Reset two-step sign-in (lost phone)"), permissions=["change"])
    def reset_two_step_sign_in(self, request, queryset):
        scope = scope_for(request.user)
        if not scope.is_superuser:  # reading someone is not enough: only their organisation's administrators
            queryset = queryset.filter(unit__organisation_id__in=scope.admin_org_ids)
        users = list(queryset)
        two_factor.reset_for(users, by=request.user, request=request)
        self.message_user(request, _("Two-step sign-in reset for %(count)d people: they set it up again at their next sign-in.")
                          % {"count": len(users)})

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
