"""Inspections, findings, recommendations and disciplinary decisions (DOMAIN.md §2, §5).

Legal records (findings, decisions) are never deleted: foreign keys to them PROTECT, the admin
and the API offer no delete, and withdrawal is an action with a reason. Rules (discipline forms
per staff group, limitation and processing periods) are rows with a legal basis and an
effective window, seeded by a data migration and editable by the administrator.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, StaffGroup, Unit
from core.models import Event as CoreEvent
from core.models import EvidenceFile
from core.models import SearchText
from core.windows import EffectiveWindowQuerySet


class Severity(models.TextChoices):
    """Lightest to heaviest (DOMAIN.md §2)."""

    MINOR = "minor", _("Less serious (ít nghiêm trọng)")
    SERIOUS = "serious", _("Serious (nghiêm trọng)")
    VERY_SERIOUS = "very_serious", _("Very serious (rất nghiêm trọng)")
    ESPECIALLY_SERIOUS = "especially_serious", _("Especially serious (đặc biệt nghiêm trọng)")


class Handling(models.TextChoices):
    """What an inspector proposes after a finding (DOMAIN.md §5)."""

    REMINDER = "reminder", _("Reminder (nhắc nhở)")
    CRITICISM = "criticism", _("Criticism (phê bình)")
    SELF_REVIEW = "self_review", _("Self-review (kiểm điểm)")
    DISCIPLINE_REVIEW = "discipline_review", _("Consider discipline (xem xét kỷ luật)")


class ViolationGroup(models.TextChoices):
    WORKING_HOURS = "working_hours", _("Working hours and attendance")
    CONDUCT = "conduct", _("Conduct and office culture")
    PUBLIC_ASSETS = "public_assets", _("Use of public assets")
    PUBLIC_SERVICE = "public_service", _("Service to citizens and businesses")
    RESPONSIBILITY = "responsibility", _("Responsibility in performing duties")
    INTEGRITY = "integrity", _("Integrity, security and qualifications")
    OTHER = "other", _("Other")


class ViolationType(models.Model):
    """An entry of the violation catalogue (DOMAIN.md §5)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(_("group"), max_length=30, choices=ViolationGroup.choices)
    default_severity = models.CharField(_("default severity"), max_length=20, choices=Severity.choices,
                                        default=Severity.MINOR)
    suggested_handling = models.CharField(_("suggested handling"), max_length=20, choices=Handling.choices,
                                          default=Handling.REMINDER)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    no_limitation = models.BooleanField(
        _("no statute of limitations"), default=False,
        help_text=_("Discipline for this violation is not time-barred (e.g. forged diplomas, harm to national defence)."))
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("violation type")
        verbose_name_plural = _("violation catalogue")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


# -- plans and inspections ------------------------------------------------------------------


class InspectionPlan(models.Model):
    """The yearly inspection plan of an inspecting body."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inspection_plans")
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspection_plans",
                                     verbose_name=_("inspecting body"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(pgettext_lazy("name of a plan or inspection", "title"), max_length=300)
    number = models.CharField(_("approval number"), max_length=100, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "title"]

    def __str__(self):
        return f"{self.title} ({self.year})"


class InspectionKind(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNANNOUNCED = "unannounced", _("Unannounced (đột xuất)")
    RE_INSPECTION = "re_inspection", _("Re-inspection")
    PUBLIC_SERVICE = "public_service", _("Public-service check (kiểm tra công vụ)")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Report submitted")
    DRAFT_CONCLUSION = "draft_conclusion", _("Draft conclusion")
    CONCLUDED = "concluded", _("Concluded (signed)")
    PUBLISHED = "published", _("Published")
    FOLLOW_UP = "follow_up", _("Following up recommendations")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses during which the team records findings.
RECORDING_STATUSES = (InspectionStatus.IN_PROGRESS, InspectionStatus.REPORTED)


class Inspection(SearchText, models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inspections")
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="inspections", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices, default=InspectionKind.PLANNED)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(pgettext_lazy("name of a plan or inspection", "title"), max_length=300)
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspections_issued",
                                     verbose_name=_("inspecting body"))
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    targets = models.ManyToManyField(Unit, related_name="inspections_targeted", verbose_name=_("inspected units"))
    scope = models.TextField(_("scope and content"), blank=True)
    period_from = models.DateField(_("period inspected from"), null=True, blank=True)
    period_to = models.DateField(_("period inspected to"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    re_inspection_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="re_inspections", verbose_name=_("re-inspection of"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections_led",
                               verbose_name=_("team leader"))
    status = models.CharField(_("status"), max_length=20, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    draft_conclusion_at = models.DateTimeField(_("draft conclusion at"), null=True, blank=True)
    # The dates Law 84/2025's limits count from (ConclusionTimeLimit): the head assigns the drafting,
    # receives the draft, and the implementing directive follows the conclusion.
    drafting_assigned_on = models.DateField(_("drafting of the conclusion assigned on"), null=True, blank=True)
    draft_received_on = models.DateField(_("draft conclusion received on"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    conclusion_number = models.CharField(_("conclusion number"), max_length=100, blank=True)
    conclusion_date = models.DateField(_("conclusion date"), null=True, blank=True)
    conclusion_signer = models.CharField(_("signed by"), max_length=200, blank=True)
    conclusion_text = models.TextField(_("conclusion"), blank=True)
    directive_number = models.CharField(_("implementing directive number"), max_length=100, blank=True)
    directive_date = models.DateField(_("implementing directive date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    publish_until = models.DateField(_("published until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.CharField(max_length=500, editable=False, default="")
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-created_at", "-id"]
        permissions = [("record_finding", _("Can record findings in this inspection"))]
        indexes = [
            models.Index(fields=["issuing_unit", "status"], name="inspection_issuer_status_idx"),
            models.Index(fields=["status", "reported_at"], name="inspection_status_report_idx"),
            models.Index(fields=["year", "kind"], name="inspection_year_kind_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def search_source(self) -> str:
        return f"{self.code} {self.title} {self.decision_number}"


class ConclusionStep(models.TextChoices):
    """The steps after the report that Law 84/2025 times, each counted from its own date."""

    ASSIGN_DRAFTING = "assign_drafting", _("Assign the drafting of the conclusion (from the report)")
    SIGN_CONCLUSION = "sign_conclusion", _("Sign the conclusion (from receiving the draft)")
    IMPLEMENTING_DIRECTIVE = "implementing_directive", _("Implementing directive (from the conclusion)")


class ConclusionTimeLimit(models.Model):
    """One time limit of the conclusion's steps during one window, chosen by the date it counts
    from. A row with an inspecting body applies to that body only (the Government Inspectorate's
    30 days to sign); rows without one apply to every other body. Public-service checks (kiểm tra
    công vụ) are not thanh tra: no row applies to them (inspections.rules.LAW_84_EXEMPT_KINDS)."""

    step = models.CharField(_("step"), max_length=30, choices=ConclusionStep.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    working_days = models.BooleanField(_("working days"), default=False,
                                       help_text=_("Count Monday to Friday only."))
    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("inspecting body"),
        help_text=_("Only for inspections by this body (e.g. the Government Inspectorate); empty: every other body."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("conclusion time limit")
        verbose_name_plural = _("conclusion time limits (Law 84/2025)")
        ordering = ["step", "issuing_unit", "valid_from"]
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="conclusion_limit_days_positive")]

    def __str__(self):
        days = (_("%(days)d working days") if self.working_days else _("%(days)d days")) % {"days": self.days}
        unit = f" — {self.issuing_unit}" if self.issuing_unit_id else ""
        return f"{self.get_step_display()}: {days}{unit}"


class InspectionUserObjectPermission(UserObjectPermissionBase):
    """Team members' grants on their inspection (direct foreign key, not guardian's generic table)."""

    content_object = models.ForeignKey(Inspection, on_delete=models.CASCADE)


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Team leader")
    MEMBER = "member", _("Member")


class TeamMember(models.Model):
    """Who served on the team; kept after the inspection closes (the grants are not)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_teams")
    role = models.CharField(_("role"), max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team")
        ordering = ["-role", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "user"], name="team_member_once")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


# -- findings ------------------------------------------------------------------------------


class FindingStatus(models.TextChoices):
    AWAITING_EXPLANATION = "awaiting_explanation", _("Awaiting explanation")
    EXPLAINED = "explained", _("Explained")
    NOT_EXPLAINED = "not_explained", _("No explanation by the deadline")
    HANDLED = "handled", _("Handling proposed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Finding(SearchText, models.Model):
    """A violation recorded against a person and/or a unit (biên bản vi phạm)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings",
                                   verbose_name=_("inspection"))
    subject_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="findings", verbose_name=_("person"))
    subject_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="findings", verbose_name=_("unit"))
    violation_type = models.ForeignKey(ViolationType, on_delete=models.PROTECT, related_name="findings",
                                       verbose_name=_("violation"))
    occurred_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=25, choices=FindingStatus.choices,
                              default=FindingStatus.AWAITING_EXPLANATION)
    explanation_due = models.DateField(_("explanation due"))
    explanation = models.TextField(_("explanation"), blank=True)
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("explained by"))
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    proposed_handling = models.CharField(_("proposed handling"), max_length=20, choices=Handling.choices, blank=True)
    handling_note = models.TextField(_("handling note"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # Sent by the recording form: a retried submission (a phone on a weak network) is not recorded twice.
    # Unique per recorder: another inspector's token neither collides with nor reveals theirs.
    client_token = models.CharField(max_length=64, null=True, blank=True, editable=False)
    search_text = models.CharField(max_length=600, editable=False, default="")
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["subject_person", "occurred_at"], name="finding_person_when_idx"),
            models.Index(fields=["subject_unit", "occurred_at"], name="finding_unit_when_idx"),
            models.Index(fields=["status", "explanation_due"], name="finding_status_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recorded_by", "client_token"], condition=Q(client_token__isnull=False),
                                    name="finding_client_token_per_recorder"),
        ]

    def __str__(self):
        return f"{self.code} {self.violation_type}"

    def search_source(self) -> str:
        return f"{self.code} {self.description[:300]} {self.location}"


def finding_evidence_path(instance, filename):
    return f"findings/{instance.finding_id}/{timezone.now():%Y%m}/{filename}"


class FindingEvidence(EvidenceFile):
    """A photo or document behind a finding, or attached to the subject's explanation."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=finding_evidence_path)
    for_explanation = models.BooleanField(_("attached to the explanation"), default=False)

    class Meta(EvidenceFile.Meta):
        pass


# -- recommendations -----------------------------------------------------------------------


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("In the draft conclusion")
    IN_REMEDIATION = "in_remediation", _("Being remedied")
    VERIFIED = "verified", _("Verified done")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Recommendation(models.Model):
    """A recommendation (kiến nghị) of a conclusion, followed through a remediation task."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField(_("number"))
    content = models.TextField(_("recommendation"))
    target_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="recommendations",
                                    verbose_name=_("unit to act"))
    deadline = models.DateField(_("deadline"))
    expected_result = models.TextField(_("expected result"))
    # The remediation task is created through the task engine's services when the conclusion is signed.
    task = models.OneToOneField("tasks.Task", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="recommendation", verbose_name=_("remediation task"))
    status = models.CharField(_("status"), max_length=20, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.DRAFT)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="recommendation_number_unique")]
        indexes = [models.Index(fields=["status", "deadline"], name="recommendation_status_due_idx")]

    def __str__(self):
        return f"{self.inspection.code}/{self.number}"


# -- discipline: rules as data ---------------------------------------------------------------


class DisciplineSystem(models.TextChoices):
    STATE = "state", _("State (administrative) discipline")
    PARTY = "party", _("Party discipline")


class DisciplineForm(models.TextChoices):
    REPRIMAND = "reprimand", _("Reprimand (khiển trách)")
    WARNING = "warning", _("Warning (cảnh cáo)")
    SALARY_DOWNGRADE = "salary_downgrade", _("Salary step reduction (hạ bậc lương)")
    DEMOTION = "demotion", _("Demotion (giáng chức)")
    DISMISSAL = "dismissal", _("Dismissal from post (cách chức)")
    REMOVAL = "removal", _("Removal from elected office (bãi nhiệm)")
    FORCED_RESIGNATION = "forced_resignation", _("Forced resignation (buộc thôi việc)")
    EXPULSION = "expulsion", _("Expulsion from the Party (khai trừ)")
    DISSOLUTION = "dissolution", _("Dissolution of the Party organisation (giải tán)")


class PartySubject(models.TextChoices):
    """Who receives a Party discipline: each has its own forms (DOMAIN.md §2)."""

    MEMBER = "member", _("Full Party member (đảng viên chính thức)")
    PROBATIONARY = "probationary", _("Probationary Party member (đảng viên dự bị)")
    ORGANISATION = "organisation", _("Party organisation (tổ chức đảng)")


class SeveralViolations(models.TextChoices):
    """How several violations considered in one case combine into one form."""

    HEAVIEST = "heaviest", _("The heaviest form any of them warrants")
    ONE_LEVEL_HEAVIER = "one_level_heavier", _("One level heavier than the heaviest form any of them warrants")


class LeaderScope(models.TextChoices):
    ANY = "any", _("Anyone in the group")
    LEADERS = "leaders", _("Leaders and managers only")
    NON_LEADERS = "non_leaders", _("Non-leaders only")


class DisciplineFormRule(models.Model):
    """One discipline form available to one staff group during one window (by decision date)."""

    system = models.CharField(_("system"), max_length=10, choices=DisciplineSystem.choices, default=DisciplineSystem.STATE)
    staff_group = models.CharField(_("staff group"), max_length=20, choices=StaffGroup.choices, blank=True,
                                   help_text=_("Empty for Party discipline (applies to every member)."))
    leader_scope = models.CharField(_("applies to"), max_length=12, choices=LeaderScope.choices, default=LeaderScope.ANY)
    party_subject = models.CharField(_("Party discipline of"), max_length=12, choices=PartySubject.choices, blank=True,
                                     help_text=_("Party discipline only: full members, probationary members or "
                                                 "organisations. Empty for state discipline."))
    form = models.CharField(_("form"), max_length=20, choices=DisciplineForm.choices)
    level = models.PositiveSmallIntegerField(_("level"), help_text=_("1 = lightest within the group."))
    salary_delay_months = models.PositiveSmallIntegerField(_("salary step delayed (months)"), default=0)
    effect_months = models.PositiveSmallIntegerField(
        _("in force for (months)"), default=12, help_text=_("Lapses this long after taking effect without a new violation."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline form rule")
        verbose_name_plural = _("discipline form rules")
        ordering = ["system", "staff_group", "leader_scope", "valid_from", "level"]

    def __str__(self):
        return f"{self.get_form_display()} — {self.get_staff_group_display() or self.get_system_display()}"


class DisciplineRuleSet(models.Model):
    """Limitation, processing time and how violations combine, in force during a window.

    Chosen by system and staff group: a row for one staff group wins over a row for every group
    (empty staff group) in force on the same date."""

    name = models.CharField(_("name"), max_length=200)
    system = models.CharField(_("system"), max_length=10, choices=DisciplineSystem.choices, default=DisciplineSystem.STATE)
    staff_group = models.CharField(_("staff group"), max_length=20, choices=StaffGroup.choices, blank=True,
                                   help_text=_("Empty: every staff group (and Party discipline). A row for one "
                                               "group wins over it."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    limitation_light_years = models.PositiveSmallIntegerField(_("limitation at reprimand level (years)"))
    limitation_heavy_years = models.PositiveSmallIntegerField(_("limitation at warning level or heavier (years)"))
    expulsion_not_time_barred = models.BooleanField(
        _("no limitation at expulsion level"), default=False,
        help_text=_("A violation that warrants expulsion from the Party is never time-barred."))
    limitation_basis = models.CharField(_("legal basis of the limitation"), max_length=300)
    processing_days = models.PositiveSmallIntegerField(_("processing time (days)"), null=True, blank=True,
                                                       help_text=_("Empty: no processing time is set."))
    processing_days_complex = models.PositiveSmallIntegerField(_("processing time, complex cases (days)"),
                                                               null=True, blank=True)
    processing_basis = models.CharField(_("legal basis of the processing time"), max_length=300, blank=True)
    paused_time_basis = models.CharField(
        _("legal basis of the time that does not count"), max_length=300, blank=True,
        help_text=_("Illness, maternity, criminal proceedings, complaints: counted towards neither the limitation "
                    "nor the processing time."))
    several_violations = models.CharField(_("several violations in one case"), max_length=20,
                                          choices=SeveralViolations.choices, blank=True,
                                          help_text=_("Empty: no rule is set, nothing is suggested."))
    several_violations_basis = models.CharField(_("legal basis for several violations"), max_length=300, blank=True)
    repeat_violation_basis = models.CharField(
        _("legal basis for a new violation while a discipline is in force"), max_length=300, blank=True)
    state_follow_up_days = models.PositiveSmallIntegerField(
        _("state discipline follows within (days)"), null=True, blank=True,
        help_text=_("Party discipline: the state discipline is considered within this many days of the Party "
                    "decision's announcement."))
    state_follow_up_working_days = models.BooleanField(_("counted in working days"), default=False)
    state_follow_up_basis = models.CharField(_("legal basis of the state follow-up"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline rule set")
        verbose_name_plural = _("discipline rule sets")
        ordering = ["system", "staff_group", "valid_from"]

    def __str__(self):
        return self.name


# -- discipline: decisions -----------------------------------------------------------------


class DecisionStatus(models.TextChoices):
    PROCEEDING = "proceeding", _("Under consideration")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DisciplinaryDecision(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    system = models.CharField(_("system"), max_length=10, choices=DisciplineSystem.choices, default=DisciplineSystem.STATE)
    # Empty only for the discipline of a Party organisation, which is `subject_unit` itself.
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disciplinary_decisions",
                                null=True, blank=True, verbose_name=_("disciplined official"))
    # The subject's unit and group when the proceeding opened: the register and the rules use these.
    subject_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="disciplinary_decisions",
                                     verbose_name=_("unit"))
    staff_group = models.CharField(_("staff group"), max_length=20, choices=StaffGroup.choices, blank=True)
    party_subject = models.CharField(_("Party discipline of"), max_length=12, choices=PartySubject.choices, blank=True)
    subject_is_leader = models.BooleanField(_("leader or manager"), default=False)
    findings = models.ManyToManyField(Finding, blank=True, related_name="decisions", verbose_name=_("findings"))
    summary = models.TextField(_("violations considered"))
    discovered_on = models.DateField(_("violation discovered on"))
    # A case in process when a decree changes keeps the rules in force on this date (DOMAIN.md §2).
    opened_on = models.DateField(_("proceeding opened on"), null=True, blank=True)
    complex_case = models.BooleanField(_("complex case"), default=False)
    violation_date = models.DateField(_("date of the violation"))
    status = models.CharField(_("status"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.PROCEEDING)
    form = models.CharField(_("form"), max_length=20, choices=DisciplineForm.choices, blank=True)
    form_rule = models.ForeignKey(DisciplineFormRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("rule applied"))
    rule_set = models.ForeignKey(DisciplineRuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("limitation and processing rules applied"))
    number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    # Party decisions: the state follow-up runs from the announcement, not from the decision date.
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effect_until = models.DateField(_("in force until"), null=True, blank=True)
    salary_delay_until = models.DateField(_("salary step delayed until"), null=True, blank=True)
    # Only a discipline for a violation related to public duty forces the annual rating to KHT
    # ("liên quan đến hoạt động công vụ", Decree 335/2025; "thực hiện nhiệm vụ", Decree 233/2026).
    public_duty = models.BooleanField(
        _("violation related to public duty"), default=True,
        help_text=_("Related to public duty (performing assigned duties): the discipline forces the annual rating "
                    "to “did not complete duties”."))
    # A Party and a State decision on the same act are one act: it counts in one rating year only.
    same_act_as = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="same_act_decisions",
                                    verbose_name=_("the other system's decision on the same act"))
    # The rating year the act counts in — the year of its first issued decision, Party or State —
    # kept by the services when a decision of the act is issued or withdrawn (DOMAIN.md §7).
    counted_in_year = models.PositiveSmallIntegerField(_("counted in the rating of year"), null=True, blank=True)
    warnings = models.JSONField(_("warnings at issue"), default=list, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disciplinary decision")
        verbose_name_plural = _("disciplinary decisions")
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(fields=["subject", "status", "decision_date"], name="decision_subject_idx"),
            models.Index(fields=["status", "counted_in_year"], name="decision_year_idx"),
            models.Index(fields=["status", "effect_until"], name="decision_effect_idx"),
        ]

    def __str__(self):
        return f"{self.number or self.code} — {self.subject or self.subject_unit}"


class PauseKind(models.TextChoices):
    """Time that does not count towards the limitation nor the processing time: while the case may
    not be considered, criminal proceedings, complaints (DOMAIN.md §2)."""

    ILLNESS = "illness", _("Grave illness or in-patient treatment")
    MATERNITY = "maternity", _("Pregnancy, maternity leave or a child under 12 months")
    PROSECUTION = "prosecution", _("Criminal proceedings (prosecution, detention)")
    COMPLAINT = "complaint", _("A complaint being resolved")
    OTHER = "other", _("Other lawful pause")


class DisciplinePause(models.Model):
    decision = models.ForeignKey(DisciplinaryDecision, on_delete=models.PROTECT, related_name="pauses")
    kind = models.CharField(_("reason"), max_length=20, choices=PauseKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="pause_window_ordered"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on:%d/%m/%Y}"


# -- complaints ----------------------------------------------------------------------------


class Complaint(models.Model):
    """A complaint or denunciation (khiếu nại, tố cáo) about a person or a unit, recorded while it is
    being settled: commendation of its subject waits until it is (DOMAIN.md §4)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="complaints",
                                     verbose_name=_("organisation"))
    subject_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="complaints_about", verbose_name=_("person concerned"))
    subject_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="complaints_about",
                                     verbose_name=_("unit concerned"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("content"))
    resolved_on = models.DateField(_("settled on"), null=True, blank=True)
    resolution = models.TextField(_("how it was settled"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint or denunciation")
        verbose_name_plural = _("complaints and denunciations")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("received_on")),
                                   name="complaint_settled_after_received"),
        ]

    def __str__(self):
        return self.reference or f"{self.received_on:%d/%m/%Y}: {self.summary[:60]}"

    def clean(self):
        if self.subject_unit_id and self.organisation_id and self.subject_unit.organisation_id != self.organisation_id:
            raise ValidationError({"subject_unit": _("Choose a unit of the same organisation.")})


# -- the roll of a public-service check (kiểm tra công vụ) -------------------------------------


class CheckItem(models.Model):
    """An item the team checks at the unit visited (wearing the badge, working hours, procedures
    posted, apology slips for overdue files…): a catalogue seeded from the regulations, edited by
    the administrator. A not-met item becomes a finding on the unit under `violation_type`."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    violation_type = models.ForeignKey(ViolationType, on_delete=models.PROTECT, related_name="check_items",
                                       verbose_name=_("violation when not met"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items of public-service checks")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class RollCall(models.Model):
    """The roll taken at one unit visited by a public-service check: its officials as of the
    check (from accounts, when the roll is opened) and the check items."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="rolls",
                                   verbose_name=_("inspection"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rolls", verbose_name=_("unit visited"))
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("roll")
        verbose_name_plural = _("rolls")
        ordering = ["checked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "unit"], name="roll_once_per_unit")]
        indexes = [models.Index(fields=["checked_at"], name="roll_checked_at_idx")]

    def __str__(self):
        return f"{self.inspection.code} — {self.unit}"


class Attendance(models.TextChoices):
    UNMARKED = "", _("Not marked")
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Absent with a reason")
    UNEXCUSED = "unexcused", _("Absent without a reason")


class RollEntry(models.Model):
    """One official on the roll. `version` grows with every change: a change sent against an older
    version, by a team member who had not seen the latest one, is refused as a conflict."""

    roll = models.ForeignKey(RollCall, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roll_entries",
                               verbose_name=_("official"))
    # The person's unit on the day of the check (they may move later).
    person_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    state = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("finding"))
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roll entry")
        verbose_name_plural = _("roll entries")
        ordering = ["roll", "id"]
        constraints = [models.UniqueConstraint(fields=["roll", "person"], name="roll_entry_once_per_person")]
        indexes = [models.Index(fields=["person", "state"], name="roll_entry_person_state_idx")]

    def __str__(self):
        return f"{self.person}: {self.get_state_display()}"


class CheckOutcome(models.TextChoices):
    UNMARKED = "", _("Not checked")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")


class CheckResult(models.Model):
    roll = models.ForeignKey(RollCall, on_delete=models.PROTECT, related_name="checks")
    item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="results", verbose_name=_("item"))
    outcome = models.CharField(_("result"), max_length=10, choices=CheckOutcome.choices, blank=True, default="")
    note = models.CharField(_("note"), max_length=500, blank=True)
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("finding"))
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("check result")
        verbose_name_plural = _("check results")
        ordering = ["roll", "item__order", "id"]
        constraints = [models.UniqueConstraint(fields=["roll", "item"], name="check_result_once_per_item")]

    def __str__(self):
        return f"{self.item}: {self.get_outcome_display()}"


class RollSubmission(models.Model):
    """A submission of roll changes under the client's token: sent again (a slow connection, a
    second tap), it changes nothing and answers what the first one did."""

    roll = models.ForeignKey(RollCall, on_delete=models.CASCADE, related_name="submissions")
    client_token = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submitted_by", "client_token"],
                                               name="roll_submission_token_per_member")]


# -- history of actions --------------------------------------------------------------------

ACTION_LABELS = {
    "create": _("created"), "edit": _("edited"), "start": _("started the inspection"),
    "report": _("submitted the report"), "draft_conclusion": _("drafted the conclusion"),
    "conclude": _("signed the conclusion"), "publish": _("published the conclusion"),
    "assign_drafting": _("assigned the drafting of the conclusion"),
    "directive": _("recorded the implementing directive"),
    "follow_up": _("started following up"), "close": _("closed the inspection"), "cancel": _("cancelled"),
    "team": _("changed the team"), "record": _("recorded a finding"), "explain": _("explained"),
    "propose": _("proposed handling"), "withdraw": _("withdrew"), "no_explanation": _("noted no explanation"),
    "recommend": _("added a recommendation"), "remediation_task": _("created the remediation task"),
    "replace_task": _("replaced the remediation task"),
    "verify": _("verified the remediation"), "reject": _("sent the remediation back"),
    "open_proceeding": _("opened a disciplinary proceeding"), "issue": _("issued the decision"),
    "pause": _("recorded a pause"), "announce": _("recorded the announcement"), "lapse": _("the decision lapsed"),
    "import": _("imported findings"),
    "roll_open": _("opened the roll"), "roll_findings": _("recorded findings from the roll"),
}


class Event(CoreEvent):
    """The history row of every action: on an inspection, a finding, a recommendation or a decision."""

    ACTION_LABELS = ACTION_LABELS

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="events")
    decision = models.ForeignKey(DisciplinaryDecision, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="events")

    class Meta(CoreEvent.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
