"""The lead's work: progress with evidence, the result with its evidence."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError, require
from tasks.access import ACTION_STATES, can
from core.evidence import validate_evidence_files
from tasks.models import ExtensionRequest, ExtensionStatus, Task, TaskEvent, TaskStatus
from tasks.services._common import _attach, _event, _locked, _notify, _roll_up, _transition


@transaction.atomic
def task_report_progress(*, actor, task: Task, percent: int, note: str = "", files=(), steps_done=()) -> TaskEvent:
    """Progress in percent, with a note, evidence, and the process steps finished since the last report."""
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")})
    validate_evidence_files(files)
    task = _locked(task)
    require(can(actor, task, "report_progress"))
    if task.status not in ACTION_STATES["report_progress"]:
        raise ConflictError(_("Progress can be reported only while the task is in progress."), code="wrong_state")
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(progress_percent=percent, updated_at=now)
    task.progress_percent = percent
    finished = list(task.steps.filter(order__in=[int(o) for o in steps_done], done_at__isnull=True)
                    .values_list("order", flat=True))
    task.steps.filter(order__in=finished).update(done_at=now)
    data = {"percent": int(percent)} | ({"steps_done": finished} if finished else {})
    event = _event(task, action="report_progress", actor=actor, note=note.strip(), data=data)
    _attach(task, event, files, actor)
    if task.parent_id:
        _roll_up(task.parent_id)
    _notify(task, [task.assigner, task.monitor], "task.progress",
            _("%(title)s: %(percent)d%% done") % {"title": task.title, "percent": int(percent)})
    return event


@transaction.atomic
def task_submit_result(*, actor, task: Task, note: str, files=()) -> Task:
    validate_evidence_files(files)
    task = _locked(task)
    require(can(actor, task, "submit"))
    # The result needs its own evidence: a progress report's files do not prove the result (a result
    # sent back and submitted again may rest on the files of its earlier submission).
    if not files and not task.evidence.filter(event__action="submit").exists():
        raise ValidationError({"files": _("Attach the evidence of the result.")})
    now = timezone.now()
    event = _transition(task, action="submit", allowed=ACTION_STATES["submit"], to=TaskStatus.SUBMITTED,
                        actor=actor, note=note.strip(), submitted_at=now, progress_percent=100)
    _attach(task, event, files, actor)
    # An extension still waiting is settled by the result: approving it later would turn a result
    # delivered in time into one "on time after extension".
    for request_id in task.extension_requests.filter(status=ExtensionStatus.PENDING).values_list("pk", flat=True):
        ExtensionRequest.objects.filter(pk=request_id, status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.SETTLED, decided_at=now, decision_note=_("The result was submitted first."))
        _event(task, action="settle_extension", actor=actor, data={"request": request_id})
    _notify(task, [task.assigner, task.monitor], "task.submitted", _("Result submitted: %(title)s") % {"title": task.title})
    return task


def task_submit_report(*, actor, task_id: int, note: str, file_name: str, content: bytes) -> Task:
    """A generated report (the periodic task report's workbook) sent as the result of a report task
    the actor leads: the file is its evidence. The same checks as any result (tasks.access)."""
    task = Task.objects.filter(pk=task_id, lead=actor).first()
    if task is None:
        raise ValidationError({"task": _("Choose a report task you lead.")})
    upload = SimpleUploadedFile(file_name, content)
    return task_submit_result(actor=actor, task=task, note=note, files=[upload])
