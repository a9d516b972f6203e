"""The access policy for units and people.

Who may see what follows from three sources, turned here into (a) a queryset filter for
lists and (b) a check for one object and one action:

- membership: everyone sees themselves, their own unit and its members;
- roles held in a unit (current on today's date):
  head / deputy            -> read and manage the unit's subtree,
  inspector, council roles -> read the unit's subtree,
  staff                    -> read the unit (same as membership),
  administrator            -> read and administer the whole organisation;
- explicit django-guardian grants of ``accounts.view_unit`` on a unit -> read its subtree.

Lists are always filtered by the queryset, never by per-object checks. An object outside
the scope is "not found" (404), never "forbidden", so nothing leaks its existence.

The signed-in user's scope is worked out once and kept in their session, stamped with what it was
worked out from: the user's access version, the access generation of the unit tree (both read with
the user's row, in the query that loads it on every request) and the local date (roles count within
their dates). Any other stamp — a role, a grant or a group changed since, a unit moved, another
day — and it is worked out again, on whichever app server the request reaches. What raises the
version and the generation: accounts.signals. The user's own unit, is_superuser and is_active are
taken from the row itself on every request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import (
    AccessGeneration,
    LocalRegulation,
    Role,
    RoleAssignment,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
    User,
)

MANAGING_ROLES = frozenset({Role.HEAD, Role.DEPUTY})
SUBTREE_READING_ROLES = frozenset(
    {Role.HEAD, Role.DEPUTY, Role.INSPECTOR, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY}
)
COUNCIL_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY})
# A condition every row meets. Not Q(): an empty Q vanishes when ORed (`Q() | Q(x)` is `Q(x)`), so a
# superuser's "everything" would silently narrow to x; NOT (pk IN ()) stays true whatever it meets.
EVERYTHING = ~Q(pk__in=[])


def _outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop every path that lies inside another one: its subtree is already covered."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return tuple(kept)


@dataclass(frozen=True)
class AccessScope:
    """What one user may reach, worked out from their current roles and grants."""

    user_id: int | None
    is_superuser: bool
    own_unit_id: int | None
    roles: frozenset[str]
    admin_org_ids: frozenset[int]
    read_paths: tuple[str, ...]  # unit subtrees readable through roles or grants
    managed_paths: tuple[str, ...]  # unit subtrees the user heads or deputises
    council_paths: tuple[str, ...] = ()  # unit subtrees whose emulation council the user sits on

    # -- queryset filters ----------------------------------------------------------

    def units_q(self, prefix: str = "") -> Q:
        """Q over units (through the relation `prefix`, e.g. "unit__") this user may read."""
        if self.is_superuser:
            return EVERYTHING
        q = Q(**{f"{prefix}pk__in": [self.own_unit_id] if self.own_unit_id else []})
        if self.admin_org_ids:
            q |= Q(**{f"{prefix}organisation_id__in": sorted(self.admin_org_ids)})
        for path in self.read_paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def people_q(self) -> Q:
        """Q over users this user may read: themselves and members of readable units."""
        if self.is_superuser:
            return EVERYTHING
        return Q(pk=self.user_id) | self.units_q("unit__")

    # -- single-object checks (no query) ------------------------------------------

    def can_read_unit(self, unit: Unit) -> bool:
        return (
            self.is_superuser
            or unit.pk == self.own_unit_id
            or unit.organisation_id in self.admin_org_ids
            or any(unit.path.startswith(path) for path in self.read_paths)
        )

    def can_manage_unit(self, unit: Unit) -> bool:
        """Head or deputy of the unit or of one above it."""
        return self.is_superuser or any(unit.path.startswith(path) for path in self.managed_paths)

    def can_administer_unit(self, unit: Unit) -> bool:
        return self.is_superuser or unit.organisation_id in self.admin_org_ids

    def can_read_person(self, person: User) -> bool:
        if self.is_superuser or person.pk == self.user_id:
            return True
        return person.unit is not None and self.can_read_unit(person.unit)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or bool(self.admin_org_ids)

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_paths)

    @property
    def is_inspector(self) -> bool:
        return Role.INSPECTOR in self.roles

    @property
    def is_council(self) -> bool:
        return bool(self.roles & COUNCIL_ROLES)

    @property
    def reads_rules(self) -> bool:
        """Administrators, inspectors and council members read the rules in force (with who changed them)."""
        return self.is_admin or self.is_inspector or self.is_council


_NO_ACCESS = AccessScope(None, False, None, frozenset(), frozenset(), (), ())


# Where a session keeps its user's scope: {"stamp": [...], "roles": [...], "admin_org_ids": [...],
# "read_paths": [...], "managed_paths": [...], "council_paths": [...]}.
SESSION_KEY = "_access_scope"
GENERATION = "access_generation"  # the annotation of the signed-in user's row (with_access_stamp)


def with_access_stamp(users: QuerySet) -> QuerySet:
    """`users` annotated with the unit tree's access generation, in the same query."""
    return users.annotate(**{GENERATION: AccessGeneration.current()})


def bind_session(request) -> None:
    """Let the signed-in user's scope be kept in this request's session (called by
    accounts.security.SessionTimeoutMiddleware once the session is known to be live)."""
    user = request.user
    if user.is_authenticated and hasattr(request, "session"):
        user._access_session = request.session


def _stamp(user, version, generation, on) -> list:
    return [user.pk, version, generation or 0, on.isoformat()]


def scope_for(user) -> AccessScope:
    """The user's scope, cached on the user object for the rest of the request. For the user of a
    signed-in session (bind_session), kept in the session from one request to the next for as
    long as its stamp is the one the user's row and today's date give."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _NO_ACCESS
    cached = getattr(user, "_access_scope", None)
    if cached is not None:
        return cached

    today = timezone.localdate()
    session = getattr(user, "_access_session", None)
    stamp = None
    if session is not None and hasattr(user, GENERATION):
        stamp = _stamp(user, user.access_version, getattr(user, GENERATION), today)
    scope = _kept_scope(user, session.get(SESSION_KEY), stamp) if stamp is not None else None
    if scope is None:
        scope = _work_out(user, today)
        if stamp is not None:
            session[SESSION_KEY] = _to_session(scope, stamp)
    user._access_scope = scope
    return scope


def remember_scope(session, user) -> None:
    """Work out the user's scope as they sign in and keep it in their new session, so that their
    first page finds it there. The stamp is read afresh first: `user` may be an older instance."""
    if not user.is_active:
        return
    stamp = with_access_stamp(User._base_manager.filter(pk=user.pk)).values_list("access_version", GENERATION).first()
    if stamp is None:
        return
    today = timezone.localdate()
    session[SESSION_KEY] = _to_session(_work_out(user, today), _stamp(user, *stamp, today))


def _work_out(user, on) -> AccessScope:
    """Two queries: the roles current on the date `on`, and the grants (one UNION)."""
    role_rows = RoleAssignment.objects.current(on).filter(user=user).values_list(
        "role", "unit__path", "unit__organisation_id"
    )
    granted = UnitUserObjectPermission.objects.filter(user=user, permission__codename="view_unit").values_list(
        "content_object__path", flat=True
    ).union(
        UnitGroupObjectPermission.objects.filter(
            group__user=user, permission__codename="view_unit"
        ).values_list("content_object__path", flat=True)
    )
    return _build_scope(user, role_rows, granted)


def _to_session(scope: AccessScope, stamp: list) -> dict:
    return {
        "stamp": stamp,
        "roles": sorted(scope.roles),
        "admin_org_ids": sorted(scope.admin_org_ids),
        "read_paths": list(scope.read_paths),
        "managed_paths": list(scope.managed_paths),
        "council_paths": list(scope.council_paths),
    }


def _kept_scope(user, kept, stamp: list) -> AccessScope | None:
    """The scope the session keeps, if it was worked out from exactly this stamp; else None. Who
    the user is, their unit and whether they are a superuser come from their row of this request."""
    if not isinstance(kept, dict) or kept.get("stamp") != stamp:
        return None
    try:
        return AccessScope(
            user_id=user.pk,
            is_superuser=user.is_superuser,
            own_unit_id=user.unit_id,
            roles=frozenset(kept["roles"]),
            admin_org_ids=frozenset(kept["admin_org_ids"]),
            read_paths=tuple(kept["read_paths"]),
            managed_paths=tuple(kept["managed_paths"]),
            council_paths=tuple(kept["council_paths"]),
        )
    except (KeyError, TypeError):
        return None


def _build_scope(user, role_rows, granted_paths) -> AccessScope:
    roles: set[str] = set()
    admin_org_ids: set[int] = set()
    read_paths: set[str] = set()
    managed_paths: set[str] = set()
    council_paths: set[str] = set()
    for role, path, org_id in role_rows:
        roles.add(role)
        if role == Role.ADMIN:
            admin_org_ids.add(org_id)
        if role in SUBTREE_READING_ROLES:
            read_paths.add(path)
        if role in MANAGING_ROLES:
            managed_paths.add(path)
        if role in COUNCIL_ROLES:
            council_paths.add(path)
    read_paths.update(granted_paths)
    return AccessScope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        own_unit_id=user.unit_id,
        roles=frozenset(roles),
        admin_org_ids=frozenset(admin_org_ids),
        read_paths=_outermost(read_paths),
        managed_paths=_outermost(managed_paths),
        council_paths=_outermost(council_paths),
    )


def prime_scopes(users) -> None:
    """Work out the scopes of many users at once (two queries, however many they are) and cache
    each on its user object, so that checks which ask about other people — whether a task's lead
    holds authority, whether someone stands above a person — cost no query per row of a list."""
    pending: dict[int, list] = {}
    for user in users:
        if user is not None and user.is_authenticated and user.is_active and getattr(user, "_access_scope", None) is None:
            pending.setdefault(user.pk, []).append(user)
    if not pending:
        return
    ids = sorted(pending)
    role_rows: dict[int, list] = {pk: [] for pk in ids}
    for user_id, role, path, org_id in RoleAssignment.objects.current().filter(user_id__in=ids).values_list(
        "user_id", "role", "unit__path", "unit__organisation_id"
    ):
        role_rows[user_id].append((role, path, org_id))
    granted: dict[int, list] = {pk: [] for pk in ids}
    for user_id, path in UnitUserObjectPermission.objects.filter(
        user_id__in=ids, permission__codename="view_unit"
    ).values_list("user_id", "content_object__path").union(
        UnitGroupObjectPermission.objects.filter(
            group__user__in=ids, permission__codename="view_unit"
        ).values_list("group__user", "content_object__path")
    ):
        granted[user_id].append(path)
    for pk, same_user in pending.items():
        scope = _build_scope(same_user[0], role_rows[pk], granted[pk])
        for user in same_user:
            user._access_scope = scope


# -- selectors used by every page and API ---------------------------------------------


def units_visible_to(user) -> QuerySet[Unit]:
    scope = scope_for(user)
    if scope is _NO_ACCESS:
        return Unit.objects.none()
    return Unit.objects.filter(scope.units_q())


def people_visible_to(user) -> QuerySet[User]:
    scope = scope_for(user)
    if scope is _NO_ACCESS:
        return User.objects.none()
    return User.objects.filter(scope.people_q())


def regulations_visible_to(user) -> QuerySet[LocalRegulation]:
    """A body's own regulations are read by everyone of the organisation (they are the rules its
    people are judged by) and by its administrators."""
    scope = scope_for(user)
    if scope is _NO_ACCESS:
        return LocalRegulation.objects.none()
    if scope.is_superuser:
        return LocalRegulation.objects.all()
    own = Q(organisation_id=user.unit.organisation_id) if getattr(user, "unit_id", None) else Q(pk__in=[])
    return LocalRegulation.objects.filter(own | Q(organisation_id__in=sorted(scope.admin_org_ids)))


def get_regulation_for_user(user, pk) -> LocalRegulation:
    try:
        return regulations_visible_to(user).get(pk=pk)
    except (LocalRegulation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_unit_for_user(user, pk) -> Unit:
    """The unit, or 404 when it does not exist or lies outside the user's scope."""
    try:
        return units_visible_to(user).select_related("organisation").get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_person_for_user(user, pk) -> User:
    """The person, or 404 when they do not exist or lie outside the user's scope."""
    try:
        return people_visible_to(user).select_related("unit").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def manages_from_above(user, person) -> bool:
    """Whether `user` stands above `person` in the line of management: head or deputy of a unit
    whose subtree holds the person's unit, a unit the person does not head or deputise themselves
    (nor one above it). So the head of a unit is above its plain officials, and above the head and
    deputies of a unit below; nobody is above themselves, and the head and deputies of one unit are
    not above one another — the leaders of a unit are judged from the unit above. A superuser is
    above everyone else. Who judges someone's work or enters their points asks this."""
    if user is None or person is None or user.pk == person.pk:
        return False
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    if scope.is_superuser:
        return True
    if person.unit_id is None:
        return False
    theirs = scope_for(person).managed_paths
    return any(
        person.unit.path.startswith(mine) and not any(mine.startswith(path) for path in theirs)
        for mine in scope.managed_paths
    )
