"""JSON Lines ledgers: one enterprise per line, read as a stream.

A bad line does not stop the rest: it comes out as a :class:`LedgerLine` carrying
the error (with its line number and field paths) instead of an enterprise, so every
line is accounted for: read + rejected = non-blank lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import attrs

from ..errors import InvalidInput, Problem
from ..models import Enterprise
from ._converter import load

__all__ = ["LedgerLine", "read_ledger"]


@attrs.frozen
class LedgerLine:
    """One non-blank line of a ledger: the enterprise, or the error that rejected it."""

    line: int
    enterprise: Enterprise | None = None
    error: InvalidInput | None = attrs.field(default=None, eq=False)

    @property
    def ok(self) -> bool:
        """Whether the line held a valid enterprise."""
        return self.error is None

    def describe_error(self) -> str:
        """The error as ``line N: $.path: message`` lines."""
        if self.error is None:
            return ""
        return "\n".join(f"line {self.line}: {p}" for p in self.error.problems)


def _reject(line: int, message: str) -> LedgerLine:
    return LedgerLine(line, None, InvalidInput([Problem("$", message)]))


def _parse_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _lines(source: str | Path | IO[str] | Iterable[str]) -> Iterator[str]:
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8") as fh:
            yield from fh
    else:
        yield from source


def read_ledger(source: str | Path | IO[str] | Iterable[str]) -> Iterator[LedgerLine]:
    """Stream the enterprises of a JSON Lines ledger (a path, an open file or lines)."""
    for number, raw in enumerate(_lines(source), start=1):
        text = raw.strip()
        if not text:
            continue
        try:
            data = json.loads(text, parse_constant=_parse_constant)
        except (ValueError, RecursionError) as exc:
            yield _reject(number, f"not valid JSON: {str(exc)[:200]}")
            continue
        try:
            yield LedgerLine(number, load(Enterprise, data))
        except InvalidInput as exc:
            # keep the problems, not the frames the traceback would hold on to
            yield LedgerLine(number, None, exc.with_traceback(None))
