"""The province benchmark as an opt-in pytest-benchmark run (not collected by CI, whose
``testpaths`` is ``tests``):

    uv run --group bench --extra columnar pytest benchmarks -p no:cacheprovider

Same ledger and the same four measurements as ``bench_province.py`` (Decimal loop
baseline, numpy int64 baseline, object path, columns), on a smaller ledger
(``KEJISERVICE_BENCH_ROWS``, default 100,000; objects: a twentieth of it). The
results are compared with pytest-benchmark's own tools (``--benchmark-save``,
``--benchmark-compare``); nothing here asserts a time.
"""

from __future__ import annotations

import os
from typing import Any

import bench_columnar as bc
import bench_province as bp
import numpy as np
import pytest

import kejiservice
from kejiservice.columnar import Ledger, screen
from kejiservice.models import Enterprise

ROWS = int(os.environ.get("KEJISERVICE_BENCH_ROWS", "100000"))


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return bc.generate(ROWS, 7)


@pytest.fixture(scope="module")
def objects(ledger: Ledger) -> list[Enterprise]:
    rng = np.random.default_rng(8)
    sample = np.sort(rng.choice(len(ledger), size=max(1, len(ledger) // 20), replace=False))
    return [ledger.enterprise(int(i)) for i in sample]


@pytest.mark.benchmark(group="hnte per enterprise: objects")
def test_decimal_loop_baseline(benchmark: Any, objects: list[Enterprise]) -> None:
    result = benchmark(bp.decimal_loop, objects, bp.AS_OF)
    assert len(result) == len(objects)


@pytest.mark.benchmark(group="hnte per enterprise: objects")
def test_object_path(benchmark: Any, objects: list[Enterprise]) -> None:
    result = benchmark(lambda: list(kejiservice.evaluate_many("hnte", objects, bp.AS_OF)))
    assert len(result) == len(objects)


@pytest.mark.benchmark(group="hnte per enterprise: columns")
def test_numpy_baseline(benchmark: Any, ledger: Ledger) -> None:
    cols = bp.wide(ledger)
    result = benchmark(bp.numpy_baseline, cols, ledger.registered_on, bp.AS_OF.toordinal())
    assert result.shape == (len(ledger),)


@pytest.mark.benchmark(group="hnte per enterprise: columns")
def test_columns(benchmark: Any, ledger: Ledger) -> None:
    def fresh() -> Any:
        ledger.cache().clear()
        return screen("hnte", ledger, bp.AS_OF)

    result = benchmark(fresh)
    assert len(result.status) == len(ledger)
