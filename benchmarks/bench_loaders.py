"""Benchmark: loaders take linear time in the size of what they reject.

    uv run python benchmarks/bench_loaders.py

For each shape of hostile input it times a small and a 50-times larger document
(best of 3) and prints the ratio: linear work gives about 50, quadratic about 2,500.
Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable
from typing import Any

import kejiservice
from kejiservice import Enterprise, InvalidInput
from kejiservice.io import read_ledger

_FAR = {"name": "x", "industry": "C3911", "registered_on": "2020-01-01"}

SHAPES: dict[str, Callable[[int], Any]] = {
    "long name": lambda n: {**_FAR, "name": "长" * n},
    "many tags": lambda n: {**_FAR, "tags": ["t"] * n},
    "many bad years": lambda n: {**_FAR, "years": [{"year": 2024, "employees": "x"}] * n},
    "long number": lambda n: {**_FAR, "years": [{"year": 2024, "sales_revenue": "9" * n}]},
    "big extra": lambda n: {**_FAR, "extra": {str(i): i for i in range(n)}},
}


def _best_of(runs: int, fn: Callable[[], object]) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _load(doc: Any) -> None:
    with contextlib.suppress(InvalidInput):
        kejiservice.load(Enterprise, doc)


def main() -> None:
    print(f"{'input':<18}{'n=400 (ms)':>12}{'n=20000 (ms)':>14}{'ratio':>8}")
    for name, make in SHAPES.items():
        small_doc, large_doc = make(400), make(20_000)
        small = _best_of(3, lambda d=small_doc: _load(d))
        large = _best_of(3, lambda d=large_doc: _load(d))
        print(f"{name:<18}{small * 1e3:>12.2f}{large * 1e3:>14.2f}{large / small:>8.1f}")
    line = json.dumps({**_FAR, "years": [{"year": 2024, "employees": "x"}]})
    small = _best_of(3, lambda: list(read_ledger([line] * 100)))
    large = _best_of(3, lambda: list(read_ledger([line] * 5_000)))
    print(f"{'rejected lines':<18}{small * 1e3:>12.2f}{large * 1e3:>14.2f}{large / small:>8.1f}")


if __name__ == "__main__":
    main()
