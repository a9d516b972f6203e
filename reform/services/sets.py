"""The criteria set: its making (bands, areas, criteria, sub-criteria, council) while a draft, and
the opening of scoring, with each unit's self-assessment task."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from accounts.selectors import head_ids_by_unit
from core.errors import ConflictError, require, required_text
from core.transitions import advance, locked
from inspections.services import common_ancestor
from notifications.services import notification_send
from reform import measures, rules
from reform.access import can_issue_from, runs_set
from reform.models import (
    Area,
    Assessment,
    AssessmentStatus,
    Band,
    CriteriaSet,
    Criterion,
    Member,
    ScoringMethod,
    SetStatus,
    SubCriterion,
    UNIT_KIND_VALUES,
)
from reform.services._common import ZERO, _event, _refuse_unless, _wrong_set_state, _points, _editable
from tasks.rules import TaskOwner
from tasks.services import task_issue


@transaction.atomic
def criteria_set_create(*, actor, issuing_unit: Unit, year: int, unit_group: str, title: str, legal_basis: str,
                        bands: Iterable[tuple[str, Decimal]] = ()) -> CriteriaSet:
    require(can_issue_from(actor, issuing_unit))
    title = required_text(title, "title", _("Give the criteria set a title."))
    legal_basis = required_text(legal_basis, "legal_basis", _("Name the decision that issues the criteria."))
    version = (CriteriaSet.objects.filter(organisation_id=issuing_unit.organisation_id, year=year,
                                          unit_group=unit_group).count()) + 1
    criteria_set = CriteriaSet.objects.create(
        organisation_id=issuing_unit.organisation_id, issuing_unit=issuing_unit, year=year, unit_group=unit_group,
        title=title, legal_basis=legal_basis, version=version, created_by=actor)
    for name, min_percent in bands:
        band_add(actor=actor, criteria_set=criteria_set, name=name, min_percent=min_percent)
    _event(criteria_set=criteria_set, action="create", actor=actor, to_status=criteria_set.status)
    return criteria_set


def band_add(*, actor, criteria_set: CriteriaSet, name: str, min_percent) -> Band:
    _editable(actor, criteria_set)
    name = required_text(name, "name", _("Name the band."))
    percent = _points(min_percent, "min_percent")
    if not ZERO <= percent <= rules.HUNDRED:
        raise ValidationError({"min_percent": _("A band's threshold is a percentage from 0 to 100.")})
    if criteria_set.bands.filter(min_percent=percent).exists() or criteria_set.bands.filter(name=name).exists():
        raise ValidationError({"min_percent": _("This set already has a band with that name or threshold.")})
    return Band.objects.create(criteria_set=criteria_set, name=name, min_percent=percent)


def area_add(*, actor, criteria_set: CriteriaSet, code: str, name: str, survey_max_points=None,
             order: int = 0) -> Area:
    _editable(actor, criteria_set)
    code = required_text(code, "code", _("Give the area a code."))
    if criteria_set.areas.filter(code=code).exists():
        raise ValidationError({"code": _("This set already has an area %(code)s.") % {"code": code}})
    survey = None if survey_max_points in (None, "") else _points(survey_max_points, "survey_max_points")
    return Area.objects.create(criteria_set=criteria_set, code=code, order=order or criteria_set.areas.count() + 1,
                               name=required_text(name, "name", _("Name the area.")), survey_max_points=survey)


def criterion_add(*, actor, area: Area, code: str, name: str, order: int = 0) -> Criterion:
    _editable(actor, area.criteria_set)
    if area.is_survey:
        raise ValidationError({"area": _("A survey area takes its points from the survey, not from criteria.")})
    return Criterion.objects.create(area=area, code=required_text(code, "code", _("Give the criterion a code.")),
                                    name=required_text(name, "name", _("Name the criterion.")),
                                    order=order or area.criteria.count() + 1)


def sub_criterion_add(*, actor, criterion: Criterion, code: str, name: str, max_points, method: str = "points",
                      step=None, evidence_required: str = "", unit_kinds: Iterable[str] = (),
                      legal_basis: str = "", order: int = 0, measure: str = "", steps=()) -> SubCriterion:
    criteria_set = criterion.area.criteria_set
    _editable(actor, criteria_set)
    code = required_text(code, "code", _("Give the sub-criterion a code."))
    if criteria_set.sub_criteria.filter(code=code).exists():
        raise ValidationError({"code": _("This set already has a sub-criterion %(code)s.") % {"code": code}})
    maximum = _points(max_points, "max_points")
    if maximum <= 0:
        raise ValidationError({"max_points": _("The maximum points must be above 0.")})
    step = None if step in (None, "") else _points(step, "step")
    if method == "scale" and not (step and 0 < step <= maximum):
        raise ValidationError({"step": _("A scale needs a step above 0 and no larger than the maximum.")})
    if method == ScoringMethod.AUTOMATIC:
        steps_data = measures.clean_steps(measure, list(steps), maximum)
    else:
        measure, steps_data = "", []
    kinds = sorted(set(unit_kinds))
    if unknown := [kind for kind in kinds if kind not in UNIT_KIND_VALUES]:
        raise ValidationError({"unit_kinds": _("Unknown unit kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}})
    return SubCriterion.objects.create(
        criterion=criterion, criteria_set=criteria_set, code=code, name=required_text(name, "name",
                                                                                      _("Name the sub-criterion.")),
        max_points=maximum, method=method, step=step, evidence_required=evidence_required.strip(), unit_kinds=kinds,
        legal_basis=legal_basis.strip(), order=order or criterion.sub_criteria.count() + 1, measure=measure,
        steps=steps_data)


def member_add(*, actor, criteria_set: CriteriaSet, user: User, role: str) -> Member:
    require(runs_set(actor, criteria_set))
    if criteria_set.status == SetStatus.PUBLISHED:
        raise ConflictError(_("The results are published; the council no longer changes."), code="wrong_state")
    if user.unit is None or user.unit.organisation_id != criteria_set.organisation_id:
        raise ValidationError({"user": _("Council members are officials of the organisation that issues the set.")})
    member, _created = Member.objects.update_or_create(criteria_set=criteria_set, user=user, defaults={"role": role})
    return member


@transaction.atomic
def criteria_set_open(*, actor, criteria_set: CriteriaSet, units: Iterable[Unit], deadline: date) -> CriteriaSet:
    """Scoring starts: the structure is frozen, every unit gets its assessment and its head is told."""
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "open")
    if criteria_set.replaces is not None:
        raise ConflictError(_("This is a new version of a set already in use: put it in force instead, and the "
                              "units of the version it replaces move to it."), code="version")
    units = list(units)
    if not units:
        raise ValidationError({"units": _("Choose the units to be assessed.")})
    if foreign := [u for u in units if u.organisation_id != criteria_set.organisation_id]:
        raise ValidationError({"units": _("%(unit)s is not a unit of this organisation.") % {"unit": foreign[0]}})
    if not criteria_set.sub_criteria.exists():
        raise ValidationError({"areas": _("The set has no sub-criteria to score yet.")})
    if not criteria_set.bands.exists():
        raise ValidationError({"bands": _("The set has no classification bands yet.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The self-assessment deadline must not be in the past.")})
    left = advance(criteria_set, allowed=(SetStatus.DRAFT,), to=SetStatus.OPEN, wrong_state=_wrong_set_state(),
                   self_assessment_deadline=deadline)
    Assessment.objects.bulk_create([Assessment(criteria_set=criteria_set, unit=unit) for unit in units])
    _event(criteria_set=criteria_set, action="open", actor=actor, from_status=left, to_status=criteria_set.status)
    self_assessment_tasks_issue(actor=actor, criteria_set=criteria_set)
    head_ids = {pk for ids in head_ids_by_unit([unit.pk for unit in units]).values() for pk in ids}
    notification_send(recipients=User.objects.filter(pk__in=head_ids), verb="reform.opened",
                      message=_("Self-assess your unit on “%(title)s” by %(deadline)s.")
                      % {"title": criteria_set.title, "deadline": f"{deadline:%d/%m/%Y}"},
                      target=criteria_set, url=reverse("reform:set", args=[criteria_set.pk]))
    return criteria_set


def _self_assessment_task_data(criteria_set: CriteriaSet, unit: Unit, head: User, actor) -> dict:
    """The 5-rõ of "self-assess the unit": who (the head), what, how, who answers, what result, by when."""
    deadline = criteria_set.self_assessment_deadline
    return {
        "title": (_("Self-assess the administrative reform index of %(year)d") % {"year": criteria_set.year})[:300],
        "content": _("Self-score every sub-criterion of “%(set)s” that applies to %(unit)s, with a note and "
                     "evidence, and submit the self-assessment for appraisal.") % {"set": criteria_set.title,
                                                                                     "unit": unit},
        "source_number": criteria_set.legal_basis[:100], "source_issuer": str(criteria_set.issuing_unit)[:200],
        "lead": head, "lead_unit": unit, "monitor": actor,
        "process_description": _("1. Score each sub-criterion on the self-assessment page; 2. attach the evidence "
                                 "(files, photos or links to records); 3. submit it."),
        "reporting_regime": _("The self-assessment page shows the progress to the council secretary"),
        "deadline": timezone.make_aware(datetime.combine(deadline, rules.SELF_ASSESSMENT_DUE_AT)),
        "responsibility": _("The head of %(unit)s answers for the self-assessment of the unit.") % {"unit": unit},
        "product_type": _("Self-assessment"),
        "product_description": _("The submitted self-assessment, with its evidence"),
        "expected_result": _("Every applicable sub-criterion self-scored with evidence"),
        "acceptance_criterion": _("The self-assessment is submitted for appraisal by the deadline."),
        "authority_basis": criteria_set.legal_basis[:300],
        "lead_may_decide": _("Who in the unit prepares each sub-criterion"),
    }


@transaction.atomic
def self_assessment_tasks_issue(*, actor, criteria_set: CriteriaSet) -> int:
    """Each assessed unit's head gets a 5-rõ task to self-assess by the set's deadline, through the task
    engine, linked to the assessment and completed when the head submits it. Idempotent: an assessment
    that has its task gets no second one, so running it again (new heads, a unit added) only fills gaps.
    Returns the number of tasks created."""
    criteria_set = locked(criteria_set)
    require(runs_set(actor, criteria_set))
    if criteria_set.status != SetStatus.OPEN or criteria_set.self_assessment_deadline is None:
        raise ConflictError(_("Self-assessment tasks are issued while scoring is open."), code="wrong_state")
    waiting = list(criteria_set.assessments.filter(task__isnull=True, status=AssessmentStatus.DRAFT)
                   .select_related("unit").select_for_update(of=("self",)))
    heads = head_ids_by_unit([a.unit_id for a in waiting])
    people = User.objects.in_bulk({ids[0] for ids in heads.values() if ids})
    created = 0
    for assessment in waiting:
        head_ids = heads.get(assessment.unit_id) or []
        if not head_ids:
            continue  # a unit without a head: the overview says so
        task = task_issue(assigner=actor, assigning_unit=common_ancestor(criteria_set.issuing_unit, assessment.unit),
                          data=_self_assessment_task_data(criteria_set, assessment.unit, people[head_ids[0]], actor),
                          note=_("Reform index %(year)s") % {"year": criteria_set.year},
                          managed_by=TaskOwner.REFORM_ASSESSMENT)
        Assessment.objects.filter(pk=assessment.pk, task__isnull=True).update(task=task)
        created += 1
    if created:
        _event(criteria_set=criteria_set, action="issue_tasks", actor=actor, note=str(created))
    return created
