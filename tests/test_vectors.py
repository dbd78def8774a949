"""Conformance: run every case of every file in ../shared/vectors/ (and tests/vectors/).

The folder is read at test time, so a new file is picked up without code changes.
A case's ``expect`` holds only the keys it checks; numbers compare by value.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

import kejiservice
from kejiservice import InvalidInput

from .conftest import OWN_VECTORS, SHARED_VECTORS


def _cases() -> list[Any]:
    params: list[Any] = []
    for folder in (SHARED_VECTORS, OWN_VECTORS):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            for case in json.loads(path.read_text(encoding="utf-8")):
                params.append(pytest.param(case, id=f"{path.parent.name}/{case['id']}"))
    shared_present = SHARED_VECTORS.is_dir() and any(SHARED_VECTORS.glob("*.json"))
    if not shared_present:
        params.append(
            pytest.param(
                None,
                id="shared-vectors-absent",
                marks=pytest.mark.skip(reason=f"conformance vectors not found at {SHARED_VECTORS}"),
            )
        )
    return params


def _same(expected: Any, actual: Any) -> bool:
    """Key by key for objects, in order for lists, by value for numbers."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and _same(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_same(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, bool) or expected is None:
        return expected is actual
    if (
        isinstance(expected, int | float | str)
        and isinstance(actual, int | float | str)
        and not isinstance(actual, bool)
    ):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except InvalidOperation:
            return expected == actual
    return bool(expected == actual)


@pytest.mark.parametrize("case", _cases())
def test_vector(case: dict[str, Any]) -> None:
    as_of = dt.date.fromisoformat(case["as_of"])
    inputs = case.get("inputs") or {}
    expect = case["expect"]
    if expect.get("error") == "invalid_input":
        with pytest.raises(InvalidInput):
            kejiservice.evaluate(case["rule"], case["enterprise"], as_of, **inputs)
        return
    verdict = kejiservice.dump(
        kejiservice.evaluate(case["rule"], case["enterprise"], as_of, **inputs)
    )
    mismatched = {k: verdict.get(k) for k, v in expect.items() if not _same(v, verdict.get(k))}
    assert not mismatched, f"{case['id']} ({case['note']}): expected {expect}, got {mismatched}"


def test_comparison_is_by_value() -> None:
    assert _same({"a": "1.0"}, {"a": "1.00", "b": 2})
    assert _same([72], [72])
    assert not _same(["x", "y"], ["y", "x"])
    assert not _same({"status": "eligible"}, {"status": "ineligible"})
    assert not _same({"eligible": None}, {"eligible": False})


def test_vectors_folder_layout() -> None:
    """The runner looks where the guide says: ../shared/vectors beside the repo."""
    assert Path(__file__).resolve().parents[2] / "shared" / "vectors" == SHARED_VECTORS
