"""An organisation's administrator replaces a default template with their own .docx; a template
lacking a placeholder is refused, naming it. Registers are read-only: numbers come from issuing."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.access import scope_for
from accounts.admin import ScopedAdminMixin, administered_rows
from documents import services
from documents.models import DocumentTemplate, IssuedDocument, Register
from documents.registry import KINDS

administered_rows(DocumentTemplate, lambda org_ids: Q(organisation_id__in=org_ids))
administered_rows(Register, lambda org_ids: Q(issuing_unit__organisation_id__in=org_ids))
administered_rows(IssuedDocument, lambda org_ids: Q(register__issuing_unit__organisation_id__in=org_ids))


class AdministratorsOfTheirOrganisation:
    def has_module_permission(self, request):
        return scope_for(request.user).is_admin

    def has_view_permission(self, request, obj=None):
        return scope_for(request.user).is_admin

    def has_add_permission(self, request):
        return scope_for(request.user).is_admin

    def has_change_permission(self, request, obj=None):
        return scope_for(request.user).is_admin and (obj is None or self.administers(request, obj))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class DocumentTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("document type"), choices=())

    class Meta:
        model = DocumentTemplate
        fields = ["organisation", "kind", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, kind.label) for key, kind in KINDS.items()]

    def clean(self):
        cleaned = super().clean()
        upload, key = cleaned.get("file"), cleaned.get("kind")
        if upload and key and hasattr(upload, "content_type"):
            try:
                services.template_validate(KINDS[key], upload)
            except ValidationError as error:
                self.add_error("file", error.message_dict["file"])
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ScopedAdminMixin, AdministratorsOfTheirOrganisation, admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ["organisation", "kind", "uploaded_by", "uploaded_at"]

    def save_model(self, request, obj, form, change):
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnly:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return scope_for(request.user).is_admin

    def has_view_permission(self, request, obj=None):
        return scope_for(request.user).is_admin


@admin.register(Register)
class RegisterAdmin(ScopedAdminMixin, ReadOnly, admin.ModelAdmin):
    list_display = ["issuing_unit", "kind", "year", "last_number"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ScopedAdminMixin, ReadOnly, admin.ModelAdmin):
    list_display = ["reference", "kind", "object_id", "issued_on", "issued_by"]
