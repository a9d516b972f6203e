"""A unit's assessment: its self-scores (by hand, from an Excel import, computed from the product's
records), its evidence links, its submission, the appraisal, the unit's answer, the council's
decision and the final score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from accounts.selectors import heads_of
from core.errors import ConflictError, require, required_text
from core.transitions import advance, locked
from inspections.selectors import record_label_by_code_visible_to
from notifications.services import notification_send
from reform import measures
from reform.access import available_actions, may_appraise, runs_set
from reform.models import (
    Assessment,
    AssessmentStatus,
    LinkKind,
    Member,
    MemberRole,
    Score,
    ScoreEvidence,
    ScoreLink,
    ScoringMethod,
    SubCriterion,
)
from reform.selectors import applicable_sub_criteria, missing_self_scores
from reform.services._common import _event, _refuse_unless, _wrong_assessment_state, _points, points_error, _sub_of
from core.evidence import validate_evidence_files
from tasks.rules import TaskOwner
from tasks.selectors import task_label_by_code_visible_to
from tasks.services import task_complete_for_owner


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
