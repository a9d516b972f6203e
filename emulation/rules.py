"""Rating bands, quotas and vote thresholds, chosen by the rating year and named with their
legal basis (DOMAIN.md §3, §4). Pure computations over the rule rows; no figures hard-coded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import Unit, UnitKind
from core import rulebook
from emulation.catalogue import BODY_VOTE
from emulation.models import CouncilRule, LocalRule, LocalRuleKind, RatingLevel, RatingRuleSet, TitleRule

# Listed on the page of rules in force, one line per rule model.
rulebook.register(RatingRuleSet)
rulebook.register(TitleRule)
rulebook.register(CouncilRule)
rulebook.register(LocalRule, basis=(), organisation_field="organisation_id")  # cites its regulation


def rating_rule_set(staff_group: str, on: date | int) -> RatingRuleSet:
    """The rules in force on the last day rated (a year: its 31 December) for the staff group: a
    viên chức rated for 2026 falls under Decree 233/2026, for its first quarter under Decree 90/2020."""
    on = date(on, 12, 31) if isinstance(on, int) else on
    rule_set = RatingRuleSet.objects.in_force(on).filter(staff_group=staff_group).order_by("-valid_from").first()
    if rule_set is None:
        raise ValidationError(_("No rating rules are defined for this staff group on %(day)s.") % {
            "day": on.strftime("%d/%m/%Y")})
    return rule_set


def band(score: float, rule_set: RatingRuleSet) -> str:
    """HTXS ≥ 90; HTT 70–<90; HT 50–<70; KHT < 50 (or whatever the rule set says)."""
    if score >= rule_set.htxs_min_points:
        return RatingLevel.HTXS
    if score >= rule_set.htt_min_points:
        return RatingLevel.HTT
    if score >= rule_set.ht_min_points:
        return RatingLevel.HT
    return RatingLevel.KHT


def quota_max(base_count: int, percent: int) -> int:
    """At most `percent`% of `base_count`, rounded down (7 × 20% → 1; 20 × 15% → 3)."""
    return base_count * percent // 100


# The HTXS quota is counted "within one agency, organisation or unit (cơ quan, tổ chức, đơn vị) and
# each group with similar duties" (Decree 335/2025; Decree 233/2026 art. 12(6)): a unit of one of
# these kinds is an agency; a division (phòng, tổ) or an unclassified unit belongs to the agency above it.
AGENCY_KINDS = frozenset({
    UnitKind.PEOPLES_COMMITTEE, UnitKind.OFFICE, UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.INSPECTORATE,
    UnitKind.PARTY_COMMITTEE, UnitKind.PARTY_INSPECTION, UnitKind.MASS_ORGANISATION, UnitKind.PUBLIC_SERVICE_UNIT,
})


def quota_agency(path: str, kinds: dict[str, str]) -> str:
    """The path of the agency whose quota a unit's officials share: the unit itself when it is an
    agency, else the nearest agency above it among `kinds` (path → unit kind), else the topmost unit
    known (the council's scope)."""
    known = [above for above in Unit.paths_above(path) if above in kinds]
    for above in reversed(known):
        if kinds[above] in AGENCY_KINDS:
            return above
    return known[0] if known else path


def htxs_quota_percent(rule_set: RatingRuleSet, *, excellent_unit: bool) -> int:
    """20% of those rated HTT; the rule set's higher ceiling (25%) in an agency rated HTXS."""
    if excellent_unit and rule_set.htxs_quota_percent_excellent_unit is not None:
        return rule_set.htxs_quota_percent_excellent_unit
    return rule_set.htxs_quota_percent


def check_htxs_quota(levels: Iterable[tuple[str, str]], rule_set: RatingRuleSet, *,
                     excellent_unit: bool = False) -> None:
    """Refuse more HTXS than the quota allows, naming who is over (per agency and group). `levels`
    holds one (name, level) pair per official: namesakes in one agency are two officials."""
    levels = list(levels)
    excellent = sorted(name for name, level in levels if level == RatingLevel.HTXS)
    good = sum(1 for _name, level in levels if level == RatingLevel.HTT)
    percent = htxs_quota_percent(rule_set, excellent_unit=excellent_unit)
    allowed = quota_max(good, percent)
    if len(excellent) > allowed:
        raise rulebook.RuleRefusal(_(
            "At most %(allowed)d HTXS: %(percent)d%% of the %(good)d rated HTT (%(basis)s). Proposed %(count)d: "
            "%(names)s.") % {"allowed": allowed, "percent": percent, "good": good,
                             "basis": rule_set.legal_basis, "count": len(excellent), "names": ", ".join(excellent)},
            rules=[rule_set])


def title_rule(title: str, on: date) -> TitleRule:
    rule = TitleRule.objects.in_force(on).filter(title=title).order_by("-valid_from").first()
    if rule is None:
        raise ValidationError(_("No rule is defined for this title on %(day)s.") % {"day": on.strftime("%d/%m/%Y")})
    return rule


def title_rules_in_force(on: date) -> dict[str, TitleRule]:
    """Every title's rule in force on the day (the latest to take effect), in one query."""
    found: dict[str, TitleRule] = {}
    for rule in TitleRule.objects.in_force(on).order_by(F("valid_from").asc(nulls_first=True), "id"):
        found[rule.title] = rule
    return found


# Commendation of a person or unit under a pending disciplinary case, inspection or complaint waits
# until it ends (DOMAIN.md §4: practice under the circulars — verify against Circular 01/2024).
POSTPONEMENT_BASIS = ("Thông tư 01/2024/TT-BNV: hoãn xét khen thưởng đối với cá nhân, tập thể đang bị xem xét "
                      "kỷ luật, thanh tra, kiểm tra hoặc có khiếu nại, tố cáo đang được giải quyết "
                      "(cần đối chiếu điều khoản)")


def local_rules(organisation_id: int, on: date) -> dict[str, list[LocalRule]]:
    """The rules the organisation set for itself by its own regulations, in force on the day, by kind."""
    found: dict[str, list[LocalRule]] = {}
    for rule in LocalRule.objects.in_force(on).filter(organisation_id=organisation_id) \
            .select_related("regulation").order_by(F("valid_from").desc(nulls_last=True), "id"):
        found.setdefault(rule.kind, []).append(rule)
    return found


def local_vote_threshold(organisation_id: int, title: str, on: date) -> LocalRule | None:
    """The body's own threshold for a base-level title on the day, if its regulation sets one."""
    return next((rule for rule in local_rules(organisation_id, on).get(LocalRuleKind.VOTE_THRESHOLD, [])
                 if rule.title == title), None)


def rule_ref(rule) -> dict:
    """How a verdict or a count names the rule row it applied (model, id, what it says, its basis)."""
    basis = rule.basis if isinstance(rule, LocalRule) else rule.legal_basis
    ref = {"model": rule._meta.label_lower, "id": rule.pk, "name": str(rule), "basis": basis,
           "url": rulebook.rule_url(rule)}  # its row on the page of rules in force
    if isinstance(rule, LocalRule):
        ref["regulation"] = rule.regulation_id
    return ref


def title_quota_max(rule: TitleRule, awarded: dict[str, int]) -> int | None:
    """The most that may receive the title, from the number awarded the base title (None: no quota)."""
    if rule.quota_percent is None:
        return None
    return quota_max(awarded.get(rule.quota_of, 0), rule.quota_percent)


@dataclass(frozen=True)
class VoteResult:
    yes: int
    members: int
    needed_percent: int
    basis: str

    @property
    def passed(self) -> bool:
        # Counted over ALL council members, absent ones included (Decree 91/2017 art. 45(8)).
        return self.members > 0 and self.yes * 100 >= self.needed_percent * self.members

    @property
    def percent(self) -> float:
        return round(100 * self.yes / self.members, 1) if self.members else 0.0


def vote_result(*, yes: int, members: int, rule: TitleRule) -> VoteResult:
    return VoteResult(yes, members, rule.vote_threshold_percent, rule.legal_basis)


def council_rule(on: date) -> CouncilRule:
    """The council rule in force on the day (the latest to take effect)."""
    rule = CouncilRule.objects.in_force(on).order_by(F("valid_from").desc(nulls_last=True)).first()
    if rule is None:
        raise ValidationError(_("No council rule (ballots needed to count a vote) is defined on %(day)s.") % {
            "day": on.strftime("%d/%m/%Y")})
    return rule


def ballots_needed(rule: CouncilRule, members: int) -> int:
    """At least the rule's share of ALL members (rounded up: two thirds of 10 is 7), and never fewer
    than its floor."""
    return max(rule.min_ballots, -(-members * rule.quorum_numerator // rule.quorum_denominator))


def is_default_vote_basis(text: str) -> bool:
    """Whether a vote threshold's basis is the product's default figure ("Mức mặc định, …"), no legal
    text, until the body records its own regulation as a local rule."""
    return bool(text) and text.startswith(BODY_VOTE.split(":")[0])
