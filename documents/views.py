"""Downloads of a record's document (.docx, PDF) and the issuing of its number. Whoever may see
the record may download; outsiders get 404 from the record's own access helper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents import services
from documents.builder import default_path
from documents.registry import KINDS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def kind_or_404(key: str):
    try:
        return KINDS[key]
    except KeyError:
        raise Http404 from None


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def document_docx(request, kind, pk):
    kind = kind_or_404(kind)
    rendered = services.document_render(kind, kind.get_for_user(request.user, pk))
    return file_response(rendered.docx, rendered.filename, DOCX)


@login_required
@require_GET
def document_pdf(request, kind, pk):
    kind = kind_or_404(kind)
    rendered = services.document_render(kind, kind.get_for_user(request.user, pk))
    try:
        pdf = services.docx_to_pdf(rendered.docx)
    except services.ConverterMissing as missing:
        return render(request, "documents/converter_missing.html", {"message": missing.message}, status=503)
    return file_response(pdf, rendered.filename.removesuffix(".docx") + ".pdf", "application/pdf")


@login_required
@require_POST
def document_issue(request, kind, pk):
    kind = kind_or_404(kind)
    obj = kind.get_for_user(request.user, pk)
    try:
        issued = services.document_issue(actor=request.user, kind=kind, obj=obj)
    except PermissionDenied:
        raise
    messages.success(request, _("Document number %(reference)s registered.") % {"reference": issued.reference})
    return redirect(kind.record_url(obj) if kind.record_url else "home")


@login_required
@require_GET
def default_template(request, kind):
    """The shipped default, for an administrator to edit and upload back."""
    from accounts.access import scope_for

    if not scope_for(request.user).is_admin:
        raise Http404
    kind = kind_or_404(kind)
    return file_response(default_path(kind).read_bytes(), f"mau-{kind.key}.docx", DOCX)
