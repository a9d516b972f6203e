"""The "5 rõ" gate: which dimensions a task must make clear, and what is missing.

A task leaves draft only when every dimension of its organisation's profile is clear.
Each check returns the reasons a dimension is not yet clear (empty = clear), so the form
and the API can say exactly what to add.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tasks.models import ClarityProfile, Task, TaskPolicy

PERSON, WORK, PROCESS, TIME, RESPONSIBILITY, PRODUCT, RESULT, AUTHORITY = (
    "person", "work", "process", "time", "responsibility", "product", "result", "authority",
)
DIMENSION_LABELS = {
    PERSON: gettext_lazy("Clear person"),
    WORK: gettext_lazy("Clear work"),
    PROCESS: gettext_lazy("Clear process"),
    TIME: gettext_lazy("Clear time"),
    RESPONSIBILITY: gettext_lazy("Clear responsibility"),
    PRODUCT: gettext_lazy("Clear product"),
    RESULT: gettext_lazy("Clear result"),
    AUTHORITY: gettext_lazy("Clear authority"),
}
# The dimensions named in a sentence ("Chưa rõ: quy trình, kết quả."); the API keys stay the codes.
DIMENSION_NAMES = {
    PERSON: pgettext_lazy("5-rõ dimension", "person"),
    WORK: pgettext_lazy("5-rõ dimension", "work"),
    PROCESS: pgettext_lazy("5-rõ dimension", "process"),
    TIME: pgettext_lazy("5-rõ dimension", "time"),
    RESPONSIBILITY: pgettext_lazy("5-rõ dimension", "responsibility"),
    PRODUCT: pgettext_lazy("5-rõ dimension", "product"),
    RESULT: pgettext_lazy("5-rõ dimension", "result"),
    AUTHORITY: pgettext_lazy("5-rõ dimension", "authority"),
}
# A deadline is always required, whatever the profile (DOMAIN.md §1).
PROFILE_DIMENSIONS = {
    ClarityProfile.FIVE_BRIEF: (PERSON, WORK, PROCESS, RESPONSIBILITY, RESULT, TIME),
    ClarityProfile.GOV_6: (PERSON, WORK, TIME, RESPONSIBILITY, PRODUCT, AUTHORITY),
    ClarityProfile.PARTY_6: (PERSON, WORK, RESPONSIBILITY, AUTHORITY, TIME, RESULT),
}


@dataclass(frozen=True)
class DimensionCheck:
    dimension: str
    label: str
    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing


def _blank(value) -> bool:
    return not (value or "").strip() if isinstance(value, str) or value is None else False


def _person(task: Task, *, participants=None, steps=None) -> list[str]:
    reasons = []
    if task.lead_id is None:
        reasons.append(_("Name the one person who leads the task (chủ trì)."))
    if task.lead_unit_id is None:
        reasons.append(_("Name the lead unit."))
    return reasons


def _work(task: Task, **_ignored) -> list[str]:
    reasons = []
    if _blank(task.title):
        reasons.append(_("Give the task a title."))
    if len((task.content or "").strip()) < 20:
        reasons.append(_("Describe the work (at least 20 characters)."))
    return reasons


def _process(task: Task, *, steps=None, **_ignored) -> list[str]:
    has_steps = bool(steps) if steps is not None else (task.pk is not None and task.steps.exists())
    if task.process_template_id is None and not has_steps and _blank(task.process_description):
        return [_("Choose a process template or describe the steps.")]
    if _blank(task.reporting_regime):
        return [_("Say how and how often progress is reported.")]
    return []


def _time(task: Task, **_ignored) -> list[str]:
    if task.deadline is None:
        return [_("Set a deadline.")]
    return []


def _responsibility(task: Task, *, participants=None, **_ignored) -> list[str]:
    reasons = []
    if _blank(task.responsibility):
        reasons.append(_("Say what the lead answers for."))
    participants = participants if participants is not None else (list(task.participants.all()) if task.pk else [])
    if any(_blank(p.part) for p in participants):
        reasons.append(_("Say what each co-operating party delivers."))
    return reasons


def _product(task: Task, **_ignored) -> list[str]:
    if _blank(task.product_type) or _blank(task.product_description):
        return [_("Name the deliverable (type and description).")]
    return []


def _result(task: Task, **_ignored) -> list[str]:
    reasons = []
    if _blank(task.expected_result):
        reasons.append(_("State the measurable expected result."))
    if _blank(task.acceptance_criterion):
        reasons.append(_("State how the result will be accepted."))
    return reasons


def _authority(task: Task, **_ignored) -> list[str]:
    reasons = []
    if _blank(task.authority_basis):
        reasons.append(_("Say on whose authority the task is assigned."))
    if _blank(task.lead_may_decide):
        reasons.append(_("Say what the lead may decide alone."))
    return reasons


_CHECKS = {
    PERSON: _person, WORK: _work, PROCESS: _process, TIME: _time,
    RESPONSIBILITY: _responsibility, PRODUCT: _product, RESULT: _result, AUTHORITY: _authority,
}


def profile_for(organisation_id: int | None) -> str:
    if organisation_id is None:
        return ClarityProfile.FIVE_BRIEF
    policy = TaskPolicy.objects.filter(organisation_id=organisation_id).values_list("clarity_profile", flat=True).first()
    return policy or ClarityProfile.FIVE_BRIEF


def clarity_check(task: Task, *, profile: str | None = None, participants=None, steps=None) -> list[DimensionCheck]:
    """Every dimension of the profile with what is missing. `participants`/`steps` may be
    given for a task not saved yet (the live checklist of the form)."""
    profile = profile or profile_for(task.assigning_unit.organisation_id if task.assigning_unit_id else None)
    return [
        DimensionCheck(dim, str(DIMENSION_LABELS[dim]), tuple(_CHECKS[dim](task, participants=participants, steps=steps)))
        for dim in PROFILE_DIMENSIONS[profile]
    ]


def checklist_data(task: Task) -> list[dict]:
    """The checklist as plain data, for the API."""
    return [{"dimension": c.dimension, "label": c.label, "ok": c.ok, "missing": list(c.missing)} for c in clarity_check(task)]


def missing_dimensions(checks: list[DimensionCheck]) -> dict[str, list[str]]:
    return {check.dimension: list(check.missing) for check in checks if not check.ok}
