"""Loading packs: TOML in, every problem reported with its file, line and reason.

``tomllib`` gives no positions, so each problem's line is found again in the raw text:
the ``[[criteria]]`` (or ``[award]``...) header the key lives under, then the key, then
the offending value. Expression problems also give the column, in the file and in the
test, with a caret under it. Every problem of a file is reported, not only the first.

A directory is loaded as one set: its packs may refer to each other in
``eligible(...)``; two versions of one id must not have overlapping windows and must
share their region; references must not loop.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..errors import ParameterError
from ..rules import RULES, local_rules
from ._facts import fact_names, resolve
from ._lang import (
    And,
    Compare,
    ExprError,
    Fact,
    Node,
    Not,
    Or,
    Scope,
    Type,
    check,
    parse,
    parse_literal,
)
from ._model import (
    AwardDef,
    CriterionDef,
    InputDef,
    Pack,
    ReferencePeriod,
    ScoreItem,
    ScoreRow,
    Tier,
)

__all__ = ["PackError", "PackProblem", "lint_packs", "load_pack", "load_packs", "references"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = frozenset(
    {
        "id",
        "region",
        "name_zh",
        "name_en",
        "effective_from",
        "effective_to",
        "source",
        "version",
        "reference_period",
        "note",
        "inputs",
        "scoring",
        "criteria",
        "award",
    }
)
_CRITERION_KEYS = frozenset({"code", "test", "message_zh", "message_en", "fail_zh", "fail_en"})
_CRITERION_KEYS |= {"source"}
_INPUT_KEYS = frozenset({"name", "type", "label_zh", "label_en"})
_SCORE_KEYS = frozenset({"code", "name_zh", "name_en", "rows", "input", "max"})
_ROW_KEYS = frozenset({"test", "points"})
_AWARD_KEYS = frozenset({"kind", "amount", "rate", "base", "floor", "cap", "tiers", "pool"})
_AWARD_KEYS |= {"source"}
_TIER_KEYS = frozenset({"test", "amount", "rate", "label_zh", "label_en"})
_AWARD_KINDS = ("fixed", "rate", "tiers")
_INPUT_TYPES = {
    "points": Type.POINTS,
    "count": Type.COUNT,
    "persons": Type.PERSONS,
    "days": Type.DAYS,
    "money": Type.MONEY,
    "ratio": Type.RATIO,
    "bool": Type.BOOL,
}
PLACEHOLDERS = frozenset(
    {"actual", "required", "threshold", "gap", "year", "missing", "actual_wan", "gap_wan"}
)

Path_ = tuple[str | int, ...]


@attrs.frozen
class PackProblem:
    """One problem in a pack file: where (file, line, column, key path) and why."""

    file: str
    line: int | None
    column: int | None
    where: str
    message: str
    excerpt: str = ""

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        head = (
            f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"
        )
        return head + (f"\n{self.excerpt}" if self.excerpt else "")


class PackError(ParameterError):
    """A pack (or a directory of packs) that cannot be loaded; ``problems`` lists them all."""

    def __init__(self, problems: Sequence[PackProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"invalid pack ({len(self.problems)} problem(s)):\n{lines}")


# --------------------------------------------------------------------------- lines

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")


class _Lines:
    """Finds the line of a key path in the raw TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str]] = []
        for number, line in enumerate(self.lines):
            match = _HEADER.match(line)
            if match:
                self.headers.append((number, match.group(2)))

    def _section(self, name: str, index: int | None) -> tuple[int, int] | None:
        found = [n for n, h in self.headers if h == name]
        if not found:
            return None
        start = found[index] if index is not None and index < len(found) else found[0]
        end = next((n for n, _ in self.headers if n > start), len(self.lines))
        return start, end

    def find(self, path: Path_, needle: str | None = None) -> int | None:
        """The 1-based line of ``path`` (and of ``needle`` in its value), if found."""
        start = 0
        end = self.headers[0][0] if self.headers else len(self.lines)
        dotted, i = "", 0
        while i < len(path):
            part = path[i]
            if not isinstance(part, str):
                break
            name = f"{dotted}.{part}" if dotted else part
            following = path[i + 1] if i + 1 < len(path) else None
            index = following if isinstance(following, int) else None
            section = self._section(name, index)
            if section is None:
                break
            start, end = section
            dotted = name
            i += 2 if index is not None else 1
        rest = [p for p in path[i:] if isinstance(p, str)]
        line = start
        if rest:
            key = re.compile(rf"^\s*[\"']?{re.escape(rest[0])}[\"']?\s*=")
            line = next((n for n in range(start, end) if key.match(self.lines[n])), start)
        if needle:
            first = needle.splitlines()[0] if needle.strip() else needle
            hit = next((n for n in range(line, end) if first in self.lines[n]), None)
            if hit is not None:
                return hit + 1
        if not self.lines:
            return None
        return line + 1

    def column(self, line: int, needle: str, offset: int) -> int | None:
        """The 1-based column of character ``offset`` (1-based) of ``needle`` on ``line``."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        first = needle.splitlines()[0] if needle else ""
        at = text.find(first) if first else -1
        if at < 0 or offset > len(first) + 1:
            return None
        return at + offset


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _caret(expr: str, column: int) -> str:
    lines = expr.splitlines() or [""]
    before = expr[: column - 1]
    row = before.count("\n")
    col_in_row = len(before.rsplit("\n", 1)[-1])
    shown = lines[min(row, len(lines) - 1)]
    return f"    {shown}\n    {' ' * _width(shown[:col_in_row])}^"


def _where(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# --------------------------------------------------------------------------- reader


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


class _Reader:
    def __init__(self, path: Path, text: str, rules: frozenset[str]) -> None:
        self.file = str(path)
        self.text = text
        self.lines = _Lines(text)
        self.rules = rules
        self.problems: list[PackProblem] = []
        self.scope = Scope()
        self.names = fact_names()

    def add(self, path: Path_, message: str, needle: str | None = None) -> None:
        self.problems.append(
            PackProblem(self.file, self.lines.find(path, needle), None, _where(path), message)
        )

    def keys(self, table: Mapping[str, Any], allowed: frozenset[str], path: Path_) -> None:
        for key in table:
            if key not in allowed:
                close = [k for k in sorted(allowed) if k[:3] == key[:3]]
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.add((*path, key), f"unknown key{hint}; allowed: {', '.join(sorted(allowed))}")

    def string(
        self, table: Mapping[str, Any], key: str, path: Path_, required: bool = True
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.add((*path, key) if path else (key,), "missing (a string is required)")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add((*path, key), "must be a non-empty string")
            return None
        return value

    def expr(self, text: Any, path: Path_, want: Type | None = Type.BOOL) -> Node | None:
        if not isinstance(text, str) or not text.strip():
            self.add(path, "must be a non-empty string holding a test")
            return None
        try:
            return check(parse(text), resolve, self.names, self.scope, want)
        except ExprError as exc:
            line = self.lines.find(path, text)
            column = self.lines.column(line, text, exc.column) if line else None
            self.problems.append(
                PackProblem(
                    self.file,
                    line,
                    column,
                    _where(path),
                    f"{exc.message} (column {exc.column} of the test)",
                    _caret(text, exc.column),
                )
            )
            return None

    def amount(self, value: Any, path: Path_, kind: Type, allow_negative: bool = False) -> Any:
        example = '"20万元"' if kind is Type.MONEY else '"10%"'
        if not isinstance(value, str):
            self.add(path, f"write the value with its unit as a string, e.g. {example}")
            return None
        try:
            lit = parse_literal(value)
        except ExprError as exc:
            self.add(path, f"{exc.message}", value)
            return None
        if lit.type is not kind:
            got = "a bare number" if lit.type is Type.NUMBER else f"a {lit.type.value}"
            self.add(
                path, f"unit mismatch: expected {kind.value} (e.g. {example}), got {got}", value
            )
            return None
        if not allow_negative and lit.value < 0:
            self.add(path, "must not be negative", value)
            return None
        return lit.value

    def messages(self, table: Mapping[str, Any], path: Path_) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key in ("message_zh", "message_en", "fail_zh", "fail_en"):
            out[key] = self.string(table, key, path, required=key.startswith("message"))
        fields: dict[str, set[str]] = {}
        for key, text in out.items():
            if text is None:
                continue
            try:
                found = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            except ValueError as exc:
                self.add((*path, key), f"bad template: {exc} (write {{{{ and }}}} for braces)")
                continue
            for name in sorted(found - PLACEHOLDERS):
                self.add(
                    (*path, key),
                    f"unknown placeholder {{{name}}}; allowed: "
                    + ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS)),
                )
            fields[key] = found
        for zh, en in (("message_zh", "message_en"), ("fail_zh", "fail_en")):
            if (zh in fields) != (en in fields) and (out[zh] or out[en]):
                self.add((*path, en if zh in fields else zh), f"give both {zh} and {en}")
            elif zh in fields and en in fields and fields[zh] != fields[en]:
                self.add((*path, en), f"placeholders differ from {zh}: {sorted(fields[zh])}")
        return out

    def tables(self, doc: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
        raw = doc.get(key, [])
        if not isinstance(raw, list):
            self.add((key,), f"must be an array of tables ([[{key}]])")
            return []
        out: list[tuple[int, Mapping[str, Any]]] = []
        for index, item in enumerate(raw):
            if isinstance(item, dict):
                out.append((index, item))
            else:
                self.add((key, index), "must be a table")
        return out


def _period(reader: _Reader, raw: Any) -> ReferencePeriod:
    if raw is None or raw == "last_year":
        return ReferencePeriod()
    if raw == "current_year":
        return ReferencePeriod("current_year")
    if isinstance(raw, dict):
        reader.keys(raw, frozenset({"from", "to"}), ("reference_period",))
        start, end = raw.get("from"), raw.get("to")
        if (
            isinstance(start, dt.date)
            and isinstance(end, dt.date)
            and _is_date(start)
            and _is_date(end)
            and start <= end
        ):
            return ReferencePeriod("fixed", start, end)
    reader.add(
        ("reference_period",),
        'must be "last_year", "current_year" or {from = YYYY-MM-DD, to = YYYY-MM-DD} '
        "with from <= to",
    )
    return ReferencePeriod()


def _inputs(reader: _Reader, doc: Mapping[str, Any]) -> tuple[InputDef, ...]:
    out: list[InputDef] = []
    for index, table in reader.tables(doc, "inputs"):
        path: Path_ = ("inputs", index)
        reader.keys(table, _INPUT_KEYS, path)
        name = reader.string(table, "name", path)
        kind = table.get("type")
        zh = reader.string(table, "label_zh", path)
        en = reader.string(table, "label_en", path)
        if name is not None and not _ID.match(name):
            reader.add((*path, "name"), "a name is lower_snake_case")
            name = None
        if name is not None and any(i.name == name for i in out):
            reader.add((*path, "name"), f"input {name!r} declared twice")
            name = None
        if kind not in _INPUT_TYPES:
            reader.add((*path, "type"), f"one of {', '.join(_INPUT_TYPES)}")
            continue
        if name and zh and en:
            out.append(InputDef(name, _INPUT_TYPES[kind], zh, en))
    return tuple(out)


def _scoring(reader: _Reader, doc: Mapping[str, Any], pack_id: str) -> tuple[ScoreItem, ...]:
    items: list[ScoreItem] = []
    codes: set[str] = set()
    for index, table in reader.tables(doc, "scoring"):
        path: Path_ = ("scoring", index)
        reader.keys(table, _SCORE_KEYS, path)
        code = reader.string(table, "code", path)
        zh = reader.string(table, "name_zh", path)
        en = reader.string(table, "name_en", path)
        if code is not None and (not _ID.match(code) or code in codes):
            reader.add((*path, "code"), "a code is lower_snake_case and unique in the pack")
            code = None
        if code:
            codes.add(code)
        rows: list[ScoreRow] = []
        source_input = table.get("input")
        raw_max = table.get("max")
        if ("rows" in table) == ("input" in table):
            reader.add(path, "a scoring item has either rows or an input")
            continue
        if source_input is not None:
            declared = dict(reader.scope.inputs)
            if declared.get(source_input) is not Type.POINTS:
                reader.add((*path, "input"), 'must name an input declared with type = "points"')
                continue
            if not isinstance(raw_max, int) or isinstance(raw_max, bool) or raw_max < 0:
                reader.add((*path, "max"), "an input item needs max = its highest points")
                continue
            if code and zh and en:
                items.append(ScoreItem(code, zh, en, raw_max, input=source_input))
            continue
        raw_rows = table.get("rows")
        if not isinstance(raw_rows, list) or not raw_rows:
            reader.add((*path, "rows"), "a non-empty array of {test, points}")
            continue
        for r, row in enumerate(raw_rows):
            rpath: Path_ = (*path, "rows", r)
            if not isinstance(row, dict):
                reader.add(rpath, "a row is a table {test = ..., points = N}")
                continue
            reader.keys(row, _ROW_KEYS, rpath)
            test = reader.expr(row.get("test"), (*rpath, "test"))
            points = row.get("points")
            if not isinstance(points, int) or isinstance(points, bool) or points < 0:
                reader.add((*rpath, "points"), "points are a whole number >= 0")
                continue
            if test is not None:
                rows.append(ScoreRow(test, str(row["test"]), points))
        top = max((r.points for r in rows), default=0)
        if raw_max is not None and (not isinstance(raw_max, int) or raw_max < top):
            reader.add((*path, "max"), f"max must be a whole number >= the highest row ({top})")
            continue
        if code and zh and en and len(rows) == len(raw_rows):
            items.append(
                ScoreItem(code, zh, en, raw_max if raw_max is not None else top, tuple(rows))
            )
    return tuple(items)


def _criteria(reader: _Reader, doc: Mapping[str, Any], pack_id: str, source: str) -> list[Any]:
    out: list[CriterionDef] = []
    seen: set[str] = set()
    tables = reader.tables(doc, "criteria")
    if not tables and "criteria" not in doc:
        reader.add(("criteria",), "at least one [[criteria]] table is required")
    for index, table in tables:
        path: Path_ = ("criteria", index)
        reader.keys(table, _CRITERION_KEYS, path)
        code = reader.string(table, "code", path)
        if code is not None:
            if not _ID.match(code) or code == "in_region":
                reader.add((*path, "code"), "a code is lower_snake_case (and not 'in_region')")
                code = None
            elif code in seen:
                reader.add((*path, "code"), f"code {code!r} is used twice")
                code = None
            else:
                seen.add(code)
        test = reader.expr(table.get("test"), (*path, "test"))
        texts = reader.messages(table, path)
        own_source = reader.string(table, "source", path, required=False)
        zh, en = texts["message_zh"], texts["message_en"]
        if code and test is not None and zh and en:
            out.append(
                CriterionDef(
                    code=f"{pack_id}.{code}",
                    short=code,
                    test=test,
                    text=str(table["test"]),
                    message_zh=zh,
                    message_en=en,
                    source=own_source or source,
                    fail_zh=texts["fail_zh"],
                    fail_en=texts["fail_en"],
                )
            )
    return out


def _award(reader: _Reader, doc: Mapping[str, Any], source: str) -> AwardDef | None:
    raw = doc.get("award")
    if not isinstance(raw, dict):
        reader.add(("award",), "an [award] table is required")
        return None
    path: Path_ = ("award",)
    reader.keys(raw, _AWARD_KEYS, path)
    kind = raw.get("kind")
    if kind not in _AWARD_KINDS:
        reader.add((*path, "kind"), f"one of {', '.join(_AWARD_KINDS)}")
        return None
    ok = True
    amount = rate = floor = cap = pool = None
    base: Node | None = None

    def money(key: str) -> Decimal | None:
        nonlocal ok
        if key not in raw:
            return None
        value: Decimal | None = reader.amount(raw[key], (*path, key), Type.MONEY)
        ok = ok and value is not None
        return value

    floor, cap, pool = money("floor"), money("cap"), money("pool")
    if floor is not None and cap is not None and floor > cap:
        reader.add((*path, "floor"), "floor is above cap")
        ok = False
    if "base" in raw:
        base = reader.expr(raw["base"], (*path, "base"), Type.MONEY)
        ok = ok and base is not None
    if "rate" in raw:
        rate = reader.amount(raw["rate"], (*path, "rate"), Type.RATIO)
        ok = ok and rate is not None
    tiers: list[Tier] = []
    if kind == "fixed":
        if "amount" not in raw:
            reader.add((*path, "amount"), 'a fixed award needs amount = "20万元"')
            return None
        amount = money("amount")
        for key in ("rate", "base", "tiers"):
            if key in raw:
                reader.add((*path, key), "not used by a fixed award")
                ok = False
    elif kind == "rate":
        for key in ("rate", "base"):
            if key not in raw:
                reader.add((*path, key), "a rate award needs rate and base")
                ok = False
        for key in ("amount", "tiers"):
            if key in raw:
                reader.add((*path, key), "not used by a rate award")
                ok = False
    else:
        ok = _tiers(reader, raw, path, base, tiers) and ok
        if "amount" in raw or "rate" in raw:
            reader.add(path, "a tiers award gives amount or rate in each tier")
            ok = False
    own = reader.string(raw, "source", path, required=False)
    if not ok:
        return None
    return AwardDef(
        kind=kind,
        source=own or source,
        amount=amount,
        rate=rate,
        base=base,
        base_text=str(raw.get("base", "")),
        floor=floor,
        cap=cap,
        tiers=tuple(tiers),
        pool=pool,
    )


def _tiers(
    reader: _Reader, raw: Mapping[str, Any], path: Path_, base: Node | None, out: list[Tier]
) -> bool:
    items = raw.get("tiers")
    if not isinstance(items, list) or not items:
        reader.add((*path, "tiers"), "a tiers award needs tiers = [{test, amount}, ...]")
        return False
    ok = True
    for index, item in enumerate(items):
        tpath: Path_ = (*path, "tiers", index)
        if not isinstance(item, dict):
            reader.add(tpath, "a tier is a table {test, amount} or {test, rate}")
            ok = False
            continue
        reader.keys(item, _TIER_KEYS, tpath)
        test = reader.expr(item.get("test"), (*tpath, "test"))
        amount = rate = None
        if ("amount" in item) == ("rate" in item):
            reader.add(tpath, "a tier has either amount or rate")
            ok = False
            continue
        if "amount" in item:
            amount = reader.amount(item["amount"], (*tpath, "amount"), Type.MONEY)
        else:
            rate = reader.amount(item["rate"], (*tpath, "rate"), Type.RATIO)
            if base is None:
                reader.add((*tpath, "rate"), "a rate tier needs the award's base")
                ok = False
        if test is None or (amount is None and rate is None):
            ok = False
            continue
        out.append(
            Tier(
                test,
                str(item["test"]),
                amount,
                rate,
                str(item.get("label_zh", "")),
                str(item.get("label_en", "")),
            )
        )
    return ok


def _read_pack(path: Path, rules: frozenset[str]) -> tuple[Pack | None, list[PackProblem]]:
    try:
        raw_bytes = path.read_bytes()
        text = raw_bytes.decode("utf-8")
    except OSError as exc:
        return None, [PackProblem(str(path), None, None, "", f"cannot read: {exc.strerror}")]
    except UnicodeDecodeError:
        return None, [PackProblem(str(path), None, None, "", "not UTF-8 text")]
    reader = _Reader(path, text, rules)
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        column = int(match.group(2)) if match else None
        return None, [PackProblem(str(path), line, column, "", f"not valid TOML: {exc}")]
    reader.keys(doc, _TOP_KEYS, ())
    pack_id = reader.string(doc, "id", ())
    if pack_id is not None and not _ID.match(pack_id):
        reader.add(("id",), "an id is lower_snake_case: a-z, 0-9 and _, starting with a letter")
        pack_id = None
    if pack_id is not None and pack_id in RULES:
        reader.add(("id",), f"{pack_id!r} is a national rule id")
        pack_id = None
    region = doc.get("region")
    if not (
        isinstance(region, str) and len(region) == 6 and region.isascii() and region.isdigit()
    ) or (isinstance(region, str) and region.startswith("00")):
        reader.add(("region",), 'a 6-digit administrative code as a string, e.g. "449900"')
        region = None
    if "version" in doc and not isinstance(doc["version"], str):
        reader.add(("version",), 'write the version as a string, e.g. "2026"')
        doc = {k: v for k, v in doc.items() if k != "version"} | {"version": "?"}
    texts = {k: reader.string(doc, k, ()) for k in ("name_zh", "name_en", "source", "version")}
    start, end = doc.get("effective_from"), doc.get("effective_to")
    if not _is_date(start):
        reader.add(("effective_from",), "a TOML date (2026-01-01) is required")
        start = None
    if end is not None and not _is_date(end):
        reader.add(("effective_to",), "must be a TOML date (2026-12-31)")
        end = None
    if start is not None and end is not None and end < start:
        reader.add(("effective_to",), f"ends before it starts ({start})")
    note = doc.get("note", "")
    if not isinstance(note, str):
        reader.add(("note",), "must be a string")
        note = ""
    period = _period(reader, doc.get("reference_period"))
    inputs = _inputs(reader, doc)
    reader.scope = Scope(
        rules=rules, inputs={i.name: i.type for i in inputs}, self_id=pack_id or ""
    )
    scoring = _scoring(reader, doc, pack_id or "")
    has_score = "scoring" in doc
    reader.scope = attrs.evolve(reader.scope, has_score=has_score)
    source = texts["source"] or ""
    criteria = _criteria(reader, doc, pack_id or "", source)
    award = _award(reader, doc, source)
    if reader.problems:
        return None, reader.problems
    assert pack_id
    assert region
    assert start
    assert award is not None
    pack = Pack(
        id=pack_id,
        region=region,
        name_zh=texts["name_zh"] or "",
        name_en=texts["name_en"] or "",
        effective_from=start,
        effective_to=end,
        source=source,
        version=texts["version"] or "",
        criteria=tuple(criteria),
        award=award,
        reference_period=period,
        scoring=scoring,
        inputs=inputs,
        note=note,
        path=str(path),
    )
    return pack, []


def _known_rules(extra: Iterable[str] = ()) -> frozenset[str]:
    return frozenset({*RULES, *(s.id for s in local_rules()), *extra})


def load_pack(path: str | Path, *, rules: Iterable[str] = ()) -> Pack:
    """Load and check one pack file; :class:`PackError` lists every problem with its line.

    ``eligible(...)`` may name a national rule, a registered local rule, or one of
    ``rules`` (ids of packs loaded alongside).
    """
    pack, problems = _read_pack(Path(path), _known_rules(rules))
    if pack is None:
        raise PackError(problems)
    return pack


@attrs.frozen
class _Head:
    """The id, region and window of a pack file, read even when the rest is unsound."""

    path: str
    id: str
    region: Any
    start: dt.date
    end: dt.date | None

    def window(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat() if self.end else ''}"


def _peek(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def peek_id(path: Path) -> str | None:
    """The ``id`` of the pack file at ``path`` without checking the rest (or ``None``)."""
    value = _peek(path).get("id")
    return value if isinstance(value, str) else None


def _head(path: Path) -> _Head | None:
    doc = _peek(path)
    pack_id, start, end = doc.get("id"), doc.get("effective_from"), doc.get("effective_to")
    if not isinstance(pack_id, str) or not isinstance(start, dt.date) or not _is_date(start):
        return None
    return _Head(str(path), pack_id, doc.get("region"), start, end if _is_date(end) else None)


def references(node: Node) -> set[str]:
    """The rule ids a test names in ``eligible(...)``."""
    if isinstance(node, Fact):
        return {node.args[0]} if node.name == "eligible" else set()
    if isinstance(node, Compare):
        return references(node.left) | references(node.right)
    if isinstance(node, Not):
        return references(node.operand)
    if isinstance(node, And | Or):
        return set().union(*(references(p) for p in node.parts))
    return set()


def pack_references(pack: Pack) -> set[str]:
    """Every rule id the pack's tests name in ``eligible(...)``."""
    nodes: list[Node] = [c.test for c in pack.criteria]
    nodes += [r.test for item in pack.scoring for r in item.rows]
    nodes += [t.test for t in pack.award.tiers]
    return set().union(*(references(n) for n in nodes)) if nodes else set()


def _window_problems(heads: Sequence[_Head], lines: Mapping[str, _Lines]) -> list[PackProblem]:
    problems: list[PackProblem] = []
    by_id: dict[str, list[_Head]] = {}
    for head in heads:
        by_id.setdefault(head.id, []).append(head)

    def at(head: _Head, key: str, message: str) -> PackProblem:
        line = lines[head.path].find((key,)) if head.path in lines else None
        return PackProblem(head.path, line, None, key, message)

    for versions in by_id.values():
        versions.sort(key=lambda h: h.start)
        for i, later in enumerate(versions):
            for earlier in versions[:i]:
                if earlier.end is None or earlier.end >= later.start:
                    problems.append(
                        at(
                            later,
                            "effective_from",
                            f"window {later.window()} of {later.id!r} overlaps the window "
                            f"{earlier.window()} in {Path(earlier.path).name}; a day must "
                            "select one version",
                        )
                    )
                if earlier.region != later.region:
                    problems.append(
                        at(
                            later,
                            "region",
                            f"versions of {later.id!r} differ in region "
                            f"({earlier.region} in {Path(earlier.path).name})",
                        )
                    )
    return problems


def _set_problems(packs: Sequence[Pack], lines: Mapping[str, _Lines]) -> list[PackProblem]:
    problems: list[PackProblem] = []
    by_id: dict[str, list[Pack]] = {}
    for pack in packs:
        by_id.setdefault(pack.id, []).append(pack)

    def at(pack: Pack, key: str, message: str) -> PackProblem:
        line = lines[pack.path].find((key,)) if pack.path in lines else None
        return PackProblem(pack.path, line, None, key, message)

    # loops through eligible(...)
    graph = {pid: set().union(*(pack_references(p) for p in ps)) for pid, ps in by_id.items()}
    for start in sorted(graph):
        trail = _cycle(graph, start)
        if trail:
            pack = by_id[start][0]
            problems.append(
                at(pack, "criteria", "eligible(...) references loop: " + " -> ".join(trail))
            )
    return problems


def _cycle(graph: Mapping[str, set[str]], start: str) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, trail = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*trail, start]
            if nxt not in seen and nxt in graph:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None


def _load_dir(directory: str | Path) -> tuple[list[Pack], list[PackProblem]]:
    folder = Path(directory)
    if not folder.is_dir():
        return [], [PackProblem(str(folder), None, None, "", "not a directory")]
    files = sorted(folder.glob("*.toml"))
    if not files:
        return [], [PackProblem(str(folder), None, None, "", "no .toml pack files")]
    heads = [h for h in map(_head, files) if h is not None]
    known = _known_rules(h.id for h in heads)
    packs: list[Pack] = []
    problems: list[PackProblem] = []
    lines: dict[str, _Lines] = {}
    for path in files:
        pack, found = _read_pack(path, known)
        problems.extend(found)
        lines[str(path)] = _Lines(path.read_text("utf-8"))
        if pack is not None:
            packs.append(pack)
    problems.extend(_window_problems(heads, lines))
    problems.extend(_set_problems(packs, lines))
    packs.sort(key=lambda p: (p.id, p.effective_from))
    return packs, problems


def load_packs(directory: str | Path) -> list[Pack]:
    """Load every ``*.toml`` pack in ``directory`` (not its subfolders) as one set.

    Refused with :class:`PackError` (every problem, with file and line) when a file is
    unsound, two versions of one id overlap in time or differ in region, or
    ``eligible(...)`` references loop. Sorted by id, then effective date.
    """
    packs, problems = _load_dir(directory)
    if problems:
        raise PackError(problems)
    return packs


def lint_packs(directory: str | Path) -> list[str]:
    """Every problem in the packs of ``directory``, one string each (empty when sound).

    Beyond what loading refuses, lint flags criteria that can never hold together,
    award tiers and scoring rows that can never be reached.
    """
    from ._lint import unreachable

    packs, problems = _load_dir(directory)
    out = [str(p) for p in problems]
    for pack in packs:
        lines = _Lines(Path(pack.path).read_text("utf-8"))
        for path, needle, message in unreachable(pack):
            out.append(
                str(PackProblem(pack.path, lines.find(path, needle), None, _where(path), message))
            )
    return out
