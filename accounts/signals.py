"""Every change that can change what someone may reach makes their next request work their access
scope out again (accounts.access.scope_for keeps it in the session, stamped).

- a role assignment created, changed (its holder, unit, role or dates) or deleted, and a grant of a
  unit to a person: that person's access version goes up (both people's when the holder changes);
- a grant of a unit to a group, and a change of someone's groups: the members' versions go up
  (for a grant, once more when its transaction commits, for whoever joined the group meanwhile);
- a unit's path or organisation changing (a move, siblings shifted to make room, a deletion): the
  access generation goes up, and with it every scope.

Saves and deletes arrive here, including those of the admin site, of cascades and of queryset
delete(); update(), bulk_create() and bulk_update() send no signal and raise the version in the
querysets themselves (accounts.models.ScopeChangingQuerySet). Each raise comes after the write, in
its transaction or after it committed: a request that reads the raised version reads the change.
The user's own unit, is_superuser and is_active are read from the user's row on every request.
"""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from treebeard.mp_tree import path_updated

from accounts.models import (
    AccessGeneration,
    RoleAssignment,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
    User,
    bump_access_version,
    bump_group_members_on_commit,
    group_members,
)

USER_HELD = (RoleAssignment, UnitUserObjectPermission)
Membership = User.groups.through


def _stored(sender, instance, using, *fields):
    if instance._state.adding or instance.pk is None:
        return None
    return sender._base_manager.using(using).filter(pk=instance.pk).values_list(*fields).first()


def _holder_before(sender, instance, raw=False, using=None, **kwargs):
    stored = _stored(sender, instance, using, "user_id")
    instance._access_holders_before = {stored[0]} if stored else set()


def _holder_after_save(sender, instance, using=None, **kwargs):
    bump_access_version({instance.user_id, *getattr(instance, "_access_holders_before", ())}, using=using)


def _holder_after_delete(sender, instance, using=None, **kwargs):
    bump_access_version({instance.user_id}, using=using)


def _group_before_save(sender, instance, raw=False, using=None, **kwargs):
    stored = _stored(sender, instance, using, "group_id")
    instance._access_groups_before = {stored[0]} if stored else set()


def _group_after_save(sender, instance, using=None, **kwargs):
    groups = {instance.group_id, *getattr(instance, "_access_groups_before", ())}
    bump_access_version(group_members(groups, using=using), using=using)
    bump_group_members_on_commit(groups, using=using)


def _group_before_delete(sender, instance, using=None, **kwargs):
    # The members as they are now: deleting the group itself deletes its memberships too.
    instance._access_members = group_members({instance.group_id}, using=using)


def _group_after_delete(sender, instance, using=None, **kwargs):
    bump_access_version(getattr(instance, "_access_members", ()), using=using)
    bump_group_members_on_commit({instance.group_id}, using=using)


def _membership_changed(sender, instance, action, reverse, model, pk_set, using=None, **kwargs):
    """user.groups.add/remove/set/clear (reverse=False, instance is the user) and
    group.user_set.… (reverse=True, instance is the group, pk_set the users)."""
    if action == "pre_clear" and reverse:
        instance._access_members = group_members({instance.pk}, using=using)
    elif action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            users = {instance.pk}
        elif action == "post_clear":
            users = getattr(instance, "_access_members", set())
        else:
            users = pk_set or set()
        bump_access_version(users, using=using)


def _membership_row(sender, instance, using=None, **kwargs):
    bump_access_version({instance.user_id}, using=using)


def _unit_before(sender, instance, raw=False, using=None, **kwargs):
    instance._access_place_before = _stored(sender, instance, using, "path", "organisation_id")


def _unit_after_save(sender, instance, created, using=None, **kwargs):
    before = getattr(instance, "_access_place_before", None)
    if before is not None and before != (instance.path, instance.organisation_id):
        AccessGeneration.bump(using=using)


def _units_changed(sender, using=None, **kwargs):
    AccessGeneration.bump(using=using)


def _remember_scope_at_login(sender, request, user, **kwargs):
    from accounts.access import remember_scope

    if request is not None and hasattr(request, "session"):
        remember_scope(request.session, user)


def connect() -> None:
    for model in USER_HELD:
        pre_save.connect(_holder_before, sender=model, dispatch_uid=f"access_{model.__name__}_pre_save")
        post_save.connect(_holder_after_save, sender=model, dispatch_uid=f"access_{model.__name__}_post_save")
        post_delete.connect(_holder_after_delete, sender=model, dispatch_uid=f"access_{model.__name__}_post_delete")
    pre_save.connect(_group_before_save, sender=UnitGroupObjectPermission, dispatch_uid="access_group_grant_pre_save")
    post_save.connect(_group_after_save, sender=UnitGroupObjectPermission, dispatch_uid="access_group_grant_post_save")
    pre_delete.connect(_group_before_delete, sender=UnitGroupObjectPermission,
                       dispatch_uid="access_group_grant_pre_delete")
    post_delete.connect(_group_after_delete, sender=UnitGroupObjectPermission,
                        dispatch_uid="access_group_grant_post_delete")
    m2m_changed.connect(_membership_changed, sender=Membership, dispatch_uid="access_membership_changed")
    post_save.connect(_membership_row, sender=Membership, dispatch_uid="access_membership_post_save")
    post_delete.connect(_membership_row, sender=Membership, dispatch_uid="access_membership_post_delete")
    pre_save.connect(_unit_before, sender=Unit, dispatch_uid="access_unit_pre_save")
    post_save.connect(_unit_after_save, sender=Unit, dispatch_uid="access_unit_post_save")
    post_delete.connect(_units_changed, sender=Unit, dispatch_uid="access_unit_post_delete")
    path_updated.connect(_units_changed, sender=Unit, dispatch_uid="access_unit_paths_updated")
    user_logged_in.connect(_remember_scope_at_login, dispatch_uid="access_scope_at_login")
