"""The roll of a public-service check (kiểm tra công vụ): opened per unit visited, marked by the team
all or nothing, its absences and items not met recorded as findings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from accounts.selectors import heads_of
from core import dates
from core.errors import ConflictError, require
from core.transitions import locked
from inspections.models import (
    Attendance,
    CheckItem,
    CheckOutcome,
    CheckResult,
    Finding,
    Inspection,
    InspectionKind,
    RollCall,
    RollEntry,
    RollSubmission,
    ViolationType,
)
from inspections.services._common import _event, _inspection_url, _notify
from inspections.services.findings import finding_record


# The catalogue entry an absence without a reason on the roll is recorded under.
ROLL_ABSENCE_VIOLATION = "VANG_KHONG_LY_DO"


class RollConflict(ConflictError):
    """Rows another team member changed since the submitter saw them: nothing of the submission
    is written; `rows` names each one with what it holds now."""

    def __init__(self, message: str, rows: list[dict]):
        super().__init__(message, code="roll_conflict")
        self.rows = rows


def _require_roll(actor, inspection: Inspection, action: str) -> None:
    from inspections.access import roll_actions

    if inspection.kind != InspectionKind.PUBLIC_SERVICE:
        raise ConflictError(_("Only a public-service check takes a roll."), code="not_a_check")
    require(action in roll_actions(actor, inspection))


@transaction.atomic
def roll_open(*, actor, inspection: Inspection, unit: Unit) -> RollCall:
    """Open the roll of a unit visited: its active officials as of now (its subtree, from accounts)
    and the active check items. Opening it again returns the roll already open."""
    inspection = locked(inspection)
    _require_roll(actor, inspection, "open")
    if unit is None or unit.pk not in {t.pk for t in inspection.targets.all()}:
        raise ValidationError({"unit": _("Choose one of the units this check visits.")})
    roll, created = RollCall.objects.get_or_create(inspection=inspection, unit=unit, defaults={"opened_by": actor})
    if not created:
        return roll
    people = User.objects.filter(unit__path__startswith=unit.path, is_active=True).order_by("id").only("id", "unit_id")
    RollEntry.objects.bulk_create([RollEntry(roll=roll, person_id=p.pk, person_unit_id=p.unit_id) for p in people])
    CheckResult.objects.bulk_create([CheckResult(roll=roll, item=item) for item in CheckItem.objects.filter(active=True)])
    _event(inspection=inspection, action="roll_open", actor=actor, data={"unit": unit.pk, "code": unit.name})
    return roll


@transaction.atomic
def roll_add_person(*, actor, roll: RollCall, person: User) -> RollEntry:
    """Put an official missing from the roll on it: only someone of the unit visited."""
    _require_roll(actor, roll.inspection, "mark")
    if person is None or person.unit is None or not person.unit.path.startswith(roll.unit.path):
        raise ValidationError({"person": _("%(name)s does not belong to %(unit)s: only its officials are on its roll.")
                               % {"name": person, "unit": roll.unit}})
    entry, _created = RollEntry.objects.get_or_create(roll=roll, person=person,
                                                      defaults={"person_unit_id": person.unit_id})
    return entry


def _clean_roll_rows(roll: RollCall, entries: list[dict], checks: list[dict]):
    """Parse the rows sent; each bad row is named by its number and the person or item."""
    on_roll = {e.person_id: e for e in roll.entries.select_related("person")}
    items = {c.item_id: c for c in roll.checks.select_related("item")}
    errors = []
    parsed_entries, parsed_checks = [], []
    for n, row in enumerate(entries, start=1):
        try:
            person_id = int(row.get("person"))
        except (TypeError, ValueError):
            person_id = None
        entry = on_roll.get(person_id)
        if entry is None:
            errors.append(_("Row %(n)d: this person is not on the roll of %(unit)s.") % {"n": n, "unit": roll.unit})
            continue
        state = row.get("state") or ""
        reason = (row.get("reason") or "").strip()[:300]
        if state not in Attendance.values:
            errors.append(_("Row %(n)d (%(name)s): choose present, absent with a reason or absent without one.")
                          % {"n": n, "name": entry.person})
            continue
        if state == Attendance.EXCUSED and not reason:
            errors.append(_("Row %(n)d (%(name)s): write the reason for the absence.") % {"n": n, "name": entry.person})
            continue
        if state != Attendance.EXCUSED:
            reason = ""
        parsed_entries.append((entry, state, reason, row.get("version")))
    for n, row in enumerate(checks, start=1):
        try:
            item_id = int(row.get("item"))
        except (TypeError, ValueError):
            item_id = None
        result = items.get(item_id)
        if result is None:
            errors.append(_("Check item %(n)d: not on this roll.") % {"n": n})
            continue
        outcome = row.get("outcome") or ""
        if outcome not in CheckOutcome.values:
            errors.append(_("Check item %(n)d (%(item)s): choose met or not met.") % {"n": n, "item": result.item})
            continue
        parsed_checks.append((result, outcome, (row.get("note") or "").strip()[:500], row.get("version")))
    if errors:
        raise ValidationError({"entries": errors})
    return parsed_entries, parsed_checks


def _apply_row(model, row, *, actor, values: dict, version) -> dict | None:
    """Write one row if it still holds the version the submitter saw; None when written or already
    as asked, else the conflict (what the row holds now, and who set it)."""
    current = {name: getattr(row, name) for name in values}
    if current == values:
        return None
    if row.finding_id is not None:
        return {"id": row.pk, "finding": row.finding_id, **current, "version": row.version,
                "by": str(row.updated_by) if row.updated_by_id else ""}
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = -1
    changed = model.objects.filter(pk=row.pk, version=version, finding__isnull=True).update(
        **values, version=models.F("version") + 1, updated_by=actor, updated_at=timezone.now())
    if changed == 1:
        return None
    row.refresh_from_db()
    now = {name: getattr(row, name) for name in values}
    if now == values:  # someone else marked it the same way at the same moment
        return None
    return {"id": row.pk, **now, "version": row.version, "by": str(row.updated_by) if row.updated_by_id else ""}


@transaction.atomic
def roll_submit(*, actor, roll: RollCall, client_token: str, entries: list[dict] = (), checks: list[dict] = ()) -> dict:
    """Apply the changes a team member made to the roll, all or nothing. Each row carries the
    version it was seen at: a row someone else changed since is a conflict (nothing is written,
    the answer names the rows and what they hold now). The same `client_token` sent again by the
    same member changes nothing and answers what the first submission did (`replayed`)."""
    client_token = (client_token or "").strip()[:64]
    if not client_token:
        raise ValidationError({"client_token": _("The submission has no token; reload the page and submit again.")})
    def earlier_answer():
        earlier = RollSubmission.objects.filter(submitted_by=actor, client_token=client_token).first()
        if earlier is not None and earlier.roll_id != roll.pk:
            raise ValidationError({"client_token": _("This submission token was already used for another roll; reload "
                                                     "the page and submit again.")})
        return None if earlier is None else {**earlier.result, "replayed": True}

    if (answer := earlier_answer()) is not None:
        return answer
    # Submissions to one check wait for each other here; the same one sent twice at once finds the first.
    inspection = locked(roll.inspection)
    if (answer := earlier_answer()) is not None:
        return answer
    _require_roll(actor, inspection, "mark")
    parsed_entries, parsed_checks = _clean_roll_rows(roll, list(entries), list(checks))
    conflicts, changed = [], 0
    for entry, state, reason, version in parsed_entries:
        before = (entry.state, entry.reason)
        conflict = _apply_row(RollEntry, entry, actor=actor, values={"state": state, "reason": reason}, version=version)
        if conflict:
            conflicts.append({**conflict, "person": entry.person_id, "name": str(entry.person)})
        elif before != (state, reason):
            changed += 1
    for result, outcome, note, version in parsed_checks:
        before = (result.outcome, result.note)
        conflict = _apply_row(CheckResult, result, actor=actor, values={"outcome": outcome, "note": note},
                              version=version)
        if conflict:
            conflicts.append({**conflict, "item": result.item_id, "name": str(result.item)})
        elif before != (outcome, note):
            changed += 1
    if conflicts:
        names = ", ".join(row["name"] for row in conflicts)
        raise RollConflict(_("Someone else changed these rows before you: %(names)s. Their marks are shown now; check "
                             "them and mark again if needed.") % {"names": names}, conflicts)
    from inspections.selectors import roll_summary

    result = {"changed": changed, "summary": roll_summary(roll)}
    try:
        with transaction.atomic():
            RollSubmission.objects.create(roll=roll, client_token=client_token, submitted_by=actor, result=result)
    except IntegrityError:
        # The same submission arrived twice at once: the first one applied it.
        transaction.set_rollback(True)
        earlier = RollSubmission.objects.get(submitted_by=actor, client_token=client_token)
        return {**earlier.result, "replayed": True}
    return {**result, "replayed": False}


def roll_submission_message(result: dict) -> str:
    """What the member is told after a submission (page and API)."""
    if result["replayed"]:
        return _("This submission was already recorded; nothing changed.")
    return _("Roll saved: %(summary)s.") % {"summary": result["summary"]["text"]}


@transaction.atomic
def roll_record_findings(*, actor, inspection: Inspection) -> list[Finding]:
    """Findings through finding_record: each absence without a reason on the person, each item not
    met on the unit visited. A row already turned into a finding is not recorded again."""
    _require_roll(actor, inspection, "record_findings")
    absent = violation_type = None
    recorded = []
    entries = (RollEntry.objects.select_for_update(of=("self",)).filter(
        roll__inspection=inspection, state=Attendance.UNEXCUSED, finding__isnull=True)
        .select_related("roll__unit", "person__unit"))
    for entry in entries:
        if violation_type is None:
            violation_type = ViolationType.objects.get(code=ROLL_ABSENCE_VIOLATION)
        absent = finding_record(actor=actor, inspection=inspection, client_token=f"roll-entry-{entry.pk}", data={
            "subject_person": entry.person, "subject_unit": entry.roll.unit, "violation_type": violation_type,
            "occurred_at": entry.roll.checked_at, "location": entry.roll.unit.name,
            "description": _("Absent without a reason at the public-service check of %(day)s.")
            % {"day": dates.dmy(timezone.localtime(entry.roll.checked_at).date())}})
        RollEntry.objects.filter(pk=entry.pk).update(finding=absent)
        recorded.append(absent)
    results = (CheckResult.objects.select_for_update(of=("self",)).filter(
        roll__inspection=inspection, outcome=CheckOutcome.NOT_MET, finding__isnull=True)
        .select_related("roll__unit", "item__violation_type"))
    for result in results:
        description = _("Not met at the public-service check: %(item)s.") % {"item": result.item.name}
        if result.note:
            description = f"{description} {result.note}"
        finding = finding_record(actor=actor, inspection=inspection, client_token=f"roll-check-{result.pk}", data={
            "subject_person": None, "subject_unit": result.roll.unit, "violation_type": result.item.violation_type,
            "occurred_at": result.roll.checked_at, "location": result.roll.unit.name, "description": description})
        CheckResult.objects.filter(pk=result.pk).update(finding=finding)
        recorded.append(finding)
    if recorded:
        _event(inspection=inspection, action="roll_findings", actor=actor, data={"count": len(recorded)})
    return recorded


def _notify_check_results(inspection: Inspection) -> None:
    """The notice of results to each unit visited: its heads get the roll's summary and the items
    not met, when the check is concluded."""
    from inspections.selectors import roll_summary

    for roll in inspection.rolls.select_related("unit"):
        summary = roll_summary(roll)
        not_met = [r.item.name for r in roll.checks.filter(outcome=CheckOutcome.NOT_MET).select_related("item")]
        message = _("Results of the public-service check %(code)s at %(unit)s: %(summary)s.") % {
            "code": inspection.code, "unit": roll.unit, "summary": summary["text"]}
        if not_met:
            message = f"{message} " + _("Not met: %(items)s.") % {"items": "; ".join(not_met)}
        _notify(heads_of(roll.unit), "inspection.check_results", message, target=inspection,
                url=_inspection_url(inspection), dedupe_key=f"check-results-{roll.pk}")
