"""The bundled sample ledger: 300 synthetic enterprises of the fictional city 青山市.

Generated deterministically by ``python -m kejiservice.sample._generate``; no real
enterprise is described.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import TYPE_CHECKING

from ..errors import InvalidInput
from ..io import read_ledger
from ..models import Enterprise

if TYPE_CHECKING:
    from ..activity import ActivityLog

__all__ = ["activity", "ledger", "ledger_text"]


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


def activity() -> ActivityLog:
    """The sample city's 2026 activity log (visits, needs, financing, platforms, targets)."""
    from ..activity import load_activity

    text = (files("kejiservice.sample") / "activity_2026.json").read_text("utf-8")
    return load_activity(json.loads(text), enterprises=_ledger())
