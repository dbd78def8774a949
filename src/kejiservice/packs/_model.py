"""A loaded pack: frozen attrs classes holding checked tests and converted amounts.

Amounts are ``Decimal`` yuan, ratios ``Decimal`` fractions, tests checked syntax trees
(:mod:`._lang`). A :class:`Pack` is one dated version of a local incentive; several
versions of one id (one per notice year) are told apart by their effective windows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from ._lang import Node, Type, region_prefix

__all__ = [
    "AwardDef",
    "CriterionDef",
    "InputDef",
    "Pack",
    "ReferencePeriod",
    "ScoreItem",
    "ScoreRow",
    "Tier",
]


@attrs.frozen
class ReferencePeriod:
    """The period ``newly_certified`` / ``previously_certified`` look at.

    ``last_year`` (default): the calendar year before the year of ``as_of``;
    ``current_year``: 1 January of ``as_of``'s year to ``as_of``; ``fixed``: the
    dates the pack gives (``reference_period = {from = 2025-01-01, to = 2025-12-31}``).
    """

    kind: str = "last_year"
    start: dt.date | None = None
    end: dt.date | None = None

    def bounds(self, as_of: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day of the period when evaluating on ``as_of``."""
        if self.kind == "fixed" and self.start is not None and self.end is not None:
            return self.start, self.end
        if self.kind == "current_year":
            return dt.date(as_of.year, 1, 1), as_of
        return dt.date(as_of.year - 1, 1, 1), dt.date(as_of.year - 1, 12, 31)


@attrs.frozen
class InputDef:
    """A value the caller gives to ``evaluate`` (an expert panel's points, ...)."""

    name: str
    type: Type
    label_zh: str
    label_en: str


@attrs.frozen
class CriterionDef:
    """One condition: its full code, checked test, message templates and source."""

    code: str
    short: str
    test: Node
    text: str
    message_zh: str
    message_en: str
    source: str
    fail_zh: str | None = None
    fail_en: str | None = None


@attrs.frozen
class ScoreRow:
    """One row of a scoring item: the first row whose test holds gives its points."""

    test: Node
    text: str
    points: int


@attrs.frozen
class ScoreItem:
    """A scoring item: rows (first match; none matching gives 0) or an input's points."""

    code: str
    name_zh: str
    name_en: str
    max: int
    rows: tuple[ScoreRow, ...] = ()
    input: str | None = None


@attrs.frozen
class Tier:
    """An award tier: when ``test`` holds, ``amount``, or ``rate`` × the award base."""

    test: Node
    text: str
    amount: Decimal | None = None
    rate: Decimal | None = None
    label_zh: str = ""
    label_en: str = ""


@attrs.frozen
class AwardDef:
    """How much an eligible enterprise gets.

    ``kind`` is ``fixed`` (``amount``), ``rate`` (``rate`` × ``base``, a money fact,
    clamped at zero) or ``tiers`` (the first tier that holds). ``floor`` raises and
    ``cap`` limits the result; ``pool`` is the budget all applicants share
    (:func:`~kejiservice.packs.allocate_pool`). Amounts are rounded down to the fen.
    """

    kind: str
    source: str
    amount: Decimal | None = None
    rate: Decimal | None = None
    base: Node | None = None
    base_text: str = ""
    floor: Decimal | None = None
    cap: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    pool: Decimal | None = None


@attrs.frozen
class Pack:
    """One version of a local incentive, as loaded from its TOML file."""

    id: str
    region: str
    name_zh: str
    name_en: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    version: str
    criteria: tuple[CriterionDef, ...]
    award: AwardDef
    reference_period: ReferencePeriod = ReferencePeriod()
    scoring: tuple[ScoreItem, ...] = ()
    inputs: tuple[InputDef, ...] = ()
    note: str = ""
    path: str = ""

    @property
    def prefix(self) -> str:
        """The region-code prefix the pack applies to (``449900`` -> ``4499``)."""
        return region_prefix(self.region)

    @property
    def region_code(self) -> str:
        """The code of the built-in region criterion."""
        return f"{self.id}.in_region"

    @property
    def codes(self) -> tuple[str, ...]:
        """Every criterion code, in verdict order (the region criterion first)."""
        return (self.region_code, *(c.code for c in self.criteria))

    def in_force(self, day: dt.date) -> bool:
        """Whether ``day`` is inside the effective window (both ends inclusive)."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def window(self) -> str:
        """The window as text, ``2026-01-01..2026-12-31`` (open end: ``..``)."""
        end = self.effective_to.isoformat() if self.effective_to else ""
        return f"{self.effective_from.isoformat()}..{end}"
