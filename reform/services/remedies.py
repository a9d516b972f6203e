"""Remedies: a lost point becomes a remedial 5-rõ task for the head of the unit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import heads_of
from core.errors import ConflictError
from inspections.services import common_ancestor
from reform import rules
from reform.models import Score
from reform.services._common import ZERO, _event, _refuse_unless
from tasks.services import task_issue


def lost_points(score: Score) -> Decimal:
    final = score.final_points or ZERO
    return score.sub_criterion.max_points - final


@transaction.atomic
def remedy_issue(*, actor, score: Score, deadline: date, note: str = ""):
    """A lost point becomes a remedial 5-rõ task for the head of the unit, through the task engine."""
    criteria_set = score.assessment.criteria_set
    _refuse_unless(actor, criteria_set, "remedy")
    score = Score.objects.select_for_update().select_related("assessment__unit", "sub_criterion").get(pk=score.pk)
    if score.remedy_task_id:
        raise ConflictError(_("A remedial task already exists for this sub-criterion."), code="exists")
    if lost_points(score) <= 0:
        raise ValidationError({"score": _("No point was lost on %(code)s.") % {"code": score.sub_criterion.code}})
    if deadline <= timezone.localdate():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    unit = score.assessment.unit
    heads = heads_of(unit)
    if not heads:
        raise ValidationError({"score": _("%(unit)s has no head to lead the remedy.") % {"unit": unit}})
    sub = score.sub_criterion
    content = _("Remedy the points lost on %(code)s “%(name)s” of %(set)s: %(comment)s") % {
        "code": sub.code, "name": sub.name, "set": criteria_set.title,
        "comment": score.appraisal_comment or note or _("see the appraisal")}
    data = {
        "title": (_("Reform index remedy: %(code)s") % {"code": sub.code})[:300],
        "content": content, "source_number": criteria_set.legal_basis[:100], "source_date": criteria_set.published_on,
        "source_issuer": str(criteria_set.issuing_unit)[:200],
        "lead": heads[0], "lead_unit": unit, "monitor": actor,
        "process_description": _("1. Find the cause of the lost points; 2. put it right; 3. report with evidence."),
        "reporting_regime": _("Report when done, and whenever the council secretary asks"),
        "deadline": timezone.make_aware(datetime.combine(deadline, rules.REMEDY_DUE_AT)),
        "responsibility": _("The head of %(unit)s answers for the reform index of the unit.") % {"unit": unit},
        "product_type": _("Remedy report"),
        "product_description": _("A report on the remedy, with evidence"),
        "expected_result": _("%(code)s fully met next year") % {"code": sub.code},
        "acceptance_criterion": _("The council secretary checks the evidence."),
        "authority_basis": criteria_set.legal_basis[:300],
        "lead_may_decide": _("How the work is organised within the unit"),
    }
    # The work is assigned from the unit above both the issuer and the unit (the province's People's
    # Committee for a commune), as an inspection's remedies are: the lead must lie under it.
    task = task_issue(assigner=actor, assigning_unit=common_ancestor(criteria_set.issuing_unit, unit), data=data,
                      note=note or _("Reform index %(year)s") % {"year": criteria_set.year})
    Score.objects.filter(pk=score.pk).update(remedy_task=task)
    score.remedy_task = task
    _event(criteria_set=criteria_set, assessment=score.assessment, action="remedy", actor=actor, note=sub.code)
    return task
