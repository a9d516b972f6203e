"""What the top layer reads from every app, through each app's own selectors and registers:

- the work inbox and the home page, composed from each module's own queue selectors;
- the rules in force, read from every app's register (core.rulebook): one query per rule model,
  whatever the number of rows — the last change (who and when, from the model's django-simple-history
  table) is a subquery of that same query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import MANAGING_ROLES, AccessScope, get_unit_for_user, scope_for
from accounts.models import Unit
from accounts.selectors import role_units
from core import rulebook
from core.inbox import InboxItem
from emulation.selectors import EMULATION_QUEUES, emulation_inbox
from inspections.selectors import INSPECTION_QUEUES, inspection_inbox, remediation_task_ids_awaiting_verification
from reform.selectors import REFORM_QUEUES, reform_inbox
from reports.forms import TaskReportForm
from tasks.selectors import TASK_QUEUES, TaskReport, task_inbox, task_report

# -- the work inbox ---------------------------------------------------------------------------

# The inbox's order: the work on one's own tasks, then what others wait for one to decide.
QUEUE_LABELS = {**TASK_QUEUES, **INSPECTION_QUEUES, **REFORM_QUEUES, **EMULATION_QUEUES}


@dataclass
class Queue:
    key: str
    label: str
    items: list[InboxItem] = field(default_factory=list)
    overdue: int = 0

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def next_due(self) -> InboxItem | None:
        return self.items[0] if self.items else None


def inbox_for(user, *, now: datetime | None = None) -> list[Queue]:
    """Every queue of the work inbox ("Việc cần xử lý"), each with its items soonest first — so
    the overdue lead — and how many are overdue. A remediation task is listed once, under its
    recommendation: its lead finds it among the recommendations to remedy (not again among results
    to submit), and the inspection leader who checks it by verifying the recommendation among the
    remedies to verify (not again among results to judge)."""
    now = now or timezone.now()
    found = {**task_inbox(user, now=now), **inspection_inbox(user), **reform_inbox(user), **emulation_inbox(user)}
    if found["verifications"]:
        verified_by_me = remediation_task_ids_awaiting_verification(user)
        found["to_judge"] = [item for item in found["to_judge"] if item.task_id not in verified_by_me]
    remedied = {item.task_id for item in found["remedies"]}
    found["to_submit"] = [item for item in found["to_submit"] if item.task_id not in remedied]
    queues = []
    for key, label in QUEUE_LABELS.items():
        items = found[key]
        queues.append(Queue(key, str(label), items, sum(1 for item in items if item.is_overdue(now))))
    return queues


# -- the rules in force -----------------------------------------------------------------------

WINDOW_FIELDS = ("valid_from", "valid_to")


@dataclass
class RuleRow:
    anchor: str
    name: str
    figures: list[tuple[str, str]]
    bases: list[str]
    valid_from: date | None
    valid_to: date | None
    state: str  # in_force / ended / future / always
    changed_by: str
    changed_at: object


@dataclass
class RuleSection:
    key: str
    title: str
    app: str
    rows: list[RuleRow]


def _shown(row: models.Model, field: models.Field) -> str:
    value = getattr(row, field.name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(row, f"get_{field.name}_display")())
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _state(valid_from: date | None, valid_to: date | None, today: date) -> str:
    if valid_from and valid_from > today:
        return "future"
    if valid_to and valid_to < today:
        return "ended"
    return "in_force"


def _organisation_ids(scope: AccessScope, user) -> set[int]:
    """The organisations whose own rows (rules tied to one body) the user may read."""
    ids = set(scope.admin_org_ids)
    if user.unit_id:
        ids.add(user.unit.organisation_id)
    if scope.read_paths:
        ids |= set(Unit.objects.filter(path__in=scope.read_paths).values_list("organisation_id", flat=True))
    return ids


def rules_in_force_for(user, scope: AccessScope) -> tuple[list[RuleSection], list[rulebook.RuleConstant]]:
    rulebook.discover()
    today = timezone.localdate()
    organisations = None
    sections = []
    for entry in rulebook.registered_models():
        model = entry.model
        windowed = all(hasattr(model, name) for name in WINDOW_FIELDS)
        shown = [f for f in model._meta.concrete_fields
                 if not f.primary_key and f.name not in entry.basis and f.name not in WINDOW_FIELDS
                 and f.editable]
        history = model.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
        rows = model._default_manager.all().select_related(
            *[f.name for f in shown if f.is_relation]).annotate(
            changed_by=Subquery(history.values("history_user__full_name")[:1]),
            changed_at=Subquery(history.values("history_date")[:1]))
        if entry.organisation_field and not scope.is_superuser:
            if organisations is None:
                organisations = _organisation_ids(scope, user)
            rows = rows.filter(Q(**{f"{entry.organisation_field}__isnull": True})
                               | Q(**{f"{entry.organisation_field}__in": sorted(organisations)}))
        section_rows = []
        for row in rows:
            valid_from = row.valid_from if windowed else None
            valid_to = row.valid_to if windowed else None
            section_rows.append(RuleRow(
                anchor=rulebook.anchor(row), name=str(row),
                figures=[(str(f.verbose_name), _shown(row, f)) for f in shown],
                bases=[getattr(row, name) for name in entry.basis if getattr(row, name)],
                valid_from=valid_from, valid_to=valid_to,
                state=_state(valid_from, valid_to, today) if windowed else "always",
                changed_by=row.changed_by or "", changed_at=row.changed_at))
        sections.append(RuleSection(key=entry.key, title=str(model._meta.verbose_name_plural),
                                    app=str(apps.get_app_config(model._meta.app_label).verbose_name),
                                    rows=section_rows))
    return sections, rulebook.registered_constants()


# -- the periodic task report --------------------------------------------------------------------

def task_report_unit(user, unit_id) -> tuple[Unit, list[Unit]]:
    """The unit whose subtree the report covers — one the user heads (or deputises), else 404 —
    and every unit the user may report on."""
    units = role_units(user, MANAGING_ROLES)
    if unit_id:
        unit = get_unit_for_user(user, unit_id)
        if not scope_for(user).can_manage_unit(unit):
            raise Http404
        return unit, units
    if not units:
        raise Http404
    return units[0], units


def task_report_for(unit: Unit, data: dict) -> TaskReport:
    """The report of a valid TaskReportForm's data, compared with the period before."""
    period = data["period"]
    return task_report(unit, period.start, period.end, data["cut_off"], data["directive"], compare=True)


def task_report_from_query(user, query) -> TaskReport:
    """The report a link of the report page asks for (unit, period, cut-off, directive), for its
    Excel and its document: 404 for a query the page would not have made or a unit not the user's."""
    form = TaskReportForm(query)
    if not form.is_valid():
        raise Http404
    unit, _units = task_report_unit(user, form.cleaned_data.get("unit"))
    return task_report_for(unit, form.cleaned_data)


def report_file_stem(report: TaskReport) -> str:
    """The name its files share (.xlsx, .docx, .pdf): the period and the cut-off."""
    return (f"bao-cao-nhiem-vu-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
            f"-den-{report.cut_off_date:%Y%m%d}")
