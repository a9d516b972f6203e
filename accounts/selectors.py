"""Reads of units and people, always scoped by the access policy."""

from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery

from accounts.access import people_visible_to, units_visible_to
from accounts.collation import by_vietnamese
from accounts.models import Role, RoleAssignment, Unit, User
from core.text import fold


def unit_list_for_user(user, *, search: str = "", include_inactive: bool = False) -> QuerySet[Unit]:
    units = units_visible_to(user).select_related("organisation")
    if not include_inactive:
        units = units.filter(active=True)
    if search:
        units = units.filter(search_text__contains=fold(search))
    return units.order_by("path")


def person_list_for_user(user, *, search: str = "", unit: Unit | None = None) -> QuerySet[User]:
    people = people_visible_to(user).filter(is_active=True).select_related("unit")
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    if search:
        people = people.filter(search_text__contains=fold(search))
    return people.order_by(by_vietnamese("full_name"), "id")


PICKER_LIMIT = 10  # answers shown under a person search box


def person_choices_for_user(user, *, search: str, within: Unit | None = None, people: QuerySet[User] | None = None
                            ) -> list[User]:
    """The people a person search box offers for `search` (diacritics ignored, at least two
    characters): active, visible to the user, within the unit's subtree when one is given, in
    Vietnamese order."""
    folded = fold(search)
    if len(folded) < 2:
        return []
    people = people if people is not None else people_visible_to(user)
    people = people.filter(is_active=True, search_text__contains=folded)
    if within is not None:
        people = people.filter(unit__path__startswith=within.path)
    return list(people.select_related("unit").order_by(by_vietnamese("full_name"), "id")[:PICKER_LIMIT])


def unit_children_with_counts(user, unit: Unit) -> QuerySet[Unit]:
    """Direct sub-units the user may see, each with the number of active people in its subtree."""
    people_below = (
        User.objects.filter(unit__path__startswith=OuterRef("path"), is_active=True)
        .order_by()
        .values("is_active")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        units_visible_to(user)
        .filter(path__startswith=unit.path, depth=unit.depth + 1)
        .annotate(member_count=Subquery(people_below, output_field=IntegerField()))
        .order_by("path")
    )


def subtree_counts(unit: Unit) -> dict[str, int]:
    return {
        "units": Unit.objects.filter(path__startswith=unit.path, active=True).count(),
        "people": User.objects.filter(unit__path__startswith=unit.path, is_active=True).count(),
    }


def roles_of(user) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.current().filter(user=user).select_related("unit").order_by("unit__path", "role")


def role_units(user, roles) -> list[Unit]:
    """The units where the user currently holds one of `roles` (outermost first)."""
    seen = {}
    for assignment in roles_of(user).filter(role__in=list(roles)):
        seen.setdefault(assignment.unit_id, assignment.unit)
    return list(seen.values())



def heads_of(unit: Unit) -> list[User]:
    """The current heads of one unit (those who lead its work and answer for it)."""
    return [a.user for a in RoleAssignment.objects.current().filter(unit=unit, role=Role.HEAD).select_related("user")]


def head_ids_by_unit(unit_ids) -> dict[int, list[int]]:
    """For many units at once (scheduled jobs): unit id -> ids of its current heads, one query."""
    heads = defaultdict(list)
    for unit_id, user_id in RoleAssignment.objects.current().filter(unit_id__in=list(unit_ids), role=Role.HEAD) \
            .values_list("unit_id", "user_id"):
        heads[unit_id].append(user_id)
    return heads
