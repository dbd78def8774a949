"""A city tests its parameter overlay with kejiservice's property-test kit.

Run with ``uv run pytest examples/test_city_pack.py`` (needs the ``testing`` extra:
``pip install 'kejiservice[testing]'``). The pack is the fictional 青山 HNTE
cultivation pool of docs/howto/regional-overlay.md: 8% tech staff and 4% R&D for the
smallest band, where the nation asks 10% and 5%.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given

import kejiservice
from kejiservice.params import load_layer, national
from kejiservice.testing import (
    THRESHOLDS,
    check_batch_equals_single,
    check_deterministic,
    check_gap_soundness,
    check_monotone,
    enterprises,
)

AS_OF = dt.date(2025, 6, 30)
PACK = Path(__file__).resolve().parents[1] / "docs" / "files" / "qingshan-pack"
CITY = national().with_layer(load_layer(PACK))
REGION = "441200"


@given(enterprises(as_of=AS_OF, params=CITY, region=REGION, near="hnte.tech_staff_ratio"))
def test_the_city_threshold_is_inclusive_by_one_person(doc: dict[str, Any]) -> None:
    offset = doc["extra"]["kejiservice_testing"]["hnte.tech_staff_ratio"]["offset"]
    verdict = kejiservice.evaluate("hnte", doc, AS_OF, params=CITY)
    passed = verdict.criterion("hnte.tech_staff_ratio").status.value == "pass"
    assert passed == (offset >= 0)
    assert verdict.criterion("hnte.tech_staff_ratio").required == ">= 0.08"


@given(enterprises(as_of=AS_OF, params=CITY, region=REGION, exactly_at="hnte.rd_expense_ratio"))
def test_rd_exactly_at_the_city_minimum_passes(doc: dict[str, Any]) -> None:
    verdict = kejiservice.evaluate("hnte", doc, AS_OF, params=CITY)
    assert verdict.criterion("hnte.rd_expense_ratio").status.value == "pass"


@given(enterprises(as_of=AS_OF, params=CITY, region=REGION, near=sorted(THRESHOLDS)[:3]))
def test_the_overlay_keeps_the_invariants(doc: dict[str, Any]) -> None:
    for rule in ("hnte", "tech_sme"):
        check_deterministic(rule, doc, AS_OF, params=CITY)
        check_gap_soundness(rule, doc, AS_OF, params=CITY)
        check_batch_equals_single(rule, [doc, doc], AS_OF, params=CITY)
    check_monotone("hnte", doc, AS_OF, criterion="hnte.tech_staff_ratio", params=CITY)
    check_monotone("hnte", doc, AS_OF, criterion="hnte.rd_expense_ratio", params=CITY)
