"""Ready invariants: properties every rule must keep, for any enterprise and any
parameter set (the national pack or a regional overlay).

Each check evaluates, compares and raises ``AssertionError`` with a message naming the
rule, the enterprise, the day and what differed; it returns nothing when the invariant
holds. Use them inside a hypothesis ``@given`` test with the strategies of this
package, or on a fixed list of enterprises.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from ..io import dump, load
from ..models import Enterprise
from ..params import ParameterSet
from ..rules import Outcome, Status, Verdict, evaluate, evaluate_many

__all__ = [
    "LEVERS",
    "check_batch_equals_single",
    "check_deterministic",
    "check_gap_soundness",
    "check_monotone",
]

EnterpriseLike = Enterprise | Mapping[str, Any]

_RANK: Final = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.PASS: 2, Status.NOT_APPLICABLE: 1}
_STEP: Final = {"yuan": Decimal("0.01"), "persons": Decimal(1)}

LEVERS: Final[dict[str, tuple[str, int]]] = {
    "hnte.tech_staff_ratio": ("tech_staff", +1),
    "hnte.rd_expense_ratio": ("rd_expense", +1),
    "hnte.domestic_rd_share": ("rd_expense_domestic", +1),
    "hnte.high_tech_income_share": ("high_tech_income", +1),
    "tech_sme.staff_limit": ("employees", -1),
    "tech_sme.sales_limit": ("sales_revenue", -1),
    "tech_sme.assets_limit": ("total_assets", -1),
    "tech_sme.score": ("rd_expense", +1),
    "tech_sme.tech_staff_score_nonzero": ("tech_staff", +1),
    "above_scale.main_business_revenue": ("main_business_revenue", +1),
    "innovative_sme.innovation_group": ("rd_expense", +1),
}
"""Criteria that are monotone in one figure of the last accounting year: the figure and
the direction (+1: more never hurts; -1: less never hurts). :func:`check_monotone` uses
it when no figure is given."""


def _doc(enterprise: EnterpriseLike) -> dict[str, Any]:
    if isinstance(enterprise, Enterprise):
        out: dict[str, Any] = dump(enterprise)
        return out
    return copy.deepcopy(dict(enterprise))


def _label(enterprise: EnterpriseLike) -> str:
    doc = _doc(enterprise)
    name = doc.get("id") or doc.get("name") or "?"
    return f"enterprise {name!r}"


def _canonical(verdict: Verdict) -> str:
    return json.dumps(dump(verdict), ensure_ascii=False, sort_keys=True, default=str)


def _first_difference(a: Any, b: Any, path: str = "$") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{index}]")
    return f"{path}: {str(a)[:200]} != {str(b)[:200]}"


def check_batch_equals_single(
    rule: str,
    enterprises: Iterable[EnterpriseLike],
    as_of: dt.date,
    *,
    params: ParameterSet | None = None,
    **inputs: Any,
) -> None:
    """``evaluate_many`` gives, for each enterprise and in order, exactly the verdict
    ``evaluate`` gives for it alone (a batch shares nothing between enterprises)."""
    items = list(enterprises)
    batch = list(evaluate_many(rule, items, as_of, params=params, **inputs))
    if len(batch) != len(items):
        raise AssertionError(
            f"{rule}: evaluate_many gave {len(batch)} verdicts for {len(items)} enterprises"
        )
    for index, (item, together) in enumerate(zip(items, batch, strict=True)):
        alone = evaluate(rule, item, as_of, params=params, **inputs)
        if _canonical(alone) != _canonical(together):
            raise AssertionError(
                f"{rule} on {as_of}: the verdict for {_label(item)} (index {index}) differs "
                f"in a batch from alone: "
                f"{_first_difference(dump(together), dump(alone))}"
            )


def check_deterministic(
    rule: str,
    enterprise: EnterpriseLike,
    as_of: dt.date,
    *,
    params: ParameterSet | None = None,
    **inputs: Any,
) -> None:
    """The same input gives the same verdict: evaluated twice, from the JSON document
    and from the model, and after a round trip through ``dump``/``load``."""
    doc = _doc(enterprise)
    first = evaluate(rule, doc, as_of, params=params, **inputs)
    reference = dump(first)
    model = load(Enterprise, doc)
    others = {
        "a second evaluation": evaluate(rule, doc, as_of, params=params, **inputs),
        "the model": evaluate(rule, model, as_of, params=params, **inputs),
        "a dump/load round trip": evaluate(
            rule, load(Enterprise, dump(model)), as_of, params=params, **inputs
        ),
    }
    for how, verdict in others.items():
        if dump(verdict) != reference:
            raise AssertionError(
                f"{rule} on {as_of} for {_label(doc)}: {how} gives another verdict: "
                f"{_first_difference(reference, dump(verdict))}"
            )
    # the explanation reads the same too
    for lang in ("zh", "en"):
        if first.explain(lang) != others["the model"].explain(lang):
            raise AssertionError(f"{rule}: the {lang} explanation is not deterministic")


def _set(doc: dict[str, Any], year: int, field: str, value: Decimal | int) -> dict[str, Any] | None:
    """A copy with ``years[year].field = value`` and the figures tied to it kept
    consistent; ``None`` when the year is absent or the value is negative."""
    if value < 0:
        return None
    out = copy.deepcopy(doc)
    for row in out.get("years", []):
        if row.get("year") != year:
            continue
        row[field] = int(value) if field in ("employees", "tech_staff") else str(value)
        if field == "employees" and row.get("tech_staff") is not None:
            row["tech_staff"] = min(row["tech_staff"], int(value))
        if field == "tech_staff" and row.get("employees") is not None:
            row["employees"] = max(row["employees"], int(value))
        if field == "sales_revenue" and row.get("main_business_revenue") is not None:
            row["main_business_revenue"] = str(
                min(Decimal(row["main_business_revenue"]), Decimal(value))
            )
        if field == "main_business_revenue" and row.get("sales_revenue") is not None:
            row["sales_revenue"] = str(max(Decimal(row["sales_revenue"]), Decimal(value)))
        if field == "rd_expense":
            for part in ("rd_expense_domestic", "rd_other_related"):
                if row.get(part) is not None:
                    row[part] = str(min(Decimal(row[part]), Decimal(value)))
        if field == "rd_expense_domestic" and row.get("rd_expense") is not None:
            row["rd_expense"] = str(max(Decimal(row["rd_expense"]), Decimal(value)))
        return out
    return None


def _criterion_status(
    rule: str,
    doc: dict[str, Any],
    as_of: dt.date,
    code: str,
    params: ParameterSet | None,
    inputs: Mapping[str, Any],
) -> Status:
    return evaluate(rule, doc, as_of, params=params, **inputs).criterion(code).status


def check_monotone(
    rule: str,
    enterprise: EnterpriseLike,
    as_of: dt.date,
    *,
    criterion: str,
    figure: str | None = None,
    direction: int | None = None,
    year: int | None = None,
    values: Sequence[Decimal | int] | None = None,
    params: ParameterSet | None = None,
    **inputs: Any,
) -> None:
    """Moving one figure in its good direction never makes ``criterion`` worse.

    The figure of ``year`` (default: the year before ``as_of``) is set to each of
    ``values`` (default: the current value, and 1 fen / 1 person, 1%, 10% and 100%
    further in ``direction``), the figures tied to it kept consistent. The criterion's
    status must never go down the order fail < unknown < pass as the figure moves in
    ``direction`` (+1: more is better, -1: less is better). ``figure`` and ``direction``
    default to :data:`LEVERS`.
    """
    if figure is None or direction is None:
        if criterion not in LEVERS:
            raise ValueError(f"no known lever for {criterion!r}; give figure= and direction=")
        lever, sign = LEVERS[criterion]
        figure = figure or lever
        direction = direction if direction is not None else sign
    if direction not in (1, -1):
        raise ValueError("direction is +1 or -1")
    doc = _doc(enterprise)
    the_year = year if year is not None else as_of.year - 1
    row = next((r for r in doc.get("years", []) if r.get("year") == the_year), None)
    if row is None or row.get(figure) is None:
        return  # nothing to move: the criterion does not depend on this figure here
    current = Decimal(str(row[figure]))
    if values is None:
        step = Decimal(1) if figure in ("employees", "tech_staff") else Decimal("0.01")
        moves = [step, abs(current) / 100, abs(current) / 10, abs(current) + step]
        rounding = Decimal(1) if figure in ("employees", "tech_staff") else Decimal("0.01")
        values = [current] + [(current + direction * m).quantize(rounding) for m in moves if m]
    ordered = sorted({Decimal(v) for v in values}, reverse=direction < 0)
    seen: list[tuple[Decimal, Status]] = []
    for value in ordered:
        changed = _set(doc, the_year, figure, value)
        if changed is None:
            continue
        try:
            status = _criterion_status(rule, changed, as_of, criterion, params, inputs)
        except ValueError:  # the change made the document inconsistent: skip the point
            continue
        if seen and _RANK[status] < _RANK[seen[-1][1]]:
            before, was = seen[-1]
            raise AssertionError(
                f"{rule} on {as_of} for {_label(doc)}: {criterion} went from {was.value} to "
                f"{status.value} when years[{the_year}].{figure} moved from {before} to {value} "
                f"(direction {direction:+d})"
            )
        seen.append((value, status))


def check_gap_soundness(
    rule: str,
    enterprise: EnterpriseLike,
    as_of: dt.date,
    *,
    params: ParameterSet | None = None,
    **inputs: Any,
) -> None:
    """Every figure change a verdict proposes is right and is the smallest.

    For each failed criterion, each verified proposal that sets ``years[Y].field`` to
    a target: applied to the enterprise, the criterion passes. Where the change is the
    criterion's reported ``gap`` (ratios and limits), one step less of it (one fen for
    money, one person for counts) still fails, so the gap is exact, not larger than
    needed. A failed criterion's numeric ``gap`` is never negative and a passing one's
    never positive.
    """
    doc = _doc(enterprise)
    verdict = evaluate(rule, doc, as_of, params=params, **inputs)
    for criterion in verdict.criteria:
        gap = _number(criterion.gap)
        if gap is not None and criterion.gap_unit and criterion.status is Status.FAIL and gap < 0:
            raise AssertionError(
                f"{rule}: {criterion.code} fails with a negative gap {criterion.gap}"
            )
        if gap is not None and criterion.status is Status.PASS and gap > 0:
            raise AssertionError(
                f"{rule}: {criterion.code} passes with a positive gap {criterion.gap}"
            )
        if criterion.status is not Status.FAIL:
            continue
        for proposal in criterion.proposals:
            if not proposal.input.startswith("years[") or proposal.target is None:
                continue
            if not proposal.verified:
                continue
            head, _, field = proposal.input.rpartition(".")
            year = int(head[len("years[") : -1])
            target = Decimal(proposal.target)
            applied = _set(doc, year, field, target)
            if applied is None:
                raise AssertionError(f"{rule}: {criterion.code}: cannot apply {proposal.input}")
            for key, value in proposal.linked.items():
                linked_head, _, linked_field = key.rpartition(".")
                applied = (
                    _set(applied, int(linked_head[len("years[") : -1]), linked_field, value)
                    or applied
                )
            after = _criterion_status(rule, applied, as_of, criterion.code, params, inputs)
            if after is not Status.PASS:
                raise AssertionError(
                    f"{rule} on {as_of} for {_label(doc)}: {criterion.code} still "
                    f"{after.value} after the proposed {proposal.input} = {target}"
                )
            step = _STEP.get(proposal.unit)
            change = _number(proposal.change)
            if step is None or change is None or change == 0 or gap is None:
                continue
            if abs(change) != abs(gap):
                continue  # a score proposal: the smallest change is not the reported gap
            short = target - step if change > 0 else target + step
            fewer = _set(doc, year, field, short)
            if fewer is None:
                continue
            try:
                status = _criterion_status(rule, fewer, as_of, criterion.code, params, inputs)
            except ValueError:
                continue
            if status is Status.PASS:
                raise AssertionError(
                    f"{rule} on {as_of} for {_label(doc)}: {criterion.code} already passes "
                    f"with {proposal.input} = {short}, one step short of the proposed "
                    f"{target}: the gap is not the smallest"
                )


def _number(text: Any) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(str(text))
    except ArithmeticError:
        return None


def outcome_rank(outcome: Outcome) -> int:
    """ineligible < undetermined / not applicable < eligible (for ordering verdicts)."""
    return {Outcome.INELIGIBLE: 0, Outcome.ELIGIBLE: 2}.get(outcome, 1)
