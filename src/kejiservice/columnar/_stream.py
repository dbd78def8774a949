"""Streaming ledgers: JSON Lines or CSV files of any size, read in chunks into columns.

Each record is validated exactly as :func:`kejiservice.load` validates an enterprise.
A bad record becomes a :class:`Reject` (its line number, every problem with its JSON
path, and for CSV the column) and the rest proceed. Every record is accounted for:
``read + rejected + blank == records`` (:class:`ReadSummary`), where a JSON Lines
record is a line and a CSV record a row after the header.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import attrs

from ..errors import InvalidInput, Problem
from ..io import load
from ..models import Enterprise
from ._columns import Ledger
from ._csv import CsvLayout, CsvRecord, read_csv_records

__all__ = ["Chunk", "LedgerReader", "ReadSummary", "Reject", "read_columns"]

Source = str | Path | IO[str] | IO[bytes] | Iterable[str]
Progress = Callable[[int], None]


@attrs.frozen
class Reject:
    """A record that could not be read: where it was and everything wrong with it."""

    line: int
    problems: tuple[Problem, ...]
    text: str = ""
    columns: tuple[str | None, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written to a rejects file."""
        problems = []
        for index, problem in enumerate(self.problems):
            item: dict[str, Any] = {"path": problem.path, "message": problem.message}
            column = self.columns[index] if index < len(self.columns) else None
            if column is not None:
                item["column"] = column
            problems.append(item)
        return {"line": self.line, "problems": problems, "text": self.text}

    def describe(self) -> str:
        """``line N: $.path: message`` lines."""
        return "\n".join(f"line {self.line}: {p}" for p in self.problems)


@attrs.define
class ReadSummary:
    """Counts while reading: ``read + rejected + blank == records``."""

    records: int = 0
    read: int = 0
    rejected: int = 0
    blank: int = 0
    lines: int = 0

    def to_dict(self) -> dict[str, int]:
        """The counts as a dict."""
        return attrs.asdict(self)


@attrs.frozen
class Chunk:
    """Up to ``chunk_size`` enterprises as columns, and the records rejected meanwhile."""

    ledger: Ledger
    rejects: tuple[Reject, ...]


def _format_of(source: Source, given: str | None) -> str:
    if given is not None:
        if given not in ("jsonl", "csv"):
            raise InvalidInput(f"unknown format {given!r}: jsonl or csv", path="format")
        return given
    if isinstance(source, str | Path) and str(source).lower().endswith(".csv"):
        return "csv"
    return "jsonl"


def _numbered(source: Source, progress: Progress | None) -> Iterator[tuple[int, str | None]]:
    """Physical lines with their numbers (``None`` for a line that is not UTF-8)."""
    if isinstance(source, str | Path):
        try:
            fh = open(source, "rb")  # noqa: SIM115 - closed below, also on early exit
        except OSError as exc:
            raise InvalidInput(f"cannot read {source}: {exc.strerror}", path=str(source)) from None
        with fh:
            yield from _numbered(fh, progress)
        return
    raw: str | bytes
    for number, raw in enumerate(cast(Iterable[str | bytes], source), start=1):
        if progress is not None:
            progress(len(raw))
        text: str | None
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        else:
            text = raw
        if number == 1 and text is not None and text.startswith("\ufeff"):
            text = text[1:]
        yield number, text


class LedgerReader:
    """Read a ledger file in chunks of columns.

    ``source``: a path (``.csv`` for the CSV layout, anything else JSON Lines), an
    open file (text or binary) or an iterable of lines; ``format`` overrides the
    suffix. ``progress`` is called with the number of bytes (characters for text
    sources) consumed, for a progress bar. Iterate to get :class:`Chunk` objects;
    :attr:`summary` counts as it goes. With ``keep_objects`` each chunk's ledger keeps
    the validated enterprise objects (explanations then reuse them).
    """

    def __init__(
        self,
        source: Source,
        *,
        format: str | None = None,
        chunk_size: int = 10_000,
        keep_objects: bool = True,
        progress: Progress | None = None,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.source = source
        self.format = _format_of(source, format)
        self.chunk_size = chunk_size
        self.keep_objects = keep_objects
        self.progress = progress
        self.summary = ReadSummary()

    @staticmethod
    def size_of(source: Source) -> int | None:
        """The size in bytes of a file source (for a progress bar's total)."""
        if isinstance(source, str | Path):
            try:
                return os.path.getsize(source)
            except OSError:
                return None
        return None

    def __iter__(self) -> Iterator[Chunk]:
        ents: list[Enterprise] = []
        lines: list[int] = []
        scores: list[int | None] = []
        rejects: list[Reject] = []
        for item in self._items():
            if isinstance(item, Reject):
                rejects.append(item)
                continue
            number, ent, score = item
            ents.append(ent)
            lines.append(number)
            scores.append(score)
            if len(ents) >= self.chunk_size:
                yield self._chunk(ents, lines, scores, rejects)
                ents, lines, scores, rejects = [], [], [], []
        if ents or rejects:
            yield self._chunk(ents, lines, scores, rejects)

    def _chunk(
        self,
        ents: list[Enterprise],
        lines: list[int],
        scores: list[int | None],
        rejects: list[Reject],
    ) -> Chunk:
        ledger = Ledger.from_enterprises(
            ents,
            lines=lines,
            innovation_scores=scores if any(s is not None for s in scores) else None,
            keep_objects=self.keep_objects,
        )
        return Chunk(ledger, tuple(rejects))

    def _items(self) -> Iterator[tuple[int, Enterprise, int | None] | Reject]:
        if self.format == "csv":
            yield from self._csv_items()
        else:
            yield from self._jsonl_items()

    def _jsonl_items(self) -> Iterator[tuple[int, Enterprise, int | None] | Reject]:
        s = self.summary
        for number, text in _numbered(self.source, self.progress):
            s.lines = number
            s.records += 1
            if text is None:
                s.rejected += 1
                yield Reject(number, (Problem("$", "the line is not UTF-8 text"),))
                continue
            stripped = text.strip()
            if not stripped:
                s.blank += 1
                continue
            try:
                data = json.loads(stripped, parse_constant=_no_constant)
            except (ValueError, RecursionError) as exc:
                s.rejected += 1
                yield Reject(number, (Problem("$", f"not valid JSON: {str(exc)[:200]}"),), stripped)
                continue
            try:
                ent = load(Enterprise, data)
            except InvalidInput as exc:
                s.rejected += 1
                yield Reject(number, exc.problems, stripped)
                continue
            s.read += 1
            yield number, ent, None

    def _csv_items(self) -> Iterator[tuple[int, Enterprise, int | None] | Reject]:
        s = self.summary
        layout: CsvLayout | None = None
        texts: dict[int, str] = {}

        def lines() -> Iterator[tuple[int, str]]:
            for number, text in _numbered(self.source, self.progress):
                s.lines = number
                if text is None:
                    raise InvalidInput(f"line {number} is not UTF-8 text", path=f"line {number}")
                texts.clear()
                texts[number] = text.rstrip("\r\n")
                yield number, text

        for item in read_csv_records(lines()):
            if isinstance(item, CsvLayout):
                layout = item
                continue
            assert layout is not None
            s.records += 1
            raw = texts.get(item.line, "")
            if item.document is None and not item.problems:
                s.blank += 1
                continue
            if item.problems or item.document is None:
                s.rejected += 1
                yield _csv_reject(layout, item, item.problems, raw)
                continue
            try:
                ent = load(Enterprise, item.document)
            except InvalidInput as exc:
                s.rejected += 1
                yield _csv_reject(layout, item, exc.problems, raw)
                continue
            s.read += 1
            yield item.line, ent, item.innovation_score


def _csv_reject(
    layout: CsvLayout, record: CsvRecord, problems: tuple[Problem, ...], raw: str
) -> Reject:
    columns = tuple(layout.column_of(p.path, record) for p in problems)
    return Reject(record.line, problems, raw, columns)


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def read_columns(
    source: Source,
    *,
    format: str | None = None,
    chunk_size: int = 50_000,
    keep_objects: bool = False,
) -> tuple[Ledger, list[Reject], ReadSummary]:
    """A whole ledger file as one :class:`Ledger`, with its rejects and counts.

    Without ``keep_objects`` only the objects of rows that fall back are kept; the
    others are rebuilt from the columns when an explanation is asked.
    """
    reader = LedgerReader(source, format=format, chunk_size=chunk_size, keep_objects=keep_objects)
    ledgers: list[Ledger] = []
    rejects: list[Reject] = []
    for chunk in reader:
        ledgers.append(chunk.ledger)
        rejects.extend(chunk.rejects)
    return Ledger.concat(ledgers, keep_objects=keep_objects), rejects, reader.summary
