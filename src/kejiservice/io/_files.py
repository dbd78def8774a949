"""Reading enterprise files at the edge (the CLI, examples): one place for it.

A file is a JSON object (one enterprise), a JSON array of them, or a JSON Lines
ledger (``.jsonl``); ``-`` reads standard input. Every problem is reported with its
path (and its line, for a ledger) in one :class:`~kejiservice.errors.InvalidInput`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import InvalidInput, Problem
from ..models import Enterprise
from ._converter import load
from ._jsonl import read_ledger

__all__ = ["read_enterprises", "read_text"]


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path`` (``-`` for standard input), or ``InvalidInput``."""
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", path=str(path)) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text", path=str(path)) from None


def read_enterprises(path: str | Path) -> tuple[list[Enterprise], bool]:
    """The enterprises in ``path`` and whether the file held several (an array or JSONL).

    All or nothing: any bad record makes the whole call raise ``InvalidInput`` listing
    every problem (use :func:`~kejiservice.io.read_ledger` to keep the good lines).
    """
    text = read_text(path)
    problems: list[Problem] = []
    items: list[Enterprise] = []
    if str(path).endswith(".jsonl"):
        for line in read_ledger(text.splitlines()):
            if line.error is not None:
                problems.extend(
                    Problem(f"line {line.line}: {p.path}", p.message) for p in line.error.problems
                )
            elif line.enterprise is not None:
                items.append(line.enterprise)
        if problems:
            raise InvalidInput(problems)
        return items, True
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"not valid JSON: {exc}") from None
    if not isinstance(data, list):
        return [load(Enterprise, data)], False
    for index, raw in enumerate(data):
        try:
            items.append(load(Enterprise, raw, path=f"$[{index}]"))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return items, True
