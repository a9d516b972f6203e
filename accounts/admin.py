from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.forms import ClearableFileInput, ModelChoiceField
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdminMixin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts import two_factor
from accounts.access import people_visible_to, scope_for, units_visible_to
from accounts.collation import by_vietnamese
from accounts.models import LocalRegulation, Organisation, RoleAssignment, Unit, User
from core.text import fold
from core.history_admin import ScopedHistoryAdmin

# Devices are managed from the user list (reset) and by their owners, within the access policy;
# the library's own device admin would list every organisation's devices.
admin.site.unregister(TOTPDevice)


# What a non-superuser administers, per model: a Q over the model's rows given the organisations they
# administer. Every app registers its own models (next to their admin); a model that is not
# registered and has no `organisation` field is administered by superusers only.
_ADMINISTERED: dict[type[Model], Callable[[frozenset[int]], Q]] = {}


def shared(org_ids: frozenset[int]) -> Q:
    """Catalogues and rule sets shared by every organisation: each one's administrators edit them."""
    return Q()


def administered_rows(model: type[Model], rows: Callable[[frozenset[int]], Q]) -> None:
    """Declare which rows of `model` an administrator of the organisations `org_ids` may change or pick."""
    _ADMINISTERED[model] = rows


def administered(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` administers: all for a superuser; for an organisation's
    administrator only their organisations' rows; for anyone else none."""
    scope = scope_for(user)
    if scope.is_superuser:
        return queryset
    model = queryset.model
    rows = _ADMINISTERED.get(model)
    if rows is None:
        names = {field.name for field in model._meta.concrete_fields}
        rows = (lambda org_ids: Q(organisation_id__in=org_ids)) if "organisation" in names else None
    if rows is None or not scope.admin_org_ids:
        return queryset.none()
    return queryset.filter(rows(frozenset(scope.admin_org_ids)))


administered_rows(Organisation, lambda org_ids: Q(pk__in=org_ids))
administered_rows(Unit, lambda org_ids: Q(organisation_id__in=org_ids))
# Superusers and staff of the admin site are a superuser's to change, whoever's unit they sit in.
administered_rows(User, lambda org_ids: Q(unit__organisation_id__in=org_ids, is_superuser=False, is_staff=False))
administered_rows(RoleAssignment, lambda org_ids: Q(unit__organisation_id__in=org_ids,
                                                    user__unit__organisation_id__in=org_ids,
                                                    user__is_superuser=False, user__is_staff=False))


def _narrowed(form_class, user):
    """`form_class` whose every relation field (declared ones included, e.g. treebeard's reference
    node) offers and accepts only the rows `user` administers: a submitted id outside them is an
    invalid choice when the form is validated, whatever the widget showed."""

    class Narrowed(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                if isinstance(field, ModelChoiceField) and field.queryset is not None:
                    field.queryset = administered(user, field.queryset)

    Narrowed.__name__ = Narrowed.__qualname__ = form_class.__name__
    return Narrowed


class NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False


class AdministratorsOnly:
    """National rules and the catalogue apply to every organisation: an organisation's administrators
    read them, only the system's administrators (superusers) correct them — one organisation must not
    change the law another is judged by. An organisation's own rules live in its local regulations."""

    def has_module_permission(self, request):
        return scope_for(request.user).is_admin

    def has_view_permission(self, request, obj=None):
        return scope_for(request.user).is_admin

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser


class ScopedAdminMixin:
    """What a staff user who is not a superuser reaches in the admin. Every ModelAdmin and inline
    of the product uses it:

    - the list and the object pages show what the access policy lets them read (`scope_queryset`,
      by default what they administer);
    - an object is changed or deleted only when they administer it (`administered`): their
      organisation's rows, never a superuser's or a staff account, nor another organisation's;
    - every relation field of every form, inlines included, offers and accepts only rows they
      administer, so another organisation's id or a privileged account's is refused on save."""

    def scope_queryset(self, request, queryset):
        return administered(request.user, queryset)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(request, queryset)

    def administers(self, request, obj) -> bool:
        return administered(request.user, self.model._default_manager.filter(pk=obj.pk)).exists()

    def _parent_checks(self) -> bool:
        # An inline's permission methods receive the parent object, which its own admin checks.
        return isinstance(self, InlineModelAdmin)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser or self._parent_checks():
            return allowed
        return self.administers(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser or self._parent_checks():
            return allowed
        return self.administers(request, obj)

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if request.user.is_superuser:
            return queryset
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db)
        return administered(request.user, queryset)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return form if request.user.is_superuser else _narrowed(form, request.user)

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        return form if request.user.is_superuser else _narrowed(form, request.user)

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        formset = super().get_formset(request, obj, **kwargs)
        if not request.user.is_superuser:
            formset.form = _narrowed(formset.form, request.user)
        return formset


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

    def move_node(self, request):
        # The drag-and-drop move checks the moved unit only: the target must be administered too.
        if not request.user.is_superuser:
            try:
                target = administered(request.user, Unit.objects.filter(pk=int(request.POST.get("target", ""))))
            except ValueError:
                raise PermissionDenied from None
            if not target.exists():
                raise PermissionDenied
        return super().move_node(request)

    # Object permissions (guardian) are granted on units one administers, to people one administers;
    # group grants and grants across organisations are a superuser's.
    def _check_grant(self, request, object_pk, user_id=None, group_id=None):
        if request.user.is_superuser:
            return
        try:
            if not administered(request.user, Unit.objects.filter(pk=int(object_pk))).exists():
                raise PermissionDenied
            if group_id is not None or (
                    user_id is not None and not administered(request.user, User.objects.filter(pk=int(user_id))).exists()):
                raise PermissionDenied
        except ValueError:
            raise PermissionDenied from None

    def obj_perms_manage_view(self, request, object_pk):
        self._check_grant(request, object_pk)
        return super().obj_perms_manage_view(request, object_pk)

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        self._check_grant(request, object_pk, user_id=user_id)
        return super().obj_perms_manage_user_view(request, object_pk, user_id)

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        self._check_grant(request, object_pk, group_id=group_id)
        return super().obj_perms_manage_group_view(request, object_pk, group_id)

    def changelist_view(self, request, extra_context=None):
        # TreeAdmin starts at the root level only on GET; a POST (an action with nothing selected)
        # re-renders the list without it and fails. Start every request at the root level.
        if not hasattr(request, "_treebeard_parent_id"):
            request._treebeard_parent_id = None
        return super().changelist_view(request, extra_context)


class RoleInline(ScopedAdminMixin, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, ScopedHistoryAdmin, DjangoUserAdmin):
    list_display = ["full_name", "username", "employee_code", "unit", "position", "staff_group", "is_active"]
    list_filter = ["staff_group", "is_leader", "is_party_member", "is_active", "is_staff"]
    search_fields = ["search_text", "username", "employee_code"]
    ordering = [by_vietnamese("full_name"), "id"]
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
        # Reading someone is not enough: only the people one administers (never a superuser or a
        # staff account, nor another organisation's) are reset by a non-superuser.
        users = list(administered(request.user, queryset))
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


class _RegulationFileInput(ClearableFileInput):
    """Links the current file through the access-checked download, never MEDIA_URL (not served)."""

    def __init__(self, *args, regulation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.regulation = regulation

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.regulation is not None and self.regulation.file:
            context["widget"]["value"] = _Linked(self.regulation)
        return context


class _Linked:
    def __init__(self, regulation):
        self.url = reverse("accounts:regulation_file", args=[regulation.pk])
        self.name = regulation.file.name.rsplit("/", 1)[-1]

    def __str__(self):
        return self.name


@admin.register(LocalRegulation)
class LocalRegulationAdmin(ScopedAdminMixin, ScopedHistoryAdmin):
    """An organisation's own regulations, cited by the local rules and thresholds it sets."""

    list_display = ["number", "issued_on", "issuer", "title", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["number", "title", "issuer"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "file" in form.base_fields:
            form.base_fields["file"].widget = _RegulationFileInput(regulation=obj)
        return form
