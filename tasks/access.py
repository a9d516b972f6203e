"""Who may see a task and who may act on it.

See: the people on it (assigner, lead, monitor, co-operating person or unit member), the heads
and deputies of the lead or assigning unit's subtree, the organisation's administrators, and —
read-only, as the evidence behind ratings — the emulation council of the lead unit's subtree.
Drafts: only the assigner and the managers of the assigning unit. Everything else is 404.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import F, Func, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import MANAGING_ROLES, manages_from_above, scope_for
from accounts.models import Unit, UnitUserObjectPermission
from accounts.selectors import roles_of
from tasks.models import OPEN_STATUSES, Participant, Task, TaskOwner, TaskStatus


def _unit_ids_under(*path_groups) -> tuple[list[list[int] | None], int]:
    """For each group of subtree paths, the ids of the units in it (None for an empty group), and
    how many units there are in all, read in one query. Literal lists: with them PostgreSQL knows
    how many tasks a condition covers and picks the right plan (a bitmap for a commune, the
    deadline index for a whole province)."""
    every = {path for group in path_groups for path in group}
    if not every:
        return [None] * len(path_groups), 0
    total = Unit.objects.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")
    units = list(Unit.objects.filter(reduce(operator.or_, (Q(path__startswith=path) for path in every)))
                 .annotate(total=Subquery(total)).order_by("id").values_list("id", "path", "total"))
    ids = [[pk for pk, path, _total in units if path.startswith(tuple(group))] if group else None
           for group in path_groups]
    return ids, units[0][2] if units else 0


def tasks_visible_to(user) -> QuerySet[Task]:
    # Every condition is on a column of the task itself (unit subtrees become id lists, the
    # participations an id subquery run once), so PostgreSQL serves the OR from the columns'
    # indexes instead of joining units and scanning every task.
    scope = scope_for(user)
    if scope.user_id is None:
        return Task.objects.none()
    if scope.is_superuser:
        return Task.objects.all()
    (managed, council), units_in_all = _unit_ids_under(scope.managed_paths, scope.council_paths)
    if managed is not None and len(managed) == units_in_all:
        # Heads of every unit there is (a province's own server): every task is assigned from a
        # unit they manage, drafts included, so the scope is every task. Said so, the list reads
        # the order's index and stops at its page, instead of checking three lists of every unit
        # id against each row (and planning them on every request).
        return Task.objects.all()
    mine = Participant.objects.filter(Q(user_id=scope.user_id) | Q(unit_id=scope.own_unit_id, user__isnull=True))
    q = (
        Q(lead_id=scope.user_id) | Q(assigner_id=scope.user_id) | Q(monitor_id=scope.user_id)
        | Q(pk__in_array=mine.values("task_id"))
    )
    if managed is not None:
        q |= Q(lead_unit_id__in=managed) | Q(assigning_unit_id__in=managed)
    if scope.admin_org_ids:
        org_units = Unit.objects.filter(organisation_id__in=sorted(scope.admin_org_ids)).order_by().values("id")
        q |= Q(assigning_unit_id__in_array=org_units)
    if council is not None:
        q |= Q(lead_unit_id__in=council)
    drafts_of_mine = Q(assigner_id=scope.user_id)
    if managed is not None:
        drafts_of_mine |= Q(assigning_unit_id__in=managed)
    return Task.objects.filter(q).filter(~Q(status=TaskStatus.DRAFT) | drafts_of_mine)


def sees_every_task_led_in(user, unit: Unit) -> bool:
    """Whether tasks_visible_to(user) holds every counted task led in the unit's subtree (drafts,
    the only tasks it may leave out, are never counted): the superuser, and whoever heads, deputises
    or sits on the council of the unit or a unit above it. Their overviews read the tallies."""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    return scope.is_superuser or unit.path.startswith((*scope.managed_paths, *scope.council_paths))


def get_task_for_user(user, pk, *, for_update: bool = False) -> Task:
    """The task, or 404 when it does not exist or the user may not see it."""
    try:
        return tasks_visible_to(user).select_related(
            "assigner", "assigning_unit", "lead", "lead_unit", "monitor", "parent", "process_template"
        ).get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_assign_in(user, unit) -> bool:
    """Heads and deputies assign in their subtree; a guardian grant `accounts.assign_in_unit`
    on the unit or one above it delegates the right."""
    scope = scope_for(user)
    if scope.can_manage_unit(unit):
        return True
    return UnitUserObjectPermission.objects.filter(
        user_id=scope.user_id, permission__codename="assign_in_unit", content_object__path__in=unit.ancestor_paths()
    ).exists()


def can_import_history(user, unit: Unit) -> bool:
    """Bringing a unit's existing task register: its heads and deputies (the subtree they manage)
    and the administrators of its organisation. Nobody else sees the history import."""
    scope = scope_for(user)
    return scope.can_manage_unit(unit) or scope.can_administer_unit(unit)


def history_import_units(user) -> list[Unit]:
    """The units `user` may bring a register into, outermost first: every unit of the
    organisations they administer, and the units they head or deputise."""
    scope = scope_for(user)
    if scope.user_id is None:
        return []
    if scope.is_superuser:
        units = Unit.objects.all()
    else:
        headed = [role.unit_id for role in roles_of(user).filter(role__in=list(MANAGING_ROLES))]
        units = Unit.objects.filter(Q(organisation_id__in=sorted(scope.admin_org_ids)) | Q(pk__in=headed))
    return list(units.select_related("organisation").order_by("path"))


def is_assigning_authority(user, task: Task) -> bool:
    """The assigner, or a head/deputy above the assigning unit: decides extensions and results."""
    return task.assigner_id == user.pk or scope_for(user).can_manage_unit(task.assigning_unit)


def _lead_holds_authority(task: Task) -> bool:
    """The lead is themselves an assigning authority of the task: they assigned it, or they head
    or deputise the assigning unit (or one above it) — a self-led task."""
    if task.lead_id is None:
        return False
    return task.lead_id == task.assigner_id or scope_for(task.lead).can_manage_unit(task.assigning_unit)


def may_judge(user, task: Task) -> bool:
    """Approve or send back the result, decide an extension, confirm an objective cause.

    Nobody judges their own work (DOMAIN.md §3): the lead never does. The assigning authority
    judges; but when the lead is one of the task's authorities (a self-led task), only someone
    above the lead does — the manager of a unit above (accounts.access.manages_from_above), not a
    deputy of the lead's own unit — or an assigner who is no manager in the lead's line at all
    (the inspection leader of a remedy, whose authority is the signed act)."""
    if task.lead_id is not None and user.pk == task.lead_id:
        return False
    if not _lead_holds_authority(task):
        return is_assigning_authority(user, task)
    if manages_from_above(user, task.lead):
        return True
    return (task.assigner_id == user.pk and task.lead.unit_id is not None
            and not scope_for(user).can_manage_unit(task.lead.unit))


LEAD_ACTIONS = frozenset({"accept", "return", "report_progress", "delegate", "request_extension", "submit"})
AUTHORITY_ACTIONS = frozenset({"edit", "assign", "cancel"})
JUDGING_ACTIONS = frozenset({"approve", "send_back", "decide_extension", "confirm_objective_cause"})

# The states in which each action can be taken (the service checks the state again under the lock).
ACTION_STATES = {
    "edit": (TaskStatus.DRAFT, TaskStatus.RETURNED),
    "assign": (TaskStatus.DRAFT, TaskStatus.RETURNED),
    "accept": (TaskStatus.ASSIGNED,),
    "return": (TaskStatus.ASSIGNED,),
    "report_progress": (TaskStatus.IN_PROGRESS,),
    "delegate": (TaskStatus.IN_PROGRESS,),
    "request_extension": (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS),
    "submit": (TaskStatus.IN_PROGRESS,),
    "decide_extension": OPEN_STATUSES,
    "approve": (TaskStatus.SUBMITTED,),
    "send_back": (TaskStatus.SUBMITTED,),
    "cancel": (TaskStatus.DRAFT, TaskStatus.RETURNED, *OPEN_STATUSES),
}


def can(user, task: Task, action: str) -> bool:
    """Whether the user's place on the task lets them take `action`, whatever its state: what every
    service checks before acting (403 when not). The lead acts on the work, the assigning authority
    on the assignment, and the judging actions follow may_judge."""
    if action in LEAD_ACTIONS:
        return task.lead_id is not None and task.lead_id == user.pk
    if action == "cancel" and user.pk == task.lead_id and task.status not in (TaskStatus.DRAFT, TaskStatus.RETURNED):
        # Cancelling open work one leads would erase one's own delay: someone above cancels it.
        return False
    if action in AUTHORITY_ACTIONS:
        return is_assigning_authority(user, task)
    if action in JUDGING_ACTIONS:
        return may_judge(user, task)
    raise ValueError(f"unknown task action {action!r}")


def available_actions(user, task: Task) -> frozenset[str]:
    """What the user may do on the task now: permitted (`can`) and fitting its state. The page's
    buttons and the API's `actions` are this set, so both offer exactly what the services accept."""
    return frozenset(action for action, states in ACTION_STATES.items()
                     if task.status in states and can(user, task, action) and owner_refusal(task, action) is None)


# What the record that owns a task (Task.managed_by) keeps to itself: it cancels, returns or
# replaces the task through its own services, so the record never outlives its task unseen.
OWNER_ACTIONS = frozenset({"cancel", "return"})


def owner_refusal(task: Task, action: str, *, owner: str = "") -> str | None:
    """Why the task engine refuses `action` on a task another record manages, or None. Only that
    record's services pass their `owner` and take the action."""
    if action not in OWNER_ACTIONS or not task.managed_by or owner == task.managed_by:
        return None
    label = TaskOwner(task.managed_by).label
    return _("This task is managed by its %(owner)s; act on the %(owner)s.") % {"owner": label}
