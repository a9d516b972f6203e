"""Emulation rules as data (DOMAIN.md §3, §4): rating bands and quotas per staff group and year,
title conditions, quotas and vote thresholds — each with a legal basis and an effective window,
seeded by a data migration and edited by the administrator."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import StaffGroup
from config.windows import EffectiveWindowQuerySet


class RatingLevel(models.TextChoices):
    """Highest to lowest (DOMAIN.md §3)."""

    HTXS = "htxs", _("Excellently completed duties (HTXS)")
    HTT = "htt", _("Well completed duties (HTT)")
    HT = "ht", _("Completed duties (HT)")
    KHT = "kht", _("Did not complete duties (KHT)")


class RatingMode(models.TextChoices):
    POINTS = "points", _("100-point scale (Decree 335/2025)")
    CRITERIA = "criteria", _("Criteria (Decree 90/2020)")


class RatingRuleSet(models.Model):
    """How one staff group is rated during one window: the mode, the bands and the HTXS quota."""

    name = models.CharField(_("name"), max_length=200)
    staff_group = models.CharField(_("staff group"), max_length=20, choices=StaffGroup.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=RatingMode.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    htxs_min_points = models.PositiveSmallIntegerField(_("HTXS from (points)"), default=90)
    htt_min_points = models.PositiveSmallIntegerField(_("HTT from (points)"), default=70)
    ht_min_points = models.PositiveSmallIntegerField(_("HT from (points)"), default=50)
    htxs_quota_percent = models.PositiveSmallIntegerField(
        _("HTXS at most (percent of those rated HTT)"), default=20,
        help_text=_("Counted per unit and group with similar duties."))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating rule set")
        verbose_name_plural = _("rating rule sets")
        ordering = ["staff_group", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(htxs_min_points__gt=models.F("htt_min_points"))
                                   & Q(htt_min_points__gt=models.F("ht_min_points")), name="rating_bands_ordered"),
            models.CheckConstraint(condition=Q(htxs_quota_percent__lte=100), name="rating_quota_is_a_percent"),
        ]

    def __str__(self):
        return self.name


class Title(models.TextChoices):
    LDTT = "ldtt", _("Advanced worker (Lao động tiên tiến)")
    CSTDCS = "cstdcs", _("Grassroots emulation fighter (Chiến sĩ thi đua cơ sở)")
    CSTD_TINH = "cstd_tinh", _("Provincial emulation fighter (Chiến sĩ thi đua cấp tỉnh)")
    TAP_THE_LDTT = "tt_ldtt", _("Advanced collective (Tập thể lao động tiên tiến)")
    TAP_THE_LDXS = "tt_ldxs", _("Excellent collective (Tập thể lao động xuất sắc)")
    GIAY_KHEN = "giay_khen", _("Certificate of merit (Giấy khen)")
    BANG_KHEN = "bang_khen", _("Certificate of merit of the province (Bằng khen)")


class TitleRule(models.Model):
    """A title's quota (relative to another title) and the share of ALL council members that must
    vote for it, during one window."""

    title = models.CharField(_("title"), max_length=12, choices=Title.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    quota_percent = models.PositiveSmallIntegerField(_("at most (percent)"), null=True, blank=True)
    quota_of = models.CharField(_("of the number awarded"), max_length=12, choices=Title.choices, blank=True)
    vote_threshold_percent = models.PositiveSmallIntegerField(
        _("votes needed (percent of all council members)"), default=50)
    collective = models.BooleanField(_("for a collective"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    history = HistoricalRecords()

    objects = EffectiveWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("title rule")
        verbose_name_plural = _("title rules")
        ordering = ["title", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(quota_percent__isnull=True) | ~Q(quota_of=""),
                                   name="title_quota_names_its_base"),
            models.CheckConstraint(condition=Q(vote_threshold_percent__lte=100), name="title_vote_is_a_percent"),
        ]

    def __str__(self):
        return self.get_title_display()
