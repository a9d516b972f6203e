"""Recommendations: written with the report, remedied through a task the recommendation owns, verified
by the team leader (never the task's lead), withdrawn or re-tasked while followed."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from accounts.selectors import heads_of
from core import dates
from core.errors import ConflictError, require, required_text
from core.transitions import advance, locked
from inspections import rules
from inspections.access import FOLLOWING_STATUSES, RECOMMENDING_STATUSES, can_direct, can_verify, is_team_member
from inspections.models import Inspection, Recommendation, RecommendationStatus
from inspections.services._common import _event, _inspection_url, _notify, _today, common_ancestor
from tasks.rules import TaskOwner, TaskStatus
from tasks.services import task_approve, task_cancel, task_issue, task_send_back


def recommendation_add(*, actor, inspection: Inspection, content: str, target_unit: Unit, deadline: date,
                       expected_result: str) -> Recommendation:
    content = required_text(content, "content", _("Write the recommendation."))
    expected_result = required_text(expected_result, "expected_result", _("Say what result is expected."))
    inspection = locked(inspection)
    require(can_direct(actor, inspection) or is_team_member(actor, inspection))
    if inspection.status not in RECOMMENDING_STATUSES:
        raise ConflictError(_("Recommendations are written with the report and the draft conclusion."),
                            code="wrong_state")
    if not any(target_unit.path.startswith(t.path) for t in inspection.targets.all()):
        raise ValidationError({"target_unit": _("The unit must be an inspected unit or one below it.")})
    if deadline <= _today():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    number = (inspection.recommendations.aggregate(n=models.Max("number"))["n"] or 0) + 1
    recommendation = Recommendation.objects.create(
        inspection=inspection, number=number, content=content, target_unit=target_unit, deadline=deadline,
        expected_result=expected_result, created_by=actor)
    _event(inspection=inspection, recommendation=recommendation, action="recommend", actor=actor,
           to_status=recommendation.status, note=content[:500])
    return recommendation


def _remediation_data(inspection: Inspection, recommendation: Recommendation, lead: User) -> dict:
    """A 5-rõ task for the head of the unit that must act (every dimension of every profile)."""
    due = rules.due_at(recommendation.deadline)
    basis = _("Inspection conclusion %(number)s of %(date)s") % {
        "number": inspection.conclusion_number, "date": dates.dmy(inspection.conclusion_date)}
    return {
        "title": (_("Remedy: %(text)s") % {"text": recommendation.content})[:300],
        "content": recommendation.content, "source_number": inspection.conclusion_number,
        "source_date": inspection.conclusion_date, "source_issuer": str(inspection.issuing_unit)[:200],
        "lead": lead, "lead_unit": recommendation.target_unit, "monitor": inspection.leader,
        "process_description": _("1. Plan the remedy; 2. carry it out; 3. report the result with evidence to the "
                                 "inspection team."),
        "reporting_regime": _("Report when done, and whenever the team asks"),
        "deadline": due,
        "responsibility": _("The head of %(unit)s answers for remedying the recommendation.")
        % {"unit": recommendation.target_unit},
        "product_type": _("Remediation report"),
        "product_description": _("A report on the remedy, with evidence"),
        "expected_result": recommendation.expected_result,
        "acceptance_criterion": _("The inspection team verifies the result."),
        "authority_basis": basis[:300],
        "lead_may_decide": _("How the work is organised within the unit"),
    }


def _issue_remediation_task(inspection: Inspection, recommendation: Recommendation, lead: User):
    """The remediation task, owned by the recommendation: the task engine's own cancel and return
    refuse it, so it is cancelled or replaced only here, with the recommendation kept consistent."""
    return task_issue(assigner=inspection.leader,
                      assigning_unit=common_ancestor(inspection.issuing_unit, recommendation.target_unit),
                      data=_remediation_data(inspection, recommendation, lead),
                      note=_("Recommendation %(n)d of %(code)s") % {"n": recommendation.number, "code": inspection.code},
                      managed_by=TaskOwner.RECOMMENDATION)


@transaction.atomic


@transaction.atomic
def recommendation_verify(*, actor, recommendation: Recommendation, accepted: bool, note: str = "") -> Recommendation:
    """The inspection's team leader — never the remediation task's lead — checks the result.
    Accepting approves the submitted task and closes the recommendation; refusing sends the task back."""
    locked(recommendation)
    inspection = recommendation.inspection
    task = recommendation.task
    require(can_verify(actor, recommendation))
    if recommendation.status != RecommendationStatus.IN_REMEDIATION:
        raise ConflictError(_("This recommendation is not awaiting verification."), code="wrong_state")
    if task.status not in (TaskStatus.SUBMITTED, TaskStatus.COMPLETED):
        raise ConflictError(_("The remediation result has not been submitted yet."), code="not_submitted")
    if not accepted:
        reason = required_text(note, "note", _("Say what is still missing."))
        task_send_back(actor=actor, task=task, reason=reason)
        _event(inspection=inspection, recommendation=recommendation, action="reject", actor=actor, note=reason)
        return recommendation
    if task.status == TaskStatus.SUBMITTED:
        task_approve(actor=actor, task=task, quality="pass", note=note)
    advance(recommendation, allowed=(RecommendationStatus.IN_REMEDIATION,), to=RecommendationStatus.VERIFIED,
            wrong_state=_("This recommendation is not awaiting verification."),
            changed_meanwhile=_("Someone else verified this recommendation at the same moment."),
            verified_by=actor, verified_at=timezone.now(), verification_note=note.strip())
    _event(inspection=inspection, recommendation=recommendation, action="verify", actor=actor, note=note.strip(),
           from_status=RecommendationStatus.IN_REMEDIATION, to_status=RecommendationStatus.VERIFIED)
    recommendation.refresh_from_db()
    _notify([task.lead], "recommendation.verified", _("Remedy verified: recommendation %(n)d of %(code)s")
            % {"n": recommendation.number, "code": inspection.code}, target=inspection, url=_inspection_url(inspection))
    return recommendation


def _cancel_remediation_task(actor, recommendation: Recommendation, reason: str) -> dict:
    """Cancel the recommendation's task if it is still alive (the recommendation owns it); returns the
    event data naming it. A task already cancelled — by the task engine, before tasks were owned —
    is left as it is: that is how a stranded recommendation is repaired."""
    task = recommendation.task
    if task is None:
        return {}
    if task.status == TaskStatus.COMPLETED:
        raise ConflictError(_("The remediation task %(code)s is completed: verify the recommendation instead.")
                            % {"code": task.code}, code="task_completed")
    if task.status != TaskStatus.CANCELLED:
        task_cancel(actor=actor, task=task, reason=reason, owner=TaskOwner.RECOMMENDATION)
    return {"task": task.pk, "code": task.code}


@transaction.atomic
def recommendation_withdraw(*, actor, recommendation: Recommendation, reason: str) -> Recommendation:
    """A draft recommendation is withdrawn before signing; a signed one — while it is being remedied
    and not yet verified — is withdrawn with its reason, and its remediation task is cancelled in the
    same transaction. The recommendation is never deleted."""
    reason = required_text(reason, "reason", _("Give the reason for withdrawing."))
    recommendation = locked(recommendation)
    inspection = recommendation.inspection
    require(can_direct(actor, inspection))
    previous = recommendation.status
    data = {}
    if previous == RecommendationStatus.IN_REMEDIATION:
        if inspection.status not in FOLLOWING_STATUSES:
            raise ConflictError(_("This inspection is “%(status)s”; its recommendations no longer change.")
                                % {"status": inspection.get_status_display()}, code="wrong_state")
        data = _cancel_remediation_task(actor, recommendation, reason)
    elif previous != RecommendationStatus.DRAFT:
        raise ConflictError(_("This recommendation is “%(status)s”; it cannot be withdrawn.")
                            % {"status": recommendation.get_status_display()}, code="wrong_state")
    advance(recommendation, allowed=(previous,), to=RecommendationStatus.WITHDRAWN, wrong_state=_(
        "This recommendation is “%(status)s”; it cannot be withdrawn."), changed_meanwhile=_(
        "Someone else changed this recommendation at the same moment. Reload it and try again."))
    _event(inspection=inspection, recommendation=recommendation, action="withdraw", actor=actor,
           note=reason, from_status=previous, to_status=RecommendationStatus.WITHDRAWN, data=data)
    return recommendation


@transaction.atomic
def recommendation_replace_task(*, actor, recommendation: Recommendation, reason: str,
                                deadline: date | None = None) -> Recommendation:
    """Give a recommendation being remedied a new remediation task — its task was returned as not the
    unit's, its head changed, or it was cancelled — cancelling the old one in the same transaction.
    The new task goes to the current head of the unit to act; a new deadline may be set."""
    reason = required_text(reason, "reason", _("Give the reason for replacing the task."))
    recommendation = locked(recommendation)
    inspection = recommendation.inspection
    require(can_direct(actor, inspection))
    if recommendation.status != RecommendationStatus.IN_REMEDIATION:
        raise ConflictError(_("This recommendation is “%(status)s”; only one being remedied gets a new task.")
                            % {"status": recommendation.get_status_display()}, code="wrong_state")
    if inspection.status not in FOLLOWING_STATUSES:
        raise ConflictError(_("This inspection is “%(status)s”; its recommendations no longer change.")
                            % {"status": inspection.get_status_display()}, code="wrong_state")
    new_deadline = deadline or recommendation.deadline
    if new_deadline <= _today():
        raise ValidationError({"deadline": _("The deadline %(day)s has passed: set a new deadline in the future.")
                               % {"day": dates.dmy(new_deadline)}})
    heads = heads_of(recommendation.target_unit)
    if not heads:
        raise ValidationError({"recommendation": _("%(unit)s has no head to lead the remedy.")
                               % {"unit": recommendation.target_unit}})
    old = _cancel_remediation_task(actor, recommendation, reason)
    data = {"old_task": old.get("task"), "old_code": old.get("code")}
    if new_deadline != recommendation.deadline:
        data["deadline"] = {"from": recommendation.deadline.isoformat(), "to": new_deadline.isoformat()}
        recommendation.deadline = new_deadline
    task = _issue_remediation_task(inspection, recommendation, heads[0])
    if Recommendation.objects.filter(pk=recommendation.pk, status=RecommendationStatus.IN_REMEDIATION).update(
            task=task, deadline=new_deadline) != 1:
        raise ConflictError(_("Someone else changed this recommendation at the same moment. Reload it and try again."))
    recommendation.task = task
    _event(inspection=inspection, recommendation=recommendation, action="replace_task", actor=actor, note=reason,
           data={**data, "task": task.pk, "code": task.code})
    return recommendation
