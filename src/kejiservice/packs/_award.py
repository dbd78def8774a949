"""Award amounts, explained step by step, and the shared budget pool.

An eligible enterprise's amount is computed in steps, each with its value and source:

* ``fixed``: the amount;
* ``rate``: the base (a money fact, e.g. ``rd_increase(last_year)``), clamped at zero,
  times the rate, rounded down to the fen;
* ``tiers``: the first tier whose test holds gives its amount (or its rate × the base);
  no tier holding gives zero; a tier test that is unknown before one holds leaves the
  amount unknown;

then ``floor`` raises it to at least the floor and ``cap`` limits it. An ineligible or
not-applicable enterprise gets 0; an undetermined one gets no amount (``null``) and the
amount it would get (``if_eligible``) where that can be computed.

The pool (``pool`` in ``[award]``) is the budget all applicants share: when the
eligible amounts add up to more, :func:`allocate_pool` scales every amount by
``pool ÷ total`` and rounds down to the fen, in integer fen, so the total granted never
exceeds the pool and each grant is within one fen of its exact share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..errors import InvalidInput
from ..models import floor_fen
from ..rules._core import Outcome, Verdict, fmt
from ._eval import evaluate, value_of
from ._facts import FACTS, Env
from ._lang import Fact, Lit, unparse
from ._model import Pack

__all__ = ["Allocation", "allocate_pool", "award", "prorate"]

FEN = Decimal("0.01")
_SIX = Decimal("0.000001")


def _money(value: Decimal) -> str:
    return format(value.quantize(FEN), "f")


def _pct(rate: Decimal) -> str:
    return f"{format((rate * 100).normalize(), 'f')}%"


def _step(key: str, zh: str, en: str, value: Any, source: str) -> dict[str, Any]:
    return {"step": key, "label": {"zh": zh, "en": en}, "value": value, "source": source}


def _base(pack: Pack, env: Env, steps: list[dict[str, Any]]) -> tuple[Decimal | None, list[str]]:
    node = pack.award.base
    assert isinstance(node, Lit | Fact)
    val = value_of(node, env)
    if val.value is None:
        return None, [*val.missing, *([val.why] if val.why and not val.missing else [])]
    base = Decimal(val.value)
    source = unparse(node)
    if isinstance(node, Fact) and node.name in FACTS:
        reads = FACTS[node.name].reads
        if val.year is not None:
            reads = reads.replace("Y−1", str(val.year - 1)).replace("Y", str(val.year))
        source = f"{source} = {reads}"
    steps.append(_step("base", "计算基数", "base", _money(base), source))
    if base < 0:
        base = Decimal(0)
        steps.append(_step("clamp", "基数为负，按0计", "negative base counts as 0", "0.00", ""))
    return base, []


def _rate(pack: Pack, rate: Decimal, base: Decimal, steps: list[dict[str, Any]]) -> Decimal:
    amount = floor_fen(rate * base)
    steps.append(
        _step(
            "rate",
            f"按{_pct(rate)}计算（向下取整到分）",
            f"× {_pct(rate)} (rounded down to the fen)",
            _money(amount),
            pack.award.source,
        )
    )
    return amount


def _raw_amount(
    pack: Pack, env: Env, steps: list[dict[str, Any]]
) -> tuple[Decimal | None, list[str]]:
    spec = pack.award
    if spec.kind == "fixed":
        assert spec.amount is not None
        steps.append(_step("amount", "定额", "fixed amount", _money(spec.amount), spec.source))
        return spec.amount, []
    if spec.kind == "rate":
        assert spec.rate is not None
        base, missing = _base(pack, env, steps)
        if base is None:
            return None, missing
        return _rate(pack, spec.rate, base, steps), []
    for index, tier in enumerate(spec.tiers):
        result = evaluate(tier.test, env)
        if result.value is None:
            steps.append(
                _step(
                    "tier",
                    f"第{index + 1}档无法判定：{tier.text}",
                    f"tier {index + 1} undetermined: {tier.text}",
                    None,
                    spec.source,
                )
            )
            return None, [*result.missing, *result.why]
        if not result.value:
            continue
        label_zh = tier.label_zh or tier.text
        label_en = tier.label_en or tier.text
        if tier.amount is not None:
            steps.append(
                _step(
                    "tier",
                    f"第{index + 1}档：{label_zh}",
                    f"tier {index + 1}: {label_en}",
                    _money(tier.amount),
                    spec.source,
                )
            )
            return tier.amount, []
        assert tier.rate is not None
        steps.append(
            _step(
                "tier",
                f"第{index + 1}档：{label_zh}",
                f"tier {index + 1}: {label_en}",
                _pct(tier.rate),
                spec.source,
            )
        )
        base, missing = _base(pack, env, steps)
        if base is None:
            return None, missing
        return _rate(pack, tier.rate, base, steps), []
    steps.append(_step("tier", "未达到任何档次", "no tier applies", "0.00", spec.source))
    return Decimal(0), []


def award(pack: Pack, env: Env, status: Outcome) -> dict[str, Any]:
    """The award of ``pack`` for the enterprise in ``env`` given its eligibility."""
    spec = pack.award
    out: dict[str, Any] = {"kind": spec.kind}
    if status in (Outcome.INELIGIBLE, Outcome.NOT_APPLICABLE):
        out["amount"] = "0.00"
        out["steps"] = [
            _step("not_eligible", "不符合条件，不予奖补", "not eligible: no award", "0.00", "")
        ]
        return out
    steps: list[dict[str, Any]] = []
    amount, missing = _raw_amount(pack, env, steps)
    if amount is not None and spec.floor is not None:
        binding = amount < spec.floor
        amount = max(amount, spec.floor)
        steps.append(
            _step(
                "floor",
                f"不低于{_money(spec.floor)}元" + ("（已适用）" if binding else ""),
                f"at least {_money(spec.floor)}" + (" (applied)" if binding else ""),
                _money(amount),
                spec.source,
            )
        )
    if amount is not None and spec.cap is not None:
        binding = amount > spec.cap
        amount = min(amount, spec.cap)
        steps.append(
            _step(
                "cap",
                f"最高{_money(spec.cap)}元" + ("（已封顶）" if binding else ""),
                f"at most {_money(spec.cap)}" + (" (capped)" if binding else ""),
                _money(amount),
                spec.source,
            )
        )
    if status is Outcome.ELIGIBLE:
        out["amount"] = None if amount is None else _money(amount)
    else:
        out["amount"] = None
        out["if_eligible"] = None if amount is None else _money(amount)
    out["steps"] = steps
    if missing:
        out["missing"] = list(dict.fromkeys(missing))
    if spec.pool is not None:
        out["pool"] = _money(spec.pool)
    return out


# --------------------------------------------------------------------------- pool


def prorate(amounts: Sequence[Decimal], pool: Decimal | None) -> tuple[list[Decimal], Decimal]:
    """Scale ``amounts`` to fit ``pool``: the grants and the scale factor applied.

    When the amounts fit (or there is no pool) the grants are the amounts and the scale
    is 1. Otherwise each grant is ``floor(amount × pool ÷ total)`` to the fen, computed
    in integer fen: the grants never add up to more than the pool, and each is within
    one fen below its exact pro-rata share.
    """
    total = sum(amounts, Decimal(0))
    if pool is None or total <= pool:
        return [floor_fen(a) for a in amounts], Decimal(1)
    pool_fen = int((pool / FEN).to_integral_value(rounding="ROUND_FLOOR"))
    total_fen = int((total / FEN).to_integral_value(rounding="ROUND_CEILING"))
    grants = []
    for amount in amounts:
        fen = int((amount / FEN).to_integral_value(rounding="ROUND_FLOOR"))
        grants.append(Decimal(fen * pool_fen // total_fen) * FEN)
    return grants, pool / total


@attrs.frozen
class Allocation:
    """One enterprise's share of the pool, with the steps that explain it."""

    enterprise: str | None
    status: Outcome
    requested: Decimal | None
    granted: Decimal | None
    steps: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "enterprise": self.enterprise,
            "status": self.status.value,
            "requested": None if self.requested is None else _money(self.requested),
            "granted": None if self.granted is None else _money(self.granted),
            "steps": list(self.steps),
        }


def allocate_pool(pack: Pack, verdicts: Iterable[Verdict]) -> list[Allocation]:
    """Share ``pack``'s budget pool among the enterprises of ``verdicts``.

    Eligible enterprises request their award amount; ineligible and not-applicable
    ones request 0; undetermined ones are left out (``granted`` is ``None``) until
    their verdict is settled, because their amount is not known. Without a pool, or
    when the requests fit, every grant equals its request; otherwise see :func:`prorate`.
    Raises :class:`~kejiservice.errors.InvalidInput` for a verdict of another rule.
    """
    items = list(verdicts)
    requested: list[Decimal | None] = []
    for index, verdict in enumerate(items):
        if verdict.rule != pack.id:
            raise InvalidInput(
                f"a verdict of {verdict.rule!r}, not of {pack.id!r}", path=f"verdicts[{index}]"
            )
        amount = (verdict.extras.get("award") or {}).get("amount")
        if verdict.status is Outcome.ELIGIBLE and amount is not None:
            requested.append(Decimal(amount))
        elif verdict.status is Outcome.UNDETERMINED or (
            verdict.status is Outcome.ELIGIBLE and amount is None
        ):
            requested.append(None)
        else:
            requested.append(Decimal(0))
    known = [r for r in requested if r is not None]
    grants, scale = prorate(known, pack.award.pool)
    total = sum(known, Decimal(0))
    pool = pack.award.pool
    out: list[Allocation] = []
    granted_iter = iter(grants)
    for verdict, request in zip(items, requested, strict=True):
        if request is None:
            steps = (
                _step(
                    "pending", "尚无法判定，暂不分配", "undetermined: not allocated yet", None, ""
                ),
            )
            out.append(Allocation(verdict.enterprise_id, verdict.status, None, None, steps))
            continue
        grant = next(granted_iter)
        steps_list = [_step("requested", "申请额", "requested", _money(request), "")]
        if pool is not None:
            steps_list.append(_step("pool", "资金池总额", "pool", _money(pool), pack.award.source))
            steps_list.append(
                _step("total", "符合条件的申请总额", "total requested", _money(total), "")
            )
            if scale != 1:
                steps_list.append(
                    _step(
                        "scale",
                        "超出资金池，按比例核减（资金池 ÷ 申请总额）",
                        "over the pool: scaled pro rata (pool ÷ total)",
                        format(scale.quantize(_SIX, rounding="ROUND_FLOOR"), "f"),
                        pack.award.source,
                    )
                )
        steps_list.append(
            _step(
                "granted",
                "核定额（向下取整到分）" if scale != 1 else "核定额",
                "granted (rounded down to the fen)" if scale != 1 else "granted",
                _money(grant),
                "",
            )
        )
        out.append(
            Allocation(verdict.enterprise_id, verdict.status, request, grant, tuple(steps_list))
        )
    return out


def pool_summary(pack: Pack, allocations: Sequence[Allocation]) -> dict[str, Any]:
    """Totals of an allocation: requested, granted, pool, unallocated, pending."""
    requested = sum((a.requested for a in allocations if a.requested is not None), Decimal(0))
    granted = sum((a.granted for a in allocations if a.granted is not None), Decimal(0))
    pool = pack.award.pool
    return {
        "pool": None if pool is None else _money(pool),
        "requested": _money(requested),
        "granted": _money(granted),
        "unallocated": None if pool is None else _money(max(pool - granted, Decimal(0))),
        "pending": sum(1 for a in allocations if a.requested is None),
        "scale": fmt((pool / requested).quantize(_SIX, rounding="ROUND_FLOOR"))
        if pool is not None and requested > pool
        else "1",
    }
