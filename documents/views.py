"""Downloads of a record's document (.docx, PDF) and the issuing of its number. Whoever may see
the record may download; outsiders get 404 from the record's own access helper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import ConflictError
from documents import services
from documents.builder import default_path
from documents.kinds import TASK_REPORT
from documents.registry import KINDS
from reports.selectors import report_file_stem, task_report_from_query

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
    back = kind.record_url(obj) if kind.record_url else "home"
    try:
        issued = services.document_issue(actor=request.user, kind=kind, obj=obj)
    except ConflictError as conflict:
        messages.error(request, conflict.message)
        return redirect(back)
    messages.success(request, _("Document number %(reference)s registered.") % {"reference": issued.reference})
    return redirect(back)


@login_required
@require_GET
def default_template(request, kind):
    """The shipped default, for an administrator to edit and upload back."""
    from accounts.access import scope_for

    if not scope_for(request.user).is_admin:
        raise Http404
    kind = kind_or_404(kind)
    return file_response(default_path(kind).read_bytes(), f"mau-{kind.key}.docx", DOCX)


@login_required
def template_list(request):
    """The organisation's administrator downloads a default, edits it in Word, and uploads it back;
    a template lacking a placeholder is refused, naming it."""
    from django.core.exceptions import ValidationError

    from accounts.access import scope_for
    from accounts.models import Organisation
    from documents.models import DocumentTemplate

    scope = scope_for(request.user)
    if not scope.admin_org_ids:
        raise Http404
    organisation = Organisation.objects.filter(pk__in=scope.admin_org_ids).order_by("pk").first()
    error_kind, error = None, None
    if request.method == "POST":
        kind = kind_or_404(request.POST.get("kind", ""))
        upload = request.FILES.get("file")
        if upload is None:
            error_kind, error = kind.key, _("Choose a .docx file.")
        else:
            try:
                services.template_replace(actor=request.user, kind=kind, organisation=organisation, upload=upload)
            except ValidationError as refusal:
                error_kind, error = kind.key, " ".join(refusal.message_dict["file"])
            else:
                messages.success(request, _("The template of %(kind)s was replaced.") % {"kind": kind.label})
                return redirect("documents:templates")
    custom = {t.kind: t for t in DocumentTemplate.objects.filter(organisation=organisation).select_related("uploaded_by")}
    rows = [{"kind": kind, "custom": custom.get(key)} for key, kind in KINDS.items()]
    return render(request, "documents/templates.html", {"rows": rows, "organisation": organisation,
                                                        "error_kind": error_kind, "error": error},
                  status=400 if error else 200)


@login_required
@require_GET
def task_report_document(request, extension):
    """The periodic task report of the report page (same query: unit, period, cut-off, directive) as
    the document a head signs and sends up: .docx, or PDF converted from that same .docx."""
    report = task_report_from_query(request.user, request.GET)
    rendered = services.document_render(TASK_REPORT, report)
    stem = report_file_stem(report)
    if extension == "docx":
        return file_response(rendered.docx, f"{stem}.docx", DOCX)
    try:
        pdf = services.docx_to_pdf(rendered.docx)
    except services.ConverterMissing as missing:
        return render(request, "documents/converter_missing.html", {"message": missing.message}, status=503)
    return file_response(pdf, f"{stem}.pdf", "application/pdf")
