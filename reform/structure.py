"""The structure of a criteria set: editing a draft, its totals, the copy for next year, and new
versions of a set in use.

Only a draft changes (reform.services._editable says why not otherwise). Once scoring has started
a change is a new version with a reason: a draft copy of the set, linked to it (`based_on`), edited
like any draft and then put in force.

What happens to the assessments when a version comes into force, and why: the version is refused
while any unit's self-assessment has been submitted or appraised under the old version — an
appraiser's judgement was made against those criteria, and moving it would silently change what
was judged. Otherwise every unit's in-progress assessment moves to the new version: a new
assessment with the same unit and appraiser, keeping each self-score (note and evidence) of a
sub-criterion whose code is unchanged and whose points still fit the new maximum and scoring
method; the others are scored again. The old version keeps its assessments and scores as they
were, marked "replaced by a new version".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError, required_text
from core.transitions import advance, locked
from reform import rules
from reform.access import available_actions
from reform.models import (
    Area,
    Assessment,
    AssessmentStatus,
    Band,
    CriteriaSet,
    Criterion,
    Member,
    Score,
    ScoreEvidence,
    ScoringMethod,
    SetStatus,
    SubCriterion,
    UNIT_KIND_VALUES,
)
from reform.services._common import (
    ZERO,
    _editable,
    _event,
    _wrong_set_state,
    _points,
    _refuse_unless,
    points_error,
)

# -- editing a draft -----------------------------------------------------------------------


def _unique_code(queryset, code: str, message: str, *, exclude_pk=None) -> None:
    if queryset.filter(code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError({"code": message % {"code": code}})


@transaction.atomic
def area_update(*, actor, area: Area, code: str, name: str, survey_max_points=None, order: int | None = None) -> Area:
    criteria_set = area.criteria_set
    _editable(actor, criteria_set)
    code = required_text(code, "code", _("Give the area a code."))
    _unique_code(criteria_set.areas, code, _("This set already has an area %(code)s."), exclude_pk=area.pk)
    survey = None if survey_max_points in (None, "") else _points(survey_max_points, "survey_max_points")
    if survey is not None and survey <= 0:
        raise ValidationError({"survey_max_points": _("The survey points must be above 0.")})
    if survey is not None and area.criteria.exists():
        raise ValidationError({"survey_max_points": _("A survey area holds no criteria; remove them first.")})
    area.code, area.name, area.survey_max_points = code, required_text(name, "name", _("Name the area.")), survey
    if order:
        area.order = order
    area.save()
    return area


@transaction.atomic
def area_remove(*, actor, area: Area) -> None:
    _editable(actor, area.criteria_set)
    area.delete()


@transaction.atomic
def criterion_update(*, actor, criterion: Criterion, code: str, name: str, order: int | None = None) -> Criterion:
    _editable(actor, criterion.area.criteria_set)
    criterion.code = required_text(code, "code", _("Give the criterion a code."))
    criterion.name = required_text(name, "name", _("Name the criterion."))
    if order:
        criterion.order = order
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, actor, criterion: Criterion) -> None:
    _editable(actor, criterion.area.criteria_set)
    criterion.delete()


def check_sub_criterion(*, max_points, method: str, step, unit_kinds) -> tuple[Decimal, Decimal | None, list[str]]:
    """The checked maximum, step and unit kinds of a sub-criterion, or a ValidationError on the field."""
    maximum = _points(max_points, "max_points")
    if maximum <= 0:
        raise ValidationError({"max_points": _("The maximum points must be above 0.")})
    if method not in ScoringMethod.values:
        raise ValidationError({"method": _("Choose how the sub-criterion is scored.")})
    step = None if step in (None, "") else _points(step, "step")
    if method == ScoringMethod.SCALE and not (step and 0 < step <= maximum):
        raise ValidationError({"step": _("A scale needs a step above 0 and no larger than the maximum.")})
    if method != ScoringMethod.SCALE:
        step = None
    kinds = sorted(set(unit_kinds or ()))
    if unknown := [kind for kind in kinds if kind not in UNIT_KIND_VALUES]:
        raise ValidationError({"unit_kinds": _("Unknown unit kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}})
    return maximum, step, kinds


@transaction.atomic
def sub_criterion_update(*, actor, sub_criterion: SubCriterion, code: str, name: str, max_points,
                         method: str, step=None, evidence_required: str = "", unit_kinds=(), legal_basis: str = "",
                         criterion: Criterion | None = None, order: int | None = None) -> SubCriterion:
    criteria_set = sub_criterion.criteria_set
    _editable(actor, criteria_set)
    code = required_text(code, "code", _("Give the sub-criterion a code."))
    _unique_code(criteria_set.sub_criteria, code, _("This set already has a sub-criterion %(code)s."),
                 exclude_pk=sub_criterion.pk)
    if criterion is not None and criterion.area.criteria_set_id != criteria_set.pk:
        raise ValidationError({"criterion": _("Choose a criterion of this set.")})
    maximum, step, kinds = check_sub_criterion(max_points=max_points, method=method, step=step, unit_kinds=unit_kinds)
    sub_criterion.code, sub_criterion.max_points, sub_criterion.method, sub_criterion.step = code, maximum, method, step
    sub_criterion.name = required_text(name, "name", _("Name the sub-criterion."))
    sub_criterion.evidence_required, sub_criterion.legal_basis = evidence_required.strip(), legal_basis.strip()
    sub_criterion.unit_kinds = kinds
    if criterion is not None:
        sub_criterion.criterion = criterion
    if order:
        sub_criterion.order = order
    sub_criterion.save()
    return sub_criterion


@transaction.atomic
def sub_criterion_remove(*, actor, sub_criterion: SubCriterion) -> None:
    _editable(actor, sub_criterion.criteria_set)
    sub_criterion.delete()


@transaction.atomic
def band_remove(*, actor, band: Band) -> None:
    _editable(actor, band.criteria_set)
    band.delete()


# -- totals --------------------------------------------------------------------------------


@dataclass
class AreaTotal:
    area: Area
    criteria: list = field(default_factory=list)  # (criterion, [sub-criteria], total)
    points: Decimal = ZERO


@dataclass
class SetTotals:
    areas: list[AreaTotal]
    scored: Decimal  # points of the sub-criteria
    survey: Decimal  # points of the survey areas
    by_kind: dict  # unit kind → the points that apply to it, when some sub-criteria apply to some kinds only

    @property
    def total(self) -> Decimal:
        return self.scored + self.survey


def set_structure(criteria_set: CriteriaSet) -> SetTotals:
    """The set's areas → criteria → sub-criteria in order, with the maximum points of each level,
    of the set and, where sub-criteria apply to some unit kinds only, of each kind. Three queries."""
    areas = list(criteria_set.areas.order_by("order", "id"))
    criteria = defaultdict(list)
    for criterion in Criterion.objects.filter(area__criteria_set=criteria_set).order_by("order", "id"):
        criteria[criterion.area_id].append(criterion)
    subs = defaultdict(list)
    for sub in criteria_set.sub_criteria.order_by("order", "id"):
        subs[sub.criterion_id].append(sub)
    result, scored, survey = [], ZERO, ZERO
    kinds = sorted({kind for rows in subs.values() for sub in rows for kind in sub.unit_kinds})
    by_kind = dict.fromkeys(kinds, ZERO)
    for area in areas:
        line = AreaTotal(area=area)
        if area.is_survey:
            line.points = area.survey_max_points
            survey += area.survey_max_points
        for criterion in criteria[area.pk]:
            rows = subs[criterion.pk]
            points = sum((sub.max_points for sub in rows), ZERO)
            line.criteria.append((criterion, rows, points))
            line.points += points
            for sub in rows:
                for kind in by_kind:
                    if sub.applies_to(kind):
                        by_kind[kind] += sub.max_points
        scored += ZERO if area.is_survey else line.points
        result.append(line)
    return SetTotals(areas=result, scored=scored, survey=survey,
                     by_kind={kind: points + survey for kind, points in by_kind.items()})


# -- copies and versions -------------------------------------------------------------------


def _copy_structure(source: CriteriaSet, target: CriteriaSet, *, members: bool) -> None:
    """Bands, areas, criteria and sub-criteria of `source` into `target`, in bulk."""
    Band.objects.bulk_create([Band(criteria_set=target, name=b.name, min_percent=b.min_percent)
                              for b in source.bands.all()])
    areas = {a.pk: Area.objects.create(criteria_set=target, code=a.code, name=a.name, order=a.order,
                                       survey_max_points=a.survey_max_points) for a in source.areas.all()}
    criteria = {c.pk: Criterion.objects.create(area=areas[c.area_id], code=c.code, name=c.name, order=c.order)
                for c in Criterion.objects.filter(area__criteria_set=source)}
    SubCriterion.objects.bulk_create([
        SubCriterion(criterion=criteria[s.criterion_id], criteria_set=target, code=s.code, name=s.name,
                     max_points=s.max_points, method=s.method, step=s.step, evidence_required=s.evidence_required,
                     unit_kinds=list(s.unit_kinds), legal_basis=s.legal_basis, order=s.order)
        for s in source.sub_criteria.all()])
    if members:
        Member.objects.bulk_create([Member(criteria_set=target, user_id=m.user_id, role=m.role)
                                    for m in source.members.all()])


def _next_version(organisation_id: int, year: int, unit_group: str) -> int:
    latest = (CriteriaSet.objects.filter(organisation_id=organisation_id, year=year, unit_group=unit_group)
              .order_by("-version").values_list("version", flat=True).first())
    return (latest or 0) + 1


@transaction.atomic
def criteria_set_copy(*, actor, source: CriteriaSet, year: int | None = None, title: str = "",
                      legal_basis: str = "", members: bool = False) -> CriteriaSet:
    """A new draft set for another year (by default the next), with the bands and structure of
    `source` and, when asked, its appraisal council."""
    _refuse_unless(actor, source, "copy")
    year = int(year or source.year + 1)
    if year <= source.year:
        raise ValidationError({"year": _("Copy a set to a later year than %(year)s.") % {"year": source.year}})
    if year > source.year + rules.COPY_YEARS_AHEAD:
        raise ValidationError({"year": _("Copy a set to a year at most five years on.")})
    title = (title or "").strip() or source.title.replace(str(source.year), str(year))
    copy = CriteriaSet.objects.create(
        organisation_id=source.organisation_id, issuing_unit_id=source.issuing_unit_id, year=year,
        unit_group=source.unit_group, title=title[:300], legal_basis=(legal_basis or "").strip() or source.legal_basis,
        version=_next_version(source.organisation_id, year, source.unit_group), based_on=source, created_by=actor)
    _copy_structure(source, copy, members=members)
    _event(criteria_set=copy, action="copy", actor=actor, to_status=copy.status,
           note=_("Copied from “%(title)s” (%(year)s)") % {"title": source.title, "year": source.year})
    return copy


@transaction.atomic
def criteria_set_new_version(*, actor, criteria_set: CriteriaSet, reason: str) -> CriteriaSet:
    """A change to a set in use: a draft copy of it (structure, bands, council) with the reason,
    linked to it; the set in use goes on until the new version is put in force."""
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "new_version")
    reason = required_text(reason, "reason", _("Say why the criteria change: a new version needs a reason."))
    if pending := criteria_set.derived.filter(year=criteria_set.year, status=SetStatus.DRAFT).first():
        raise ConflictError(_("Version %(version)s of this set is already being prepared; change that one.")
                            % {"version": pending.version}, code="exists")
    _refuse_while_judged(criteria_set)
    version = CriteriaSet.objects.create(
        organisation_id=criteria_set.organisation_id, issuing_unit_id=criteria_set.issuing_unit_id,
        year=criteria_set.year, unit_group=criteria_set.unit_group, title=criteria_set.title,
        legal_basis=criteria_set.legal_basis, based_on=criteria_set, change_reason=reason,
        version=_next_version(criteria_set.organisation_id, criteria_set.year, criteria_set.unit_group),
        self_assessment_deadline=criteria_set.self_assessment_deadline, created_by=actor)
    _copy_structure(criteria_set, version, members=True)
    _event(criteria_set=version, action="new_version", actor=actor, to_status=version.status, note=reason)
    _event(criteria_set=criteria_set, action="new_version", actor=actor, note=reason)
    return version


def _refuse_while_judged(criteria_set: CriteriaSet) -> None:
    judged = list(criteria_set.assessments.exclude(status=AssessmentStatus.DRAFT)
                  .order_by("unit__name").values_list("unit__name", flat=True)[:10])
    if judged:
        raise ConflictError(_("Units have already submitted their self-assessment under this version, and their "
                              "scores stay with it: %(units)s. A new version is possible only while every "
                              "self-assessment is in progress.") % {"units": ", ".join(judged)},
                            code="submitted")


@transaction.atomic
def criteria_set_version_open(*, actor, criteria_set: CriteriaSet) -> CriteriaSet:
    """Put a new version in force: the units' in-progress assessments move to it (see the module's
    docstring), the version it replaces is kept with its scores and marked replaced."""
    criteria_set = locked(criteria_set)
    _refuse_unless(actor, criteria_set, "open")
    old = criteria_set.replaces
    if old is None:
        raise ConflictError(_("This set replaces no version in use; open it for scoring instead."), code="wrong_state")
    old = locked(old)
    if old.status != SetStatus.OPEN:
        raise ConflictError(_("The version it replaces is “%(status)s”, no longer in scoring.")
                            % {"status": old.get_status_display()}, code="wrong_state")
    _refuse_while_judged(old)
    if not criteria_set.sub_criteria.exists():
        raise ValidationError({"areas": _("The set has no sub-criteria to score yet.")})
    if not criteria_set.bands.exists():
        raise ValidationError({"bands": _("The set has no classification bands yet.")})
    left = advance(criteria_set, allowed=(SetStatus.DRAFT,), to=SetStatus.OPEN, wrong_state=_wrong_set_state(),
                   self_assessment_deadline=criteria_set.self_assessment_deadline or old.self_assessment_deadline)
    old_left = advance(old, allowed=(SetStatus.OPEN,), to=SetStatus.SUPERSEDED,
                       wrong_state=_("The version it replaces is “%(status)s”, no longer in scoring."))
    new_subs = {sub.code: sub for sub in criteria_set.sub_criteria.all()}
    moved = {}
    for assessment in old.assessments.select_related("unit"):
        moved[assessment.pk] = Assessment.objects.create(criteria_set=criteria_set, unit=assessment.unit,
                                                         appraiser_id=assessment.appraiser_id)
    kept = 0
    old_scores = (Score.objects.filter(assessment__criteria_set=old, self_points__isnull=False)
                  .select_related("sub_criterion", "assessment__unit").prefetch_related("evidence"))
    for score in old_scores:
        sub = new_subs.get(score.sub_criterion.code)
        if sub is None or not sub.applies_to(score.assessment.unit.kind) or points_error(sub, score.self_points):
            continue
        copy = Score.objects.create(assessment=moved[score.assessment_id], sub_criterion=sub,
                                    self_points=score.self_points, self_note=score.self_note)
        ScoreEvidence.objects.bulk_create([
            ScoreEvidence(score=copy, file=e.file.name, name=e.name, size=e.size, uploaded_by_id=e.uploaded_by_id)
            for e in score.evidence.all()])
        kept += 1
    _event(criteria_set=criteria_set, action="version_open", actor=actor, from_status=left,
           to_status=criteria_set.status, note=criteria_set.change_reason)
    _event(criteria_set=old, action="superseded", actor=actor, from_status=old_left,
           to_status=old.status, note=_("Replaced by version %(version)s; %(kept)d self-scores kept.")
           % {"version": criteria_set.version, "kept": kept})
    return criteria_set


def versions_of(criteria_set: CriteriaSet) -> list[CriteriaSet]:
    """Every version of the set's year and group, oldest first (one query)."""
    return list(CriteriaSet.objects.filter(organisation_id=criteria_set.organisation_id, year=criteria_set.year,
                                           unit_group=criteria_set.unit_group).order_by("version"))


def may(actor, criteria_set: CriteriaSet, action: str) -> bool:
    return action in available_actions(actor, criteria_set)


# -- the structure as a whole (the Excel import) --------------------------------------------


@dataclass(frozen=True)
class StructureRow:
    """One line of a published criteria table: an area, a criterion or a sub-criterion."""

    level: str  # "area", "survey_area", "criterion", "sub"
    code: str
    name: str
    max_points: Decimal | None = None
    method: str = ""
    step: Decimal | None = None
    evidence_required: str = ""
    unit_kinds: tuple = ()
    legal_basis: str = ""


@transaction.atomic
def structure_replace(*, actor, criteria_set: CriteriaSet, rows: list[StructureRow]) -> int:
    """The draft's areas, criteria and sub-criteria become `rows` (checked as a whole by the
    importer first): what was there is removed, in the same transaction."""
    criteria_set = locked(criteria_set)
    _editable(actor, criteria_set)
    criteria_set.areas.all().delete()
    area = criterion = None
    counts = defaultdict(int)
    for row in rows:
        if row.level in ("area", "survey_area"):
            counts["areas"] += 1
            area = Area.objects.create(criteria_set=criteria_set, code=row.code, name=row.name, order=counts["areas"],
                                       survey_max_points=row.max_points if row.level == "survey_area" else None)
            criterion = None
        elif row.level == "criterion":
            counts[area.pk] += 1
            criterion = Criterion.objects.create(area=area, code=row.code, name=row.name, order=counts[area.pk])
        else:
            counts[criterion.pk, "sub"] += 1
            SubCriterion.objects.create(
                criterion=criterion, criteria_set=criteria_set, code=row.code, name=row.name,
                max_points=row.max_points, method=row.method, step=row.step,
                evidence_required=row.evidence_required, unit_kinds=list(row.unit_kinds),
                legal_basis=row.legal_basis, order=counts[criterion.pk, "sub"])
    _event(criteria_set=criteria_set, action="import_structure", actor=actor, note=str(len(rows)))
    return len(rows)


def structure_editable(actor, criteria_set: CriteriaSet) -> None:
    """Nothing, or the refusal (ConflictError with the reason, PermissionDenied) editing would meet."""
    _editable(actor, criteria_set)
