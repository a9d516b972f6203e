from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Unit
from core.models import Event, EvidenceFile, SearchText


class ClarityProfile(models.TextChoices):
    """Which "rõ" dimensions a task must satisfy before it leaves draft (DOMAIN.md §1)."""

    FIVE_BRIEF = "five_brief", _("5 rõ: person, work, process, responsibility, result")
    GOV_6 = "gov_6", _("6 rõ (Government): person, work, time, responsibility, product, authority")
    PARTY_6 = "party_6", _("6 rõ (Party): person, work, responsibility, authority, time, result")


class TaskPolicy(models.Model):
    """An organisation's settings for tasks: its clarity profile and extension rules."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="task_policy")
    clarity_profile = models.CharField(
        _("clarity profile"), max_length=20, choices=ClarityProfile.choices, default=ClarityProfile.FIVE_BRIEF
    )
    extension_lead_days = models.PositiveSmallIntegerField(
        _("extension requests at least this many days before the deadline"), default=0
    )

    class Meta:
        verbose_name = _("task policy")
        verbose_name_plural = _("task policies")

    def __str__(self):
        return f"{self.organisation}: {self.get_clarity_profile_display()}"


class ProcessTemplate(models.Model):
    """A reusable process (rõ quy trình): ordered steps with a responsible role and a duration."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="process_templates")
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("process template")
        verbose_name_plural = _("process templates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProcessTemplateStep(models.Model):
    template = models.ForeignKey(ProcessTemplate, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=200)
    responsible = models.CharField(_("responsible"), max_length=200)
    duration_days = models.PositiveSmallIntegerField(_("duration (days)"), default=1)

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="process_step_order_unique")]

    def __str__(self):
        return f"{self.order}. {self.name}"


class TaskStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSIGNED = "assigned", _("Assigned, awaiting acceptance")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Result submitted")
    COMPLETED = "completed", _("Completed")
    RETURNED = "returned", _("Returned to the assigner")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)


class TaskOwner(models.TextChoices):
    """The record whose lifecycle governs a task made for it. Such a task is cancelled or returned only
    through that record's own services, which keep the record consistent with its task; the task
    engine's own cancel and return refuse it (tasks.access.owner_refusal)."""

    RECOMMENDATION = "recommendation", _("recommendation")
    REFORM_ASSESSMENT = "reform_assessment", _("reform self-assessment")


class Quality(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Meets the requirement")
    FAIL = "fail", _("Does not meet the requirement")


class Task(SearchText, models.Model):
    """A task assigned by "5 rõ" — the union of every dimension any profile asks for."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="subtasks",
                               verbose_name=_("parent task"))
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.DRAFT)

    # PERSON
    assigner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks_assigned",
                                 verbose_name=_("assigner"))
    assigning_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tasks_assigned_from",
                                       verbose_name=_("assigning unit"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="tasks_led", verbose_name=_("lead (chủ trì)"))
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks_led",
                                  verbose_name=_("lead unit"))
    monitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="tasks_monitored", verbose_name=_("monitor (theo dõi, đôn đốc)"))
    # WORK
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    source_number = models.CharField(_("source directive number"), max_length=100, blank=True)
    source_date = models.DateField(_("source directive date"), null=True, blank=True)
    source_issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    # PROCESS
    process_template = models.ForeignKey(ProcessTemplate, on_delete=models.PROTECT, null=True, blank=True,
                                         verbose_name=_("process template"))
    process_description = models.TextField(_("process"), blank=True)
    reporting_regime = models.CharField(_("reporting regime"), max_length=200, blank=True)
    # TIME
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    original_deadline = models.DateTimeField(_("original deadline"), null=True, blank=True)
    # RESPONSIBILITY
    responsibility = models.TextField(_("responsibility of the lead"), blank=True)
    # PRODUCT
    product_type = models.CharField(_("product type"), max_length=100, blank=True)
    product_description = models.TextField(_("product"), blank=True)
    # RESULT
    expected_result = models.TextField(_("expected result"), blank=True)
    acceptance_criterion = models.TextField(_("acceptance criterion"), blank=True)
    # AUTHORITY
    authority_basis = models.CharField(_("on whose authority"), max_length=300, blank=True)
    lead_may_decide = models.TextField(_("what the lead may decide alone"), blank=True)

    # Tracking
    progress_percent = models.PositiveSmallIntegerField(_("progress %"), default=0)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    extended = models.BooleanField(_("deadline extended"), default=False)
    # Set by the overdue job in one statement; the official status is always derived from times.
    overdue_marked_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    quality = models.CharField(_("quality"), max_length=20, choices=Quality.choices, blank=True)
    evaluation_note = models.TextField(_("evaluation"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_text = models.CharField(max_length=600, editable=False, default="")
    # An occurrence of a recurring task carries its rule and period ("2026-11", "2026-Q4", "2026-W47").
    recurrence = models.ForeignKey("Recurrence", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="occurrences", verbose_name=_("recurrence"))
    period = models.CharField(_("period"), max_length=10, blank=True)
    managed_by = models.CharField(_("lifecycle managed by"), max_length=20, choices=TaskOwner.choices, blank=True,
                                  editable=False, default="")

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["lead_unit", "status", "deadline"], name="task_unit_status_deadline_idx"),
            models.Index(fields=["lead", "status"], name="task_lead_status_idx"),
            models.Index(fields=["assigner", "status"], name="task_assigner_status_idx"),
            models.Index(fields=["status", "deadline"], name="task_status_deadline_idx"),
            # The lists' order: a list covering most tasks (a province) reads it in order and stops at the page.
            models.Index(fields=["deadline", "id"], name="task_deadline_id_idx"),
            # ...and with open tasks first (tasks.selectors.OPEN_FIRST: overdue leads, finished last).
            models.Index(models.Case(models.When(status__in=OPEN_STATUSES, then=models.Value(0)), default=models.Value(1),
                                     output_field=models.IntegerField()), "deadline", "id",
                         name="task_open_first_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress_percent__lte=100), name="task_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(lead__isnull=False) & Q(lead_unit__isnull=False) & Q(deadline__isnull=False)),
                name="task_assigned_has_lead_and_deadline",
            ),
            models.UniqueConstraint(fields=["recurrence", "period"], condition=Q(recurrence__isnull=False),
                                    name="task_one_occurrence_per_period"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def search_source(self) -> str:
        return f"{self.code} {self.title} {self.source_number} {self.source_issuer}"


class Participant(models.Model):
    """A co-operating party (phối hợp): a person and/or a unit, with its part and own deadline."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="task_participations", verbose_name=_("person"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="task_participations",
                             verbose_name=_("unit"))
    part = models.TextField(_("their part"))
    deadline = models.DateTimeField(_("their deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-operating party")
        verbose_name_plural = _("co-operating parties")
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(unit__isnull=False), name="participant_has_someone"),
        ]
        indexes = [models.Index(fields=["user", "task"], name="participant_user_task_idx")]

    def __str__(self):
        return str(self.user or self.unit)


class TaskStep(models.Model):
    """A process step instantiated on a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=200)
    responsible = models.CharField(_("responsible"), max_length=200)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "order"], name="task_step_order_unique")]

    def __str__(self):
        return f"{self.order}. {self.name}"


ACTION_LABELS = {
    "create": _("created the draft"), "edit": _("edited the draft"), "assign": _("assigned"),
    "accept": _("accepted"), "return": _("returned to the assigner"), "report_progress": _("reported progress"),
    "request_extension": _("asked for an extension"), "extend": _("granted an extension"),
    "refuse_extension": _("refused an extension"), "settle_extension": _("submitted the result before the extension was decided"),
    "submit": _("submitted the result"),
    "approve": _("approved the result"), "send_back": _("sent back for rework"), "cancel": _("cancelled"),
    "import": _("imported from the task register"),
}


class TaskEvent(Event):
    """The history row of every action on a task: who, when, from which status to which, why."""

    ACTION_LABELS = ACTION_LABELS
    STATUS_CHOICES = TaskStatus

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    # The deadline in force once the event happened: with to_status, the task's state at any past
    # moment is read back from its events (tasks.selectors.tasks_as_of).
    deadline = models.DateTimeField(_("deadline after the event"), null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        indexes = [models.Index(fields=["task", "at"], name="task_event_task_at_idx")]

    def __str__(self):
        return f"{self.task_id} {self.action}"


def evidence_path(instance, filename):
    return f"tasks/{instance.task_id}/{timezone.now():%Y%m}/{filename}"


class Evidence(EvidenceFile):
    """A file that backs a progress report or a result (minh chứng)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(TaskEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)

    class Meta(EvidenceFile.Meta):
        pass


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    SETTLED = "settled", _("Settled by the result")  # the result came first: nothing left to decide


class ExtensionRequest(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    current_deadline = models.DateTimeField(_("deadline when requested"))
    requested_deadline = models.DateTimeField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    granted_deadline = models.DateTimeField(_("granted deadline"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(status="pending"), name="one_pending_extension_per_task"),
        ]

    def __str__(self):
        return f"{self.task_id}: {self.requested_deadline:%d/%m/%Y}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly (in the quarter's last month)")


class Recurrence(models.Model):
    """A recurrence rule: a clear draft task used as the template, generated once per period.

    E.g. "the monthly report, due on the 20th at 17:00, assigned 7 days before".
    """

    template = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="recurrence_rule",
                                    verbose_name=_("template task (a draft)"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    due_day = models.PositiveSmallIntegerField(
        _("due day"), default=20, help_text=_("Day of the month (1–28), or of the week (1 = Monday … 7 = Sunday)."))
    due_time = models.TimeField(_("due time"), default=time(17, 0))
    assign_days_before = models.PositiveSmallIntegerField(_("assign this many days before"), default=7)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recurrence")
        verbose_name_plural = _("recurrences")
        constraints = [
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="recurrence_due_day_1_28"),
        ]

    def __str__(self):
        return f"{self.template.title} ({self.get_frequency_display()})"


class TaskTally(models.Model):
    """How many tasks a unit leads, per month of deadline (local time) and kind of result: the
    counts the overviews read instead of grouping every task on every page view.

    The database keeps it, in the statement that writes a task (triggers installed by
    tasks.tallies.install_triggers), so an import, a bulk update or an admin edit count as a
    service does. `bucket` is the official status where time cannot change it (done on time, with
    extension, late; a result handed in on time) and "open" for an open task whose status turns
    from within to overdue at its deadline: tasks.tallies splits those when it reads. A nightly job
    recounts every cell from the tasks and reports any drift (tasks.tallies.reconcile)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    bucket = models.CharField(max_length=25)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month", "bucket"], name="task_tally_one_cell")]

    def __str__(self):
        return f"{self.unit_id} {self.month:%m/%Y} {self.bucket}: {self.n}"


class TaskTallyTotal(models.Model):
    """The task tallies of a unit and kind of result with every month together, kept by the same
    triggers in the same statements: a province's overview reads a few cells per unit instead of
    one per unit, month and kind (tasks.tallies.subtree_counts)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    bucket = models.CharField(max_length=25)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "bucket"], name="task_tally_total_one_cell")]

    def __str__(self):
        return f"{self.unit_id} {self.bucket}: {self.n}"
