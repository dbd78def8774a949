"""Finding tests that can never hold: contradictory criteria, dead tiers and rows.

The analysis reads the conjunctions of simple comparisons (``fact OP threshold``) and
of boolean facts (``holds(hnte)``, ``not holds(hnte)``) in each test. For each fact it
intersects the intervals the comparisons allow, within the fact's domain (counts,
persons, days, years, points and the reported money figures are never negative; the
score lies between 0 and the sum of the items' maxima). An empty intersection means
the test can never hold. Parts it cannot read (``or``, comparisons between facts) are
left out, so it flags only what is certainly unreachable:

* a criterion whose own parts contradict each other;
* criteria that contradict each other (the pack can never be eligible);
* an award tier that contradicts the criteria, or that an earlier tier always catches;
* a scoring row that an earlier row of the same item always catches.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from ._facts import FACTS
from ._lang import INTEGRAL, And, Compare, Fact, Lit, Node, Not, Type, type_of, unparse
from ._model import Pack

__all__ = ["Interval", "unreachable"]

_NON_NEGATIVE_MONEY = frozenset(
    {
        "sales_revenue",
        "main_business_revenue",
        "total_income",
        "rd_expense",
        "rd_expense_domestic",
        "high_tech_income",
        "cost_and_expense",
        "total_assets",
        "total_liabilities",
    }
)


@attrs.frozen
class Interval:
    """A set of numbers ``lo .. hi`` (``None``: unbounded) with inclusive flags."""

    lo: Decimal | None = None
    lo_inc: bool = True
    hi: Decimal | None = None
    hi_inc: bool = True

    @classmethod
    def of(cls, op: str, value: Decimal, integral: bool) -> Interval | None:
        """The values ``x`` with ``x op value`` (``None`` for ``!=``)."""
        if op == "==":
            return cls(value, True, value, True)
        if integral and op in (">", "<"):
            if op == ">":
                return cls(_floor(value) + 1, True, None, True)
            return cls(None, True, _ceil(value) - 1, True)
        if op in (">=", ">"):
            return cls(value, op == ">=", None, True)
        if op in ("<=", "<"):
            return cls(None, True, value, op == "<=")
        return None

    def meet(self, other: Interval) -> Interval:
        """The intersection."""
        lo, lo_inc = self.lo, self.lo_inc
        if other.lo is not None and (
            lo is None or other.lo > lo or (other.lo == lo and not other.lo_inc)
        ):
            lo, lo_inc = other.lo, other.lo_inc
        hi, hi_inc = self.hi, self.hi_inc
        if other.hi is not None and (
            hi is None or other.hi < hi or (other.hi == hi and not other.hi_inc)
        ):
            hi, hi_inc = other.hi, other.hi_inc
        return Interval(lo, lo_inc, hi, hi_inc)

    @property
    def empty(self) -> bool:
        """Whether no number lies in the interval."""
        if self.lo is None or self.hi is None:
            return False
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_inc and self.hi_inc))

    def within(self, other: Interval) -> bool:
        """Whether every number of ``self`` is in ``other`` (``self`` not empty)."""
        if other.lo is not None:
            if self.lo is None or self.lo < other.lo:
                return False
            if self.lo == other.lo and self.lo_inc and not other.lo_inc:
                return False
        if other.hi is not None:
            if self.hi is None or self.hi > other.hi:
                return False
            if self.hi == other.hi and self.hi_inc and not other.hi_inc:
                return False
        return True


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding="ROUND_FLOOR")


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding="ROUND_CEILING")


@attrs.frozen
class _Con:
    key: str
    text: str
    interval: Interval | None = None
    truth: bool | None = None


def _constraints(node: Node) -> tuple[list[_Con], bool]:
    """The simple constraints a test's conjunction implies, and whether that is all of it."""
    if isinstance(node, And):
        out: list[_Con] = []
        complete = True
        for part in node.parts:
            found, whole = _constraints(part)
            out.extend(found)
            complete = complete and whole
        return out, complete
    if isinstance(node, Lit) and node.value is True:
        return [], True
    if isinstance(node, Fact) and type_of(node) is Type.BOOL:
        return [_Con(unparse(node), unparse(node), truth=True)], True
    if isinstance(node, Not) and isinstance(node.operand, Fact):
        return [_Con(unparse(node.operand), unparse(node), truth=False)], True
    if isinstance(node, Compare) and isinstance(node.left, Fact) and isinstance(node.right, Lit):
        kind = type_of(node.left)
        key = unparse(node.left)
        if kind is Type.BOOL and isinstance(node.right.value, bool):
            truth = node.right.value if node.op == "==" else not node.right.value
            return [_Con(key, unparse(node), truth=truth)], True
        if kind not in (Type.BOOL, Type.TEXT):
            interval = Interval.of(node.op, Decimal(node.right.value), kind in INTEGRAL)
            if interval is not None:
                return [_Con(key, unparse(node), interval=interval)], True
    return [], False


def _domain(key: str, pack: Pack) -> Interval | None:
    name = key.split("(", 1)[0]
    fact = FACTS.get(name)
    if fact is None or fact.signature.type is None:
        return None
    if name == "score":
        return Interval(Decimal(0), True, Decimal(sum(i.max for i in pack.scoring)), True)
    if fact.signature.type in INTEGRAL or name in _NON_NEGATIVE_MONEY:
        return Interval(Decimal(0), True, None, True)
    return None


def _conflict(cons: list[_Con], pack: Pack) -> list[str] | None:
    """The texts of constraints that cannot all hold, or ``None``."""
    by_key: dict[str, list[_Con]] = {}
    for con in cons:
        by_key.setdefault(con.key, []).append(con)
    for key, group in by_key.items():
        truths = {c.truth for c in group if c.truth is not None}
        if len(truths) > 1:
            return [c.text for c in group if c.truth is not None]
        intervals = [c for c in group if c.interval is not None]
        if not intervals:
            continue
        total = _domain(key, pack) or Interval()
        for con in intervals:
            assert con.interval is not None
            total = total.meet(con.interval)
        if total.empty:
            return [c.text for c in intervals]
    return None


def _implies(cons: list[_Con], target: list[_Con], pack: Pack) -> bool:
    """Whether the constraints ``cons`` imply every constraint of ``target``."""
    for want in target:
        mine = [c for c in cons if c.key == want.key]
        if want.truth is not None:
            if not any(c.truth == want.truth for c in mine):
                return False
            continue
        assert want.interval is not None
        have = _domain(want.key, pack) or Interval()
        found = False
        for con in mine:
            if con.interval is not None:
                have = have.meet(con.interval)
                found = True
        if not found or not have.within(want.interval):
            return False
    return True


def _both(texts: list[str]) -> str:
    return " and ".join(f"`{t}`" for t in texts)


def unreachable(pack: Pack) -> list[tuple[tuple[Any, ...], str, str]]:
    """``(key path, needle, message)`` for each test of ``pack`` that can never hold."""
    out: list[tuple[tuple[Any, ...], str, str]] = []
    eligible: list[_Con] = []
    path: tuple[Any, ...]
    for index, cdef in enumerate(pack.criteria):
        path = ("criteria", index, "test")
        cons, _ = _constraints(cdef.test)
        clash = _conflict(cons, pack)
        if clash:
            out.append((path, cdef.text, f"unreachable: {_both(clash)} can never all hold"))
            continue
        together = _conflict([*eligible, *cons], pack)
        if together:
            out.append(
                (
                    path,
                    cdef.text,
                    f"unreachable: with the criteria before it, {_both(together)} can never "
                    "all hold, so the pack can never be eligible",
                )
            )
            continue
        eligible.extend(cons)
    earlier: list[tuple[int, list[_Con]]] = []
    for index, tier in enumerate(pack.award.tiers):
        path = ("award", "tiers", index, "test")
        cons, complete = _constraints(tier.test)
        clash = _conflict([*eligible, *cons], pack)
        if clash:
            out.append(
                (
                    path,
                    tier.text,
                    f"unreachable tier: {_both(clash)} can never all hold for an "
                    "eligible enterprise",
                )
            )
        else:
            for j, previous in earlier:
                if _implies([*eligible, *cons], previous, pack):
                    out.append(
                        (
                            path,
                            tier.text,
                            f"unreachable tier: tier {j + 1} already matches "
                            "every enterprise this tier would",
                        )
                    )
                    break
        if complete:
            earlier.append((index, cons))
    for i, item in enumerate(pack.scoring):
        rows: list[tuple[int, list[_Con]]] = []
        for r, row in enumerate(item.rows):
            path = ("scoring", i, "rows", r, "test")
            cons, complete = _constraints(row.test)
            clash = _conflict(cons, pack)
            if clash:
                out.append((path, row.text, f"unreachable row: {_both(clash)} can never all hold"))
            else:
                for j, previous in rows:
                    if _implies(cons, previous, pack):
                        out.append(
                            (
                                path,
                                row.text,
                                f"unreachable row: row {j + 1} already matches "
                                "every enterprise this row would",
                            )
                        )
                        break
            if complete:
                rows.append((r, cons))
    return out
