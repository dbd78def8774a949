"""Reading the scheduling formats: officers (with their enterprises), cadence policy, history.

Every loader is strict and lists every problem it finds, each with its JSON path
(``$.officers[2].weekly_capacity``), in one :class:`~kejiservice.errors.InvalidInput`.
Unknown keys are refused (a typo must not silently change a plan).

* officers JSON: ``{"officers": [{"id", "name", "weekly_capacity", "weekdays",
  "days_off", "district", "enterprises"}]}``; the ``enterprises`` of an officer are
  its assignment (挂点服务), so one file gives both :class:`Officer` and
  :class:`Assignment` (a :class:`Roster`).
* cadence policy, TOML or JSON: ``default``, ``week_anchor`` and ``[[rules]]`` with
  ``name``, ``interval`` and one of ``tag`` / ``certification``.
* history JSON: ``{"visits": [{"enterprise", "date", "officer", "note"}]}``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..errors import InvalidInput, Problem
from ..models import CertificationKind
from ._models import (
    DEFAULT_WEEK_ANCHOR,
    WEEKDAY_NAMES,
    Assignment,
    CadencePolicy,
    CadenceRule,
    Interval,
    Officer,
    VisitRecord,
)

__all__ = [
    "Roster",
    "load_history",
    "load_officers",
    "load_policy",
    "read_history",
    "read_officers",
    "read_policy",
    "roster_problems",
]

OFFICERS_SCHEMA = "kejiservice/officers@1"
POLICY_SCHEMA = "kejiservice/cadence-policy@1"
HISTORY_SCHEMA = "kejiservice/visit-history@1"

#: The longest range of days off one entry may give (a guard against typos in years).
MAX_DAYS_OFF_RANGE = 366

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@attrs.frozen
class Roster:
    """What an officers file holds: the officers and, for each, its assignment.

    ``assignments[i]`` belongs to ``officers[i]`` (file order), empty when the
    officer has no ``enterprises``.
    """

    officers: tuple[Officer, ...]
    assignments: tuple[Assignment, ...]


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class _Checker:
    """Collects problems while reading one document."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(
        self, value: Any, path: str, required: Iterable[str], optional: Iterable[str]
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, got {_describe(value)}")
            return None
        required = tuple(required)
        known = set(required) | set(optional)
        for key in sorted(value, key=str):
            if key not in known:
                self.fail(f"{path}.{key}", "unknown field (a typo?)")
        for key in required:
            if key not in value or value[key] is None:
                self.fail(f"{path}.{key}", "required field is missing")
        return {k: v for k, v in value.items() if v is not None}

    def text(self, value: Any, path: str, *, empty: bool = False) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"must be a string, got {_describe(value)}")
            return None
        if not empty and not value.strip():
            self.fail(path, "must not be empty")
            return None
        return value

    def count(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be an integer, got {_describe(value)}")
            return None
        if value < 0:
            self.fail(path, f"must not be negative, got {value}")
            return None
        return value

    def date(self, value: Any, path: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            self.fail(path, "must be a date, not a date and time")
            return None
        if isinstance(value, dt.date):  # a TOML date literal
            return value
        if not isinstance(value, str):
            self.fail(path, f"a date must be a string YYYY-MM-DD, got {_describe(value)}")
            return None
        if not _DATE_RE.match(value):
            self.fail(path, f"a date must be written YYYY-MM-DD, got {value[:40]!r}")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(path, f"no such date: {value}")
            return None

    def array(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, f"must be an array, got {_describe(value)}")
            return []
        return value

    def interval(self, value: Any, path: str) -> Interval | None:
        text = self.text(value, path)
        if text is None:
            return None
        try:
            return Interval.parse(text)
        except InvalidInput as exc:
            self.fail(path, exc.problems[0].message)
            return None

    def schema(self, doc: dict[str, Any], path: str, expected: str) -> None:
        if "schema" in doc and doc["schema"] != expected:
            self.fail(f"{path}.schema", f"unsupported schema {str(doc['schema'])[:60]!r}")

    def done(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)


def _days_off(check: _Checker, value: Any, path: str) -> set[dt.date]:
    out: set[dt.date] = set()
    for index, item in enumerate(check.array(value, path)):
        where = f"{path}[{index}]"
        if isinstance(item, dict):
            doc = check.obj(item, where, ("from", "to"), ())
            if doc is None:
                continue
            first = check.date(doc.get("from"), f"{where}.from") if "from" in doc else None
            last = check.date(doc.get("to"), f"{where}.to") if "to" in doc else None
            if first is None or last is None:
                continue
            if last < first:
                check.fail(f"{where}.to", f"the range ends ({last}) before it starts ({first})")
            elif (last - first).days >= MAX_DAYS_OFF_RANGE:
                check.fail(where, f"a range of days off is at most {MAX_DAYS_OFF_RANGE} days")
            else:
                out.update(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
        else:
            day = check.date(item, where)
            if day is not None:
                out.add(day)
    return out


def _weekdays(check: _Checker, value: Any, path: str) -> tuple[int, ...] | None:
    items = check.array(value, path)
    if isinstance(value, list) and not items:
        check.fail(path, "an officer needs at least one working weekday")
        return None
    out: list[int] = []
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        name = check.text(item, where)
        if name is None:
            continue
        key = name.strip().lower()[:3]
        if key not in WEEKDAY_NAMES or len(name.strip()) < 3:
            allowed = ", ".join(WEEKDAY_NAMES)
            check.fail(where, f"unknown weekday {name[:20]!r}; expected one of: {allowed}")
        elif WEEKDAY_NAMES.index(key) in out:
            check.fail(where, f"{name!r} is listed twice")
        else:
            out.append(WEEKDAY_NAMES.index(key))
    return tuple(out) if out else None


def load_officers(data: Any, *, path: str = "$") -> Roster:
    """Read an officers document (what ``json.load`` returns) into a :class:`Roster`.

    Raises :class:`~kejiservice.errors.InvalidInput` listing every problem with its path.
    An enterprise listed under two officers is a problem: each enterprise has one officer.
    """
    check = _Checker()
    doc = check.obj(data, path, ("officers",), ("schema",))
    officers: list[Officer] = []
    assignments: list[Assignment] = []
    if doc is None:
        check.done()
    assert doc is not None
    check.schema(doc, path, OFFICERS_SCHEMA)
    seen_ids: dict[str, str] = {}
    owner: dict[str, str] = {}
    for index, raw in enumerate(check.array(doc.get("officers", []), f"{path}.officers")):
        where = f"{path}.officers[{index}]"
        before = len(check.problems)
        item = check.obj(
            raw,
            where,
            ("id", "name", "weekly_capacity"),
            ("weekdays", "days_off", "district", "enterprises"),
        )
        if item is None:
            continue
        ident = check.text(item["id"], f"{where}.id") if "id" in item else None
        if ident is not None:
            if ident in seen_ids:
                check.fail(
                    f"{where}.id", f"duplicate officer id {ident!r} (also {seen_ids[ident]})"
                )
            else:
                seen_ids[ident] = where
        name = check.text(item["name"], f"{where}.name") if "name" in item else None
        capacity = (
            check.count(item["weekly_capacity"], f"{where}.weekly_capacity")
            if "weekly_capacity" in item
            else None
        )
        weekdays = (
            _weekdays(check, item["weekdays"], f"{where}.weekdays")
            if "weekdays" in item
            else (0, 1, 2, 3, 4)
        )
        days_off = _days_off(check, item.get("days_off", []), f"{where}.days_off")
        district = check.text(item["district"], f"{where}.district") if "district" in item else None
        enterprises: list[str] = []
        for pos, ent in enumerate(check.array(item.get("enterprises", []), f"{where}.enterprises")):
            at = f"{where}.enterprises[{pos}]"
            ent_id = check.text(ent, at)
            if ent_id is None:
                continue
            if ent_id in owner:
                check.fail(at, f"enterprise {ent_id!r} is already assigned ({owner[ent_id]})")
                continue
            owner[ent_id] = at
            enterprises.append(ent_id)
        if len(check.problems) > before:
            continue
        assert ident is not None
        assert name is not None
        assert capacity is not None
        assert weekdays is not None
        officers.append(Officer(ident, name, capacity, weekdays, frozenset(days_off), district))
        assignments.append(Assignment(ident, tuple(enterprises)))
    check.done()
    return Roster(tuple(officers), tuple(assignments))


def roster_problems(
    roster: Roster, enterprise_ids: Iterable[str], *, path: str = "$"
) -> list[Problem]:
    """Assigned enterprise ids that are not in ``enterprise_ids``, with their paths
    in the officers file (``$.officers[3].enterprises[7]``)."""
    known = set(enterprise_ids)
    out: list[Problem] = []
    for index, assignment in enumerate(roster.assignments):
        for pos, ent in enumerate(assignment.enterprises):
            if ent not in known:
                out.append(
                    Problem(
                        f"{path}.officers[{index}].enterprises[{pos}]",
                        f"unknown enterprise {ent!r}",
                    )
                )
    return out


def load_policy(data: Any, *, path: str = "$") -> CadencePolicy:
    """Read a cadence policy (a parsed TOML or JSON document).

    Raises :class:`~kejiservice.errors.InvalidInput` listing every problem with its path.
    """
    check = _Checker()
    doc = check.obj(data, path, (), ("schema", "default", "week_anchor", "rules"))
    if doc is None:
        check.done()
    assert doc is not None
    check.schema(doc, path, POLICY_SCHEMA)
    default = check.interval(doc["default"], f"{path}.default") if "default" in doc else None
    anchor = (
        check.date(doc["week_anchor"], f"{path}.week_anchor")
        if "week_anchor" in doc
        else DEFAULT_WEEK_ANCHOR
    )
    rules: list[CadenceRule] = []
    names: set[str] = set()
    kinds = [k.value for k in CertificationKind]
    for index, raw in enumerate(check.array(doc.get("rules", []), f"{path}.rules")):
        where = f"{path}.rules[{index}]"
        before = len(check.problems)
        item = check.obj(raw, where, ("name", "interval"), ("tag", "certification"))
        if item is None:
            continue
        name = check.text(item["name"], f"{where}.name") if "name" in item else None
        if name is not None:
            if name in names or name == "default":
                check.fail(f"{where}.name", f"rule name {name!r} is used twice (or is 'default')")
            names.add(name)
        interval = (
            check.interval(item["interval"], f"{where}.interval") if "interval" in item else None
        )
        tag = check.text(item["tag"], f"{where}.tag") if "tag" in item else None
        cert = (
            check.text(item["certification"], f"{where}.certification")
            if "certification" in item
            else None
        )
        if cert is not None and cert not in kinds:
            check.fail(
                f"{where}.certification",
                f"unknown certification {cert[:40]!r}; expected one of: {', '.join(kinds)}",
            )
        if ("tag" in item) == ("certification" in item):
            check.fail(where, "a rule takes exactly one of tag and certification")
        if len(check.problems) > before:
            continue
        assert name is not None
        assert interval is not None
        rules.append(CadenceRule(name, interval, tag, cert))
    check.done()
    assert anchor is not None
    return CadencePolicy(tuple(rules), default, anchor)


def load_history(data: Any, *, path: str = "$") -> tuple[VisitRecord, ...]:
    """Read a visit history document: the visits that took place.

    Raises :class:`~kejiservice.errors.InvalidInput` listing every problem with its path.
    """
    check = _Checker()
    doc = check.obj(data, path, ("visits",), ("schema",))
    if doc is None:
        check.done()
    assert doc is not None
    check.schema(doc, path, HISTORY_SCHEMA)
    out: list[VisitRecord] = []
    for index, raw in enumerate(check.array(doc.get("visits", []), f"{path}.visits")):
        where = f"{path}.visits[{index}]"
        before = len(check.problems)
        item = check.obj(raw, where, ("enterprise", "date"), ("officer", "note"))
        if item is None:
            continue
        ent = (
            check.text(item["enterprise"], f"{where}.enterprise") if "enterprise" in item else None
        )
        day = check.date(item["date"], f"{where}.date") if "date" in item else None
        officer = check.text(item["officer"], f"{where}.officer") if "officer" in item else None
        note = check.text(item["note"], f"{where}.note", empty=True) if "note" in item else None
        if len(check.problems) > before:
            continue
        assert ent is not None
        assert day is not None
        out.append(VisitRecord(ent, day, officer, note))
    check.done()
    return tuple(out)


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", path=str(path)) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text", path=str(path)) from None


def _json(path: str | Path) -> Any:
    text = _read(path)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"{path} is not valid JSON: {str(exc)[:200]}", path=str(path)) from None


def read_officers(path: str | Path) -> Roster:
    """Read an officers JSON file (see :func:`load_officers`)."""
    return load_officers(_json(path))


def read_policy(path: str | Path) -> CadencePolicy:
    """Read a cadence policy file: TOML when the name ends in ``.toml``, else JSON."""
    if str(path).endswith(".toml"):
        text = _read(path)
        try:
            data = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(f"{path} is not valid TOML: {exc}", path=str(path)) from None
        return load_policy(data)
    return load_policy(_json(path))


def read_history(path: str | Path) -> tuple[VisitRecord, ...]:
    """Read a visit history JSON file (see :func:`load_history`)."""
    return load_history(_json(path))
