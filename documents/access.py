"""Who may do what with a record's document: the one answer the pages, the API and the services use.

Whoever sees the record (the kind's `get_for_user`, 404 otherwise) downloads its document. A
register number is drawn by whoever the kind names (`may_issue`: the task's assigner, the
inspection's director, the council that ran the session, …), and only for a record that does not
bear a number of its own (a decision typed in from the office's paper register)."""

from __future__ import annotations

from datetime import date

from documents.registry import DocumentKind


def own_number(kind: DocumentKind, obj) -> tuple[str, date | None] | None:
    """The number and date the record carries itself (see DocumentKind.own_number), or None."""
    if kind.own_number is None:
        return None
    number, day = kind.own_number(obj)
    return (number, day) if number else None


def available_actions(user, kind: DocumentKind, obj) -> set[str]:
    """What `user` may do now with the document `kind` makes of `obj` (a record they see)."""
    actions = {"download"}
    if kind.may_issue(user, obj) and own_number(kind, obj) is None:
        actions.add("register")
    return actions
