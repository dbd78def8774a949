"""The bundled sample ledger: 300 synthetic enterprises of the fictional city 青山市.

Generated deterministically by ``python -m kejiservice.sample._generate``; no real
enterprise is described.
"""

from __future__ import annotations

import functools
from importlib.resources import files

from ..errors import InvalidInput
from ..io import read_ledger
from ..models import Enterprise

__all__ = ["ledger", "ledger_text"]


def ledger_text() -> str:
    """The sample ledger as JSON Lines text."""
    return (files("kejiservice.sample") / "ledger.jsonl").read_text("utf-8")


@functools.cache
def _ledger() -> tuple[Enterprise, ...]:
    out: list[Enterprise] = []
    for line in read_ledger(ledger_text().splitlines()):
        if line.error is not None:
            raise InvalidInput(
                [*line.error.problems]
            )  # pragma: no cover - the bundled ledger is tested valid
        assert line.enterprise is not None
        out.append(line.enterprise)
    return tuple(out)


def ledger() -> list[Enterprise]:
    """The sample enterprises, validated (a new list each call; the models are immutable)."""
    return list(_ledger())
