"""The composite "top innovators" ranking (科创50强), weights as data.

Each weighted metric is scored by its percentile rank among the eligible enterprises:
the number of others with a strictly lower value divided by (number with a value − 1);
ties share a score, a lone value scores 1, a missing value 0. The composite is the
weighted mean of the scores, computed exactly with fractions; equal composites are
ordered by enterprise id. Weights, eligibility and the list length come from
``ranking.toml`` (or your own file through :meth:`RankingConfig.from_toml`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from ..errors import ParameterError
from ..models import Enterprise
from ._conditions import Rule, bundled_toml, meta_source, parse_rule, read_toml
from ._enterprise import METRICS, Basis, figures_year

__all__ = ["RankedEnterprise", "Ranking", "RankingConfig", "rank_innovators"]


@attrs.frozen
class RankingConfig:
    """Weights by metric (in file order), the eligibility rule and the list length."""

    weights: tuple[tuple[str, Decimal], ...]
    top: int
    eligibility: Rule = attrs.Factory(Rule)
    source: str = ""

    @classmethod
    def from_toml(cls, text: str, name: str = "ranking.toml") -> RankingConfig:
        """Read a ranking file; ``ParameterError`` names the key at fault."""
        data = read_toml(text, name)
        meta = data.get("meta", {})
        weights = data.get("weights")
        if not isinstance(weights, dict) or not weights:
            raise ParameterError(f"{name}: needs a [weights] table of metric = weight")
        pairs: list[tuple[str, Decimal]] = []
        for metric, weight in weights.items():
            if metric not in METRICS:
                raise ParameterError(f"{name}: weights.{metric}: not a metric of METRICS")
            if isinstance(weight, bool) or not isinstance(weight, int | Decimal) or weight < 0:
                raise ParameterError(f"{name}: weights.{metric}: must be a number >= 0")
            pairs.append((metric, Decimal(weight)))
        if not sum(w for _, w in pairs):
            raise ParameterError(f"{name}: the weights must not all be zero")
        if not isinstance(meta, dict):
            raise ParameterError(f"{name}: needs a [meta] table with top = <list length>")
        top = meta.get("top")
        if isinstance(top, bool) or not isinstance(top, int) or top < 1:
            raise ParameterError(f"{name}: meta.top: must be a positive integer")
        eligibility = data.get("eligibility", {})
        if not isinstance(eligibility, dict):
            raise ParameterError(f"{name}: eligibility: must be a table")
        rule = parse_rule(eligibility, f"{name}: eligibility")
        return cls(tuple(pairs), top, rule, meta_source(data))

    @classmethod
    def bundled(cls) -> RankingConfig:
        """The configuration of the ``ranking.toml`` shipped with the library."""
        return _bundled()

    def with_weights(self, weights: Mapping[str, Decimal]) -> RankingConfig:
        """The same configuration with other weights (metric names of METRICS)."""
        for metric in weights:
            if metric not in METRICS:
                raise ParameterError(f"weights.{metric}: not a metric of METRICS")
        return attrs.evolve(self, weights=tuple((m, Decimal(w)) for m, w in weights.items()))


@functools.cache
def _bundled() -> RankingConfig:
    return RankingConfig.from_toml(bundled_toml("ranking.toml"))


@attrs.frozen
class RankedEnterprise:
    """One place of the ranking: composite ``score`` in [0, 1], the metric values and
    their percentile scores, and the metrics that were missing (scored 0)."""

    rank: int
    enterprise: str
    name: str
    score: Decimal
    values: Mapping[str, Decimal | None]
    scores: Mapping[str, Decimal]
    missing: tuple[str, ...] = ()


@attrs.frozen
class Ranking:
    """Every eligible enterprise in order; ``ineligible`` ids and ``skipped`` names
    (enterprises without an id) are listed so that nobody disappears silently."""

    entries: tuple[RankedEnterprise, ...]
    top: int
    ineligible: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()

    @property
    def leaders(self) -> tuple[RankedEnterprise, ...]:
        """The first ``top`` entries (the published list)."""
        return self.entries[: self.top]


def _percentiles(values: Mapping[str, Decimal | None]) -> dict[str, Fraction]:
    known = sorted(v for v in values.values() if v is not None)
    out: dict[str, Fraction] = {}
    for ident, value in values.items():
        if value is None:
            out[ident] = Fraction(0)
        elif len(known) == 1:
            out[ident] = Fraction(1)
        else:
            out[ident] = Fraction(bisect.bisect_left(known, value), len(known) - 1)
    return out


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def rank_innovators(
    enterprises: Iterable[Enterprise],
    day: dt.date,
    *,
    year: int | None = None,
    config: RankingConfig | None = None,
    platforms: Mapping[str, int] | None = None,
) -> Ranking:
    """Rank the eligible enterprises on ``day`` (figures of ``year``, default the year before).

    ``platforms`` gives the valid platforms each enterprise hosts (by id), for the
    ``platforms`` metric; the report passes the counts from the activity log.
    """
    conf = config or RankingConfig.bundled()
    basis = Basis(year if year is not None else figures_year(day), day, dict(platforms or {}))
    pool: dict[str, Enterprise] = {}
    ineligible: list[str] = []
    skipped: list[str] = []
    for ent in enterprises:
        if ent.id is None:
            skipped.append(ent.name)
        elif conf.eligibility.check(ent, basis)[0]:
            pool[ent.id] = ent
        else:
            ineligible.append(ent.id)
    values = {
        metric: {ident: METRICS[metric](ent, basis) for ident, ent in pool.items()}
        for metric, _ in conf.weights
    }
    pct = {metric: _percentiles(by_id) for metric, by_id in values.items()}
    total = sum((Fraction(w) for _, w in conf.weights), Fraction(0))
    composite = {
        ident: sum((Fraction(w) * pct[m][ident] for m, w in conf.weights), Fraction(0)) / total
        for ident in pool
    }
    order = sorted(pool, key=lambda ident: (-composite[ident], ident))
    entries = tuple(
        RankedEnterprise(
            rank=place,
            enterprise=ident,
            name=pool[ident].name,
            score=_decimal(composite[ident]),
            values={m: values[m][ident] for m, _ in conf.weights},
            scores={m: _decimal(pct[m][ident]) for m, _ in conf.weights},
            missing=tuple(m for m, _ in conf.weights if values[m][ident] is None),
        )
        for place, ident in enumerate(order, start=1)
    )
    return Ranking(entries, conf.top, tuple(sorted(ineligible)), tuple(sorted(skipped)))
