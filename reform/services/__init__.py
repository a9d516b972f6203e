"""Actions on criteria sets and unit assessments, by aggregate: sets (making a set and opening it),
assessments (self-scores, appraisal, answers, the final score), results (survey, index, freeze,
publication) and remedies. The reads they use are in reform.selectors.

Each runs in one transaction, re-reads its row under a lock (core.transitions.locked), changes a
status with a conditional UPDATE (core.transitions.advance: of two people acting at once only one
wins, on PostgreSQL and SQLite), writes an Event and notifies on commit. Points are checked against
the sub-criterion's scoring method before anything is written; a batch (an Excel import) is all or
nothing.

Every public name is importable from here, as `from reform import services; services.score_self(...)`.
"""

from reform.selectors import Totals, applicable_sub_criteria, compute_totals, missing_self_scores
from reform.services._common import ZERO, points_error
from reform.services.assessments import (
    SelfScoreRow,
    appraiser_assign,
    assessment_compute_automatic,
    assessment_finalise,
    assessment_finish_appraisal,
    assessment_submit,
    score_answer,
    score_appraise,
    score_decide,
    score_link_add,
    score_link_remove,
    score_self,
    self_scores_record,
)
from reform.services.remedies import lost_points, remedy_issue
from reform.services.results import (
    SurveyRow,
    criteria_set_freeze,
    criteria_set_publish,
    criteria_set_recompute,
    survey_record,
)
from reform.services.sets import (
    area_add,
    band_add,
    criteria_set_create,
    criteria_set_open,
    criterion_add,
    member_add,
    self_assessment_tasks_issue,
    sub_criterion_add,
)

__all__ = [
    "ZERO", "SelfScoreRow", "SurveyRow", "Totals", "applicable_sub_criteria", "appraiser_assign", "area_add",
    "assessment_compute_automatic", "assessment_finalise", "assessment_finish_appraisal", "assessment_submit",
    "band_add", "compute_totals", "criteria_set_create", "criteria_set_freeze", "criteria_set_open",
    "criteria_set_publish", "criteria_set_recompute", "criterion_add", "lost_points", "member_add",
    "missing_self_scores", "points_error", "remedy_issue", "score_answer", "score_appraise", "score_decide",
    "score_link_add", "score_link_remove", "score_self", "self_assessment_tasks_issue", "self_scores_record",
    "sub_criterion_add", "survey_record",
]
