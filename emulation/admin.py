"""The emulation rules are data with a legal basis and an effective window: administrators edit
them here (with history); nothing is deleted, a rule is ended by its validity date."""

from django.contrib import admin
from django.db.models import Q

from accounts.admin import AdministratorsOnly, NoDelete, ScopedAdminMixin, administered_rows, shared
from core.history_admin import ScopedHistoryAdmin
from emulation.models import (
    CouncilRule,
    LocalRule,
    RatingRuleSet,
    ReformClassCondition,
    TitleRule,
    UnitOfficialRating,
)

administered_rows(RatingRuleSet, shared)
administered_rows(TitleRule, shared)
administered_rows(CouncilRule, shared)
# LocalRule carries its organisation (the default rule of ScopedAdminMixin).
administered_rows(UnitOfficialRating, lambda org_ids: Q(period__organisation_id__in=org_ids,
                                                        unit__organisation_id__in=org_ids))
administered_rows(ReformClassCondition, lambda org_ids: Q(period__organisation_id__in=org_ids))


@admin.register(RatingRuleSet)
class RatingRuleSetAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["name", "staff_group", "mode", "valid_from", "valid_to", "htxs_min_points", "htt_min_points",
                    "ht_min_points", "htxs_quota_percent", "htxs_quota_percent_excellent_unit", "results_every",
                    "legal_basis"]
    list_filter = ["staff_group", "mode"]


@admin.register(TitleRule)
class TitleRuleAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["title", "valid_from", "valid_to", "quota_percent", "quota_of", "vote_threshold_percent",
                    "collective", "cash_multiple", "legal_basis"]
    list_filter = ["title", "collective"]


@admin.register(CouncilRule)
class CouncilRuleAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    list_display = ["legal_basis", "valid_from", "valid_to", "quorum_numerator", "quorum_denominator", "min_ballots"]


@admin.register(LocalRule)
class LocalRuleAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    """The rules an organisation sets for itself, each citing its own regulation."""

    list_display = ["kind", "title", "percent", "regulation", "valid_from", "valid_to", "organisation"]
    list_filter = ["kind", "organisation"]


@admin.register(UnitOfficialRating)
class UnitOfficialRatingAdmin(ScopedAdminMixin, AdministratorsOnly, NoDelete, ScopedHistoryAdmin):
    """Units' official ratings, as their superiors decided them: the collective titles use them."""

    list_display = ["unit", "period", "level", "decision", "entered_by"]
    list_filter = ["level", "period"]
    autocomplete_fields = ["unit"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReformClassCondition)
class ReformClassConditionAdmin(ScopedAdminMixin, AdministratorsOnly, ScopedHistoryAdmin):
    """Per period, the reform class a collective title needs (e.g. Tập thể LĐTT: at least “Khá”)."""

    list_display = ["period", "title", "least_class", "legal_basis"]
    list_filter = ["title", "period"]
