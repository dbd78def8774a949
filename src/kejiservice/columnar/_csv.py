"""The CSV ledger layout: one row per enterprise, years side by side.

A header row names the columns; their order is free and only ``name``,
``registered_on`` and ``industry`` are required. Every value is validated exactly as
the JSON form is (CONTRACT.md §1): a CSV row is turned into the enterprise JSON
document and loaded by the same converter, so a bad cell is reported with its JSON
path *and* its column.

Columns:

* enterprise fields: ``id``, ``uscc``, ``name``, ``registered_on``, ``region``,
  ``industry``, ``resident``, ``tech_field``, ``restricted_industry``,
  ``core_ip_owned``, ``schema``;
* accounting years: ``y1_year``, ``y1_sales_revenue`` ... ``y1_tech_staff``, then
  ``y2_...``, ``y3_...`` (any number of groups; every figure of
  :class:`~kejiservice.models.YearFigures` may appear; a group whose cells are all empty
  is no year);
* lists and maps as JSON in one cell, in their contract form: ``ip``,
  ``certifications``, ``incidents``, ``listings``, ``awards``, ``standards_led``,
  ``achievements_transformed``, ``tags``, ``extra``;
* ``innovation_score``: an expert HNTE innovation score (integer), kept beside the
  enterprise as the rule input ``innovation_score``.

Cells: empty means absent (unknown). Money is a decimal number of yuan written as in
JSON (``48000000.00``; no thousands separators, no 万); counts and years are integers;
yes/no cells are ``true`` or ``false``; dates ``YYYY-MM-DD``. UTF-8, comma separated,
double quotes around cells holding commas, quotes or JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Final

import attrs

from ..errors import InvalidInput, Problem
from ..io import dump
from ..models import Enterprise
from ._columns import YEAR_FIELDS, innovation_score_problem

__all__ = [
    "CsvLayout",
    "CsvRecord",
    "csv_header",
    "csv_text",
    "read_csv_records",
    "write_csv",
]

SCALAR_COLUMNS: Final = (
    "schema",
    "id",
    "uscc",
    "name",
    "registered_on",
    "region",
    "industry",
    "resident",
    "tech_field",
    "restricted_industry",
    "core_ip_owned",
)
BOOL_COLUMNS: Final = frozenset({"resident", "restricted_industry", "core_ip_owned"})
JSON_COLUMNS: Final = (
    "ip",
    "certifications",
    "incidents",
    "listings",
    "awards",
    "standards_led",
    "achievements_transformed",
    "tags",
    "extra",
)
REQUIRED_COLUMNS: Final = ("name", "registered_on", "industry")
SCORE_COLUMN: Final = "innovation_score"
YEAR_COLUMN_FIELDS: Final = ("year", *YEAR_FIELDS)
_COUNT_FIELDS: Final = frozenset({"year", "employees", "tech_staff"})
_YEAR_COLUMN: Final = re.compile(r"^y([1-9][0-9]*)_([a-z_]+)$")
_INT: Final = re.compile(r"^[+-]?[0-9]+$")
_TOP: Final = re.compile(r"^\$\.([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?")


@attrs.frozen
class CsvRecord:
    """One CSV row turned into the enterprise JSON document (or the problems found)."""

    line: int
    document: dict[str, Any] | None
    innovation_score: int | None
    problems: tuple[Problem, ...] = ()
    year_groups: tuple[int, ...] = ()


class CsvLayout:
    """The columns of one CSV file, read from its header."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = [h.strip() for h in header]
        problems: list[Problem] = []
        self.groups: dict[int, dict[str, int]] = {}
        self.scalars: dict[str, int] = {}
        self.json: dict[str, int] = {}
        self.score: int | None = None
        seen: set[str] = set()
        for index, name in enumerate(self.header):
            where = f"header column {index + 1}"
            if name in seen:
                problems.append(Problem(where, f"column {name!r} appears twice"))
                continue
            seen.add(name)
            match = _YEAR_COLUMN.match(name)
            if match and match.group(2) in YEAR_COLUMN_FIELDS:
                self.groups.setdefault(int(match.group(1)), {})[match.group(2)] = index
            elif name in SCALAR_COLUMNS:
                self.scalars[name] = index
            elif name in JSON_COLUMNS:
                self.json[name] = index
            elif name == SCORE_COLUMN:
                self.score = index
            else:
                problems.append(
                    Problem(where, f"unknown column {name!r} (see the CSV layout in the docs)")
                )
        for name in REQUIRED_COLUMNS:
            if name not in self.scalars:
                problems.append(Problem("header", f"required column {name!r} is missing"))
        if problems:
            raise InvalidInput(problems)

    def record(self, line: int, cells: Sequence[str]) -> CsvRecord:
        """The enterprise document of one row; ``problems`` when a cell cannot be read."""
        if len(cells) != len(self.header):
            problem = Problem("$", f"{len(cells)} cells, the header has {len(self.header)}")
            return CsvRecord(line, None, None, (problem,))
        problems: list[Problem] = []
        doc: dict[str, Any] = {}
        for name, index in self.scalars.items():
            text = cells[index].strip()
            if not text:
                continue
            doc[name] = _bool(text) if name in BOOL_COLUMNS else text
        years: list[dict[str, Any]] = []
        used: list[int] = []
        for group in sorted(self.groups):
            entry: dict[str, Any] = {}
            for field, index in self.groups[group].items():
                text = cells[index].strip()
                if text:
                    entry[field] = _int(text) if field in _COUNT_FIELDS else text
            if entry:
                years.append(entry)
                used.append(group)
        if years:
            doc["years"] = years
        for name, index in self.json.items():
            text = cells[index].strip()
            if not text:
                continue
            try:
                doc[name] = json.loads(text)
            except ValueError as exc:
                problems.append(Problem(f"$.{name}", f"not valid JSON: {str(exc)[:120]}"))
        score: int | None = None
        if self.score is not None:
            text = cells[self.score].strip()
            if text:
                value = int(text) if _INT.match(text) else text
                reason = innovation_score_problem(value) if isinstance(value, int) else None
                if isinstance(value, str):
                    reason = "must be an integer"
                if reason is None:
                    score = int(value)
                else:
                    problems.append(Problem(SCORE_COLUMN, reason))
        return CsvRecord(line, doc, score, tuple(problems), tuple(used))

    def column_of(self, path: str, record: CsvRecord) -> str | None:
        """The CSV column a JSON path points into (``$.years[1].rd_expense`` -> ``y2_...``)."""
        match = _TOP.match(path)
        if not match:
            return SCORE_COLUMN if path == SCORE_COLUMN else None
        top, index, field = match.groups()
        if top == "years" and index is not None and int(index) < len(record.year_groups):
            group = record.year_groups[int(index)]
            return f"y{group}_{field or 'year'}"
        return top


def _bool(text: str) -> Any:
    if text == "true":
        return True
    if text == "false":
        return False
    return text  # the converter reports it: "must be true or false, got a string"


def _int(text: str) -> Any:
    return int(text) if _INT.match(text) else text


def read_csv_records(lines: Iterable[tuple[int, str]]) -> Iterator[CsvRecord | CsvLayout]:
    """Records of CSV text given as numbered lines; the first item is the layout.

    A record spanning several physical lines (a quoted cell holding a newline) carries
    the number of its first line.
    """
    numbers: list[int] = []

    def feed() -> Iterator[str]:
        for number, text in lines:
            numbers.append(number)
            yield text

    reader = csv.reader(feed())
    layout: CsvLayout | None = None
    dropped = 0
    for cells in reader:
        first_line = numbers[0] if numbers else 0
        del numbers[: reader.line_num - dropped]
        dropped = reader.line_num
        if layout is None:
            layout = CsvLayout(cells)
            yield layout
            continue
        if not cells or all(not c.strip() for c in cells):
            yield CsvRecord(first_line, None, None, ())
            continue
        yield layout.record(first_line, cells)
    if layout is None:
        raise InvalidInput("the CSV file is empty: a header row is required", path="header")


def csv_header(year_groups: int = 3, *, with_score: bool = False) -> list[str]:
    """The full header of the layout with ``year_groups`` year groups."""
    header = list(SCALAR_COLUMNS)
    for group in range(1, year_groups + 1):
        header += [f"y{group}_{field}" for field in YEAR_COLUMN_FIELDS]
    header += list(JSON_COLUMNS)
    if with_score:
        header.append(SCORE_COLUMN)
    return header


def write_csv(
    enterprises: Iterable[Enterprise],
    out: IO[str],
    *,
    year_groups: int | None = None,
    innovation_scores: Sequence[int | None] | None = None,
) -> int:
    """Write enterprises in the CSV layout; returns the number of rows written.

    ``year_groups`` defaults to the largest number of years any enterprise has.
    """
    docs = [dump(e) for e in enterprises]
    groups = year_groups or max((len(d.get("years", [])) for d in docs), default=0)
    header = csv_header(groups, with_score=innovation_scores is not None)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for index, doc in enumerate(docs):
        row = _row(doc, groups)
        if innovation_scores is not None:
            score = innovation_scores[index]
            row.append("" if score is None else str(score))
        writer.writerow(row)
    return len(docs)


def _row(doc: Mapping[str, Any], groups: int) -> list[str]:
    row: list[str] = []
    for name in SCALAR_COLUMNS:
        value = doc.get(name)
        if value is None:
            row.append("")
        elif isinstance(value, bool):
            row.append("true" if value else "false")
        else:
            row.append(str(value))
    years = list(doc.get("years", []))
    if len(years) > groups:
        raise ValueError(f"an enterprise has {len(years)} years; the layout has {groups}")
    for group in range(groups):
        entry = years[group] if group < len(years) else {}
        row += ["" if entry.get(f) is None else str(entry[f]) for f in YEAR_COLUMN_FIELDS]
    for name in JSON_COLUMNS:
        value = doc.get(name)
        row.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else "")
    return row


def csv_text(enterprises: Iterable[Enterprise], **options: Any) -> str:
    """The CSV layout as a string (see :func:`write_csv`)."""
    buffer = io.StringIO()
    write_csv(enterprises, buffer, **options)
    return buffer.getvalue()
