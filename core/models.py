"""What every aggregate's records share: the history row, the code sequence, the search text."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import INLINE_EXTENSIONS
from core.text import fold


class Event(models.Model):
    """The history row of an action on a record: who, when, from which state to which, why.

    Each aggregate keeps its own table (its foreign key to the record, its indexes) on these
    fields, and names its actions in ACTION_LABELS."""

    ACTION_LABELS: ClassVar[dict] = {}
    STATUS_CHOICES: ClassVar[type[models.TextChoices] | None] = None

    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=25, blank=True)
    to_status = models.CharField(_("to"), max_length=25, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return self.action

    @property
    def action_display(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))

    def _status_label(self, value: str) -> str:
        choices = self.STATUS_CHOICES
        return choices(value).label if choices is not None and value in choices.values else value

    @property
    def from_display(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_display(self) -> str:
        return self._status_label(self.to_status)


class CodeSequence(models.Model):
    """The last number given to a kind of record in a year ("NV2026-000042"): codes are drawn from
    it inside the transaction that writes the record, so they have no gaps and no duplicates."""

    prefix = models.CharField(_("prefix"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("code sequence")
        verbose_name_plural = _("code sequences")
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_code_sequence_per_prefix_year")]

    def __str__(self):
        return f"{self.prefix}{self.year}: {self.last}"


class SearchText:
    """A model with a `search_text` column keeps in it the diacritic-folded text of `search_source()`,
    refreshed on every save, so one `contains` query finds "Nguyễn" typed as "nguyen"."""

    def search_source(self) -> str:
        raise NotImplementedError

    def refresh_search_text(self) -> None:
        limit = self._meta.get_field("search_text").max_length
        self.search_text = fold(self.search_source())[:limit]

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

class EvidenceFile(models.Model):
    """What every evidence file records besides the file itself (checked by core.evidence first)."""

    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    @property
    def is_photo(self) -> bool:
        """A photo is shown as a thumbnail; it is also the only kind of file served inline."""
        return self.name.lower().endswith(INLINE_EXTENSIONS)
