from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import COUNCIL_ROLES, MANAGING_ROLES, scope_for
from accounts.models import Organisation, Role, Unit, User
from accounts.selectors import role_units, roles_of, subtree_counts
from core.dates import show_date
from core.errors import ConflictError
from core.xlsx import xlsx_download
from reports.excel import report_filename, report_workbook
from reports.forms import SendReportForm, TaskReportForm
from reports.selectors import inbox_for, rules_in_force_for, task_report_for, task_report_from_query, task_report_unit
from scheduler.selectors import job_run_recent, scheduler_last_heartbeat
from tasks.selectors import my_overdue_count, report_tasks_for, unit_overview
from tasks.services import task_submit_report
from tasks.status import LABELS, OFFICIAL_ORDER

# How many items of each queue the inbox shows before "see all".
INBOX_PREVIEW = 5
# How many sub-units the head's home ranks (most overdue first); the overview ranks them all.
HOME_RANKED = 5


@login_required
@require_GET
def home(request):
    """Each role sees its own section; a person with several roles sees several."""
    user = request.user
    scope = scope_for(user)
    context = {"roles": roles_of(user), "scope": scope}
    context["queues"] = [queue for queue in inbox_for(user) if queue.count]
    context["my_overdue"] = my_overdue_count(user)
    if scope.is_manager:
        context["managed"] = [
            {"unit": unit, "counts": subtree_counts(unit), "overview": unit_overview(user, unit, sort="overdue", months=1)}
            for unit in role_units(user, MANAGING_ROLES)
        ]
        context["legend"] = [(key, LABELS[key]) for key in OFFICIAL_ORDER]
        context["home_ranked"] = HOME_RANKED
    if scope.is_inspector:
        context["inspected"] = [
            {"unit": unit, "counts": subtree_counts(unit)} for unit in role_units(user, {Role.INSPECTOR})
        ]
    if scope.is_council:
        context["councils"] = [{"unit": unit, "counts": subtree_counts(unit)} for unit in role_units(user, COUNCIL_ROLES)]
    if scope.is_admin:
        organisations = Organisation.objects.all() if scope.is_superuser else Organisation.objects.filter(pk__in=scope.admin_org_ids)
        context["administered"] = [
            {
                "organisation": org,
                "units": Unit.objects.filter(organisation=org).count(),
                "people": User.objects.filter(unit__organisation=org, is_active=True).count(),
            }
            for org in organisations
        ]
    if scope.is_superuser:  # job runs belong to no organisation: the system's operators see them
        context["job_runs"] = job_run_recent()
        context["last_heartbeat"] = scheduler_last_heartbeat()
    if user.unit_id:
        context["colleagues"] = User.objects.filter(unit_id=user.unit_id, is_active=True).exclude(pk=user.pk).count()
    return render(request, "reports/home.html", context)


@login_required
@require_GET
def rules_in_force(request):
    """Every rule set and rule row the product applies, with its legal basis, effective window and
    who last changed it; each row has an anchor that evaluations link to. Administrators,
    inspectors and council members only: anyone else is told the page does not exist."""
    scope = scope_for(request.user)
    if not scope.reads_rules:
        raise Http404
    sections, constants = rules_in_force_for(request.user, scope)
    constants = [(constant, str(apps.get_app_config(constant.owner).verbose_name)) for constant in constants]
    return render(request, "reports/rules.html", {"sections": sections, "constants": constants})


@login_required
@require_GET
def inbox(request):
    """Việc cần xử lý: everything waiting for the signed-in person, queue by queue, overdue first.
    With `?queue=<key>`, that queue alone and in full — where each home tile leads."""
    queues = inbox_for(request.user)
    key = request.GET.get("queue", "")
    if key:
        queues = [queue for queue in queues if queue.key == key]
        if not queues:
            raise Http404
    return render(request, "reports/inbox.html", {
        "queues": queues, "queue_key": key, "preview": None if key else INBOX_PREVIEW, "now": timezone.now(),
        "total": sum(queue.count for queue in queues), "overdue": sum(queue.overdue for queue in queues),
    })


@require_GET
def readyz(request):
    """Ready when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# -- the periodic task report ------------------------------------------------------------------

def _report_query(data) -> str:
    return urlencode({"unit": data["unit_pk"], "kind": data["kind"], "day": show_date(data["period"].start),
                      "cut_off": show_date(data["cut_off"]), "directive": data["directive"]})


@login_required
@require_GET
def task_report_page(request):
    """Báo cáo tình hình thực hiện nhiệm vụ: a head's subtree for a month, quarter, half-year or
    year, as of a cut-off date, compared with the period before; its Excel; and sending it up as
    the result of a report task the head leads."""
    form = TaskReportForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else False
    data = form.cleaned_data if valid else {}
    unit, units = task_report_unit(request.user, data.get("unit"))
    if not form.is_bound:
        form = TaskReportForm({"unit": unit.pk})
        valid = form.is_valid()
        data = form.cleaned_data
    context = {"form": form, "unit": unit, "units": units, "report": None}
    if valid:
        data["unit_pk"] = unit.pk
        # The picker shows the period and cut-off the report was made for, defaults included.
        shown = TaskReportForm({"unit": unit.pk, "kind": data["kind"], "day": show_date(data["period"].start),
                                "cut_off": show_date(data["cut_off"]), "directive": data["directive"]})
        shown.is_valid()
        context.update(form=shown, report=task_report_for(unit, data), period=data["period"], query=_report_query(data),
                       report_tasks=report_tasks_for(request.user))
    return render(request, "reports/task_report.html", context)


@login_required
@require_GET
def task_report_export(request):
    report = task_report_from_query(request.user, request.GET)
    return xlsx_download(report_workbook(report), report_filename(report))


@login_required
@require_POST
def task_report_send(request):
    """Gửi làm kết quả nhiệm vụ báo cáo: the report's workbook becomes the evidence of the result of
    the chosen report task, through the task services (which check that the user leads it)."""
    form = SendReportForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}".lstrip(": "))
        return redirect("task_report")
    data = form.cleaned_data
    unit, _units = task_report_unit(request.user, data.get("unit"))
    data["unit_pk"] = unit.pk
    report = task_report_for(unit, data)
    note = data["note"] or _("Task report for %(unit)s, %(start)s–%(end)s, figures as of %(cut_off)s.") % {
        "unit": unit, "start": show_date(report.period_start), "end": show_date(report.period_end),
        "cut_off": show_date(report.cut_off_date)}
    back = f"{reverse('task_report')}?{_report_query(data)}"
    try:
        task = task_submit_report(actor=request.user, task_id=data["task"], note=note,
                                  file_name=report_filename(report), content=report_workbook(report))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    except ConflictError as conflict:
        messages.error(request, conflict.message)
        return redirect(back)
    messages.success(request, _("The report was sent as the result of %(task)s.") % {"task": task.code})
    return redirect("tasks:detail", pk=task.pk)
