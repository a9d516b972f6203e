"""The administrative-reform index (Chỉ số CCHC) of departments and communes (DOMAIN.md §5).

A province's Department of Home Affairs issues a criteria set each year for one group of units:
areas → criteria → sub-criteria, each with its maximum points, how it is scored, the evidence it
needs and the unit kinds it applies to. Survey areas carry the points of the citizen/official
survey. The classification bands are rows of the set, not constants: provinces name and place
them differently. The structure is frozen once scoring starts (the set leaves draft).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Unit, UnitKind
from core.models import Event as CoreEvent
from core.models import EvidenceFile
from reform import rules

POINTS = {"max_digits": 7, "decimal_places": 2}


class UnitGroup(models.TextChoices):
    DEPARTMENTS = "departments", _("Departments and provincial agencies")
    COMMUNES = "communes", _("Communes and wards")


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Scoring under way")
    FROZEN = "frozen", _("Scores final")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a new version")


class CriteriaSet(models.Model):
    """One year's criteria for one group of units, issued by an organisation's unit."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reform_sets")
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="issued_reform_sets",
                                     verbose_name=_("issued by"))
    year = models.PositiveSmallIntegerField(_("year"))
    unit_group = models.CharField(_("unit group"), max_length=20, choices=UnitGroup.choices)
    title = models.CharField(_("title"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=SetStatus.choices, default=SetStatus.DRAFT)
    self_assessment_deadline = models.DateField(_("self-assessment deadline"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived",
                                 verbose_name=_("based on"),
                                 help_text=_("The set this one was copied from: last year's, or the version it replaces."))
    change_reason = models.TextField(_("reason for the new version"), blank=True)
    answer_window_days = models.PositiveSmallIntegerField(
        _("answer window (days)"), default=rules.DEFAULT_ANSWER_WINDOW_DAYS,
        help_text=_("Days a unit has, after its appraisal, to answer the appraisers (giải trình)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reform criteria set")
        verbose_name_plural = _("reform criteria sets")
        ordering = ["-year", "unit_group", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "unit_group", "version"],
                                    name="reform_set_unique_version"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    @property
    def replaces(self) -> "CriteriaSet | None":
        """The earlier version of the same year and group this one replaces (not last year's set it
        was copied from)."""
        based_on = self.based_on
        if based_on is not None and based_on.year == self.year and based_on.unit_group == self.unit_group:
            return based_on
        return None


class Band(models.Model):
    """A classification band: a unit whose index reaches `min_percent` (and no higher band) gets `name`."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(_("name"), max_length=60)
    min_percent = models.DecimalField(_("from (%)"), max_digits=5, decimal_places=2,
                                      validators=[MinValueValidator(Decimal(0))])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("classification band")
        verbose_name_plural = _("classification bands")
        ordering = ["criteria_set", "-min_percent"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "min_percent"], name="reform_band_unique_threshold"),
            models.UniqueConstraint(fields=["criteria_set", "name"], name="reform_band_unique_name"),
            models.CheckConstraint(condition=Q(min_percent__gte=0) & Q(min_percent__lte=100),
                                   name="reform_band_percent_range"),
        ]

    def __str__(self):
        return f"{self.name} (≥ {self.min_percent}%)"


class Area(models.Model):
    """An area (lĩnh vực). A survey area holds no sub-criteria: its points come from the survey."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    survey_max_points = models.DecimalField(_("survey points (maximum)"), null=True, blank=True, **POINTS,
                                            validators=[MinValueValidator(Decimal(0))])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["criteria_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="reform_area_unique_code"),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def is_survey(self) -> bool:
        return self.survey_max_points is not None


class Criterion(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["area", "order", "id"]

    def __str__(self):
        return f"{self.code}. {self.name}"


class ScoringMethod(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no (all or nothing)")
    SCALE = "scale", _("Scale in steps")
    POINTS = "points", _("Any points up to the maximum")
    AUTOMATIC = "automatic", _("Computed from the product's records")


class Measure(models.TextChoices):
    """What an automatic sub-criterion counts, over the unit's subtree and the set's year. Which one a
    sub-criterion uses, and the steps that turn the figure into points, are data on the sub-criterion."""

    TASKS_ON_TIME = "tasks_on_time", _("Share of assigned tasks done on time (%)")
    TASKS_OVERDUE = "tasks_overdue", _("Tasks overdue or done late")
    RECOMMENDATIONS_ON_TIME = "recommendations_on_time", _("Share of inspection recommendations completed on time (%)")
    DISCIPLINED = "disciplined", _("Disciplinary decisions against the unit's officials")


class SubCriterion(models.Model):
    """A sub-criterion (tiêu chí thành phần), the line that is scored."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="sub_criteria")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="sub_criteria",
                                     editable=False)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    max_points = models.DecimalField(_("maximum points"), **POINTS, validators=[MinValueValidator(Decimal("0.01"))])
    method = models.CharField(_("scoring method"), max_length=10, choices=ScoringMethod.choices,
                              default=ScoringMethod.POINTS)
    step = models.DecimalField(_("step"), null=True, blank=True, **POINTS,
                               help_text=_("For a scale: the points of one step."))
    evidence_required = models.CharField(_("evidence required"), max_length=500, blank=True)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices, blank=True,
                               help_text=_("For an automatic sub-criterion: what the product counts."))
    steps = models.JSONField(_("points by steps"), default=list, blank=True,
                             help_text=_("For an automatic sub-criterion: [threshold, points] pairs. A share "
                                         "reaching the threshold, or a count not above it, earns the points."))
    unit_kinds = models.JSONField(_("applies to unit kinds"), default=list, blank=True,
                                  help_text=_("Empty: every unit of the group."))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-criterion")
        verbose_name_plural = _("sub-criteria")
        ordering = ["criterion__area__order", "criterion__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="reform_sub_unique_code"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="reform_sub_max_positive"),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def applies_to(self, unit_kind: str) -> bool:
        return not self.unit_kinds or unit_kind in self.unit_kinds

    def save(self, *args, **kwargs):
        self.criteria_set_id = self.criterion.area.criteria_set_id
        super().save(*args, **kwargs)


UNIT_KIND_VALUES = frozenset(UnitKind.values)


class MemberRole(models.TextChoices):
    SECRETARY = "secretary", _("Council secretary")
    APPRAISER = "appraiser", _("Appraiser")


class Member(models.Model):
    """A member of the set's appraisal council, named per set."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reform_memberships")
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal council member")
        verbose_name_plural = _("appraisal council")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "user"], name="reform_member_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Self-assessment in progress")
    SUBMITTED = "submitted", _("Submitted for appraisal")
    APPRAISED = "appraised", _("Appraised")
    FINAL = "final", _("Final score fixed")


class Assessment(models.Model):
    """One unit's assessment under one set: its self-scores, the appraisal and the survey points."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reform_assessments")
    status = models.CharField(_("status"), max_length=12, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    appraiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="reform_appraisals", verbose_name=_("appraiser"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    answer_due_on = models.DateField(_("answers due by"), null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("final score fixed by"))
    finalised_at = models.DateTimeField(_("final score fixed at"), null=True, blank=True)
    task = models.OneToOneField("tasks.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("self-assessment task"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit assessment")
        verbose_name_plural = _("unit assessments")
        ordering = ["criteria_set", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "unit"], name="reform_assessment_unique_unit"),
        ]
        indexes = [models.Index(fields=["appraiser", "status"], name="reform_assess_appraiser_idx")]

    def __str__(self):
        return f"{self.unit} — {self.criteria_set}"

    @property
    def self_assessment_in_progress(self) -> bool:
        """The unit has not submitted its self-assessment yet (pages mark it late past the deadline)."""
        return self.status == AssessmentStatus.DRAFT


class Score(models.Model):
    """The scoring of one sub-criterion for one unit: the unit's own, then the appraiser's."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    sub_criterion = models.ForeignKey(SubCriterion, on_delete=models.PROTECT, related_name="scores")
    self_points = models.DecimalField(_("self-assessed points"), null=True, blank=True, **POINTS)
    self_note = models.TextField(_("note"), blank=True)
    appraised_points = models.DecimalField(_("appraised points"), null=True, blank=True, **POINTS)
    appraisal_comment = models.TextField(_("appraiser's comment"), blank=True)
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("appraised by"))
    appraised_at = models.DateTimeField(null=True, blank=True)
    remedy_task = models.ForeignKey("tasks.Task", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("remedial task"))
    answer = models.TextField(_("unit's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_points = models.DecimalField(_("final points"), null=True, blank=True, **POINTS)
    decision_note = models.TextField(_("council's decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assessment", "sub_criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "sub_criterion"], name="reform_score_unique"),
        ]

    def __str__(self):
        return f"{self.assessment.unit} — {self.sub_criterion.code}"

    @property
    def final_points(self):
        """The council's points once it decided; else the appraiser's once given; until then the unit's own."""
        if self.decided_points is not None:
            return self.decided_points
        return self.appraised_points if self.appraised_points is not None else self.self_points


def reform_evidence_path(instance, filename):
    return f"reform/{instance.score.assessment.criteria_set_id}/{instance.score.assessment_id}/{filename}"


class ScoreEvidence(EvidenceFile):
    """A file that backs a self-score (minh chứng): a scanned document, a photo taken on a phone."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=reform_evidence_path)

    class Meta(EvidenceFile.Meta):
        pass


class LinkKind(models.TextChoices):
    TASK = "task", _("Task")
    FINDING = "finding", _("Inspection finding")
    RECOMMENDATION = "recommendation", _("Inspection recommendation")
    DECISION = "decision", _("Disciplinary decision")


class ScoreLink(models.Model):
    """Evidence that is a record of the product itself: a task, a finding, a recommendation, a decision.
    Chosen by the unit among what it may see, or kept by an automatic sub-criterion as what it counted."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    object_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("record"), max_length=300)
    outcome = models.CharField(_("counted as"), max_length=100, blank=True)
    automatic = models.BooleanField(_("counted automatically"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")
        ordering = ["score", "automatic", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["score", "kind", "object_id"], name="reform_link_unique"),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self) -> str:
        """The record's own page, which applies its own access policy (outsiders get 404 there)."""
        if self.kind == LinkKind.TASK:
            return reverse("tasks:detail", args=[self.object_id])
        if self.kind == LinkKind.FINDING:
            return reverse("inspections:finding", args=[self.object_id])
        if self.kind == LinkKind.DECISION:
            return reverse("inspections:decision", args=[self.object_id])
        return reverse("inspections:recommendations")


class SurveyScore(models.Model):
    """The survey points of one unit in one survey area, imported from the survey's results."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="survey_scores")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="survey_scores")
    points = models.DecimalField(_("survey points"), **POINTS)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey points")
        verbose_name_plural = _("survey points")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="reform_survey_unique"),
        ]


class Result(models.Model):
    """A unit's index under a set, computed from the final scores; shown to all once the set is published."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="results")
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="result")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reform_results")
    self_points = models.DecimalField(_("self-assessed points"), **POINTS)
    appraised_points = models.DecimalField(_("appraised points"), **POINTS)
    survey_points = models.DecimalField(_("survey points"), **POINTS)
    applicable_points = models.DecimalField(_("applicable points"), **POINTS)
    index = models.DecimalField(_("index (%)"), max_digits=5, decimal_places=2)
    band = models.ForeignKey(Band, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    band_name = models.CharField(_("class"), max_length=60, blank=True)
    rank = models.PositiveIntegerField(_("rank"))
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reform index result")
        verbose_name_plural = _("reform index results")
        ordering = ["criteria_set", "rank", "unit__name"]
        indexes = [models.Index(fields=["criteria_set", "rank"], name="reform_result_rank_idx")]

    def __str__(self):
        return f"{self.unit}: {self.index}%"


class Event(CoreEvent):
    """The history row of every action on a set or an assessment (the fields are core.models.Event's)."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="events")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="events")

    class Meta(CoreEvent.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
