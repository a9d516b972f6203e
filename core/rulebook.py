"""The rules in force, in one register (DESIGN.md "Rules are data … every evaluation names the
rule and legal basis it applied").

Each app lists its rule models — and the few figures kept as named constants — in its own rules
module, one line each:

    rulebook.register(DisciplineFormRule)
    rulebook.register(DisciplineRuleSet, basis=("limitation_basis", "processing_basis"))
    rulebook.constant("inspections.publication_days", _("…"), 15, "Luật 84/2025/QH15, Điều …")

The page "Rules in force" (reports) lists every registered row with its legal basis, effective
window and who last changed it; each row has an anchor, so an evaluation (a refusal, a rating, a
verdict) links to the very row it applied with `rule_url(row)`. A refusal raised as `RuleRefusal`
carries its rows, and the pages and the API show the links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

PAGE_URL_NAME = "rules"


@dataclass(frozen=True)
class RuleModel:
    model: type[models.Model]
    basis: tuple[str, ...]
    # Rows tied to one organisation are shown to those who may read it: the field holding its id.
    organisation_field: str | None = None

    @property
    def key(self) -> str:
        return self.model._meta.label_lower.replace(".", "-")


@dataclass(frozen=True)
class RuleConstant:
    key: str
    label: Any  # a lazy translation
    value: Any
    basis: str
    owner: str = field(default="")  # the module that names it, for the page's grouping

    @property
    def anchor(self) -> str:
        return f"rule-{self.key.replace('.', '-').replace('_', '-')}"

    @property
    def shown(self) -> str:
        """The value as the page shows it: a list of choices by their labels."""
        if isinstance(self.value, (tuple, list, set, frozenset)):
            return ", ".join(str(getattr(item, "label", item)) for item in self.value)
        return str(self.value)


_models: dict[type[models.Model], RuleModel] = {}
_constants: dict[str, RuleConstant] = {}


def register(model: type[models.Model], *, basis: tuple[str, ...] = ("legal_basis",),
             organisation_field: str | None = None) -> type[models.Model]:
    """List a rule model on the page. `basis`: the fields that hold its legal basis."""
    _models[model] = RuleModel(model, tuple(basis), organisation_field)
    return model


def constant(key: str, label, value, basis: str) -> Any:
    """List a figure kept in code (a named constant with its basis); returns the value."""
    _constants[key] = RuleConstant(key, label, value, basis, owner=key.split(".", 1)[0])
    return value


def discover() -> None:
    """Import every app's rules module, so that each has registered its rules."""
    autodiscover_modules("rules")


def registered_models() -> list[RuleModel]:
    return list(_models.values())


def registered_constants() -> list[RuleConstant]:
    return list(_constants.values())


def registered_constant(key: str) -> RuleConstant:
    return _constants[key]


def anchor(row: models.Model | RuleConstant) -> str:
    if isinstance(row, RuleConstant):
        return row.anchor
    return f"rule-{row._meta.label_lower.replace('.', '-')}-{row.pk}"


def rule_url(row: models.Model | RuleConstant | str) -> str:
    """The place of a rule row (or a constant, by key) on the page of rules in force."""
    if isinstance(row, str):
        row = _constants[row]
    return f"{reverse(PAGE_URL_NAME)}#{anchor(row)}"


class RuleRefusal(ValidationError):
    """A refusal by a rule: the message names the rule; `rules` are the rows (or constants) it
    applied, so pages and the API can link to them."""

    def __init__(self, message, *, rules=(), **kwargs):
        super().__init__(message, **kwargs)
        self.rules = [rule for rule in rules if rule is not None]

    def rule_links(self) -> list[tuple[str, str]]:
        return [(str(rule.label) if isinstance(rule, RuleConstant) else str(rule), rule_url(rule))
                for rule in self.rules]
