"""Distribution diagnostics: how many enterprises sit on the weak side of a threshold.

The county report's diagnosis reads "for most enterprises, R&D expense is below X% of
sales revenue". Each check of ``diagnostics.toml`` (or of your own file, through
:meth:`DiagnosticChecks.from_toml`) is one metric test; the answer gives the share of
enterprises that meet it, overall and by industry section (GB/T 4754-2017 门类), and
names the enterprises whose figure is missing (left out of the share, never counted
as passing or failing).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from ..errors import ParameterError
from ..industry import classify_industry
from ..models import Enterprise
from ._conditions import (
    MetricTest,
    bundled_toml,
    check_unique,
    meta_source,
    parse_rule,
    read_toml,
    table_array,
)
from ._enterprise import Basis, figures_year

__all__ = ["DiagnosticCheck", "DiagnosticChecks", "DiagnosticResult", "ShareCount", "diagnose"]

_CHECK_KEYS = frozenset({"id", "note"})


@attrs.frozen
class DiagnosticCheck:
    """A named metric test, such as ``rd_intensity_low``: ``rd_intensity < 0.03``."""

    id: str
    test: MetricTest


@attrs.frozen
class DiagnosticChecks:
    """The checks of a diagnostics file, in file order."""

    checks: tuple[DiagnosticCheck, ...]
    source: str = ""

    @classmethod
    def from_toml(cls, text: str, name: str = "diagnostics.toml") -> DiagnosticChecks:
        """Read a diagnostics file; ``ParameterError`` names the key at fault."""
        data = read_toml(text, name)
        checks = []
        for index, table in enumerate(table_array(data, "checks", name)):
            where = f"{name}: checks[{index}]"
            rule = parse_rule(table, where, skip=_CHECK_KEYS)
            tests = [c for c in rule.conditions if isinstance(c, MetricTest)]
            if len(tests) != 1 or len(rule.conditions) != 1:
                raise ParameterError(f"{where}: needs exactly one metric test")
            checks.append(DiagnosticCheck(table["id"], tests[0]))
        check_unique([c.id for c in checks], name)
        return cls(tuple(checks), meta_source(data))

    @classmethod
    def bundled(cls) -> DiagnosticChecks:
        """The checks of the ``diagnostics.toml`` shipped with the library."""
        return _bundled()


@functools.cache
def _bundled() -> DiagnosticChecks:
    return DiagnosticChecks.from_toml(bundled_toml("diagnostics.toml"))


@attrs.frozen
class ShareCount:
    """``matching`` of ``total`` enterprises (those with the figure) meet the test."""

    total: int
    matching: int

    @property
    def share(self) -> Decimal | None:
        """``matching / total``, or ``None`` when no enterprise has the figure."""
        return Decimal(self.matching) / Decimal(self.total) if self.total else None


@attrs.frozen
class DiagnosticResult:
    """One check over a set of enterprises: overall, by industry section, and missing ids."""

    check: DiagnosticCheck
    overall: ShareCount
    by_section: Mapping[str, ShareCount]
    missing: tuple[str, ...]


@functools.cache
def _section(code: str) -> str:
    return classify_industry(code).section


def diagnose(
    enterprises: Iterable[Enterprise],
    day: dt.date,
    *,
    year: int | None = None,
    checks: DiagnosticChecks | None = None,
) -> tuple[DiagnosticResult, ...]:
    """Run each check over ``enterprises`` (figures of ``year``, default the year before ``day``).

    Enterprises are named by id (or by name when they have none).
    """
    config = checks or DiagnosticChecks.bundled()
    basis = Basis(year if year is not None else figures_year(day), day)
    pool = sorted(enterprises, key=lambda e: (e.id or "", e.name))
    out = []
    for check in config.checks:
        totals: dict[str, list[int]] = {}
        missing: list[str] = []
        for ent in pool:
            result = check.test.check(ent, basis)
            if result is None:
                missing.append(ent.id or ent.name)
                continue
            counts = totals.setdefault(_section(ent.industry), [0, 0])
            counts[0] += 1
            counts[1] += result
        by_section = {k: ShareCount(*totals[k]) for k in sorted(totals)}
        overall = ShareCount(
            sum(c.total for c in by_section.values()), sum(c.matching for c in by_section.values())
        )
        out.append(DiagnosticResult(check, overall, by_section, tuple(missing)))
    return tuple(out)
