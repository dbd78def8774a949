"""Classified guidance: leading, innovative and traditional enterprises by rules as data.

The classes, their order and their rules come from a TOML file (by default
``classification.toml`` beside this module; its comments give the source). An
enterprise takes the first class one of whose rules it meets; the last class takes
everyone left. A rule that cannot be decided because a figure is missing is not met,
and the missing figures are named in the answer, since they might change it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ..errors import ParameterError
from ..models import Enterprise
from ._conditions import (
    Rule,
    bundled_toml,
    check_unique,
    meta_source,
    parse_rule,
    read_toml,
    table_array,
)
from ._enterprise import Basis, figures_year

__all__ = [
    "Classification",
    "ClassificationRules",
    "EnterpriseClass",
    "classify",
    "classify_all",
]

_CLASS_KEYS = frozenset({"id", "name_zh", "name_en", "treatment_zh", "treatment_en", "rules"})


@attrs.frozen
class EnterpriseClass:
    """One class: its id, names in both languages, treatment and rules (any one suffices)."""

    id: str
    name_zh: str
    name_en: str
    treatment_zh: str = ""
    treatment_en: str = ""
    rules: tuple[Rule, ...] = ()

    def name(self, lang: str = "zh") -> str:
        """The class name in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.name_zh if lang == "zh" else self.name_en


def _text(table: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value:
        raise ParameterError(f"{where}.{key}: must be a non-empty string")
    return value


def _class(table: dict[str, Any], where: str) -> EnterpriseClass:
    unknown = sorted(set(table) - _CLASS_KEYS)
    if unknown:
        raise ParameterError(f"{where}: unknown keys {', '.join(unknown)}")
    rules = table.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise ParameterError(f"{where}.rules: must be an array of tables")
    return EnterpriseClass(
        id=_text(table, "id", where),
        name_zh=_text(table, "name_zh", where),
        name_en=_text(table, "name_en", where),
        treatment_zh=str(table.get("treatment_zh", "")),
        treatment_en=str(table.get("treatment_en", "")),
        rules=tuple(parse_rule(r, f"{where}.rules[{i}]") for i, r in enumerate(rules)),
    )


@attrs.frozen
class ClassificationRules:
    """The ordered classes of a classification file, and where its thresholds come from."""

    classes: tuple[EnterpriseClass, ...]
    source: str = ""

    @classmethod
    def from_toml(cls, text: str, name: str = "classification.toml") -> ClassificationRules:
        """Read a classification file; ``ParameterError`` names the key at fault."""
        data = read_toml(text, name)
        tables = table_array(data, "classes", name)
        classes = tuple(_class(t, f"{name}: classes[{i}]") for i, t in enumerate(tables))
        check_unique([c.id for c in classes], name)
        for index, klass in enumerate(classes):
            last = index == len(classes) - 1
            if last and klass.rules:
                raise ParameterError(f"{name}: the last class ({klass.id}) must have no rules")
            if not last and not klass.rules:
                raise ParameterError(f"{name}: class {klass.id} has no rules but is not last")
        return cls(classes, meta_source(data))

    @classmethod
    def bundled(cls) -> ClassificationRules:
        """The rules of the ``classification.toml`` shipped with the library."""
        return _bundled()

    def get(self, class_id: str) -> EnterpriseClass:
        """The class ``class_id`` (``KeyError`` if there is none)."""
        for klass in self.classes:
            if klass.id == class_id:
                return klass
        raise KeyError(class_id)


@functools.cache
def _bundled() -> ClassificationRules:
    return ClassificationRules.from_toml(bundled_toml("classification.toml"))


@attrs.frozen
class Classification:
    """The class of one enterprise: which rule of it was met (``None`` for the last,
    catch-all class) and the metrics that were missing in rules it could not decide."""

    enterprise: str | None
    klass: str
    rule: int | None = None
    missing: tuple[str, ...] = ()


def classify(
    ent: Enterprise,
    day: dt.date,
    *,
    year: int | None = None,
    rules: ClassificationRules | None = None,
    basis: Basis | None = None,
) -> Classification:
    """The class of ``ent`` on ``day`` (figures of ``year``, by default the year before).

    ``basis`` overrides ``day`` and ``year`` when given (it also carries platform counts).
    """
    config = rules or ClassificationRules.bundled()
    base = basis or Basis(year if year is not None else figures_year(day), day)
    missing: list[str] = []
    for klass in config.classes:
        if not klass.rules:
            return Classification(ent.id, klass.id, None, tuple(sorted(set(missing))))
        for index, rule in enumerate(klass.rules):
            result, unknown = rule.check(ent, base)
            if result:
                return Classification(ent.id, klass.id, index, tuple(sorted(set(missing))))
            missing.extend(unknown)
    raise AssertionError("unreachable: the last class has no rules")  # pragma: no cover


def classify_all(
    enterprises: Iterable[Enterprise],
    day: dt.date,
    *,
    year: int | None = None,
    rules: ClassificationRules | None = None,
) -> tuple[Classification, ...]:
    """:func:`classify` for each enterprise, ordered by enterprise id (then name)."""
    ordered = sorted(enterprises, key=lambda e: (e.id or "", e.name))
    return tuple(classify(e, day, year=year, rules=rules) for e in ordered)
