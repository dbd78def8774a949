"""Enterprise-level indicators: ratios of one accounting year and their trends.

Every function reads the figures of one year from the ledger and answers a ``Decimal``
(never a float) or ``None`` when a figure it needs is missing or a denominator is zero:
an unknown figure is never taken as zero. Quotients are computed in the decimal
module's default context (28 significant digits). The HNTE growth rates use the
formula of the HNTE guidelines, shared with the rule (:mod:`kejiservice.rules.hnte`).

:data:`METRICS` names every per-enterprise metric the configurable parts (classification,
ranking, diagnostics) may refer to; :func:`figures_year` is the convention they share:
on a given day, the latest accounting year to read is the one before the day's year.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..models import Enterprise, YearFigures
from ..rules._core import fmt_ratio
from ..rules.hnte import _growth_rate

__all__ = [
    "METRICS",
    "MONEY_METRICS",
    "RATIO_METRICS",
    "Basis",
    "EnterpriseIndicators",
    "Trend",
    "TrendDirection",
    "YearIndicators",
    "debt_ratio",
    "enterprise_indicators",
    "figures_year",
    "high_tech_income_share",
    "net_assets_growth",
    "rd_intensity",
    "sales_growth",
    "tech_staff_ratio",
]

_GROWTH_YEARS = 3  # the HNTE growth formulas look at up to three year-end values


def figures_year(day: dt.date) -> int:
    """The accounting year read on ``day``: the year before (its accounts are closed)."""
    return day.year - 1


def _ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Decimal | None:
    if numerator is None or denominator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _row(ent: Enterprise, year: int) -> YearFigures:
    return ent.year(year) or YearFigures(year)


def rd_intensity(ent: Enterprise, year: int) -> Decimal | None:
    """R&D intensity (研发投入强度): R&D expense / sales revenue of ``year``."""
    row = _row(ent, year)
    return _ratio(row.rd_expense, row.sales_revenue)


def tech_staff_ratio(ent: Enterprise, year: int) -> Decimal | None:
    """Tech staff ratio (科技人员占比): tech staff / employees of ``year``."""
    row = _row(ent, year)
    return _ratio(row.tech_staff, row.employees)


def high_tech_income_share(ent: Enterprise, year: int) -> Decimal | None:
    """High-tech income share: high-tech income / HNTE total income (收入总额 − 不征税收入)."""
    row = _row(ent, year)
    return _ratio(row.high_tech_income, row.hnte_total_income)


def debt_ratio(ent: Enterprise, year: int) -> Decimal | None:
    """Debt ratio (资产负债率): liabilities / assets at the end of ``year``."""
    return _row(ent, year).debt_ratio


def _growth(
    ent: Enterprise, year: int, figure: Callable[[YearFigures], Decimal | None]
) -> Decimal | None:
    """The HNTE growth formula over the consecutive years (at most three) ending at ``year``."""
    values: list[Decimal] = []
    for y in range(year, year - _GROWTH_YEARS, -1):
        row = ent.year(y)
        if row is None:
            break
        value = figure(row)
        if value is None:
            return None
        values.append(value)
    rate, _basis = _growth_rate(values[::-1])
    return rate


def net_assets_growth(ent: Enterprise, year: int) -> Decimal | None:
    """Net assets growth rate (净资产增长率) of the HNTE guidelines, up to ``year``.

    ``None`` with fewer than two consecutive years, a missing figure, a negative value
    or a zero base (the guidelines then score zero).
    """
    return _growth(ent, year, lambda row: row.net_assets)


def sales_growth(ent: Enterprise, year: int) -> Decimal | None:
    """Sales revenue growth rate (销售收入增长率) of the HNTE guidelines, up to ``year``."""
    return _growth(ent, year, lambda row: row.sales_revenue)


# --------------------------------------------------------------------------- metric registry


@attrs.frozen
class Basis:
    """What a metric is read against: the accounting ``year``, the ``day`` (for what holds
    on a date, such as valid IP) and counts known from the activity log by enterprise id."""

    year: int
    day: dt.date
    platforms: Mapping[str, int] = attrs.field(factory=dict, eq=False, hash=False)


Metric = Callable[[Enterprise, Basis], Decimal | None]


def _figure(name: str) -> Metric:
    def read(ent: Enterprise, basis: Basis) -> Decimal | None:
        value = getattr(_row(ent, basis.year), name)
        return None if value is None else Decimal(value)

    return read


def _yearly(fn: Callable[[Enterprise, int], Decimal | None]) -> Metric:
    return lambda ent, basis: fn(ent, basis.year)


def _class1_ip(ent: Enterprise, basis: Basis) -> Decimal | None:
    return Decimal(sum(1 for item in ent.valid_ip(basis.day) if item.ip_class == 1))


def _valid_ip(ent: Enterprise, basis: Basis) -> Decimal | None:
    return Decimal(len(ent.valid_ip(basis.day)))


def _achievements(ent: Enterprise, basis: Basis) -> Decimal | None:
    years = [str(y) for y in range(basis.year - _GROWTH_YEARS + 1, basis.year + 1)]
    counts = [ent.achievements_transformed[y] for y in years if y in ent.achievements_transformed]
    return Decimal(sum(counts)) if counts else None


def _platforms(ent: Enterprise, basis: Basis) -> Decimal | None:
    return Decimal(basis.platforms.get(ent.id or "", 0))


RATIO_METRICS: Mapping[str, Callable[[Enterprise, int], Decimal | None]] = {
    "rd_intensity": rd_intensity,
    "tech_staff_ratio": tech_staff_ratio,
    "high_tech_income_share": high_tech_income_share,
    "debt_ratio": debt_ratio,
    "net_assets_growth": net_assets_growth,
    "sales_growth": sales_growth,
}
"""The yearly ratios of :class:`YearIndicators`, by name."""

MONEY_METRICS = frozenset(
    {
        "sales_revenue",
        "main_business_revenue",
        "total_income",
        "high_tech_income",
        "rd_expense",
        "total_assets",
        "net_assets",
    }
)
"""Metrics in yuan: configuration files may give their thresholds in 万元 (``_wan``)."""

METRICS: Mapping[str, Metric] = {
    **{name: _yearly(fn) for name, fn in RATIO_METRICS.items()},
    **{name: _figure(name) for name in sorted(MONEY_METRICS)},
    "employees": _figure("employees"),
    "tech_staff": _figure("tech_staff"),
    "class1_ip": _class1_ip,
    "valid_ip": _valid_ip,
    "achievements_transformed_3y": _achievements,
    "platforms": _platforms,
}
"""Every per-enterprise metric by name, read against a :class:`Basis`.

Yearly figures and ratios of ``basis.year``; ``class1_ip`` and ``valid_ip``: IP items
valid on ``basis.day``; ``achievements_transformed_3y``: transformations reported for the
three years ending at ``basis.year``; ``platforms``: valid platforms the enterprise hosts
(from the activity log).
"""


# --------------------------------------------------------------------------- profiles


class TrendDirection(enum.StrEnum):
    """How a ratio moved from its first to its last known year."""

    UP = "up"
    DOWN = "down"
    FLAT = "flat"
    UNKNOWN = "unknown"


@attrs.frozen
class YearIndicators:
    """The ratios of one accounting year (``None`` where a figure is missing)."""

    year: int
    rd_intensity: Decimal | None
    tech_staff_ratio: Decimal | None
    high_tech_income_share: Decimal | None
    debt_ratio: Decimal | None
    net_assets_growth: Decimal | None
    sales_growth: Decimal | None


@attrs.frozen
class Trend:
    """One ratio over the years: the points, and the change from first to last known."""

    metric: str
    points: tuple[tuple[int, Decimal | None], ...]

    @property
    def known(self) -> tuple[tuple[int, Decimal], ...]:
        """The points whose value is known."""
        return tuple((y, v) for y, v in self.points if v is not None)

    @property
    def change(self) -> Decimal | None:
        """Last known value minus first known value; ``None`` with fewer than two."""
        known = self.known
        return known[-1][1] - known[0][1] if len(known) > 1 else None

    @property
    def direction(self) -> TrendDirection:
        """Up, down or flat by :attr:`change`; unknown with fewer than two known values."""
        change = self.change
        if change is None:
            return TrendDirection.UNKNOWN
        if change > 0:
            return TrendDirection.UP
        return TrendDirection.DOWN if change < 0 else TrendDirection.FLAT


@attrs.frozen
class EnterpriseIndicators:
    """An enterprise's ratios for each accounting year it reported, and their trends."""

    enterprise: str | None
    years: tuple[YearIndicators, ...]

    def trend(self, metric: str) -> Trend:
        """The trend of ``metric`` (a name of :data:`RATIO_METRICS`) over the years."""
        if metric not in RATIO_METRICS:
            raise KeyError(metric)
        return Trend(metric, tuple((row.year, getattr(row, metric)) for row in self.years))

    @property
    def trends(self) -> tuple[Trend, ...]:
        """The trend of every ratio, in the order of :data:`RATIO_METRICS`."""
        return tuple(self.trend(name) for name in RATIO_METRICS)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ratios as strings with six decimals (rounded down) or ``null``."""
        return {
            "enterprise": self.enterprise,
            "years": [
                {"year": row.year, **{n: fmt_ratio(getattr(row, n)) for n in RATIO_METRICS}}
                for row in self.years
            ],
            "trends": {
                t.metric: {"change": fmt_ratio(t.change), "direction": t.direction.value}
                for t in self.trends
            },
        }


def enterprise_indicators(ent: Enterprise) -> EnterpriseIndicators:
    """Every ratio of every accounting year ``ent`` reported, oldest first."""
    rows = tuple(
        YearIndicators(y, *(fn(ent, y) for fn in RATIO_METRICS.values()))
        for y in sorted(row.year for row in ent.years)
    )
    return EnterpriseIndicators(ent.id, rows)
