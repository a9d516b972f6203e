"""Issuing (registering a number), rendering .docx from a template, converting it to PDF, and
replacing an organisation's template."""

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from documents.access import available_actions, own_number
from documents.builder import default_path
from documents.models import DocumentTemplate, IssuedDocument, Register
from documents.registry import DocumentKind

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class ConverterMissing(Exception):
    """No PDF converter on this server, or it failed: the page says so in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Rendered:
    docx: bytes
    issued: IssuedDocument | None
    filename: str


def unit_abbreviation(unit) -> str:
    """The issuing body's abbreviation after the type's: "QĐ-UBND" for a People's Committee,
    else the unit's code ("QĐ-SNV")."""
    return "UBND" if unit.kind == "peoples_committee" else unit.code.upper()


def reference(kind: DocumentKind, unit, number: int | None) -> str:
    # Decree 30, appendix I: numbers below 10 are written with a leading 0.
    return f"{f'{number:02d}' if number else '…'}/{kind.abbreviation}-{unit_abbreviation(unit)}"


def place_date(day: date | None, organisation=None) -> str:
    """Decree 30: "Buôn Ma Thuột, ngày 01 tháng 12 năm 2026" (days below 10 and months 1–2 with a 0),
    at the organisation's place name, or the server's default."""
    place = (organisation.document_place if organisation is not None else "") or settings.DOCUMENTS_PLACE
    if day is None:
        return f"{place}, ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def document_number(kind: DocumentKind, obj, issued: IssuedDocument | None = None) -> tuple[str, date | None] | None:
    """The one number the document bears: the record's own, else the register's, else none yet."""
    issued = issued if issued is not None else issued_for(kind, obj)
    return own_number(kind, obj) or ((issued.reference, issued.issued_on) if issued else None)


def document_issue(*, actor, kind: DocumentKind, obj) -> IssuedDocument:
    """Register the record's number in its unit's register for the type and year, or return the
    number it already has. The register row is locked, so concurrent issues queue: no gap, no
    duplicate."""
    if "register" not in available_actions(actor, kind, obj):
        if not kind.may_issue(actor, obj):
            raise PermissionDenied
        own = own_number(kind, obj)
        raise ConflictError(_("This document already bears the number %(number)s recorded with it.")
                            % {"number": own[0]}, code="numbered")
    existing = IssuedDocument.objects.filter(kind=kind.key, object_id=obj.pk).select_related("register").first()
    if existing:
        return existing
    unit = kind.issuing_unit(obj)
    today = timezone.localdate()
    # The register is the unit's for the type of document (its abbreviation) and the year: a
    # disciplinary and a commendation decision share the sequence of the unit's "QĐ".
    register_kind = kind.abbreviation
    with transaction.atomic():
        try:
            with transaction.atomic():
                Register.objects.get_or_create(issuing_unit=unit, kind=register_kind, year=today.year)
        except IntegrityError:  # another issue created it first
            pass
        register = Register.objects.select_for_update().get(issuing_unit=unit, kind=register_kind, year=today.year)
        existing = IssuedDocument.objects.filter(kind=kind.key, object_id=obj.pk).first()
        if existing:  # issued by someone else while we waited for the lock
            return existing
        register.last_number += 1
        register.save(update_fields=["last_number"])
        return IssuedDocument.objects.create(
            register=register, kind=kind.key, object_id=obj.pk, number=register.last_number,
            reference=reference(kind, unit, register.last_number), issued_on=today, issued_by=actor)


def issued_for(kind: DocumentKind, obj) -> IssuedDocument | None:
    if getattr(obj, "pk", None) is None:  # a document made of no record (the periodic report) has no number here
        return None
    return IssuedDocument.objects.filter(kind=kind.key, object_id=obj.pk).first()


def template_for(kind: DocumentKind, organisation_id: int):
    """The organisation's replacement, or the shipped default (a path or a file object)."""
    custom = DocumentTemplate.objects.filter(organisation_id=organisation_id, kind=kind.key).first()
    if custom:
        return io.BytesIO(custom.file.read())
    return default_path(kind)


def build_context(kind: DocumentKind, obj, issued: IssuedDocument | None) -> dict:
    unit = kind.issuing_unit(obj)
    number = document_number(kind, obj, issued) if getattr(obj, "pk", None) is not None else None
    parent = type(unit).objects.get_parent(unit)
    context = {
        "superior_body": (parent.name if parent else unit.organisation.name).upper(),
        "issuing_body": unit.name.upper(),
        "number_line": "Số: " + (number[0] if number else reference(kind, unit, None)),
        "place_date": place_date(number[1] if number else None, unit.organisation),
        "title": kind.label.upper(),
        "recipients": [],
        "signer_authority": "",
        "signer_title": "",
        "signer_name": "",
        "bases": [],
        "body": [],
        "rows": [],
    }
    context.update(kind.context(obj))
    return context


def document_render(kind: DocumentKind, obj) -> Rendered:
    from docxtpl import DocxTemplate

    issued = issued_for(kind, obj)
    unit = kind.issuing_unit(obj)
    template = DocxTemplate(template_for(kind, unit.organisation_id))
    template.render(build_context(kind, obj, issued), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    record = getattr(obj, "pk", None)
    number = document_number(kind, obj, issued) if record is not None else None
    stem = (number[0] if number else f"du-thao-{kind.key}" + (f"-{record}" if record else "")).replace("/", "-")
    return Rendered(docx=out.getvalue(), issued=issued, filename=f"{stem}.docx")


def converter_path() -> str | None:
    configured = settings.DOCUMENTS_SOFFICE
    return configured if configured and os.path.exists(configured) else shutil.which(configured or "soffice")


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert with LibreOffice headless, in a subprocess with a timeout and its own profile
    folder, so concurrent conversions never share (and lock) one profile."""
    binary = converter_path()
    if not binary:
        raise ConverterMissing(_("The PDF converter (LibreOffice) is not installed on this server; "
                                 "download the .docx and print it from Word."))
    with tempfile.TemporaryDirectory(prefix="kc-doc-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        command = [binary, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
                   "--nologo", "--convert-to", "pdf", "--outdir", str(work), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=settings.DOCUMENTS_CONVERT_TIMEOUT, check=False,
                           env={**os.environ, "HOME": str(work)})
        except subprocess.TimeoutExpired:
            raise ConverterMissing(_("The PDF converter took too long; try again, or download the .docx.")) from None
        target = work / "document.pdf"
        if not target.exists():
            raise ConverterMissing(_("The PDF converter could not convert this document; download the .docx."))
        return target.read_bytes()


def template_validate(kind: DocumentKind, upload) -> None:
    """Refuse a template that is not a .docx, does not parse, or lacks a placeholder."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    if upload.size > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": _("The template is larger than 5 MB.")})
    try:
        template = DocxTemplate(io.BytesIO(upload.read()))
        found = template.get_undeclared_template_variables()
    except TemplateError as error:
        raise ValidationError({"file": _("The template has a placeholder error: %(error)s") % {"error": error}})
    except Exception:  # noqa: BLE001 - python-docx raises several kinds for a file that is not a .docx
        raise ValidationError({"file": _("The file is not a Word document (.docx).")}) from None
    finally:
        upload.seek(0)
    missing = [name for name in kind.required if name not in found]
    if missing:
        raise ValidationError({"file": _("The template lacks the placeholder %(names)s.") % {
            "names": ", ".join("{{ %s }}" % name for name in missing)}})


def template_replace(*, actor, kind: DocumentKind, organisation, upload) -> DocumentTemplate:
    from accounts.access import scope_for

    scope = scope_for(actor)
    if not (scope.is_superuser or organisation.pk in scope.admin_org_ids):
        raise PermissionDenied
    template_validate(kind, upload)
    with transaction.atomic():
        DocumentTemplate.objects.filter(organisation=organisation, kind=kind.key).delete()
        return DocumentTemplate.objects.create(organisation=organisation, kind=kind.key, file=upload,
                                               uploaded_by=actor)
