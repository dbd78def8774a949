"""Compiling packs into rules: the same criteria, verdicts and explanations as the
national families.

A pack becomes a :class:`~kejiservice.rules.RuleSpec` whose ``run(ctx)`` returns a
:class:`~kejiservice.rules.Verdict`:

* the version in force on ``as_of`` is chosen (none: ``not_applicable``, saying why);
* the built-in criterion ``<id>.in_region`` checks the enterprise's region against
  the pack's prefix (outside: ``not_applicable``; no region given: unknown);
* each ``[[criteria]]`` test is evaluated with three-valued logic. A test that is a
  single comparison ``fact OP threshold`` reports ``actual``, ``required``, a signed
  gap (in the unit of the adjustable figure behind the fact where there is one, as
  the national rules do) and proposals, verified on a changed copy of the enterprise;
  a compound test reports its parts in ``detail``;
* the verdict adds ``award`` (amount and steps), ``pack`` (name, window, source) and,
  where the pack scores, ``score`` / ``score_min`` / ``score_max`` and ``scoring``;
* ``params`` lists the pack's thresholds and amounts, with the pack id as the layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from ..errors import InvalidInput
from ..params import ParamValue
from ..rules import RuleSpec, register_rule, unregister_rule
from ..rules._core import (
    Criterion,
    Ctx,
    Message,
    Outcome,
    Proposal,
    Proposals,
    Status,
    Verdict,
    combine,
    fmt,
    pct,
)
from ..rules._facts import verify_proposals, with_figure
from ._award import award
from ._eval import Res, compare, evaluate, show, value_of
from ._facts import FACTS, Env, Val, reset_active
from ._lang import INTEGRAL, And, Compare, Fact, Lit, Node, Not, Or, Type, type_of
from ._load import PackError, PackProblem
from ._model import CriterionDef, Pack, ScoreItem

__all__ = [
    "compile_pack",
    "compile_packs",
    "register_pack",
    "register_packs",
    "registered_packs",
    "unregister_pack",
]

FEN = Decimal("0.01")
ONE = Decimal(1)
_STATUS = {True: Status.PASS, False: Status.FAIL, None: Status.UNKNOWN}
UNIT = {
    Type.MONEY: "yuan",
    Type.RATIO: "ratio",
    Type.PERSONS: "persons",
    Type.COUNT: "count",
    Type.DAYS: "days",
    Type.YEARS: "years",
    Type.POINTS: "points",
    Type.NUMBER: "count",
    Type.BOOL: "bool",
    Type.TEXT: "text",
}
_UNKNOWN_ZH = "（待定：缺少 {missing}）"
_UNKNOWN_EN = " (undetermined: missing {missing})"


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


# --------------------------------------------------------------------------- formatting


def human(value: Any, kind: Type | None) -> str:
    """A value for messages: ratios as percentages, money to the fen."""
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind is Type.RATIO and isinstance(value, Decimal):
        return pct(value)
    if kind is Type.MONEY and isinstance(value, Decimal):
        return format(value.quantize(FEN), "f")
    return str(value)


def _wan(value: Any) -> str:
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        return "?"
    shown = (Decimal(value) / 10_000).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)
    return format(shown.normalize(), "f")


def _to_grid(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    return (value / step).to_integral_value(rounding=rounding) * step


# --------------------------------------------------------------------------- criteria


def _message(cdef: CriterionDef, status: Status, args: dict[str, str]) -> Message:
    zh, en = cdef.message_zh, cdef.message_en
    if status is Status.FAIL and cdef.fail_zh and cdef.fail_en:
        zh, en = cdef.fail_zh, cdef.fail_en
    if status is Status.UNKNOWN:
        zh, en = zh + _UNKNOWN_ZH, en + _UNKNOWN_EN
    return Message(cdef.code, args, templates={"zh": zh, "en": en})


def _single(node: Node) -> Compare | None:
    if isinstance(node, Compare) and isinstance(node.left, Fact) and isinstance(node.right, Lit):
        return node
    return None


def _atom(node: Node) -> tuple[Fact, bool] | None:
    if isinstance(node, Fact):
        return node, True
    if isinstance(node, Not) and isinstance(node.operand, Fact):
        return node.operand, False
    return None


def _lever_gap(val: Val, op: str, threshold: Decimal) -> tuple[Decimal, Decimal] | None:
    """The target value of the lever figure and the signed gap, or ``None``."""
    lever = val.lever
    if lever is None or op in ("==", "!="):
        return None
    exact = lever.solve(Decimal(threshold))
    if exact is None:
        return None
    step = lever.step
    if op == ">=":
        target = _to_grid(exact, step, ROUND_CEILING)
    elif op == ">":
        target = _to_grid(exact, step, ROUND_FLOOR) + step
    elif op == "<=":
        target = _to_grid(exact, step, ROUND_FLOOR)
    else:
        target = _to_grid(exact, step, ROUND_CEILING) - step
    if target < 0:
        if op in ("<=", "<"):
            return None
        target = Decimal(0)
    gap = target - lever.current if op in (">=", ">") else lever.current - target
    return target, gap


def _plain_gap(value: Any, op: str, threshold: Any, kind: Type) -> Decimal | None:
    if op in ("==", "!=") or not isinstance(value, Decimal | int) or isinstance(value, bool):
        return None
    v, t = Decimal(value), Decimal(threshold)
    strict = ONE if kind in INTEGRAL else Decimal(0)
    if op == ">=":
        return t - v
    if op == ">":
        return t + strict - v
    if op == "<=":
        return v - t
    return v - t + strict


def _proposal_message(zh: str, en: str, args: dict[str, str]) -> Message:
    return Message("pack.what_if", args, templates={"zh": zh, "en": en})


def _comparison_criterion(
    cdef: CriterionDef,
    node: Compare,
    env: Env,
    rerun: Callable[[Ctx], Criterion],
) -> Criterion:
    assert isinstance(node.left, Fact)
    assert isinstance(node.right, Lit)
    fact, lit = node.left, node.right
    kind = type_of(fact)
    val = value_of(fact, env)
    threshold = lit.value
    required = f"{node.op} {fmt(threshold)}"
    args = {
        "required": f"{node.op} {human(threshold, kind)}",
        "threshold": human(threshold, kind),
        "year": "" if val.year is None else str(val.year),
        "actual": human(val.value, kind),
        "actual_wan": _wan(val.value),
        "gap": "",
        "gap_wan": "",
        "missing": ", ".join(val.missing) or val.why,
    }
    detail: dict[str, Any] = {"test": cdef.text}
    if val.year is not None:
        detail["year"] = val.year
    if val.detail:
        detail.update(val.detail)
    result: bool | None
    if val.value is not None:
        result = compare(node.op, val.value, threshold)
        actual = show(val.value, kind)
    elif val.lo is not None and val.hi is not None and node.op not in ("==", "!="):
        low, high = compare(node.op, val.lo, threshold), compare(node.op, val.hi, threshold)
        result = low if low == high else None
        actual = f"{show(val.lo, kind)}..{show(val.hi, kind)}"
        args["actual"] = f"{human(val.lo, kind)}..{human(val.hi, kind)}"
    else:
        result, actual = None, None
    status = _STATUS[result]
    if val.why:
        detail["why"] = val.why
    gap: Decimal | None = None
    gap_unit: str | None = None
    proposals: Proposals = ()
    lever_result = _lever_gap(val, node.op, threshold) if val.value is not None else None
    if lever_result is not None and val.lever is not None:
        target, gap = lever_result
        label = FACTS[val.lever.field].label_en if val.lever.field in FACTS else val.lever.field
        gap_unit = f"{val.lever.unit} of {label}"
        args["gap"] = format(gap.quantize(FEN), "f") if val.lever.step == FEN else str(int(gap))
        args["gap_wan"] = _wan(gap)
        if status is Status.FAIL:
            proposals = _lever_proposal(cdef, val, target, env, rerun)
    elif val.value is not None:
        gap = _plain_gap(val.value, node.op, threshold, kind)
        if gap is not None:
            gap_unit = UNIT[kind]
            args["gap"] = human(gap, kind)
            args["gap_wan"] = _wan(gap)
            if status is Status.FAIL:
                proposals = _plain_proposal(fact, val, node.op, threshold, gap, kind)
    return Criterion(
        code=cdef.code,
        status=status,
        source=cdef.source,
        message=_message(cdef, status, args),
        actual=actual,
        required=required,
        gap=None if gap is None else fmt(gap),
        gap_unit=gap_unit,
        missing=val.missing if result is None else (),
        detail=detail,
        proposals=proposals,
    )


def _lever_proposal(
    cdef: CriterionDef,
    val: Val,
    target: Decimal,
    env: Env,
    rerun: Callable[[Ctx], Criterion],
) -> Proposals:
    lever = val.lever
    assert lever is not None
    value: Decimal | int = target if lever.step == FEN else int(target)
    change: Decimal | int = (
        target - lever.current if lever.step == FEN else int(target - lever.current)
    )
    label = FACTS.get(lever.field)
    args = {
        "target": human(value, Type.MONEY) if lever.step == FEN else str(value),
        "change": human(change, Type.MONEY) if lever.step == FEN else str(change),
        "year": str(lever.year),
        "label_zh": label.label_zh if label else lever.field,
        "label_en": label.label_en if label else lever.field,
    }
    unit_zh = "元" if lever.unit == "yuan" else "人"
    message = _proposal_message(
        f"将{{year}}年{{label_zh}}调整为 {{target}}{unit_zh}（变动 {{change}}）即可满足。",
        f"Setting {{label_en}} for {{year}} to {{target}} {lever.unit} "
        f"(change {{change}}) makes it pass.",
        args,
    )
    proposal = Proposal(
        input=lever.path, unit=lever.unit, message=message, change=change, target=value
    )
    return verify_proposals(
        env.ctx, cdef.code, rerun, [(proposal, with_figure(lever.year, lever.field, value))]
    )


def _plain_proposal(
    fact: Fact, val: Val, op: str, threshold: Any, gap: Decimal, kind: Type
) -> tuple[Proposal, ...]:
    if val.wait is not None and op in (">=", ">") and kind in INTEGRAL:
        needed = int(threshold) + (1 if op == ">" else 0)
        day = val.wait(needed)
        message = _proposal_message(
            "{date} 起满足。", "Passes from {date}.", {"date": day.isoformat()}
        )
        return (
            Proposal(input="as_of", unit="date", message=message, adjustable=False, on_date=day),
        )
    if kind is Type.COUNT and op in (">=", ">"):
        definition = FACTS[fact.name]
        args = {
            "change": str(int(gap)),
            "label_zh": definition.label_zh,
            "label_en": definition.label_en,
        }
        message = _proposal_message(
            "{label_zh}再增加 {change} 即可满足。",
            "{change} more for {label_en} makes it pass.",
            args,
        )
        return (Proposal(input="ip", unit="count", message=message, change=int(gap)),)
    return ()


def _compound_criterion(cdef: CriterionDef, env: Env) -> Criterion:
    result: Res = evaluate(cdef.test, env)
    status = _STATUS[result.value]
    missing = result.missing if result.value is None else ()
    args = {
        "missing": ", ".join(missing) or "; ".join(result.why),
        "actual": "",
        "required": "",
        "threshold": "",
        "gap": "",
        "year": "",
        "actual_wan": "",
        "gap_wan": "",
    }
    actual = required = None
    detail: dict[str, Any] = {"test": cdef.text}
    atom = _atom(cdef.test)
    if atom is not None:
        fact, positive = atom
        val = env.fact(fact)
        if fact.name == "eligible":
            actual = str(val.detail.get("status", "")) or None
            required = "eligible" if positive else "not eligible"
        else:
            actual = show(val.value, Type.BOOL)
            required = "true" if positive else "false"
        args["actual"], args["required"] = actual or "?", required
        if val.detail:
            detail.update(val.detail)
    else:
        detail["parts"] = result.part.get("parts", [result.part])
    if result.why:
        detail["why"] = "; ".join(result.why)
    return Criterion(
        code=cdef.code,
        status=status,
        source=cdef.source,
        message=_message(cdef, status, args),
        actual=actual,
        required=required,
        missing=missing,
        detail=detail,
    )


def _criterion(pack: Pack, cdef: CriterionDef, env: Env) -> Criterion:
    def rerun(ctx: Ctx) -> Criterion:
        return _criterion(pack, cdef, _env(pack, ctx))

    single = _single(cdef.test)
    if single is not None and type_of(single.left) not in (Type.BOOL, Type.TEXT):
        return _comparison_criterion(cdef, single, env, rerun)
    return _compound_criterion(cdef, env)


# --------------------------------------------------------------------------- scoring


def _item_points(item: ScoreItem, env: Env) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code, "name": {"zh": item.name_zh, "en": item.name_en}}
    out["max"] = item.max
    if item.input is not None:
        given = env.ctx.inputs.get(item.input)
        if given is None:
            out.update(points=None, points_min=0, points_max=item.max)
            out["missing"] = [f"inputs.{item.input}"]
            return out
        if not 0 <= given <= item.max:
            raise InvalidInput(f"must be between 0 and {item.max}", path=f"inputs.{item.input}")
        out["points"] = given
        return out
    possible: list[int] = []
    missing: list[str] = []
    for index, row in enumerate(item.rows):
        result = evaluate(row.test, env)
        if result.value is True:
            possible.append(row.points)
            if len(possible) == 1:
                out["row"] = index + 1
                out["test"] = row.text
            break
        if result.value is None:
            possible.append(row.points)
            missing.extend(result.missing)
    else:
        possible.append(0)
    if len(possible) == 1:
        out["points"] = possible[0]
    else:
        out.update(points=None, points_min=min(possible), points_max=max(possible))
        out["missing"] = list(dict.fromkeys(missing))
    return out


def _score(pack: Pack) -> Callable[[Env], Val] | None:
    if not pack.scoring:
        return None

    def run(env: Env) -> Val:
        items = [_item_points(item, env) for item in pack.scoring]
        lo = sum(i["points"] if i["points"] is not None else i["points_min"] for i in items)
        hi = sum(i["points"] if i["points"] is not None else i["points_max"] for i in items)
        missing = tuple(dict.fromkeys(m for i in items for m in i.get("missing", [])))
        return Val(lo if lo == hi else None, missing, lo=lo, hi=hi, detail={"items": items})

    return run


def _env(pack: Pack, ctx: Ctx) -> Env:
    return Env(ctx, pack.reference_period.bounds(ctx.as_of), _score(pack))


# --------------------------------------------------------------------------- verdicts


def _region_criterion(pack: Pack, region: str | None) -> Criterion:
    code = pack.region_code
    required = f"{pack.prefix}*"
    args = {"actual": region or "?", "required": required, "region": pack.region}
    if region is None:
        status = Status.UNKNOWN
        zh = "未提供注册地区（region），无法判断是否适用本政策（适用于行政区划代码 {required}）。"
        en = "No region given: cannot tell whether the pack (region codes {required}) applies."
    elif region.startswith(pack.prefix):
        status = Status.PASS
        zh = "注册地区 {actual} 属于本政策适用范围（行政区划代码 {required}）。"
        en = "Registered in {actual}, inside the pack's region ({required})."
    else:
        status = Status.NOT_APPLICABLE
        zh = "注册地区 {actual} 不在本政策适用范围（行政区划代码 {required}）内，本政策不适用。"
        en = "Registered in {actual}, outside the pack's region ({required}): not applicable."
    return Criterion(
        code=code,
        status=status,
        source=pack.source,
        message=Message(code, args, templates={"zh": zh, "en": en}),
        actual=region,
        required=required,
        missing=("region",) if region is None else (),
        detail={"region": pack.region, "prefix": pack.prefix},
    )


def _literals(node: Node) -> list[Lit]:
    if isinstance(node, Lit):
        return [node] if type_of(node) not in (Type.BOOL, Type.TEXT) else []
    if isinstance(node, Compare):
        return _literals(node.left) + _literals(node.right)
    if isinstance(node, Not):
        return _literals(node.operand)
    if isinstance(node, And | Or):
        return [lit for part in node.parts for lit in _literals(part)]
    return []


def pack_params(pack: Pack) -> tuple[ParamValue, ...]:
    """The pack's thresholds and amounts as parameter values (layer = the pack id)."""
    out: list[ParamValue] = []

    def add(name: str, value: Any, unit: str, source: str) -> None:
        out.append(
            ParamValue(name, value, unit, source, pack.id, pack.effective_from, pack.effective_to)
        )

    for cdef in pack.criteria:
        lits = _literals(cdef.test)
        for index, lit in enumerate(lits):
            name = cdef.code if len(lits) == 1 else f"{cdef.code}.{index + 1}"
            add(name, lit.value, UNIT[lit.type], cdef.source)
    spec = pack.award
    prefix = f"{pack.id}.award"
    for key in ("amount", "floor", "cap", "pool"):
        value = getattr(spec, key)
        if value is not None:
            add(f"{prefix}.{key}", value, "yuan", spec.source)
    if spec.rate is not None:
        add(f"{prefix}.rate", spec.rate, "ratio", spec.source)
    for index, tier in enumerate(spec.tiers):
        if tier.amount is not None:
            add(f"{prefix}.tiers.{index + 1}.amount", tier.amount, "yuan", spec.source)
        if tier.rate is not None:
            add(f"{prefix}.tiers.{index + 1}.rate", tier.rate, "ratio", spec.source)
    return tuple(out)


def _pack_extra(pack: Pack) -> dict[str, Any]:
    return {
        "id": pack.id,
        "version": pack.version,
        "name": {"zh": pack.name_zh, "en": pack.name_en},
        "region": pack.region,
        "effective_from": pack.effective_from.isoformat(),
        "effective_to": pack.effective_to.isoformat() if pack.effective_to else None,
        "source": pack.source,
    }


def _notes(pack: Pack) -> tuple[Message, ...]:
    zh = f"{_escape(pack.name_zh)}（依据：{_escape(pack.source)}）"
    en = f"{_escape(pack.name_en)} (source: {_escape(pack.source)})"
    notes = [Message(f"{pack.id}.name", {}, templates={"zh": zh, "en": en})]
    if pack.note:
        text = _escape(pack.note)
        notes.append(Message(f"{pack.id}.note", {}, templates={"zh": text, "en": text}))
    return tuple(notes)


def _award_note(pack: Pack, result: Mapping[str, Any]) -> Message:
    """The award and its steps as one line, so ``Verdict.explain`` shows them."""
    amount = result.get("amount")
    if amount is None and result.get("if_eligible") is not None:
        head_zh = f"奖补：待定（如符合条件为 {result['if_eligible']} 元）"
        head_en = f"award: undetermined ({result['if_eligible']} yuan if eligible)"
    elif amount is None:
        head_zh, head_en = "奖补：待定", "award: undetermined"
    else:
        head_zh, head_en = f"奖补：{amount} 元", f"award: {amount} yuan"
    steps = [s for s in result.get("steps", []) if s.get("value") is not None]
    zh = "；".join(f"{s['label']['zh']} {s['value']}" for s in steps)
    en = "; ".join(f"{s['label']['en']} {s['value']}" for s in steps)
    if pack.award.pool is not None and amount not in (None, "0.00"):
        zh += f"；资金池 {result.get('pool')} 元，超出时按比例核减"
        en += f"; pool {result.get('pool')} yuan, scaled pro rata when exceeded"
    return Message(
        f"{pack.id}.award",
        {},
        templates={
            "zh": _escape(f"{head_zh}（{zh}）" if zh else head_zh),
            "en": _escape(f"{head_en} ({en})" if en else head_en),
        },
    )


def _not_in_force(versions: Sequence[Pack], ctx: Ctx) -> Verdict:
    windows = ", ".join(p.window() for p in versions)
    pack = versions[-1]
    args = {"date": ctx.as_of.isoformat(), "windows": windows}
    zh = "评价日 {date} 不在本政策的有效期（{windows}）内，本政策不适用。"
    en = "The day {date} is outside the pack's effective window ({windows}): not applicable."
    return Verdict(
        rule=pack.id,
        rule_version="-",
        as_of=ctx.as_of,
        status=Outcome.NOT_APPLICABLE,
        criteria=(),
        extras={"award": {"kind": pack.award.kind, "amount": "0.00", "steps": []}},
        notes=(Message(f"{pack.id}.window", args, templates={"zh": zh, "en": en}),),
        enterprise_id=ctx.ent.id,
    )


def evaluate_pack(pack: Pack, ctx: Ctx, params: tuple[ParamValue, ...] | None = None) -> Verdict:
    """The verdict of one pack version for ``ctx`` (the version's window is not checked).

    ``params`` are :func:`pack_params` of the pack, when the caller has them already.
    """
    env = _env(pack, ctx)
    token = env.entering(pack.id)
    try:
        return _evaluate(pack, ctx, env, pack_params(pack) if params is None else params)
    finally:
        reset_active(token)


def _evaluate(pack: Pack, ctx: Ctx, env: Env, params: tuple[ParamValue, ...]) -> Verdict:
    region_c = _region_criterion(pack, ctx.ent.region)
    extras: dict[str, Any] = {}
    if region_c.status is Status.NOT_APPLICABLE:
        extras["award"] = award(pack, env, Outcome.NOT_APPLICABLE)
        extras["pack"] = _pack_extra(pack)
        return Verdict(
            rule=pack.id,
            rule_version=pack.version,
            as_of=ctx.as_of,
            status=Outcome.NOT_APPLICABLE,
            criteria=(region_c,),
            params=params,
            extras=extras,
            notes=(*_notes(pack), region_c.message, _award_note(pack, extras["award"])),
            enterprise_id=ctx.ent.id,
        )
    criteria = (region_c, *(_criterion(pack, c, env) for c in pack.criteria))
    status = combine(criteria)
    failed = tuple(c.code for c in criteria if c.status is Status.FAIL)
    missing = tuple(
        dict.fromkeys(m for c in criteria if c.status is Status.UNKNOWN for m in c.missing)
    )
    score = score_min = score_max = None
    if pack.scoring:
        val = env.score()
        if val.value is not None:
            score = int(val.value)
        else:
            score_min, score_max = int(val.lo), int(val.hi)
        extras["scoring"] = val.detail.get("items", [])
    extras["award"] = award(pack, env, status)
    award_missing = extras["award"].get("missing", [])
    if award_missing and status is not Outcome.INELIGIBLE:
        missing = tuple(dict.fromkeys([*missing, *award_missing]))
    extras["pack"] = _pack_extra(pack)
    return Verdict(
        rule=pack.id,
        rule_version=pack.version,
        as_of=ctx.as_of,
        status=status,
        criteria=criteria,
        failed=failed,
        missing=missing,
        score=score,
        score_min=score_min,
        score_max=score_max,
        params=params,
        extras=extras,
        notes=(*_notes(pack), _award_note(pack, extras["award"])),
        enterprise_id=ctx.ent.id,
    )


# --------------------------------------------------------------------------- rule specs


def _check_versions(versions: Sequence[Pack]) -> list[PackProblem]:
    problems: list[PackProblem] = []
    ordered = sorted(versions, key=lambda p: p.effective_from)
    for i, later in enumerate(ordered):
        for earlier in ordered[:i]:
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                problems.append(
                    PackProblem(
                        later.path,
                        None,
                        None,
                        "effective_from",
                        f"window {later.window()} of {later.id!r} overlaps {earlier.window()}",
                    )
                )
            if earlier.region != later.region:
                problems.append(
                    PackProblem(later.path, None, None, "region", "versions differ in region")
                )
    return problems


def _spec(versions: Sequence[Pack]) -> RuleSpec:
    ordered = tuple(sorted(versions, key=lambda p: p.effective_from))
    problems = _check_versions(ordered)
    if problems:
        raise PackError(problems)
    latest = ordered[-1]
    codes = tuple(dict.fromkeys(code for p in ordered for code in p.codes))
    inputs: dict[str, type] = {}
    for pack in ordered:
        for item in pack.inputs:
            if item.type is Type.BOOL:
                inputs[item.name] = bool
            elif item.type in (Type.MONEY, Type.RATIO):
                inputs[item.name] = Decimal
            else:
                inputs[item.name] = int

    params = [pack_params(pack) for pack in ordered]

    def run(ctx: Ctx) -> Verdict:
        for pack, values in zip(ordered, params, strict=True):
            if pack.in_force(ctx.as_of):
                return evaluate_pack(pack, ctx, values)
        return _not_in_force(ordered, ctx)

    return RuleSpec(
        id=latest.id,
        codes=codes,
        inputs=inputs,
        run=run,
        doc=f"{latest.name_en} ({latest.name_zh})",
        region=latest.prefix,
    )


def compile_pack(pack: Pack | Sequence[Pack]) -> RuleSpec:
    """The rule a pack (or the dated versions of one pack id) compiles into.

    Versions must share id and region and have non-overlapping windows
    (:class:`PackError` otherwise); the rule evaluates the version in force on
    ``as_of`` and answers ``not_applicable`` on days no version covers.
    """
    versions = [pack] if isinstance(pack, Pack) else list(pack)
    if not versions or len({p.id for p in versions}) != 1:
        raise PackError(
            [PackProblem("", None, None, "", "compile_pack takes the versions of one pack id")]
        )
    return _spec(versions)


def compile_packs(packs: Iterable[Pack]) -> list[RuleSpec]:
    """One rule per pack id (its versions grouped), sorted by id."""
    by_id: dict[str, list[Pack]] = {}
    for pack in packs:
        by_id.setdefault(pack.id, []).append(pack)
    return [_spec(by_id[key]) for key in sorted(by_id)]


_REGISTERED: dict[str, list[Pack]] = {}


def register_pack(pack: Pack) -> RuleSpec:
    """Compile ``pack`` and register it, so ``kejiservice.evaluate(pack.id, ...)`` and
    ``evaluate_all`` (for enterprises in its region) use it.

    A version with the same id and version string replaces the registered one; another
    version of the id is added beside those registered (windows must not overlap).
    """
    current = [p for p in _REGISTERED.get(pack.id, []) if p.version != pack.version]
    spec = _spec([*current, pack])
    register_rule(spec)
    _REGISTERED[pack.id] = [*current, pack]
    return spec


def register_packs(packs: Iterable[Pack]) -> list[RuleSpec]:
    """Register several packs (e.g. ``load_packs(dir)``); returns their rules by id."""
    specs: dict[str, RuleSpec] = {}
    for pack in packs:
        specs[pack.id] = register_pack(pack)
    return [specs[k] for k in sorted(specs)]


def unregister_pack(pack_id: str) -> None:
    """Remove every registered version of ``pack_id`` (no error if none)."""
    _REGISTERED.pop(pack_id, None)
    unregister_rule(pack_id)


def registered_packs() -> list[Pack]:
    """The registered pack versions, by id then date."""
    return [
        p
        for key in sorted(_REGISTERED)
        for p in sorted(_REGISTERED[key], key=lambda p: p.effective_from)
    ]
