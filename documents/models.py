"""The register of issued documents (sổ đăng ký văn bản) and the organisation's own templates."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Unit


class Register(models.Model):
    """One register per issuing unit, document type and year: its last number given out.

    Issuing locks this row, so numbers follow each other with no gap and no duplicate."""

    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    kind = models.CharField(_("document type"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        constraints = [models.UniqueConstraint(fields=["issuing_unit", "kind", "year"], name="register_unique")]

    def __str__(self):
        return f"{self.issuing_unit} — {self.kind} — {self.year}"


class IssuedDocument(models.Model):
    """A number registered for one record's document; reissuing the same record reuses it."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("record"))
    number = models.PositiveIntegerField(_("number"))
    reference = models.CharField(_("number and symbol"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="issued_document_one_per_record"),
            models.UniqueConstraint(fields=["register", "number"], name="issued_document_number_unique"),
        ]

    def __str__(self):
        return self.reference


def template_path(instance, filename):
    return f"document-templates/{instance.organisation_id}/{instance.kind}.docx"


class DocumentTemplate(models.Model):
    """An organisation's replacement of a shipped default template (a .docx with placeholders)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="document_templates",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("document type"), max_length=40)
    file = models.FileField(_("template (.docx)"), upload_to=template_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="document_template_unique")]

    def __str__(self):
        return f"{self.organisation} — {self.kind}"
