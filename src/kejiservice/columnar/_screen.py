"""screen(): one rule over a whole ledger, answered in columns, explained on request.

:func:`screen` runs the rule's kernel over every row and returns a
:class:`ScreenResult`: the verdict status per row, every criterion's status, the
``failed`` list as a bit mask, the gap and score columns. Rows the kernel cannot hold
or decide exactly (see :attr:`ScreenResult.via_objects`) are answered by the object
path, ``kejiservice.evaluate``, and their columns filled from that verdict, so every
row equals the object path. Messages and provenance are never built here:
:meth:`ScreenResult.explain_rows` builds real :class:`~kejiservice.rules.Verdict`
objects, through the object path, for the rows asked.

Masks: ``criteria_mask`` holds two bits per criterion, criterion ``i`` (in the rule's
``codes`` order) at bits ``2i`` and ``2i+1``, valued 0 pass, 1 fail, 2 unknown,
3 not applicable; ``failed_mask`` holds bit ``i`` when criterion ``i`` is in the
verdict's ``failed`` list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidInput, KejiserviceError, UnknownRule
from ..models import Enterprise
from ..params import ParameterSet, national
from ..rules import RULES, Criterion, Outcome, Status, Verdict, evaluate
from ._columns import MISSING, Ledger, fen_to_yuan
from ._grid import row_block, year_grid
from ._kernels import (
    KERNELS,
    O_ELIGIBLE,
    O_INELIGIBLE,
    PATHS,
    SIZES,
    UNITS,
    Frame,
    KernelResult,
    Params,
    exact_diff,
    param_day,
)

__all__ = ["ScreenResult", "screen", "supported_rules"]

_BLOCK_ROWS: Final = 1 << 17
"""Rows per block: a screen runs block by block, so its temporaries stay small."""

I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

_STATUSES: Final = tuple(Status)
_OUTCOMES: Final = tuple(Outcome)
_SCALAR_INPUTS: Final[Mapping[str, Mapping[str, type]]] = {
    "hnte": {},
    "tech_sme": {},
    "sme_size": {"year": int},
    "above_scale": {"year": int},
}


def _blocks(n: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of blocks of at most :data:`_BLOCK_ROWS` rows, about equal."""
    count = max(1, -(-n // _BLOCK_ROWS))
    size = -(-n // count) if n else 0
    return [(start, min(n, start + size)) for start in range(0, max(n, 1), max(size, 1))]


def supported_rules() -> list[str]:
    """The rule ids with a columnar kernel."""
    return list(KERNELS)


def _check(rule: str, as_of: Any, inputs: Mapping[str, Any]) -> dict[str, Any]:
    if rule not in KERNELS:
        if rule in RULES:
            raise UnknownRule(
                f"rule {rule!r} has no columnar kernel (have: {', '.join(KERNELS)}); "
                "use kejiservice.evaluate_many"
            )
        raise UnknownRule(f"unknown rule {rule!r}; known: {', '.join(RULES)}")
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise InvalidInput("as_of must be a datetime.date (not a datetime)", path="as_of")
    accepted = _SCALAR_INPUTS[rule]
    out: dict[str, Any] = {}
    for name, value in inputs.items():
        if name not in accepted:
            hint = (
                "give expert innovation scores per row (Ledger innovation_score column)"
                if name == "innovation_score"
                else "use kejiservice.evaluate_many for it"
            )
            raise InvalidInput(
                f"screen({rule!r}) takes no input {name!r}: {hint}", path=f"inputs.{name}"
            )
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput("must be an integer", path=f"inputs.{name}")
        out[name] = value
    return out


def _region_groups(params: ParameterSet, regions: NDArray[np.object_]) -> list[tuple[Any, Bool]]:
    """Rows grouped by which regional layers apply (all rows in one group without any)."""
    n = regions.shape[0]
    regional = [layer for layer in params.layers if layer.region]
    if not regional:
        return [(None, np.ones(n, dtype=bool))]
    values = regions.tolist()
    signature = {v: tuple(layer.applies_to(v) for layer in regional) for v in set(values)}
    keys = [signature[v] for v in values]
    groups: dict[tuple[bool, ...], Any] = {}
    for value in values:
        groups.setdefault(signature[value], value)
    out = []
    for key, representative in groups.items():
        rows = np.fromiter((k == key for k in keys), dtype=bool, count=n)
        out.append((representative, rows))
    return out


def screen(
    rule: str,
    ledger: Ledger | Iterable[Enterprise],
    as_of: dt.date,
    *,
    params: ParameterSet | None = None,
    errors: str = "raise",
    **inputs: Any,
) -> ScreenResult:
    """Evaluate ``rule`` for every row of ``ledger`` on ``as_of``, in columns.

    ``params`` defaults to the national pack (regional overlays apply per row, by the
    row's region). ``inputs``: ``year`` for ``sme_size`` and ``above_scale``; HNTE
    innovation scores come per row from the ledger's ``innovation_score`` column.
    Every row's status, criteria, ``failed`` list, gaps and scores equal
    ``kejiservice.evaluate(rule, enterprise, as_of, ...)``.

    ``errors``: where the object path answers a row and raises (a
    :class:`~kejiservice.errors.KejiserviceError`, e.g. a parameter missing on a date
    the enterprise's data asks for), ``"raise"`` (the default) lets it propagate, as
    ``evaluate`` would; ``"collect"`` records it in :attr:`ScreenResult.errors` and
    leaves the row undetermined, so a long run goes on.
    """
    if errors not in ("raise", "collect"):
        raise ValueError('errors is "raise" or "collect"')
    checked = _check(rule, as_of, inputs)
    if not isinstance(ledger, Ledger):
        ledger = Ledger.from_enterprises(ledger)
    pset = params or national()
    groups = _region_groups(pset, ledger.region)
    codes = RULES[rule].codes
    n = len(ledger)
    merged = KernelResult(codes, n, fill=False)
    versions: list[str] = []
    group_of = np.zeros(n, dtype=np.int64)
    day = param_day(rule, as_of, checked)
    kernel = KERNELS[rule]
    runs: list[tuple[Bool, Params | None]] = []
    for index, (region, rows) in enumerate(groups):
        group_of[rows] = index
        version = pset.find(f"{rule}.rule_version", day, region)
        versions.append("-" if version is None else str(version.value))
        # no version in force: the object path says "not applicable"
        runs.append((rows, None if version is None else Params(pset, day, region)))
    if len(runs) != 1 or runs[0][1] is None:
        merged.reset()
    if n:
        year_grid(ledger)  # blocks share what it finds out about the years
    for start, stop in _blocks(n):
        whole = start == 0 and stop == n
        frame = Frame(ledger if whole else row_block(ledger, start, stop), as_of)
        target = merged if whole else merged.view(start, stop)
        for rows, p in runs:
            here = rows if whole else rows[start:stop]
            if p is None:
                target.undecided |= here
            elif len(runs) == 1:
                kernel(frame, p, checked, target)
            else:
                answer = KernelResult(codes, stop - start, fill=False)
                kernel(frame, p, checked, answer)
                target.assign(here, answer)
    result = ScreenResult(rule, as_of, ledger, pset, checked, merged, versions, group_of)
    result._answer_by_objects((ledger.fallback != 0) | merged.undecided, errors == "collect")
    return result


class ScreenResult:
    """The answer of :func:`screen` for every row of a ledger.

    Arrays (``n`` rows, ``k`` criteria in ``codes`` order):

    * ``status`` (n,): verdict status, the index in ``tuple(Outcome)`` (0 eligible,
      1 ineligible, 2 undetermined, 3 not applicable); ``eligible`` (n,) booleans;
    * ``criteria`` (n, k): criterion status, the index in ``tuple(Status)`` (0 pass,
      1 fail, 2 unknown, 3 not applicable); ``criteria_mask`` (n,) packs them, two bits
      each; ``failed`` (n, k) and ``failed_mask`` (n,): the verdict's ``failed`` list;
    * ``gap`` (n, k): each criterion's gap in the unit of :data:`UNITS` (money in fen),
      :data:`MISSING` where the verdict has none; ``need`` (n, k): the requirement the
      gap is measured against (for distances);
    * ``score``, ``score_min``, ``score_max`` (n,), ``path`` (n,) (index in the rule's
      :data:`PATHS`, -1 none), ``size`` (n,) (``sme_size``: index in :data:`SIZES`);
    * ``via_objects`` (n,): rows answered by the object path.

    ``errors`` maps the rows whose evaluation raised (with ``errors="collect"``) to the
    exception; those rows are left undetermined.
    """

    def __init__(
        self,
        rule: str,
        as_of: dt.date,
        ledger: Ledger,
        params: ParameterSet,
        inputs: Mapping[str, Any],
        answer: KernelResult,
        versions: Sequence[str],
        group_of: I64,
    ) -> None:
        self.rule = rule
        self.as_of = as_of
        self.ledger = ledger
        self.params = params
        self.inputs = dict(inputs)
        self.codes: tuple[str, ...] = answer.codes
        self.status = answer.outcome
        self.criteria = answer.status
        self.failed = answer.failed
        self.gap = answer.gap
        self.need = answer.need
        self.score = answer.score
        self.score_min = answer.score_min
        self.score_max = answer.score_max
        self.path = answer.path
        self.size = answer.size
        self.via_objects: Bool = np.zeros(len(ledger), dtype=bool)
        self.errors: dict[int, KejiserviceError] = {}
        self._versions = list(versions)
        self._group_of = group_of
        self._verdicts: dict[int, Verdict] = {}

    def __len__(self) -> int:
        return int(self.status.shape[0])

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts().items())
        return f"<ScreenResult {self.rule} as of {self.as_of}: {counts}>"

    # ------------------------------------------------------------------ derived columns

    @property
    def eligible(self) -> Bool:
        """True where the verdict is eligible."""
        return np.asarray(self.status == O_ELIGIBLE, dtype=bool)

    @property
    def criteria_mask(self) -> NDArray[np.uint64]:
        """Two bits per criterion (see the module docstring)."""
        out = np.zeros(len(self), dtype=np.uint64)
        for i in range(len(self.codes)):
            out |= self.criteria[:, i].astype(np.uint64) << np.uint64(2 * i)
        return out

    @property
    def failed_mask(self) -> NDArray[np.uint64]:
        """Bit ``i`` set when criterion ``i`` is in the verdict's ``failed`` list."""
        out = np.zeros(len(self), dtype=np.uint64)
        for i in range(len(self.codes)):
            out |= self.failed[:, i].astype(np.uint64) << np.uint64(i)
        return out

    def gaps(self, code: str) -> I64:
        """The gap column of criterion ``code`` (unit: ``UNITS[code]``)."""
        return self.gap[:, self.codes.index(code)]

    def counts(self) -> dict[str, int]:
        """How many rows have each verdict status."""
        found = np.bincount(self.status.astype(np.int64), minlength=len(_OUTCOMES))
        return {o.value: int(found[i]) for i, o in enumerate(_OUTCOMES)}

    # ------------------------------------------------------------------ one row

    def outcome(self, row: int) -> Outcome:
        """The verdict status of ``row``."""
        return _OUTCOMES[int(self.status[row])]

    def failed_codes(self, row: int) -> tuple[str, ...]:
        """The verdict's ``failed`` list for ``row``, in rule order."""
        return tuple(c for i, c in enumerate(self.codes) if self.failed[row, i])

    def criterion_status(self, row: int, code: str) -> Status:
        """The status of criterion ``code`` for ``row``."""
        return _STATUSES[int(self.criteria[row, self.codes.index(code)])]

    def gap_value(self, row: int, code: str) -> Decimal | int | None:
        """The gap as the verdict gives it: yuan (Decimal) for money, else an int."""
        if row in self._verdicts:
            text = self._verdicts[row].criterion(code).gap
            if text is None:
                return None
            value = Decimal(text)
            return value if UNITS.get(code) == "fen" else int(value)
        raw = int(self.gap[row, self.codes.index(code)])
        if raw == MISSING:
            return None
        return fen_to_yuan(raw) if UNITS.get(code) == "fen" else raw

    def path_of(self, row: int) -> str | None:
        """The verdict's ``path`` for ``row``."""
        index = int(self.path[row])
        return None if index < 0 else PATHS[self.rule][index]

    def size_of(self, row: int) -> str | None:
        """``sme_size``: the size class of ``row``."""
        index = int(self.size[row])
        return None if index < 0 else SIZES[index]

    def rule_version(self, row: int) -> str:
        """Which version of the rule was in force for ``row`` (its region's)."""
        return self._versions[int(self._group_of[row])]

    # ------------------------------------------------------------------ explanations

    def explain_rows(self, rows: Iterable[int]) -> list[Verdict]:
        """Full verdicts (criteria, messages, provenance) for ``rows``, via the object path."""
        return [self._verdict(int(row)) for row in rows]

    def _verdict(self, row: int) -> Verdict:
        found = self._verdicts.get(row)
        if found is not None:
            return found
        accepted = RULES[self.rule].inputs
        own = {k: v for k, v in self.ledger.inputs(row).items() if k in accepted}
        return evaluate(
            self.rule,
            self.ledger.enterprise(row),
            self.as_of,
            params=self.params,
            **self.inputs,
            **own,
        )

    def _answer_by_objects(self, rows: Bool, collect: bool) -> None:
        for row in np.flatnonzero(rows).tolist():
            self.via_objects[row] = True
            try:
                verdict = self._verdict(row)
            except KejiserviceError as exc:
                if not collect:
                    raise
                self.errors[row] = exc
                self._blank(row)
                continue
            self._verdicts[row] = verdict
            self._fill(row, verdict)

    def _blank(self, row: int) -> None:
        self.status[row] = _OUTCOMES.index(Outcome.UNDETERMINED)
        self.criteria[row] = _STATUSES.index(Status.UNKNOWN)
        self.failed[row] = False
        self.gap[row] = MISSING
        self.need[row] = MISSING
        for array in (self.score, self.score_min, self.score_max):
            array[row] = MISSING
        self.path[row] = -1
        self.size[row] = -1

    def _fill(self, row: int, verdict: Verdict) -> None:
        self.status[row] = _OUTCOMES.index(verdict.status)
        for i, code in enumerate(self.codes):
            criterion = verdict.criterion(code)
            self.criteria[row, i] = _STATUSES.index(criterion.status)
            self.failed[row, i] = code in verdict.failed
            self.gap[row, i] = _gap_units(code, criterion.gap)
            self.need[row, i] = _need_units(code, criterion)
        self.score[row] = MISSING if verdict.score is None else verdict.score
        self.score_min[row] = MISSING if verdict.score_min is None else verdict.score_min
        self.score_max[row] = MISSING if verdict.score_max is None else verdict.score_max
        paths = PATHS[self.rule]
        self.path[row] = paths.index(verdict.path) if verdict.path in paths else -1
        size = verdict.extras.get("size")
        self.size[row] = SIZES.index(size) if size in SIZES else -1

    # ------------------------------------------------------------------ the cultivation pool

    def near(
        self, distance: Fraction | Decimal | str = "0.10", *, max_failed: int = 1
    ) -> list[tuple[int, Fraction]]:
        """Ineligible rows within ``distance`` of eligibility, closest first.

        A row is near when it fails at most ``max_failed`` criteria, each of them with a
        measurable shortfall (a positive gap against a positive requirement: ratios,
        limits, scores, age), and each gap is at most ``distance`` times its requirement
        (``0.10``: within 10%). Fixed facts (IP, field, incidents, size class) never
        count as near. Returns ``(row, relative gap)`` pairs sorted by the largest
        relative gap of the row, then by row; relative gaps are exact fractions.
        """
        limit = Fraction(distance)
        fails = self.failed.sum(axis=1)
        candidate = (self.status == O_INELIGIBLE) & (fails >= 1) & (fails <= max_failed)
        for i in range(len(self.codes)):
            rows = np.flatnonzero(candidate & self.failed[:, i])
            gap, need = self.gap[rows, i], self.need[rows, i]
            measurable = (gap != MISSING) & (need != MISSING) & (gap > 0) & (need > 0)
            safe_gap = np.where(measurable, gap, 0)
            safe_need = np.where(measurable, need, 0)
            # gap / need <= limit, cross-multiplied exactly
            within = np.asarray(
                exact_diff(safe_gap, limit.denominator, safe_need, limit.numerator) <= 0,
                dtype=bool,
            )
            candidate[rows[~(measurable & within)]] = False
        out: list[tuple[int, Fraction]] = []
        for row in np.flatnonzero(candidate).tolist():
            worst = max(
                Fraction(int(self.gap[row, i]), int(self.need[row, i]))
                for i in range(len(self.codes))
                if self.failed[row, i]
            )
            out.append((row, worst))
        out.sort(key=lambda item: (item[1], item[0]))
        return out

    # ------------------------------------------------------------------ records

    def record(self, row: int, *, distance: Fraction | None = None) -> dict[str, Any]:
        """A compact JSON-ready screening record for ``row`` (see the how-to page)."""
        ledger = self.ledger
        out: dict[str, Any] = {}
        line = int(ledger.lines[row])
        if line >= 0:
            out["line"] = line
        out["id"] = ledger.ids[row]
        out["name"] = ledger.names[row]
        out["rule"] = self.rule
        out["rule_version"] = self.rule_version(row)
        out["as_of"] = self.as_of.isoformat()
        outcome = self.outcome(row)
        out["status"] = outcome.value
        out["eligible"] = {Outcome.ELIGIBLE: True, Outcome.INELIGIBLE: False}.get(outcome)
        failed = self.failed_codes(row)
        out["failed"] = list(failed)
        gaps = {}
        for code in failed:
            value = self.gap_value(row, code)
            if value is not None:
                gaps[code] = format(value, "f") if isinstance(value, Decimal) else str(value)
        out["gaps"] = gaps
        for name in ("score", "score_min", "score_max"):
            value = int(getattr(self, name)[row])
            if value != MISSING:
                out[name] = value
        path = self.path_of(row)
        if path is not None:
            out["path"] = path
        if self.rule == "sme_size":
            out["size"] = self.size_of(row)
        if distance is not None:
            shown = (Decimal(distance.numerator) / Decimal(distance.denominator)).quantize(
                Decimal("0.000001"), rounding=ROUND_CEILING
            )
            out["distance"] = format(shown, "f")
        out["via"] = "objects" if self.via_objects[row] else "columns"
        return out

    @classmethod
    def concat(cls, results: Sequence[ScreenResult]) -> ScreenResult:
        """Results of one rule and day over several ledgers, one after the other."""
        if not results:
            raise ValueError("nothing to concatenate")
        first = results[0]
        for other in results[1:]:
            if (other.rule, other.as_of) != (first.rule, first.as_of):
                raise ValueError("results of different rules or days")
        ledger = Ledger.concat([r.ledger for r in results])
        versions: list[str] = []
        groups: list[I64] = []
        for r in results:
            remap = np.array([_index_of(versions, v) for v in r._versions] or [0], dtype=np.int64)
            groups.append(remap[r._group_of])
        answer = KernelResult(first.codes, len(ledger))
        for name in KernelResult.__slots__:
            if name in ("codes", "undecided"):
                continue
            attr = _RESULT_FIELDS.get(name, name)
            setattr(answer, name, np.concatenate([getattr(r, attr) for r in results]))
        out = cls(
            first.rule,
            first.as_of,
            ledger,
            first.params,
            first.inputs,
            answer,
            versions,
            np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64),
        )
        out.via_objects = np.concatenate([r.via_objects for r in results])
        offset = 0
        for r in results:
            for row, verdict in r._verdicts.items():
                out._verdicts[offset + row] = verdict
            for row, error in r.errors.items():
                out.errors[offset + row] = error
            offset += len(r)
        return out


_RESULT_FIELDS: Final = {"outcome": "status", "status": "criteria"}


def _index_of(items: list[str], value: str) -> int:
    if value not in items:
        items.append(value)
    return items.index(value)


_FEN: Final = Decimal("0.01")


def _gap_units(code: str, gap: str | None) -> int:
    """A verdict's gap text in the column unit (fen rounded up when finer than a fen)."""
    if gap is None:
        return MISSING
    value = Decimal(gap)
    if UNITS.get(code) == "fen":
        value = value.quantize(_FEN, rounding=ROUND_CEILING) * 100
    return int(value)


def _threshold(required: str | None) -> Decimal | None:
    if not required:
        return None
    try:
        return Decimal(required.split()[-1])
    except ArithmeticError:
        return None


_NEED_FIGURE: Final = {
    "hnte.tech_staff_ratio": "employees",
    "hnte.rd_expense_ratio": "sales_revenue",
    "hnte.domestic_rd_share": "rd_expense",
    "hnte.high_tech_income_share": "total_income_net",
}


def _need_units(code: str, criterion: Criterion) -> int:
    """The requirement a verdict's gap is measured against, in the column unit."""
    threshold = _threshold(criterion.required)
    if threshold is None or criterion.status is Status.UNKNOWN:
        return MISSING
    fen = UNITS.get(code) == "fen"
    if code in _NEED_FIGURE:
        base = criterion.detail.get(_NEED_FIGURE[code])
        if base is None or Decimal(base) <= 0:
            return MISSING
        amount = threshold * Decimal(base)
        if fen:
            return int(amount.quantize(_FEN, rounding=ROUND_CEILING) * 100)
        return int(amount.to_integral_value(rounding=ROUND_CEILING))
    if code in ("tech_sme.staff_limit", "tech_sme.sales_limit", "tech_sme.assets_limit"):
        if fen:
            return int((threshold * 100).to_integral_value(rounding=ROUND_FLOOR))
        return int(threshold.to_integral_value(rounding=ROUND_FLOOR))
    if code == "above_scale.main_business_revenue":
        return int((threshold * 100).to_integral_value(rounding=ROUND_CEILING))
    if code in ("hnte.registered_one_year", "hnte.innovation_score", "tech_sme.score"):
        return int(threshold)
    return MISSING
