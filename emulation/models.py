"""Emulation rules as data (DOMAIN.md §3, §4): rating bands and quotas per staff group and year,
title conditions, quotas and vote thresholds — each with a legal basis and an effective window,
seeded by a data migration and edited by the administrator."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.collation import by_vietnamese
from accounts.models import Organisation, StaffGroup, Unit
from core.models import Event
from core.windows import EffectiveWindowQuerySet


class RatingLevel(models.TextChoices):
    """Highest to lowest (DOMAIN.md §3)."""

    HTXS = "htxs", _("Excellently completed duties (HTXS)")
    HTT = "htt", _("Well completed duties (HTT)")
    HT = "ht", _("Completed duties (HT)")
    KHT = "kht", _("Did not complete duties (KHT)")


class RatingMode(models.TextChoices):
    POINTS = "points", _("100-point scale (Decrees 335/2025, 233/2026)")
    CRITERIA = "criteria", _("Criteria (Decree 90/2020)")


class ResultsEvery(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class RatingRuleSet(models.Model):
    """How one staff group is rated during one window: the mode, the bands and the HTXS quota."""

    name = models.CharField(_("name"), max_length=200)
    staff_group = models.CharField(_("staff group"), max_length=20, choices=StaffGroup.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=RatingMode.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    htxs_min_points = models.PositiveSmallIntegerField(_("HTXS from (points)"), default=90)
    htt_min_points = models.PositiveSmallIntegerField(_("HTT from (points)"), default=70)
    ht_min_points = models.PositiveSmallIntegerField(_("HT from (points)"), default=50)
    htxs_quota_percent = models.PositiveSmallIntegerField(
        _("HTXS at most (percent of those rated HTT)"), default=20,
        help_text=_("Counted per agency and group with similar duties, not per division."))
    htxs_quota_percent_excellent_unit = models.PositiveSmallIntegerField(
        _("HTXS at most in an agency rated HTXS (percent of those rated HTT)"), null=True, blank=True,
        help_text=_("Empty: the same ceiling as any other agency."))
    min_service_months = models.PositiveSmallIntegerField(
        _("not rated with fewer months worked in the year"), default=6,
        help_text=_("Applies to yearly ratings, not to quarterly ones."))
    # The 100-point scale (points mode): the split, the deductions and how the year is built.
    # Decree 90/2020 (criteria mode), for an official who leads no one: HTXS needs at least this share of
    # the tasks exceeding the requirement; HT allows at most this share below quality or late.
    criteria_htxs_exceeding_percent = models.PositiveSmallIntegerField(
        _("criteria: HTXS with tasks exceeding the requirement at least (percent)"), default=50)
    criteria_ht_short_percent = models.PositiveSmallIntegerField(
        _("criteria: HT with tasks below quality or late at most (percent)"), default=20)
    general_max_points = models.PositiveSmallIntegerField(_("general criteria at most (points)"), default=30)
    task_max_points = models.PositiveSmallIntegerField(_("task results at most (points)"), default=70)
    quality_deduction_percent = models.PositiveSmallIntegerField(
        _("quality: deducted per failed review (percent of the product's points)"), default=25)
    progress_deduction_percent = models.PositiveSmallIntegerField(
        _("progress: deducted per delay (percent of the product's points)"), default=25)
    results_every = models.CharField(_("task results measured every"), max_length=7, choices=ResultsEvery.choices,
                                     default=ResultsEvery.MONTH,
                                     help_text=_("The year's task results are the mean of these results."))
    leader_own_weight = models.PositiveSmallIntegerField(_("leaders: weight of their own work"), default=1)
    leader_unit_weight = models.PositiveSmallIntegerField(_("leaders: weight of the unit's result"), default=1)
    leader_organising_weight = models.PositiveSmallIntegerField(
        _("leaders: weight of the organising ability"), default=1)
    unit_result_if_any_kht_percent = models.PositiveSmallIntegerField(
        _("leaders: unit's result when a subordinate is KHT (percent)"), default=50)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    notes = models.TextField(_("notes (what is still to be verified)"), blank=True)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating rule set")
        verbose_name_plural = _("rating rule sets")
        ordering = ["staff_group", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(htxs_min_points__gt=models.F("htt_min_points"))
                                   & Q(htt_min_points__gt=models.F("ht_min_points")), name="rating_bands_ordered"),
            models.CheckConstraint(condition=Q(htxs_quota_percent__lte=100), name="rating_quota_is_a_percent"),
            models.CheckConstraint(condition=Q(htxs_quota_percent_excellent_unit__isnull=True)
                                   | Q(htxs_quota_percent_excellent_unit__lte=100),
                                   name="rating_excellent_unit_quota_is_a_percent"),
            models.CheckConstraint(condition=Q(general_max_points__lte=30)
                                   & Q(task_max_points=100 - models.F("general_max_points")),
                                   name="rating_points_add_up_to_100"),
            models.CheckConstraint(condition=Q(quality_deduction_percent__lte=100, progress_deduction_percent__lte=100,
                                               unit_result_if_any_kht_percent__lte=100),
                                   name="rating_deductions_are_percents"),
            models.CheckConstraint(condition=Q(leader_own_weight__gt=0) | Q(leader_unit_weight__gt=0)
                                   | Q(leader_organising_weight__gt=0), name="rating_leader_weights_not_all_zero"),
        ]

    def __str__(self):
        return self.name


class Title(models.TextChoices):
    LDTT = "ldtt", _("Advanced worker (Lao động tiên tiến)")
    CSTDCS = "cstdcs", _("Grassroots emulation fighter (Chiến sĩ thi đua cơ sở)")
    CSTD_TINH = "cstd_tinh", _("Provincial emulation fighter (Chiến sĩ thi đua cấp tỉnh)")
    TAP_THE_LDTT = "tt_ldtt", _("Advanced collective (Tập thể lao động tiên tiến)")
    TAP_THE_LDXS = "tt_ldxs", _("Excellent collective (Tập thể lao động xuất sắc)")
    GIAY_KHEN = "giay_khen", _("Certificate of merit (Giấy khen)")
    BANG_KHEN = "bang_khen", _("Certificate of merit of the province (Bằng khen)")
    CSTD_TOAN_QUOC = "cstd_tq", _("National emulation fighter (Chiến sĩ thi đua toàn quốc)")
    CO_THI_DUA_CP = "co_cp", _("Emulation flag of the Government (Cờ thi đua của Chính phủ)")
    CO_THI_DUA_TINH = "co_tinh", _("Emulation flag of the province (Cờ thi đua cấp tỉnh)")


class TitleRule(models.Model):
    """A title's conditions (their legal basis), quota (relative to another title), the share of ALL
    council members that must vote for it and its cash award, during one window. Every verdict
    names the row it applied."""

    title = models.CharField(pgettext_lazy("commendation", "title"), max_length=12, choices=Title.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    quota_percent = models.PositiveSmallIntegerField(_("at most (percent)"), null=True, blank=True)
    quota_of = models.CharField(_("of the number awarded"), max_length=12, choices=Title.choices, blank=True)
    vote_threshold_percent = models.PositiveSmallIntegerField(
        _("votes needed (percent of all council members)"), default=50)
    vote_basis = models.CharField(
        _("basis of the votes needed"), max_length=300, blank=True,
        help_text=_("For base-level titles each body's own regulation sets it: record that regulation as a local "
                    "rule; this figure is only the default."))
    collective = models.BooleanField(_("for a collective"), default=False)
    # A collective title's shares of its members (Law 06/2022): empty where the title sets none.
    members_ldtt_percent = models.PositiveSmallIntegerField(
        _("collective: members meeting LĐTT (percent)"), null=True, blank=True)
    members_ldtt_more_than = models.BooleanField(
        _("collective: more than that share (not: at least)"), default=False)
    members_cstdcs_at_least = models.PositiveSmallIntegerField(
        _("collective: members meeting CSTĐCS (at least)"), null=True, blank=True)
    # LĐTT is not for fewer months' work in the period (Circular 01/2024: 6); the titles built on
    # LĐTT inherit it through it.
    min_service_months = models.PositiveSmallIntegerField(_("months worked in the period at least"), default=6)
    cash_multiple = models.DecimalField(_("cash award (times the base salary)"), max_digits=4, decimal_places=1,
                                        null=True, blank=True)
    cash_basis = models.CharField(_("basis of the cash award"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("title rule")
        verbose_name_plural = _("title rules")
        ordering = ["title", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(quota_percent__isnull=True) | ~Q(quota_of=""),
                                   name="title_quota_names_its_base"),
            models.CheckConstraint(condition=Q(vote_threshold_percent__lte=100), name="title_vote_is_a_percent"),
        ]

    def __str__(self):
        return self.get_title_display()

    # The shares of its members each collective title needs (Law 06/2022): a row without them would
    # drop the condition from every verdict it gives, so the row is refused instead.
    MEMBER_SHARES_REQUIRED = {"tt_ldtt": ("members_ldtt_percent",),
                              "tt_ldxs": ("members_ldtt_percent", "members_cstdcs_at_least")}

    def clean(self):
        missing = {name: _("This collective title needs this share of its members; enter it as the law sets it.")
                   for name in self.MEMBER_SHARES_REQUIRED.get(self.title, ()) if getattr(self, name) is None}
        if missing:
            raise ValidationError(missing)
        if self.members_ldtt_percent is not None and self.members_ldtt_percent > 100:
            raise ValidationError({"members_ldtt_percent": _("A share is a percentage from 0 to 100.")})


class LocalRuleKind(models.TextChoices):
    WITHHOLD_OVERDUE_TASK = "withhold_overdue", _(
        "No commendation for an official who left an assigned task undone past its deadline")
    WITHHOLD_SHIFTING = "withhold_shifting", _(
        "No commendation for an official found avoiding or shifting assigned work")
    VOTE_THRESHOLD = "vote_threshold", _("Votes needed for a base-level title")


class LocalRule(models.Model):
    """A rule an organisation sets for itself by its own regulation (DOMAIN.md §4) — the withholding
    practice some provinces follow, the base-level vote thresholds — never passed off as national
    law: every verdict or count that applies it names this row and the regulation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="emulation_rules",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("rule"), max_length=20, choices=LocalRuleKind.choices)
    title = models.CharField(_("title"), max_length=12, choices=Title.choices, blank=True,
                             help_text=_("For a vote threshold: the title it applies to."))
    percent = models.PositiveSmallIntegerField(_("votes needed (percent of all council members)"), null=True,
                                               blank=True)
    regulation = models.ForeignKey("accounts.LocalRegulation", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("regulation"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("local emulation rule")
        verbose_name_plural = _("local emulation rules")
        ordering = ["organisation", "kind", "title", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="vote_threshold") & ~Q(title="") & Q(percent__gte=1, percent__lte=100))
                | (~Q(kind="vote_threshold") & Q(title="", percent__isnull=True)),
                name="local_rule_threshold_has_title_and_percent"),
        ]

    def __str__(self):
        label = self.get_kind_display()
        if self.kind == LocalRuleKind.VOTE_THRESHOLD:
            label = f"{label}: {self.get_title_display()} {self.percent}%"
        return f"{label} ({self.regulation.number})"

    def clean(self):
        if self.regulation_id and self.organisation_id and self.regulation.organisation_id != self.organisation_id:
            raise ValidationError({"regulation": _("Choose a regulation of the same organisation.")})
        if self.kind == LocalRuleKind.VOTE_THRESHOLD and (not self.title or self.percent is None):
            raise ValidationError({"percent": _("A vote threshold names its title and a percentage from 1 to 100.")})
        if self.kind != LocalRuleKind.VOTE_THRESHOLD and (self.title or self.percent is not None):
            raise ValidationError({"title": _("Only a vote threshold has a title and a percentage.")})

    @property
    def basis(self) -> str:
        return self.regulation.citation


class CouncilRule(models.Model):
    """The fewest ballots a council session is counted on, during one window: a share of ALL the
    council's members (present, or absent and voting in writing) and a floor whatever the council's
    size, so that a count never reveals how a lone member — or each of two — voted. Set by the
    body's regulation of its council (DOMAIN.md §4), which the legal basis names."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    quorum_numerator = models.PositiveSmallIntegerField(_("ballots needed: numerator of the share of all members"),
                                                        default=2)
    quorum_denominator = models.PositiveSmallIntegerField(
        _("ballots needed: denominator of the share of all members"), default=3)
    min_ballots = models.PositiveSmallIntegerField(_("fewest ballots counted, whatever the council's size"),
                                                   default=3)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("council rule")
        verbose_name_plural = _("council rules")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum_denominator__gte=1)
                                   & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                                   name="council_quorum_is_a_share"),
            # One ballot counted alone is that member's choice, published.
            models.CheckConstraint(condition=Q(min_ballots__gte=2), name="council_never_counts_a_lone_ballot"),
        ]

    def __str__(self):
        return self.legal_basis


# -- periods -------------------------------------------------------------------------------------


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SCORING = "scoring", _("Scoring")
    REVIEW = "review", _("Under review")
    VOTING = "voting", _("Voting")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")


PERIOD_ORDER = [s.value for s in PeriodStatus]
# From voting on the results are frozen: what the council votes on no longer moves.
COMPUTABLE_STATUSES = (PeriodStatus.OPEN, PeriodStatus.SCORING, PeriodStatus.REVIEW)


class Period(models.Model):
    """An emulation period (a year, or a quarter where used) for a council's scope: a unit subtree."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="emulation_periods")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="emulation_periods",
                             verbose_name=_("council scope"))
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    unit_htxs_percent = models.PositiveSmallIntegerField(_("unit HTXS from (percent of the maximum)"), default=90)
    unit_htt_percent = models.PositiveSmallIntegerField(_("unit HTT from (percent of the maximum)"), default=70)
    unit_ht_percent = models.PositiveSmallIntegerField(_("unit HT from (percent of the maximum)"), default=50)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # Bumped by every change to a manual input (points, levels, causes, initiatives): a
    # recompute that read older inputs does not write over newer ones.
    revision = models.PositiveIntegerField(default=0, editable=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("emulation period")
        verbose_name_plural = _("emulation periods")
        ordering = ["-year", "quarter", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], condition=Q(quarter__isnull=True),
                                    name="one_yearly_period_per_scope"),
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="one_quarter_period_per_scope"),
            models.CheckConstraint(condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                                   name="period_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_frozen(self) -> bool:
        return self.status not in COMPUTABLE_STATUSES


class PeriodEvent(Event):
    """Who moved the period, recomputed it or decided on it, and when (from which step to which)."""

    STATUS_CHOICES = PeriodStatus

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="events")

    class Meta(Event.Meta):
        pass

    def __str__(self):
        return f"{self.period_id} {self.action}"


class RecomputeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RecomputeRun(models.Model):
    """A recompute asked from the page (run by the scheduler) or by the nightly job, with its progress."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="recompute_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=RecomputeStatus.choices, default=RecomputeStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One waiting or running recompute per period: asking twice joins the first.
            models.UniqueConstraint(fields=["period"], condition=Q(status__in=["queued", "running"]),
                                    name="one_active_recompute_per_period"),
        ]

    @property
    def percent(self) -> int:
        return 100 if self.status == RecomputeStatus.DONE else (100 * self.done // self.total if self.total else 0)


# -- ratings of officials ---------------------------------------------------------------------------


class Rating(models.Model):
    """One official's rating in a period: the computed level with its breakdown, and the level decided."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings",
                               verbose_name=_("official"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    staff_group = models.CharField(_("staff group"), max_length=20, choices=StaffGroup.choices)
    rule_set = models.ForeignKey(RatingRuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mode = models.CharField(_("mode"), max_length=10, choices=RatingMode.choices, blank=True)
    general_points = models.DecimalField(_("general criteria (points)"), max_digits=4, decimal_places=1,
                                         null=True, blank=True)
    general_met = models.BooleanField(_("general criteria met"), null=True, blank=True)
    general_note = models.TextField(_("general criteria note"), blank=True)
    general_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    organising_percent = models.PositiveSmallIntegerField(
        _("organising ability (percent, leaders)"), null=True, blank=True,
        help_text=_("How well the leader organised the unit's work, assessed with the general criteria."))
    task_points = models.DecimalField(_("task results (points)"), max_digits=5, decimal_places=2, null=True,
                                      blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    computed_level = models.CharField(_("computed level"), max_length=4, choices=RatingLevel.choices, blank=True)
    level = models.CharField(_("decided level"), max_length=4, choices=RatingLevel.choices, blank=True)
    level_note = models.TextField(_("reason for the decided level"), blank=True)
    level_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    pending_reason = models.CharField(_("why not rated yet"), max_length=300, blank=True)
    disqualified = models.BooleanField(_("disqualified by discipline"), default=False)
    withheld = models.BooleanField(_("withheld from commendation"), default=False)
    rank_in_unit = models.PositiveIntegerField(_("rank in unit"), null=True, blank=True)
    rank_tied = models.BooleanField(_("shares the rank"), default=False)
    breakdown = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["breakdown", "computed_at", "rank_in_unit", "rank_tied"])

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["unit__path", "rank_in_unit", by_vietnamese("person__full_name")]
        constraints = [
            models.UniqueConstraint(fields=["period", "person"], name="one_rating_per_person_and_period"),
            models.CheckConstraint(condition=Q(general_points__isnull=True)
                                   | Q(general_points__gte=0, general_points__lte=30), name="general_points_0_to_30"),
            models.CheckConstraint(condition=Q(organising_percent__isnull=True) | Q(organising_percent__lte=100),
                                   name="organising_is_a_percent"),
        ]
        indexes = [models.Index(fields=["period", "unit"], name="rating_period_unit_idx")]

    def __str__(self):
        return f"{self.person} — {self.period}"

    @property
    def final_level(self) -> str:
        return self.level or self.computed_level


class ObjectiveCause(models.Model):
    """A confirmed objective cause for a task's delay or rework: no deduction for it (Decree 335/2025)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="objective_causes")
    task = models.ForeignKey("tasks.Task", on_delete=models.PROTECT, related_name="+", verbose_name=_("task"))
    reason = models.TextField(_("reason"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objective cause")
        verbose_name_plural = _("objective causes")
        constraints = [models.UniqueConstraint(fields=["period", "task"], name="one_objective_cause_per_task")]

    def __str__(self):
        return f"{self.task_id}: {self.reason[:50]}"


class Initiative(models.Model):
    """A recognised initiative (sáng kiến) or applied research: a condition of CSTĐCS."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="initiatives")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="initiatives",
                               verbose_name=_("official"))
    title = models.CharField(_("initiative"), max_length=300)
    recognition = models.CharField(_("recognised by (decision number, date)"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self):
        return self.title


# -- units: criteria, scores, clusters ---------------------------------------------------------------


class CriterionKind(models.TextChoices):
    AUTOMATIC = "auto", _("Automatic")
    MANUAL = "manual", _("Manual, with evidence")


class Metric(models.TextChoices):
    ON_TIME_RATE = "on_time_rate", _("Share of tasks done on time")
    OVERDUE_TASKS = "overdue_tasks", _("Tasks not done and overdue")
    VIOLATIONS = "violations", _("Violations found")
    OVERDUE_RECOMMENDATIONS = "overdue_recommendations", _("Overdue recommendations")
    DISCIPLINE = "discipline", _("Members disciplined")
    # The period says so by holding a criterion with this metric: its points are the maximum × the
    # unit's published administrative-reform index of the period's year (reform.selectors).
    REFORM_INDEX = "reform_index", _("Administrative reform index")


class UnitCriterion(models.Model):
    """One line of the period's criteria set for units: its maximum points and how it is scored."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("criterion"), max_length=300)
    kind = models.CharField(_("kind"), max_length=6, choices=CriterionKind.choices)
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices, blank=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=1)
    deduct_per_item = models.DecimalField(_("points deducted per item"), max_digits=5, decimal_places=2, default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit criterion")
        verbose_name_plural = _("unit criteria")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="criterion_code_unique_in_period"),
            models.CheckConstraint(condition=Q(kind="manual", metric="") | (Q(kind="auto") & ~Q(metric="")),
                                   name="automatic_criterion_has_a_metric"),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Cluster(models.Model):
    """A cluster or block (cụm, khối thi đua): the units ranked against one another."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(_("name"), max_length=200)
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("units"))

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ManualScore(models.Model):
    """Points on a manual criterion, entered with the evidence behind them."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="manual_scores")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(UnitCriterion, on_delete=models.PROTECT, related_name="manual_scores")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    evidence = models.TextField(_("evidence"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("manual score")
        verbose_name_plural = _("manual scores")
        constraints = [models.UniqueConstraint(fields=["period", "unit", "criterion"], name="one_manual_score")]

    def __str__(self):
        return f"{self.unit_id} {self.criterion_id}: {self.points}"


class UnitScore(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="unit_scores")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    cluster = models.ForeignKey(Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="scores")
    total = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    max_total = models.DecimalField(_("maximum"), max_digits=7, decimal_places=2)
    level = models.CharField(_("level"), max_length=4, choices=RatingLevel.choices, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    rank_tied = models.BooleanField(_("shares the rank"), default=False)
    breakdown = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("unit score")
        verbose_name_plural = _("unit scores")
        ordering = ["cluster__name", "rank", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="one_unit_score_per_period")]

    def __str__(self):
        return f"{self.unit} {self.total}"


class UnitOfficialRating(models.Model):
    """The unit's official rating for the period (xếp loại chất lượng cơ quan, tổ chức, đơn vị), as its
    superior decided it: the collective titles use it. The unit score of the period's own criteria is
    used only where none is recorded, and the verdict says so."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="official_unit_ratings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    level = models.CharField(_("level"), max_length=4, choices=RatingLevel.choices)
    decision = models.CharField(_("decided by (decision number, date, issuer)"), max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    entered_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official unit rating")
        verbose_name_plural = _("official unit ratings")
        ordering = ["period", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="one_official_rating_per_unit")]

    def __str__(self):
        return f"{self.unit}: {self.get_level_display()}"


COLLECTIVE_TITLES = (Title.TAP_THE_LDTT, Title.TAP_THE_LDXS)


class ReformClassCondition(models.Model):
    """A condition of a collective title in one period: the unit's published reform class (Chỉ số
    CCHC) of the period's year reaches at least `least_class`, a class name of the unit's criteria
    set ("Khá" reaches "Khá" and every class above it). Set per period, with its basis: provinces
    make reform a criterion of emulation by their own regulation."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reform_conditions")
    title = models.CharField(_("title"), max_length=20, choices=Title.choices)
    least_class = models.CharField(_("reform class at least"), max_length=60)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reform class condition")
        verbose_name_plural = _("reform class conditions")
        ordering = ["period", "title"]
        constraints = [models.UniqueConstraint(fields=["period", "title"], name="one_reform_condition_per_title")]

    def __str__(self):
        return f"{self.get_title_display()}: ≥ {self.least_class}"

    def clean(self):
        if self.title not in COLLECTIVE_TITLES:
            raise ValidationError({"title": _("The reform class is a condition of a collective title.")})
        if not (self.least_class or "").strip():
            raise ValidationError({"least_class": _("Name the class, as the criteria set names it (e.g. Khá).")})


# -- eligibility, nominations, councils, awards -----------------------------------------------------


class Verdict(models.Model):
    """Whether a person or a unit may be proposed for a title, with every condition and its evidence."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="verdicts")
    title = models.CharField(pgettext_lazy("commendation", "title"), max_length=12, choices=Title.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField(_("eligible"))
    conditions = models.JSONField(default=list)
    # The title rule applied (its conditions' legal basis); each condition names any other rule it used.
    title_rule = models.ForeignKey(TitleRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("title rule applied"))
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("eligibility verdict")
        verbose_name_plural = _("eligibility verdicts")
        constraints = [
            models.UniqueConstraint(fields=["period", "title", "person"], condition=Q(person__isnull=False),
                                    name="one_verdict_per_person_title"),
            models.UniqueConstraint(fields=["period", "title", "unit"], condition=Q(person__isnull=True),
                                    name="one_verdict_per_unit_title"),
        ]

    def __str__(self):
        return f"{self.get_title_display()}: {self.eligible}"


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


class Nomination(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="nominations")
    title = models.CharField(pgettext_lazy("commendation", "title"), max_length=12, choices=Title.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="nominations", verbose_name=_("official"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("achievements"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=NominationStatus.choices,
                              default=NominationStatus.PROPOSED)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["title", "unit__path", by_vietnamese("person__full_name")]
        constraints = [
            models.UniqueConstraint(fields=["period", "title", "person"],
                                    condition=Q(person__isnull=False) & ~Q(status="withdrawn"),
                                    name="one_live_nomination_per_person_title"),
            models.UniqueConstraint(fields=["period", "title", "unit"],
                                    condition=Q(person__isnull=True) & ~Q(status="withdrawn"),
                                    name="one_live_nomination_per_unit_title"),
        ]

    def __str__(self):
        return f"{self.get_title_display()}: {self.person or self.unit}"

    @property
    def subject_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", _("Closed")


class CouncilSession(models.Model):
    """A meeting of the emulation council that votes on nominations by secret ballot."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="sessions")
    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("held on"))
    status = models.CharField(_("status"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    quorum = models.PositiveSmallIntegerField(_("quorum (members present)"))
    base_threshold_percent = models.PositiveSmallIntegerField(
        _("votes needed for base-level titles (percent of all members)"), null=True, blank=True,
        help_text=_("Set by this body's regulation; empty: the title rule applies."))
    nominations = models.ManyToManyField(Nomination, related_name="sessions", verbose_name=_("nominations"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(status="open") | ~Q(decision_number=""),
                                              name="closed_session_has_decision")]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class SessionMember(models.Model):
    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["role", by_vietnamese("user__full_name")]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_seat_per_member")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class BallotReceipt(models.Model):
    """That a member has voted in a session (and whether in writing) — never what they chose."""

    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="receipts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written = models.BooleanField(_("voted in writing (absent)"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="one_ballot_per_member")]


class Choice(models.TextChoices):
    YES = "yes", _("Agree")
    NO = "no", _("Disagree")


class BallotTally(models.Model):
    """How many ballots of a session chose one answer on one nomination. There is no row per ballot
    and no voter, time or sequence: the rows are made when the session opens, before anyone votes,
    and every ballot rewrites all of the session's rows in one UPDATE (+1 where chosen, +0
    elsewhere), so neither their ids, their physical order (SQLite rowid, PostgreSQL ctid) nor
    which rows a transaction touched tell one ballot from another. No history table: a history row
    would carry the time of the ballot beside the count it changed (DESIGN.md "Secret means
    untraceable")."""

    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="tallies")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="tallies")
    choice = models.CharField(max_length=3, choices=Choice.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "nomination", "choice"]
        constraints = [models.UniqueConstraint(fields=["session", "nomination", "choice"],
                                               name="one_tally_per_nomination_choice")]

    def __str__(self):
        return f"{self.session_id} {self.nomination_id} {self.choice}: {self.count}"


class SessionResult(models.Model):
    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="results")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="results")
    yes = models.PositiveSmallIntegerField(_("agree"))
    no = models.PositiveSmallIntegerField(_("disagree"))
    not_voted = models.PositiveSmallIntegerField(_("did not vote"))
    members = models.PositiveSmallIntegerField(_("council members"))
    threshold_percent = models.PositiveSmallIntegerField(_("needed (percent of all members)"))
    passed = models.BooleanField(_("passed"))
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["nomination__title", "-yes"]
        constraints = [models.UniqueConstraint(fields=["session", "nomination"], name="one_result_per_nomination")]

    @property
    def percent(self) -> float:
        return round(100 * self.yes / self.members, 1) if self.members else 0.0


class Award(models.Model):
    """A title awarded by the council's decision; revoked (never deleted) when a later finding
    falls inside the achievement period (Law 06/2022, ch. VII)."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="awards")
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="award")
    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="awards")
    title = models.CharField(pgettext_lazy("commendation", "title"), max_length=12, choices=Title.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="awards", verbose_name=_("official"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    decision_number = models.CharField(_("decision number"), max_length=100)
    decision_date = models.DateField(_("decision date"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["title", "unit__path", by_vietnamese("person__full_name")]

    def __str__(self):
        return f"{self.get_title_display()}: {self.person or self.unit}"


class RevocationFlag(models.Model):
    """A finding recorded after the period was frozen that falls inside it: the award may be revoked."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="flags")
    finding = models.ForeignKey("inspections.Finding", on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-flagged_at"]
        constraints = [models.UniqueConstraint(fields=["award", "finding"], name="one_flag_per_award_finding")]
