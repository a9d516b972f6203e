"""Uploaded files that no row refers to, and their removal.

An upload writes its file first and commits its row after (the file must exist before a row
may point at it). A process that dies between the two — a worker killed in the middle of a
request, a transaction rolled back after the file was written — leaves a file that nothing
refers to. Writing under a temporary name and renaming on commit would not prevent it: the
killed process leaves its temporary file just the same, and a death between the commit and the
rename would leave a row without its file, which is worse for legal evidence. So the order
stays file-then-row, and this sweep removes what a dead upload left behind.

It knows every model that holds files by asking the models, not a list: each FileField of
each installed model both names the folder its files go to (its upload_to) and holds the
names that are referenced. Only files older than MEDIA_ORPHAN_MIN_AGE_SECONDS are candidates,
so an upload whose transaction is still open is never touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

BATCH = 500  # candidate names looked up per query


@dataclass
class _Storage:
    storage: object
    folders: set[str] = field(default_factory=set)
    fields: list[tuple[type[models.Model], models.FileField]] = field(default_factory=list)


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every FileField (ImageField included) of every installed model's own table."""
    return [
        (model, model_field)
        for model in apps.get_models()
        if not model._meta.proxy
        for model_field in model._meta.local_concrete_fields
        if isinstance(model_field, models.FileField)
    ]


def _upload_folder(model, model_field) -> str | None:
    """The top folder this field uploads to, from its own upload_to (called on an empty instance)."""
    try:
        name = model_field.generate_filename(model(), "probe")
    except Exception:  # noqa: BLE001 (an upload_to that needs a real instance: its folder is not swept)
        logger.warning("Cannot tell where %s.%s uploads to; its folder is not swept", model.__name__,
                       model_field.name, exc_info=True)
        return None
    head, _sep, _rest = name.partition("/")
    return head if _sep and head not in ("", ".", "..") else None


def _storages() -> list[_Storage]:
    by_storage: dict[int, _Storage] = {}
    for model, model_field in file_fields():
        entry = by_storage.setdefault(id(model_field.storage), _Storage(model_field.storage))
        entry.fields.append((model, model_field))
        folder = _upload_folder(model, model_field)
        if folder:
            entry.folders.add(folder)
    return list(by_storage.values())


def _walk(storage, folder: str):
    """Every file name under `folder`, depth first, with the storage's own listing."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}"
    for name in sorted(directories):
        yield from _walk(storage, f"{folder}/{name}")


def _referenced(entry: _Storage, names: list[str]) -> set[str]:
    found = set()
    for model, model_field in entry.fields:
        found.update(model._base_manager.filter(**{f"{model_field.attname}__in": names})
                     .values_list(model_field.attname, flat=True))
    return found


def media_orphans_remove(now: datetime | None = None) -> list[str]:
    """Remove the files under the models' upload folders that no row refers to and that are
    older than the grace period. Returns the names removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.MEDIA_ORPHAN_MIN_AGE_SECONDS)
    removed = []
    for entry in _storages():
        for folder in sorted(entry.folders):
            candidates = []
            for name in _walk(entry.storage, folder):
                if _modified(entry.storage, name) < cutoff:
                    candidates.append(name)
                if len(candidates) >= BATCH:
                    removed += _remove_unreferenced(entry, candidates)
                    candidates = []
            removed += _remove_unreferenced(entry, candidates)
    return removed


def _modified(storage, name: str) -> datetime:
    modified = storage.get_modified_time(name)
    return modified if timezone.is_aware(modified) else timezone.make_aware(modified)


def _remove_unreferenced(entry: _Storage, names: list[str]) -> list[str]:
    if not names:
        return []
    referenced = _referenced(entry, names)
    removed = []
    for name in names:
        if name in referenced:
            continue
        entry.storage.delete(name)
        logger.warning("Removed %s: no record refers to it (an upload that did not finish)", name)
        removed.append(name)
    return removed

