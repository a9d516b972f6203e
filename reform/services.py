"""Actions on criteria sets and unit assessments.

Each runs in one transaction, re-reads its row under a lock, changes a status with a conditional
UPDATE (of two people acting at once only one wins, on PostgreSQL and SQLite), writes an Event
and notifies on commit. Points are checked against the sub-criterion's scoring method before
anything is written; a batch (an Excel import) is all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Unit, User
from accounts.selectors import head_ids_by_unit, heads_of
from core.errors import ConflictError, require, required_text
from core.transitions import advance, locked
from inspections.services import common_ancestor
from notifications.services import notification_send
from reform import measures, rules
from reform.access import available_actions, can_issue_from, heads_unit, may_appraise, runs_set
from reform.models import (
    Area,
    Assessment,
    AssessmentStatus,
    Band,
    CriteriaSet,
    Criterion,
    Event,
    LinkKind,
    Member,
    MemberRole,
    Result,
    Score,
    ScoreEvidence,
    ScoreLink,
    ScoringMethod,
    SetStatus,
    SubCriterion,
    SurveyScore,
    UNIT_KIND_VALUES,
)
from inspections.selectors import record_label_by_code_visible_to
from tasks.evidence import validate_evidence_files
from tasks.models import TaskOwner
from tasks.selectors import task_label_by_code_visible_to
from tasks.services import task_complete_for_owner, task_issue

ZERO = Decimal(0)


def _event(*, criteria_set, action: str, actor, assessment=None, note: str = "", from_status: str = "",
           to_status: str = "", data: dict | None = None) -> Event:
    return Event.objects.create(criteria_set=criteria_set, assessment=assessment, action=action, actor=actor,
                                note=note, from_status=from_status, to_status=to_status, data=data or {})


def _refuse_unless(user, obj, action: str) -> None:
    """Refuse what available_actions does not offer: 403 for who may not, 409 for the wrong moment."""
    if action in available_actions(user, obj):
        return
    if isinstance(obj, CriteriaSet):
        require(runs_set(user, obj))
        raise ConflictError(_wrong_set_state() % {"status": obj.get_status_display()}, code="wrong_state")
    # Someone with no part in this assessment is refused outright; those with one hear it is the wrong moment.
    require(heads_unit(user, obj.unit) or obj.appraiser_id == user.pk or runs_set(user, obj.criteria_set))
    raise ConflictError(_wrong_assessment_state(obj) % {"status": obj.get_status_display()}, code="wrong_state")


def _wrong_set_state() -> str:
    return _("This criteria set is “%(status)s”; that step is not possible now.")


def _wrong_assessment_state(assessment: Assessment) -> str:
    """The refusal of a step on an assessment no longer in the state it needs ("%(status)s" left for advance)."""
    return _("This assessment is “%(status)s” and its set “%(set_status)s”; that step is not possible "
             "for you now.") % {"status": "%(status)s", "set_status": assessment.criteria_set.get_status_display()}


def _points(value, field: str) -> Decimal:
    try:
        points = Decimal(str(value).replace(",", ".").strip())
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({field: _("Enter the points as a number.")}) from None
    if not points.is_finite():
        raise ValidationError({field: _("Enter the points as a number.")})
    return points


def points_error(sub: SubCriterion, points: Decimal) -> str | None:
    """Why `points` cannot score `sub`, in words, or None."""
    reason = rules.check_points(points, method=sub.method, max_points=sub.max_points, step=sub.step)
    if reason == "range":
        return _("%(code)s: points must be between 0 and %(max)s.") % {"code": sub.code, "max": sub.max_points}
    if reason == "yes_no":
        return _("%(code)s is scored yes or no: 0 or %(max)s points.") % {"code": sub.code, "max": sub.max_points}
    if reason == "step":
        return _("%(code)s is scored in steps of %(step)s points.") % {"code": sub.code, "step": sub.step}
    return None


# -- the criteria set ----------------------------------------------------------------------


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


def _editable(actor, criteria_set: CriteriaSet) -> None:
    """Only a draft's structure changes. Once scoring has started the criteria are frozen: a change
    is a new version with a reason (reform.structure.criteria_set_new_version)."""
    if "edit" in available_actions(actor, criteria_set):
        return
    require(runs_set(actor, criteria_set))
    raise ConflictError(_("The criteria of “%(title)s” are frozen (%(status)s): scoring has started. To change them, "
                          "make a new version with a reason.") % {"title": criteria_set.title,
                                                                  "status": criteria_set.get_status_display()},
                        code="frozen")


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
        "deadline": timezone.make_aware(datetime.combine(deadline, time(23, 59))),
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


def applicable_sub_criteria(criteria_set: CriteriaSet, unit: Unit) -> list[SubCriterion]:
    return [sub for sub in criteria_set.sub_criteria.select_related("criterion__area") if sub.applies_to(unit.kind)]


# -- self-assessment -----------------------------------------------------------------------


def _sub_of(assessment: Assessment, sub: SubCriterion) -> None:
    if sub.criteria_set_id != assessment.criteria_set_id or not sub.applies_to(assessment.unit.kind):
        raise ValidationError({"sub_criterion": _("%(code)s does not apply to this unit.") % {"code": sub.code}})


@transaction.atomic
def score_self(*, actor, assessment: Assessment, sub_criterion: SubCriterion, points, note: str = "",
               files=()) -> Score:
    assessment = locked(assessment)
    _refuse_unless(actor, assessment, "self_score")
    _sub_of(assessment, sub_criterion)
    if sub_criterion.method == ScoringMethod.AUTOMATIC:
        raise ValidationError({"points": _("%(code)s is computed from the product's records, not scored by hand.")
                               % {"code": sub_criterion.code}})
    points = _points(points, "points")
    if error := points_error(sub_criterion, points):
        raise ValidationError({"points": error})
    validate_evidence_files(files)
    score, _created = Score.objects.update_or_create(
        assessment=assessment, sub_criterion=sub_criterion, defaults={"self_points": points, "self_note": note.strip()})
    for upload in files:
        ScoreEvidence.objects.create(score=score, file=upload, name=upload.name[:255], size=upload.size,
                                     uploaded_by=actor)
    return score


@dataclass(frozen=True)
class SelfScoreRow:
    assessment: Assessment
    sub_criterion: SubCriterion
    points: Decimal
    note: str = ""


@transaction.atomic
def self_scores_record(*, actor, rows: list[SelfScoreRow]) -> int:
    """Many self-scores at once (the Excel import): each row checked as score_self does, all or nothing."""
    errors = []
    may_score = {}  # per assessment: its rows share one answer (an import holds hundreds of rows per unit)
    for row in rows:
        if row.assessment.pk not in may_score:
            may_score[row.assessment.pk] = "self_score" in available_actions(actor, row.assessment)
        if not may_score[row.assessment.pk]:
            errors.append(_("%(unit)s: you may not self-score this unit now.") % {"unit": row.assessment.unit})
        elif not row.sub_criterion.applies_to(row.assessment.unit.kind) or (
                row.sub_criterion.criteria_set_id != row.assessment.criteria_set_id):
            errors.append(_("%(code)s does not apply to this unit.") % {"code": row.sub_criterion.code})
        elif row.sub_criterion.method == ScoringMethod.AUTOMATIC:
            errors.append(_("%(code)s is computed from the product's records, not scored by hand.")
                          % {"code": row.sub_criterion.code})
        elif error := points_error(row.sub_criterion, row.points):
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    # The last row for a sub-criterion wins, as one save after another would; scores are written in
    # bulk, each with its history row naming the actor.
    latest = {(row.assessment.pk, row.sub_criterion.pk): row for row in rows}
    list(Assessment.objects.select_for_update().filter(pk__in=may_score).order_by("pk"))  # one writer per unit
    existing = {(score.assessment_id, score.sub_criterion_id): score for score in Score.objects.filter(
        assessment_id__in=may_score, sub_criterion_id__in={key[1] for key in latest})}
    new, changed = [], []
    for key, row in latest.items():
        score = existing.get(key)
        if score is None:
            new.append(Score(assessment=row.assessment, sub_criterion=row.sub_criterion, self_points=row.points,
                             self_note=row.note))
        else:
            score.self_points, score.self_note = row.points, row.note
            changed.append(score)
    bulk_create_with_history(new, Score, default_user=actor)
    bulk_update_with_history(changed, Score, ["self_points", "self_note"], default_user=actor)
    return len(rows)


def missing_self_scores(assessment: Assessment) -> list[SubCriterion]:
    scored = set(assessment.scores.filter(self_points__isnull=False).values_list("sub_criterion_id", flat=True))
    return [sub for sub in applicable_sub_criteria(assessment.criteria_set, assessment.unit) if sub.pk not in scored]


# -- automatic sub-criteria and evidence links ---------------------------------------------


def _compute_automatic(assessment: Assessment, now=None) -> int:
    """Write the figure, points and counted records of every automatic sub-criterion that applies to
    the unit (its evidence links marked automatic are replaced). The caller holds the lock."""
    subs = [sub for sub in applicable_sub_criteria(assessment.criteria_set, assessment.unit)
            if sub.method == ScoringMethod.AUTOMATIC]
    for sub in subs:
        result = measures.figure(sub, assessment.unit, assessment.criteria_set.year, now)
        score, _created = Score.objects.update_or_create(
            assessment=assessment, sub_criterion=sub, defaults={"self_points": result.points, "self_note": result.text})
        score.links.filter(automatic=True).delete()
        ScoreLink.objects.bulk_create([
            ScoreLink(score=score, kind=record.kind, object_id=record.object_id, label=record.label[:300],
                      outcome=record.outcome[:100], automatic=True) for record in result.records],
            ignore_conflicts=True)  # a record the unit linked by hand stays as it is
    return len(subs)


@transaction.atomic
def assessment_compute_automatic(*, actor, assessment: Assessment, now=None) -> int:
    """Recompute the automatic sub-criteria on demand (they are recomputed at submission too)."""
    assessment = locked(assessment)
    _refuse_unless(actor, assessment, "compute_automatic")
    return _compute_automatic(assessment, now)


@transaction.atomic
def score_link_add(*, actor, assessment: Assessment, sub_criterion: SubCriterion, kind: str, code: str) -> ScoreLink:
    """Evidence that is a record of the product: a task, a finding or a decision, named by its code and
    found among what `actor` may see — a record they cannot see is refused as if it did not exist."""
    assessment = locked(assessment)
    _refuse_unless(actor, assessment, "self_score")
    _sub_of(assessment, sub_criterion)
    code = required_text(code, "code", _("Give the code of the record."))
    if kind == LinkKind.TASK:
        found = task_label_by_code_visible_to(actor, code)
    elif kind in (LinkKind.FINDING, LinkKind.DECISION):
        found = record_label_by_code_visible_to(actor, kind, code)
    else:
        raise ValidationError({"kind": _("Link a task, an inspection finding or a disciplinary decision.")})
    if found is None:
        raise ValidationError({"code": _("No %(kind)s %(code)s that you may see.")
                               % {"kind": LinkKind(kind).label.lower(), "code": code}})
    object_id, label = found
    score, _created = Score.objects.get_or_create(assessment=assessment, sub_criterion=sub_criterion)
    link, created = ScoreLink.objects.get_or_create(score=score, kind=kind, object_id=object_id,
                                                    defaults={"label": label[:300], "added_by": actor})
    if not created:
        raise ValidationError({"code": _("%(label)s is already linked here.") % {"label": label}})
    return link


@transaction.atomic
def score_link_remove(*, actor, link: ScoreLink) -> None:
    assessment = locked(link.score.assessment)
    _refuse_unless(actor, assessment, "self_score")
    if link.automatic:
        raise ValidationError({"link": _("A record the product counted stays as long as it is counted.")})
    link.delete()


@transaction.atomic
def assessment_submit(*, actor, assessment: Assessment) -> Assessment:
    assessment = locked(assessment)
    _refuse_unless(actor, assessment, "submit")
    _compute_automatic(assessment)  # the figures as they stand at submission
    if missing := missing_self_scores(assessment):
        raise ValidationError({"scores": _("Score every sub-criterion before submitting; missing: %(codes)s.")
                               % {"codes": ", ".join(sub.code for sub in missing)}})
    left = advance(assessment, allowed=(AssessmentStatus.DRAFT,), to=AssessmentStatus.SUBMITTED,
                   wrong_state=_wrong_assessment_state(assessment), submitted_at=timezone.now(), submitted_by=actor)
    _event(criteria_set=assessment.criteria_set, assessment=assessment, action="submit", actor=actor,
           from_status=left, to_status=assessment.status)
    if assessment.task_id:
        task_complete_for_owner(actor=actor, task=assessment.task, owner=TaskOwner.REFORM_ASSESSMENT,
                                note=_("Self-assessment submitted for appraisal."))
    if assessment.appraiser_id:
        notification_send(recipients=[assessment.appraiser], verb="reform.submitted",
                          message=_("%(unit)s submitted its self-assessment.") % {"unit": assessment.unit},
                          target=assessment, url=reverse("reform:assessment", args=[assessment.pk]))
    return assessment


# -- appraisal -----------------------------------------------------------------------------


@transaction.atomic
def appraiser_assign(*, actor, assessment: Assessment, appraiser: User) -> Assessment:
    assessment = locked(assessment)
    _refuse_unless(actor, assessment.criteria_set, "assign_appraiser")
    if not Member.objects.filter(criteria_set_id=assessment.criteria_set_id, user=appraiser,
                                 role__in=(MemberRole.APPRAISER, MemberRole.SECRETARY)).exists():
        raise ValidationError({"appraiser": _("Appraisers are members of the set's appraisal council.")})
    if not may_appraise(appraiser, assessment.unit):
        raise ValidationError({"appraiser": _("%(person)s works in %(unit)s and may not appraise it.")
                               % {"person": appraiser, "unit": assessment.unit}})
    Assessment.objects.filter(pk=assessment.pk).update(appraiser=appraiser)
    assessment.appraiser = appraiser
    _event(criteria_set=assessment.criteria_set, assessment=assessment, action="assign_appraiser", actor=actor,
           note=str(appraiser))
    return assessment


@transaction.atomic
def score_appraise(*, actor, assessment: Assessment, sub_criterion: SubCriterion, points, comment: str = "") -> Score:
    assessment = locked(assessment)
    _refuse_unless(actor, assessment, "appraise")
    _sub_of(assessment, sub_criterion)
    points = _points(points, "points")
    if error := points_error(sub_criterion, points):
        raise ValidationError({"points": error})
    score = Score.objects.filter(assessment=assessment, sub_criterion=sub_criterion).first()
    own = score.self_points if score else None
    if (own is None or points < own) and not comment.strip():
        raise ValidationError({"comment": _("Say why the unit loses points on %(code)s.") % {"code": sub_criterion.code}})
    score, _created = Score.objects.update_or_create(
        assessment=assessment, sub_criterion=sub_criterion,
        defaults={"appraised_points": points, "appraisal_comment": comment.strip(), "appraised_by": actor,
                  "appraised_at": timezone.now()})
    return score


@transaction.atomic
def assessment_finish_appraisal(*, actor, assessment: Assessment) -> Assessment:
    """The appraiser closes a unit: every sub-criterion they did not re-score keeps the unit's own points."""
    assessment = locked(assessment)
    _refuse_unless(actor, assessment, "finish_appraisal")
    now = timezone.now()
    assessment.scores.filter(appraised_points__isnull=True).update(
        appraised_by=actor, appraised_at=now, appraised_points=F("self_points"))
    answer_due = timezone.localdate() + timedelta(days=assessment.criteria_set.answer_window_days)
    left = advance(assessment, allowed=(AssessmentStatus.SUBMITTED,), to=AssessmentStatus.APPRAISED,
                   wrong_state=_wrong_assessment_state(assessment), appraised_at=now, answer_due_on=answer_due)
    _event(criteria_set=assessment.criteria_set, assessment=assessment, action="appraise", actor=actor,
           from_status=left, to_status=assessment.status)
    notification_send(recipients=heads_of(assessment.unit), verb="reform.appraised",
                      message=_("The appraisal of %(unit)s is done; the unit may answer until %(day)s.")
                      % {"unit": assessment.unit, "day": f"{answer_due:%d/%m/%Y}"},
                      target=assessment, url=reverse("reform:assessment", args=[assessment.pk]))
    return assessment


# -- the unit's answer and the final score -------------------------------------------------


@transaction.atomic
def score_answer(*, actor, assessment: Assessment, sub_criterion: SubCriterion, answer: str) -> Score:
    """The unit answers the appraisal of one sub-criterion (giải trình), within the set's answer window."""
    assessment = locked(assessment)
    _refuse_unless(actor, assessment, "answer")
    _sub_of(assessment, sub_criterion)
    answer = required_text(answer, "answer", _("Write the unit's answer."))
    score = Score.objects.filter(assessment=assessment, sub_criterion=sub_criterion).first()
    if score is None or score.appraised_points is None:
        raise ValidationError({"sub_criterion": _("%(code)s has not been appraised.") % {"code": sub_criterion.code}})
    Score.objects.filter(pk=score.pk).update(answer=answer, answered_at=timezone.now())
    score.refresh_from_db()
    _event(criteria_set=assessment.criteria_set, assessment=assessment, action="answer", actor=actor,
           note=sub_criterion.code)
    return score


@transaction.atomic
def score_decide(*, actor, assessment: Assessment, sub_criterion: SubCriterion, points, note: str = "") -> Score:
    """The appraisal council fixes the final points of a sub-criterion, most often on a unit's answer."""
    assessment = locked(assessment)
    require(runs_set(actor, assessment.criteria_set))  # the council's, never the unit's
    _refuse_unless(actor, assessment, "decide")
    _sub_of(assessment, sub_criterion)
    points = _points(points, "points")
    if error := points_error(sub_criterion, points):
        raise ValidationError({"points": error})
    score = Score.objects.filter(assessment=assessment, sub_criterion=sub_criterion).first()
    if score is None or score.appraised_points is None:
        raise ValidationError({"sub_criterion": _("%(code)s has not been appraised.") % {"code": sub_criterion.code}})
    note = note.strip()
    if points != score.appraised_points and not note:
        raise ValidationError({"note": _("Say why the council changes the appraised points of %(code)s.")
                               % {"code": sub_criterion.code}})
    Score.objects.filter(pk=score.pk).update(decided_points=points, decision_note=note, decided_by=actor,
                                             decided_at=timezone.now())
    score.refresh_from_db()
    return score


@transaction.atomic
def assessment_finalise(*, actor, assessment: Assessment) -> Assessment:
    """The council fixes the unit's final score once its answer window has closed (or it has answered
    every sub-criterion it lost points on); the appraised points stand where the council did not decide."""
    assessment = locked(assessment)
    require(runs_set(actor, assessment.criteria_set))
    _refuse_unless(actor, assessment, "finalise")
    today = timezone.localdate()
    lost = assessment.scores.filter(appraised_points__lt=F("sub_criterion__max_points"))
    if assessment.answer_due_on and today <= assessment.answer_due_on and lost.filter(answered_at__isnull=True).exists():
        raise ConflictError(_("%(unit)s may answer until %(day)s.") % {
            "unit": assessment.unit, "day": f"{assessment.answer_due_on:%d/%m/%Y}"}, code="answer_window")
    if pending := list(assessment.scores.filter(answered_at__isnull=False, decided_by__isnull=True)
                       .values_list("sub_criterion__code", flat=True)):
        raise ValidationError({"scores": _("Decide on the unit's answers first: %(codes)s.")
                               % {"codes": ", ".join(pending)}})
    now = timezone.now()
    left = advance(assessment, allowed=(AssessmentStatus.APPRAISED,), to=AssessmentStatus.FINAL,
                   wrong_state=_wrong_assessment_state(assessment), finalised_by=actor, finalised_at=now)
    _event(criteria_set=assessment.criteria_set, assessment=assessment, action="finalise", actor=actor,
           from_status=left, to_status=assessment.status)
    notification_send(recipients=heads_of(assessment.unit), verb="reform.finalised",
                      message=_("The final score of %(unit)s is fixed.") % {"unit": assessment.unit},
                      target=assessment, url=reverse("reform:assessment", args=[assessment.pk]))
    return assessment


# -- survey --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyRow:
    assessment: Assessment
    area: Area
    points: Decimal


@transaction.atomic
def survey_record(*, actor, criteria_set: CriteriaSet, rows: list[SurveyRow]) -> int:
    """The survey's points per unit and survey area: all rows checked first, then all written."""
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "import_survey")
    errors = []
    for row in rows:
        if row.area.criteria_set_id != criteria_set.pk or not row.area.is_survey:
            errors.append(_("%(area)s is not a survey area of this set.") % {"area": row.area.code})
        elif row.assessment.criteria_set_id != criteria_set.pk:
            errors.append(_("%(unit)s is not assessed under this set.") % {"unit": row.assessment.unit})
        elif not ZERO <= row.points <= row.area.survey_max_points:
            errors.append(_("%(unit)s, %(area)s: survey points must be between 0 and %(max)s.")
                          % {"unit": row.assessment.unit, "area": row.area.code, "max": row.area.survey_max_points})
    if errors:
        raise ValidationError(errors)
    for row in rows:
        SurveyScore.objects.update_or_create(assessment=row.assessment, area=row.area,
                                             defaults={"points": row.points, "imported_by": actor,
                                                       "imported_at": timezone.now()})
    _event(criteria_set=criteria_set, action="import_survey", actor=actor, note=str(len(rows)))
    return len(rows)


# -- the index -----------------------------------------------------------------------------


@dataclass
class Totals:
    self_points: Decimal = ZERO
    appraised_points: Decimal = ZERO
    survey_points: Decimal = ZERO
    applicable_points: Decimal = ZERO


def compute_totals(criteria_set: CriteriaSet) -> dict[int, Totals]:
    """Per assessment: the unit's own points, the final (appraised) points, the survey points and the
    points that apply to its kind of unit. A few set-wide queries, whatever the number of units."""
    subs = {pk: (max_points, kinds) for pk, max_points, kinds in
            criteria_set.sub_criteria.values_list("pk", "max_points", "unit_kinds")}
    survey_max = sum((area.survey_max_points for area in criteria_set.areas.filter(survey_max_points__isnull=False)),
                     ZERO)
    kinds = dict(criteria_set.assessments.values_list("pk", "unit__kind"))
    totals = {pk: Totals() for pk in kinds}
    for pk, kind in kinds.items():
        totals[pk].applicable_points = survey_max + sum(
            (maximum for maximum, applies in subs.values() if not applies or kind in applies), ZERO)
    for assessment_id, sub_id, own, appraised, decided in Score.objects.filter(
            assessment__criteria_set=criteria_set).values_list("assessment_id", "sub_criterion_id", "self_points",
                                                                "appraised_points", "decided_points"
                                                                ).iterator(chunk_size=5000):
        applies = subs[sub_id][1]
        if applies and kinds[assessment_id] not in applies:
            continue
        total = totals[assessment_id]
        total.self_points += own or ZERO
        final = decided if decided is not None else appraised if appraised is not None else own
        total.appraised_points += final or ZERO
    for assessment_id, points in SurveyScore.objects.filter(
            assessment__criteria_set=criteria_set).values_list("assessment_id", "points"):
        totals[assessment_id].survey_points += points
    return totals


@transaction.atomic
def criteria_set_recompute(*, criteria_set: CriteriaSet) -> list[Result]:
    """Index, class and rank of every unit of the set, written as its Result rows."""
    bands = list(criteria_set.bands.all())
    totals = compute_totals(criteria_set)
    units = dict(criteria_set.assessments.values_list("pk", "unit_id"))
    ids = list(totals)
    indices = [rules.index_percent(totals[pk].appraised_points + totals[pk].survey_points,
                                   totals[pk].applicable_points) for pk in ids]
    ranks = rules.shared_ranks(indices)
    now = timezone.now()
    results = []
    for pk, index, rank in zip(ids, indices, ranks):
        band = rules.classify(index, bands)
        total = totals[pk]
        results.append(Result(criteria_set=criteria_set, assessment_id=pk, unit_id=units[pk],
                              self_points=total.self_points, appraised_points=total.appraised_points,
                              survey_points=total.survey_points, applicable_points=total.applicable_points,
                              index=index, band=band, band_name=band.name if band else "", rank=rank, computed_at=now))
    Result.objects.filter(criteria_set=criteria_set).delete()
    return Result.objects.bulk_create(results, batch_size=1000)


@transaction.atomic
def criteria_set_freeze(*, actor, criteria_set: CriteriaSet) -> CriteriaSet:
    """Scores become final once every unit is appraised; the index is computed from them."""
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "freeze")
    pending = list(criteria_set.assessments.exclude(status__in=(AssessmentStatus.APPRAISED, AssessmentStatus.FINAL))
                   .select_related("unit").values_list("unit__name", flat=True)[:10])
    if pending:
        raise ConflictError(_("Not every unit is appraised yet: %(units)s.") % {"units": ", ".join(pending)},
                            code="not_appraised")
    if undecided := sorted(set(Score.objects.filter(
            assessment__criteria_set=criteria_set, assessment__status=AssessmentStatus.APPRAISED,
            answered_at__isnull=False, decided_by__isnull=True).values_list("assessment__unit__name", flat=True))):
        raise ConflictError(_("The council has not decided on the answers of %(units)s yet.")
                            % {"units": ", ".join(undecided[:10])}, code="answers_pending")
    left = advance(criteria_set, allowed=(SetStatus.OPEN,), to=SetStatus.FROZEN, wrong_state=_wrong_set_state())
    criteria_set_recompute(criteria_set=criteria_set)
    _event(criteria_set=criteria_set, action="freeze", actor=actor, from_status=left, to_status=criteria_set.status)
    return criteria_set


@transaction.atomic
def criteria_set_publish(*, actor, criteria_set: CriteriaSet, published_on: date) -> CriteriaSet:
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "publish")
    left = advance(criteria_set, allowed=(SetStatus.FROZEN,), to=SetStatus.PUBLISHED, wrong_state=_wrong_set_state(),
                   published_on=published_on)
    _event(criteria_set=criteria_set, action="publish", actor=actor, from_status=left, to_status=criteria_set.status)
    return criteria_set


# -- remedies ------------------------------------------------------------------------------


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
        "deadline": timezone.make_aware(datetime.combine(deadline, time(17, 0))),
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

