"""Dated parameters: validation on load, selection by date, regional overlays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kejiservice
from kejiservice import ParameterError
from kejiservice.params import lint_layer, load_layer, national
from kejiservice.rules import Outcome

from .builders import enterprise, set_figure

HEADER = '[meta]\nlayer = "test"\nregion = ""\n\n'


def _pack(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir(exist_ok=True)
    (folder / "p.toml").write_text(header + body, encoding="utf-8")
    return folder


GOOD = """
[x.limit]
unit = "wan_yuan"
[[x.limit.versions]]
effective_from = 2020-01-01
effective_to = 2022-12-31
value = 100
source = "doc 1"
[[x.limit.versions]]
effective_from = 2023-01-01
value = "200.5"
source = "doc 2"
"""


def test_national_pack_is_sound() -> None:
    folder = Path(kejiservice.params.__file__).parent / "national"
    assert lint_layer(folder) == []
    assert len(national().names()) > 50


def test_money_is_converted_to_yuan_and_selected_by_date(tmp_path: Path) -> None:
    pset = kejiservice.ParameterSet([load_layer(_pack(tmp_path, GOOD))])
    assert pset.value("x.limit", dt.date(2022, 12, 31)) == Decimal("1000000")
    assert pset.value("x.limit", dt.date(2023, 1, 1)) == Decimal("2005000")
    assert pset.lookup("x.limit", dt.date(2023, 1, 1)).source == "doc 2"
    assert pset.lookup("x.limit", dt.date(2023, 1, 1)).unit == "yuan"
    with pytest.raises(ParameterError, match="no version in force"):
        pset.value("x.limit", dt.date(2019, 12, 31))
    with pytest.raises(ParameterError, match="unknown parameter"):
        pset.value("x.nope", dt.date(2023, 1, 1))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (GOOD.replace("effective_to = 2022-12-31", "effective_to = 2023-01-01"), "overlap"),
        (GOOD.replace("effective_to = 2022-12-31", "effective_to = 2022-06-30"), "gap"),
        (GOOD.replace("effective_to = 2022-12-31\n", ""), "overlap"),
        (GOOD.replace('source = "doc 1"', 'source = ""'), "source"),
        (GOOD.replace('unit = "wan_yuan"', 'unit = "furlongs"'), "unknown unit"),
        (GOOD.replace('unit = "wan_yuan"', 'unit = "ratio"'), "ratio is between 0 and 1"),
        (GOOD.replace('unit = "wan_yuan"', 'unit = "persons"'), "integer"),
        (GOOD.replace("value = 100", "vaule = 100"), "unknown key"),
        (GOOD.replace('source = "doc 1"', 'source = "doc 1"\nsorce = "x"'), "unknown key"),
        (GOOD.replace("effective_from = 2020-01-01", 'effective_from = "2020"'), "TOML date"),
        (
            '[x.b]\nunit = "bands"\n[[x.b.versions]]\neffective_from = 2020-01-01\n'
            'value = [{ points = 1 }, { at_least = 1, points = 2 }]\nsource = "d"\n',
            "only the last band",
        ),
        ("[x\nbroken", "toml"),
    ],
)
def test_lint_finds_problems(tmp_path: Path, body: str, message: str) -> None:
    problems = lint_layer(_pack(tmp_path, body))
    assert any(message in p for p in problems), problems
    with pytest.raises(ParameterError):
        load_layer(_pack(tmp_path, body))


def test_overlay_overrides_from_its_date_and_says_which_layer(tmp_path: Path) -> None:
    overlay = _pack(
        tmp_path,
        """
[hnte.tech_staff_ratio_min]
unit = "ratio"
[[hnte.tech_staff_ratio_min.versions]]
effective_from = 2025-07-01
value = "0.20"
source = "某市科技局 2025年第1号 (test only)"
""",
        header='[meta]\nlayer = "city-4412"\nregion = "4412"\n',
    )
    pset = national().with_layer(load_layer(overlay))
    doc = set_figure(enterprise(), 2024, "tech_staff", 15)  # 15%
    before = kejiservice.evaluate("hnte", doc, dt.date(2025, 6, 30), params=pset)
    after = kejiservice.evaluate("hnte", doc, dt.date(2025, 7, 1), params=pset)
    assert before.criterion("hnte.tech_staff_ratio").status.value == "pass"
    assert after.criterion("hnte.tech_staff_ratio").status.value == "fail"
    layers = {p.name: p.layer for p in after.params}
    assert layers["hnte.tech_staff_ratio_min"] == "city-4412"
    assert layers["hnte.rd_band1_ratio_min"] == "national"
    elsewhere = kejiservice.evaluate(
        "hnte", {**doc, "region": "440300"}, dt.date(2025, 7, 1), params=pset
    )
    assert elsewhere.criterion("hnte.tech_staff_ratio").status.value == "pass"


@given(st.dates(dt.date(2016, 1, 1), dt.date(2030, 12, 31)))
def test_dated_selection_matches_the_windows(day: dt.date) -> None:
    value = national().value("super_deduction.rate_general", day)
    expected = (
        Decimal("0.50")
        if day.year < 2018
        else (Decimal("0.75") if day.year < 2023 else Decimal("1.00"))
    )
    assert value == expected


def test_tech_sme_version_changes_exactly_on_its_date() -> None:
    doc = enterprise()
    v1 = kejiservice.evaluate("tech_sme", doc, dt.date(2021, 12, 31))
    v2 = kejiservice.evaluate("tech_sme", doc, dt.date(2022, 1, 1))
    assert (v1.rule_version, v2.rule_version) == ("2017", "2022")


def test_verdict_lists_parameters_with_sources() -> None:
    v = kejiservice.evaluate("hnte", enterprise(), dt.date(2025, 6, 30), innovation_score=80)
    assert v.status is Outcome.ELIGIBLE
    dumped = kejiservice.dump(v)["params"]
    assert dumped["hnte.tech_staff_ratio_min"]["value"] == "0.10"
    assert dumped["hnte.tech_staff_ratio_min"]["source"].startswith("国科发火〔2016〕32号")
    assert all(p["source"] for p in dumped.values())


def test_overlay_lint_against_the_national_pack(tmp_path: Path) -> None:
    body = """
[hnte.tech_staff_ratio_min]
unit = "persons"
[[hnte.tech_staff_ratio_min.versions]]
effective_from = 2025-07-01
value = 1
source = "x"

[hnte.tech_staf_ratio_min]
unit = "ratio"
[[hnte.tech_staf_ratio_min.versions]]
effective_from = 2025-07-01
value = "0.2"
source = "x"
"""
    folder = _pack(tmp_path, body)
    problems = lint_layer(folder, base=national())
    assert any("differs from the base pack" in p for p in problems)
    assert not any("tech_staf_ratio_min" in p for p in problems)
    strict = lint_layer(folder, base=national(), allow_new=False)
    assert any("tech_staf_ratio_min: not a parameter" in p for p in strict)
