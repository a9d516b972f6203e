"""Task pages. Each view: access helper → form → action → redirect (or an htmx fragment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import MANAGING_ROLES, get_unit_for_user, scope_for
from accounts.models import Unit
from accounts.selectors import role_units
from core.errors import ConflictError
from core import actions as page_actions
from core.charts import stacked_bar
from core.files import stored_file_response
from core.pagination import paginate, query_without_page
from core.xlsx import xlsx_download
from tasks import excel, history, services
from tasks.access import available_actions, can, can_assign_in, get_task_for_user, history_import_units
from tasks.clarity import clarity_check
from tasks.forms import (
    ApproveForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ParticipantFormSet,
    ProgressForm,
    ReasonForm,
    SubmitForm,
    TaskFilterForm,
    TaskForm,
    TaskImportForm,
)
from tasks.models import OPEN_STATUSES, Evidence, ExtensionRequest, ExtensionStatus, Participant, Task, TaskStatus
from tasks.selectors import OVERVIEW_SORTS, task_list_for_user, task_timeline, unit_overview
from tasks.status import LABELS, NOT_TRACKED, OFFICIAL_ORDER, official_status


def _assignable_units(user) -> list[Unit]:
    return role_units(user, MANAGING_ROLES)


# What a row of the task list shows (templates/tasks/list.html): the task, its lead and lead unit.
LIST_ROW_FIELDS = ("code", "title", "status", "deadline", "extended", "progress_percent", "lead__full_name",
                   "lead__username", "lead_unit__name")


@login_required
@require_GET
def task_list(request):
    form = TaskFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tab = filters.get("tab") or "lead"
    unit = get_unit_for_user(request.user, filters["unit"]) if filters.get("unit") else None
    tasks = task_list_for_user(
        request.user, tab=tab if tab != "unit" else "", q=filters.get("q", ""), official=filters.get("official", ""),
        unit=unit, deadline_from=filters.get("deadline_from"), deadline_to=filters.get("deadline_to"),
        directive=filters.get("directive", ""), status=filters.get("status", ""),
    )
    # Only the columns a row shows: a task's texts (content, results, notes) stay in the database.
    page = paginate(request, tasks.only(*LIST_ROW_FIELDS))
    for task in page:  # each row's official status with its label, looked up once here
        task.official_label = LABELS.get(task.official)
    context = {"form": form, "tab": tab, "tabs": TaskFilterForm.TABS, "page": page, "labels": LABELS,
               "query": query_without_page(request), "can_create": scope_for(request.user).is_manager,
               "can_import_history": scope_for(request.user).is_manager or scope_for(request.user).is_admin}
    template = "tasks/list.html#rows" if request.htmx else "tasks/list.html"
    return render(request, template, context)


@login_required
@require_GET
def overview(request):
    units = _assignable_units(request.user)
    if request.GET.get("unit"):
        unit = get_unit_for_user(request.user, request.GET["unit"])
        if not scope_for(request.user).can_manage_unit(unit):
            raise Http404
    elif units:
        unit = units[0]
    else:
        raise Http404
    sort = request.GET.get("sort", "overdue")
    if sort not in OVERVIEW_SORTS:
        sort = "overdue"
    data = unit_overview(request.user, unit, sort=sort)
    peak = max([row["total"] for row in data["children"]] or [1])
    for row in data["children"]:
        row["bar"] = stacked_bar(str(row["unit"]), row["counts"], OFFICIAL_ORDER, LABELS, peak)
    month_peak = max([row["total"] for row in data["trend"]] or [1])
    for row in data["trend"]:
        row["bar"] = stacked_bar(date_format(row["month"], "YEAR_MONTH_FORMAT"), row["counts"], OFFICIAL_ORDER,
                                 LABELS, month_peak)
    return render(request, "tasks/overview.html", {
        "unit": unit, "units": units, "order": OFFICIAL_ORDER, "labels": LABELS, "sort": sort,
        "legend": [(key, LABELS[key]) for key in OFFICIAL_ORDER], **data,
    })


def _form_context(request, form, formset, task=None, assigning_unit=None):
    checks = None
    if form.is_bound:
        candidate = form.instance if task is None else task
        checks = _live_checks(form, formset, candidate, assigning_unit)
    elif task is not None:
        checks = clarity_check(task)
    return {"form": form, "formset": formset, "task": task, "checks": checks, "assigning_unit": assigning_unit,
            "units": _assignable_units(request.user)}


def _live_checks(form, formset, task, assigning_unit):
    """Run the gate on what was typed, without saving anything."""
    form.is_valid()
    candidate = Task(assigning_unit=assigning_unit) if task is None or task.pk is None else task
    typed = services.default_lead_unit({name: form.cleaned_data[name] for name in form.Meta.fields
                                        if name in form.cleaned_data})
    for name, value in typed.items():
        setattr(candidate, name, value)
    participants = formset.participants() if formset.is_valid() else []
    return clarity_check(candidate, participants=[Participant(**p) for p in participants],
                         steps=[] if candidate.pk is None else None)


def _parent_from(request) -> Task | None:
    """A sub-task's parent: only its lead, while it is in progress, may delegate parts of it."""
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    if not parent_id:
        return None
    parent = get_task_for_user(request.user, parent_id)
    if "delegate" not in available_actions(request.user, parent):
        raise PermissionDenied
    return parent


def _assigning_unit_from(request) -> Unit:
    parent = _parent_from(request)
    if parent is not None:
        return parent.lead_unit
    unit_id = request.POST.get("assigning_unit") or request.GET.get("unit")
    units = _assignable_units(request.user)
    if unit_id:
        unit = get_unit_for_user(request.user, unit_id)
        if not can_assign_in(request.user, unit):
            raise Http404
        return unit
    if not units:
        raise Http404
    return units[0]


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request):
    parent = _parent_from(request)
    assigning_unit = _assigning_unit_from(request)
    if request.method == "POST":
        form = TaskForm(request.POST, user=request.user, assigning_unit=assigning_unit)
        formset = ParticipantFormSet(request.POST, user=request.user, prefix="p")
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    task = services.task_create_draft(actor=request.user, assigning_unit=assigning_unit, parent=parent,
                                                      data=form.cleaned_data, participants=formset.participants())
                    if "assign" in request.POST:
                        services.task_assign(actor=request.user, task=task)
            except ValidationError as error:
                _add_errors(form, error)
                _refused_assignment(request)
            else:
                return _saved(request, task)
    else:
        form = TaskForm(user=request.user, assigning_unit=assigning_unit)
        formset = ParticipantFormSet(user=request.user, prefix="p")
    context = _form_context(request, form, formset, assigning_unit=assigning_unit)
    context["parent"] = parent
    return render(request, "tasks/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk):
    task = get_task_for_user(request.user, pk)
    if not can(request.user, task, "edit"):
        raise PermissionDenied
    if "edit" not in available_actions(request.user, task):
        messages.error(request, _("Only a draft or a returned task can be edited."))
        return redirect("tasks:detail", pk=task.pk)
    if request.method == "POST":
        form = TaskForm(request.POST, instance=Task.objects.get(pk=task.pk), user=request.user,
                        assigning_unit=task.assigning_unit)
        formset = ParticipantFormSet(request.POST, user=request.user, prefix="p")
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    services.task_update_draft(actor=request.user, task=task, data=form.cleaned_data,
                                               participants=formset.participants())
                    if "assign" in request.POST:
                        services.task_assign(actor=request.user, task=task)
            except ValidationError as error:
                _add_errors(form, error)
                _refused_assignment(request)
            except ConflictError as conflict:
                messages.error(request, conflict.message)
            else:
                return _saved(request, task)
    else:
        form = TaskForm(instance=task, user=request.user, assigning_unit=task.assigning_unit)
        initial = [{"user": p.user, "unit": p.unit, "part": p.part, "deadline": p.deadline} for p in task.participants.all()]
        formset = ParticipantFormSet(initial=initial, user=request.user, prefix="p")
    return render(request, "tasks/form.html", _form_context(request, form, formset, task=task,
                                                            assigning_unit=task.assigning_unit))


@login_required
@require_POST
def checklist(request):
    """The live 5-rõ checklist of the form, re-rendered by htmx as the user types."""
    task = None
    if request.POST.get("task"):  # an edited draft: its saved steps count, as they do when it is assigned
        task = get_task_for_user(request.user, request.POST["task"])
        if not can(request.user, task, "edit"):
            raise Http404
        assigning_unit = task.assigning_unit
    else:
        assigning_unit = _assigning_unit_from(request)
    form = TaskForm(request.POST, instance=task, user=request.user, assigning_unit=assigning_unit)
    formset = ParticipantFormSet(request.POST, user=request.user, prefix="p")
    return render(request, "tasks/_checklist.html", {"checks": _live_checks(form, formset, task, assigning_unit)})


def _add_errors(form, error: ValidationError):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _refused_assignment(request):
    """"Lưu và giao" runs the draft and the assignment in one transaction: refused, nothing is kept
    (no junk draft), and the form comes back with what is missing."""
    if "assign" in request.POST:
        messages.warning(request, _("Nothing was saved: the task cannot be assigned yet. Complete it, or save it as a draft."))


def _saved(request, task):
    messages.success(request, _("Task assigned.") if "assign" in request.POST else _("Draft saved."))
    return redirect("tasks:detail", pk=task.pk)


@login_required
@require_GET
def task_detail(request, pk):
    task = get_task_for_user(request.user, pk)
    user = request.user
    actions = available_actions(user, task)
    steps = list(task.steps.all())
    current_step = next((s for s in steps if s.done_at is None), None)
    subtasks = list(task.subtasks.select_related("lead").order_by("deadline"))
    open_subtasks = sum(1 for subtask in subtasks if subtask.status in (*OPEN_STATUSES, TaskStatus.DRAFT))
    context = {
        "task": task,
        "official": official_status(task),
        "labels": LABELS,
        "checks": clarity_check(task),
        "participants": task.participants.select_related("user", "unit"),
        "steps": steps,
        "current_step": current_step,
        "timeline": task_timeline(task),
        "subtasks": subtasks,
        "pending_extension": task.extension_requests.filter(status=ExtensionStatus.PENDING).first(),
        # The buttons are exactly what the services accept now (tasks.access.available_actions).
        "can": {
            "edit": "edit" in actions, "assign": "assign" in actions, "accept": "accept" in actions,
            "return": "return" in actions,
            "progress": "report_progress" in actions, "delegate": "delegate" in actions,
            "extension": "request_extension" in actions, "decide": "decide_extension" in actions,
            "submit": "submit" in actions, "approve": "approve" in actions, "send_back": "send_back" in actions,
            "judge": bool(actions & {"approve", "send_back"}), "cancel": "cancel" in actions,
        },
        # Each form has its own prefix: unique element ids on the page, and the action view parses the same names.
        "forms": {
            "return": ReasonForm(prefix="return"), "send_back": ReasonForm(prefix="send_back"),
            "cancel": ReasonForm(prefix="cancel"),
            "progress": ProgressForm(prefix="progress", initial={"percent": task.progress_percent}, steps=steps),
            "submit": SubmitForm(prefix="submit"), "extension": ExtensionForm(prefix="extension"),
            "decision": ExtensionDecisionForm(prefix="decision"), "approve": ApproveForm(prefix="approve", open_subtasks=open_subtasks),
        },
    }
    return render(request, "tasks/detail.html", context)


def _act(request, pk, form_class, action, success_message, prefix=None, form_kwargs=None):
    """The shape every action page shares (core.actions.submit): access → form → service → back to
    the task with a message, the warnings the service kept and, for a refusal, what and where.

    `form_kwargs(task)` gives the form what it needs from the task loaded here (loaded once)."""
    task = get_task_for_user(request.user, pk)
    extra = form_kwargs(task) if form_kwargs else {}
    form = form_class(request.POST, request.FILES, prefix=prefix, **extra) if form_class else None
    files = request.FILES.getlist("files")
    return page_actions.submit(request, form, lambda data: action(task, data, files), success_message,
                               reverse("tasks:detail", args=[task.pk]))


@login_required
@require_POST
def assign(request, pk):
    return _act(request, pk, None, lambda t, d, f: services.task_assign(actor=request.user, task=t), _("Task assigned."))


@login_required
@require_POST
def accept(request, pk):
    return _act(request, pk, None, lambda t, d, f: services.task_accept(actor=request.user, task=t), _("Task accepted."))


@login_required
@require_POST
def return_task(request, pk):
    return _act(request, pk, ReasonForm, lambda t, d, f: services.task_return(actor=request.user, task=t, reason=d["reason"]),
                _("Task returned to the assigner."), prefix="return")


@login_required
@require_POST
def report_progress(request, pk):
    return _act(request, pk, ProgressForm, lambda t, d, f: services.task_report_progress(
        actor=request.user, task=t, percent=d["percent"], note=d["note"], files=f, steps_done=d.get("steps_done", [])),
        _("Progress reported."), prefix="progress", form_kwargs=lambda task: {"steps": list(task.steps.all())})


@login_required
@require_POST
def request_extension(request, pk):
    return _act(request, pk, ExtensionForm, lambda t, d, f: services.task_request_extension(
        actor=request.user, task=t, new_deadline=d["new_deadline"], reason=d["reason"]), _("Extension requested."),
        prefix="extension")


@login_required
@require_POST
def decide_extension(request, pk, request_pk):
    def decide(task, data, files):
        extension = get_object_or_404(ExtensionRequest, pk=request_pk, task=task)
        services.task_decide_extension(actor=request.user, request=extension, approve=data["approve"],
                                       granted_deadline=data["granted_deadline"], note=data["note"])
    return _act(request, pk, ExtensionDecisionForm, decide, _("Extension decided."), prefix="decision")


@login_required
@require_POST
def submit(request, pk):
    return _act(request, pk, SubmitForm, lambda t, d, f: services.task_submit_result(
        actor=request.user, task=t, note=d["note"], files=f), _("Result submitted."), prefix="submit")


@login_required
@require_POST
def approve(request, pk):
    return _act(request, pk, ApproveForm, lambda t, d, f: services.task_approve(
        actor=request.user, task=t, quality=d["quality"], note=d["note"],
        open_subtasks_reason=d.get("open_subtasks_reason", "")), _("Result approved."), prefix="approve")


@login_required
@require_POST
def send_back(request, pk):
    return _act(request, pk, ReasonForm, lambda t, d, f: services.task_send_back(
        actor=request.user, task=t, reason=d["reason"]), _("Sent back for rework."), prefix="send_back")


@login_required
@require_POST
def cancel(request, pk):
    return _act(request, pk, ReasonForm, lambda t, d, f: services.task_cancel(
        actor=request.user, task=t, reason=d["reason"]), _("Task cancelled."), prefix="cancel")


@login_required
@require_GET
def evidence_download(request, pk):
    evidence = get_object_or_404(Evidence, pk=pk)
    get_task_for_user(request.user, evidence.task_id)  # 404 unless the task is visible
    return stored_file_response(evidence.file, evidence.name)


@login_required
@require_http_methods(["GET", "POST"])
def task_import(request):
    """Import a task list (e.g. the tasks of a directive) into a unit the user heads."""
    units = _assignable_units(request.user)
    if not units:
        raise Http404
    result = None
    if request.method == "POST":
        form = TaskImportForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            result = excel.import_tasks(form.cleaned_data["file"], actor=request.user,
                                        assigning_unit=form.cleaned_data["assigning_unit"])
            if result.ok:
                messages.success(request, _("Imported: %(drafts)d drafts, %(assigned)d assigned.")
                                 % {"drafts": result.drafts, "assigned": result.assigned})
            else:
                messages.error(request, _("The file has errors. Nothing was imported; fix them and try again."))
    else:
        form = TaskImportForm(units=units)
    return render(request, "tasks/import.html", {"form": form, "result": result})


@login_required
@require_GET
def task_import_template(request):
    if not _assignable_units(request.user):
        raise Http404
    return xlsx_download(excel.task_template_bytes(), "mau-nhap-nhiem-vu.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request):
    """Bring an existing task register, with its history, into a unit the user heads or administers."""
    units = history_import_units(request.user)
    if not units:
        raise Http404
    result = None
    if request.method == "POST":
        form = TaskImportForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = history.import_task_history(upload, actor=request.user, file_name=upload.name,
                                                 assigning_unit=form.cleaned_data["assigning_unit"])
            if result.ok:
                messages.success(request, _("Task register imported: %(imported)d new tasks, %(unchanged)d already "
                                            "present and left unchanged.")
                                 % {"imported": result.imported, "unchanged": result.unchanged})
            else:
                messages.error(request, _("The file has errors. Nothing was imported; fix them and try again."))
    else:
        form = TaskImportForm(units=units)
    counts = [(LABELS[key], result.by_official_status[key]) for key in [*OFFICIAL_ORDER, NOT_TRACKED]
              if result and result.by_official_status[key]]
    return render(request, "tasks/history_import.html", {
        "form": form, "result": result, "counts": counts, "can_import_live": bool(_assignable_units(request.user)),
    })


@login_required
@require_GET
def history_import_template(request):
    if not history_import_units(request.user):
        raise Http404
    return xlsx_download(history.history_template_bytes(), "mau-nhap-so-theo-doi-nhiem-vu.xlsx")


@login_required
@require_GET
def export(request):
    form = TaskFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A register that silently ignored a filter would not be the one asked for: say which.
        return HttpResponseBadRequest("\n".join(f"{form[name].label}: {' '.join(errors)}"
                                                 for name, errors in form.errors.items()),
                                      content_type="text/plain; charset=utf-8")
    filters = form.cleaned_data if form.is_bound else {}
    unit = get_unit_for_user(request.user, filters["unit"]) if filters.get("unit") else None
    tasks = task_list_for_user(request.user, tab="" if filters.get("tab") in (None, "", "unit") else filters["tab"],
                               q=filters.get("q", ""), official=filters.get("official", ""), unit=unit,
                               deadline_from=filters.get("deadline_from"), deadline_to=filters.get("deadline_to"),
                               directive=filters.get("directive", ""), status=filters.get("status", ""),
                               ).order_by("deadline", "id")  # the register reads in deadline order, as kept on paper
    return excel.register_response(tasks, title=str(unit) if unit else request.user.full_name)

