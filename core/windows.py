"""Rules that are data carry an effective window (DESIGN.md "Rules are data")."""

from django.db import models
from django.db.models import Q


class EffectiveWindowQuerySet(models.QuerySet):
    """Rows with nullable `valid_from` / `valid_to` dates (open-ended when empty)."""

    def in_force(self, on):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))
