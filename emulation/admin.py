"""The emulation rules are data with a legal basis and an effective window: administrators edit
them here (with history); nothing is deleted, a rule is ended by its validity date."""

from django.contrib import admin

from accounts.admin import ScopedAdminMixin, administered_rows, shared
from config.history_admin import ScopedHistoryAdmin
from emulation.models import CouncilRule, RatingRuleSet, TitleRule
from inspections.admin import AdministratorsOnly, NoDelete

administered_rows(RatingRuleSet, shared)
administered_rows(TitleRule, shared)
administered_rows(CouncilRule, shared)


@admin.register(RatingRuleSet)
class RatingRuleSetAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["name", "staff_group", "mode", "valid_from", "valid_to", "htxs_min_points", "htt_min_points",
                    "ht_min_points", "htxs_quota_percent", "htxs_quota_percent_excellent_unit", "results_every",
                    "legal_basis"]
    list_filter = ["staff_group", "mode"]


@admin.register(TitleRule)
class TitleRuleAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["title", "valid_from", "valid_to", "quota_percent", "quota_of", "vote_threshold_percent",
                    "collective", "legal_basis"]
    list_filter = ["title", "collective"]


@admin.register(CouncilRule)
class CouncilRuleAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["legal_basis", "valid_from", "valid_to", "quorum_numerator", "quorum_denominator", "min_ballots"]
