"""Tests for kejiservice.industry: GB/T 4754-2017 codes and SME-standard industry classes."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kejiservice.errors import InvalidInput, ParameterError
from kejiservice.industry import (
    IndustryInfo,
    SmeIndustryClass,
    _gbt4754,
    classify_industry,
    industry_code_problem,
)

# GB/T 4754-2017: the divisions of each section, written out here independently of the data.
SECTION_DIVISIONS: dict[str, range] = {
    "A": range(1, 6),
    "B": range(6, 13),
    "C": range(13, 44),
    "D": range(44, 47),
    "E": range(47, 51),
    "F": range(51, 53),
    "G": range(53, 61),
    "H": range(61, 63),
    "I": range(63, 66),
    "J": range(66, 70),
    "K": range(70, 71),
    "L": range(71, 73),
    "M": range(73, 76),
    "N": range(76, 80),
    "O": range(80, 83),
    "P": range(83, 84),
    "Q": range(84, 86),
    "R": range(86, 91),
    "S": range(91, 97),
    "T": range(97, 98),
}
SECTION_OF = {f"{n:02d}": s for s, numbers in SECTION_DIVISIONS.items() for n in numbers}
VALID_DIVISION_CODES = sorted(f"{s}{d}" for d, s in SECTION_OF.items())


def _raw_data(name: str) -> dict[str, Any]:
    text = resources.files("kejiservice.industry").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


# --------------------------------------------------------------------------- the code table


def test_sections_are_the_twenty_letters_a_to_t() -> None:
    sections = _raw_data("gbt4754_2017.toml")["sections"]
    assert list(sections) == [chr(c) for c in range(ord("A"), ord("T") + 1)]


def test_every_division_01_to_97_is_present_once() -> None:
    divisions = _raw_data("gbt4754_2017.toml")["divisions"]
    assert list(divisions) == [f"{n:02d}" for n in range(1, 98)]
    assert len(SECTION_OF) == 97


@pytest.mark.parametrize("number", sorted(SECTION_OF))
def test_each_division_is_in_its_section(number: str) -> None:
    section = SECTION_OF[number]
    info = classify_industry(f"{section}{number}")
    assert info.section == section
    assert info.division == number
    assert info.division_name_zh
    assert info.division_name_en
    for other in SECTION_DIVISIONS:
        if other != section:
            assert industry_code_problem(f"{other}{number}") is not None


@pytest.mark.parametrize(
    ("code", "section_zh", "division_zh"),
    [
        ("C3911", "制造业", "计算机、通信和其他电子设备制造业"),
        ("I6510", "信息传输、软件和信息技术服务业", "软件和信息技术服务业"),
        ("A0511", "农、林、牧、渔业", "农、林、牧、渔专业及辅助性活动"),
        ("B1120", "采矿业", "开采专业及辅助性活动"),
        ("C2511", "制造业", "石油、煤炭及其他燃料加工业"),
        ("G5810", "交通运输、仓储和邮政业", "多式联运和运输代理业"),
        ("N7910", "水利、环境和公共设施管理业", "土地管理业"),
        ("S9620", "公共管理、社会保障和社会组织", "基层群众自治组织及其他组织"),
        ("T9700", "国际组织", "国际组织"),
    ],
)
def test_official_chinese_names(code: str, section_zh: str, division_zh: str) -> None:
    info = classify_industry(code)
    assert info.section_name_zh == section_zh
    assert info.division_name_zh == division_zh


def test_classify_returns_the_full_record() -> None:
    assert classify_industry("C3911") == IndustryInfo(
        code="C3911",
        section="C",
        section_name_zh="制造业",
        section_name_en="Manufacturing",
        division="39",
        division_name_zh="计算机、通信和其他电子设备制造业",
        division_name_en="Manufacture of computers, communication and other electronic equipment",
        sme_class=SmeIndustryClass.INDUSTRY,
    )


def test_a_section_letter_alone_has_no_division() -> None:
    info = classify_industry("M")
    assert (info.section, info.division, info.division_name_zh) == ("M", None, None)
    assert info.division_name_en is None
    assert info.section_name_en == "Scientific research and technical services"


def test_info_is_frozen() -> None:
    info = classify_industry("C3911")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        info.code = "C3912"  # type: ignore[misc]


# --------------------------------------------------------------------------- SME classes


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("C3911", SmeIndustryClass.INDUSTRY),
        ("B0610", SmeIndustryClass.INDUSTRY),
        ("D4411", SmeIndustryClass.INDUSTRY),
        ("I6510", SmeIndustryClass.SOFTWARE_IT),
        ("I6520", SmeIndustryClass.SOFTWARE_IT),
        ("F5171", SmeIndustryClass.WHOLESALE),
        ("F5211", SmeIndustryClass.RETAIL),
        ("L7211", SmeIndustryClass.LEASING_BUSINESS),
        ("L7111", SmeIndustryClass.LEASING_BUSINESS),
        ("E4710", SmeIndustryClass.CONSTRUCTION),
        ("M7320", SmeIndustryClass.OTHER),
        ("G5310", SmeIndustryClass.OTHER),
        ("G5410", SmeIndustryClass.TRANSPORT),
        ("G5810", SmeIndustryClass.TRANSPORT),
        ("G5910", SmeIndustryClass.TRANSPORT),
        ("G5920", SmeIndustryClass.WAREHOUSING),
        ("G5990", SmeIndustryClass.WAREHOUSING),
        ("G6010", SmeIndustryClass.POSTAL),
        ("H6110", SmeIndustryClass.ACCOMMODATION),
        ("H6210", SmeIndustryClass.CATERING),
        ("K7010", SmeIndustryClass.REAL_ESTATE_DEVELOPMENT),
        ("K7020", SmeIndustryClass.PROPERTY_MANAGEMENT),
        ("K7030", SmeIndustryClass.OTHER),
        ("A0511", SmeIndustryClass.AGRICULTURE),
        ("A0111", SmeIndustryClass.AGRICULTURE),
        ("I6311", SmeIndustryClass.INFORMATION_TRANSMISSION),
        ("I6410", SmeIndustryClass.INFORMATION_TRANSMISSION),
        ("J6610", SmeIndustryClass.OTHER),
    ],
)
def test_sme_class_of_representative_codes(code: str, expected: SmeIndustryClass) -> None:
    assert classify_industry(code).sme_class is expected


@pytest.mark.parametrize("code", ["F", "G", "G59", "H", "I", "K", "K70"])
def test_too_coarse_codes_have_no_class(code: str) -> None:
    assert classify_industry(code).sme_class is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("A", SmeIndustryClass.AGRICULTURE),
        ("C", SmeIndustryClass.INDUSTRY),
        ("L", SmeIndustryClass.LEASING_BUSINESS),
        ("M", SmeIndustryClass.OTHER),
        ("G53", SmeIndustryClass.OTHER),
        ("G591", SmeIndustryClass.TRANSPORT),
        ("G592", SmeIndustryClass.WAREHOUSING),
        ("I63", SmeIndustryClass.INFORMATION_TRANSMISSION),
        ("K701", SmeIndustryClass.REAL_ESTATE_DEVELOPMENT),
        ("K703", SmeIndustryClass.OTHER),
    ],
)
def test_coarse_codes_that_can_be_decided(code: str, expected: SmeIndustryClass) -> None:
    assert classify_industry(code).sme_class is expected


def test_every_class_is_reachable() -> None:
    data = _raw_data("sme_industry_classes.toml")
    used = set(data["prefixes"].values()) | {data["unmatched"]}
    assert used == {c.value for c in SmeIndustryClass}
    assert data["source"]


@pytest.mark.parametrize(
    ("code", "prefix", "expected"),
    [
        ("F5171", "F51", True),
        ("F5171", "F52", False),
        ("C1610", "C16", True),
        ("K7010", "K70", True),
        ("K7010", "K", True),
        ("C", "C16", False),
        ("C1610", "", False),
    ],
)
def test_has_prefix(code: str, prefix: str, expected: bool) -> None:
    assert classify_industry(code).has_prefix(prefix) is expected


# --------------------------------------------------------------------------- malformed codes


@pytest.mark.parametrize(
    "code",
    [
        "",
        "c3911",
        "c",
        "C6510",
        "I3911",
        "C99",
        "C00",
        "A98",
        "C39111",
        "C3",
        "C3911 ",
        " C3911",
        "C39.1",
        "C３９",
        "3911",
        "U",
        "V12",
        "W",
        "X",
        "Y",
        "Z9700",
    ],
)
def test_malformed_codes_are_rejected_with_a_reason(code: str) -> None:
    reason = industry_code_problem(code)
    assert isinstance(reason, str)
    assert reason
    with pytest.raises(InvalidInput) as caught:
        classify_industry(code)
    assert reason in str(caught.value)


def test_reasons_name_the_fault() -> None:
    assert "uppercase" in (industry_code_problem("c3911") or "")
    assert "section I" in (industry_code_problem("C6510") or "")
    assert "99" in (industry_code_problem("C99") or "")
    assert "5" in (industry_code_problem("C39111") or "")
    assert "A-T" in (industry_code_problem("U") or "")


@given(
    division=st.sampled_from(VALID_DIVISION_CODES),
    extra=st.text(alphabet="0123456789", max_size=2),
)
@example(division="C39", extra="11")
@example(division="T97", extra="")
def test_every_valid_division_with_more_digits_is_well_formed(division: str, extra: str) -> None:
    code = division + extra
    assert industry_code_problem(code) is None
    info = classify_industry(code)
    assert info.code == code
    assert info.section == code[0]
    assert info.division == code[1:3]
    if len(extra) == 2:
        # No mapping prefix is longer than a class code: a 4-digit class is always decided.
        assert info.sme_class is not None


@given(st.text())
@example("")
@example("\x00")
@example("ß")
@example("ı39")
@example("C" + "9" * 1000)
def test_problem_never_raises(code: str) -> None:
    reason = industry_code_problem(code)
    assert reason is None or isinstance(reason, str)


@given(st.sampled_from(VALID_DIVISION_CODES), st.text(alphabet="0123456789", max_size=2))
def test_a_decided_class_agrees_with_every_completion(division: str, extra: str) -> None:
    code = division + extra
    decided = classify_industry(code).sme_class
    if decided is None:
        return
    for longer in ("0", "1", "5", "9", "11", "91", "99"):
        candidate = code + longer
        if industry_code_problem(candidate) is None:
            assert classify_industry(candidate).sme_class is decided


# --------------------------------------------------------------------------- data validation


def _gbt_sample() -> dict[str, Any]:
    return {
        "source": "test",
        "sections": {
            "A": {"name_zh": "甲", "name_en": "A"},
            "B": {"name_zh": "乙", "name_en": "B"},
        },
        "divisions": {
            "01": {"section": "A", "name_zh": "一", "name_en": "One"},
            "02": {"section": "B", "name_zh": "二", "name_en": "Two"},
            "03": {"section": "B", "name_zh": "三", "name_en": "Three"},
        },
    }


def test_the_shipped_data_loads() -> None:
    gbt = _gbt4754._parse_gbt4754(_raw_data("gbt4754_2017.toml"))
    sme = _gbt4754._parse_sme_classes(_raw_data("sme_industry_classes.toml"), gbt)
    assert len(gbt.sections) == 20
    assert len(gbt.divisions) == 97
    assert sme.unmatched is SmeIndustryClass.OTHER


def test_a_good_sample_parses() -> None:
    gbt = _gbt4754._parse_gbt4754(_gbt_sample())
    assert set(gbt.divisions) == {"01", "02", "03"}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("source",), "", "source"),
        (("sections", "A", "name_zh"), 3, "sections.A.name_zh"),
        (("divisions", "02", "section"), "Z", "unknown section"),
        (("divisions", "03", "section"), "A", "section order"),
        (("divisions", "02", "name_en"), "   ", "divisions.02.name_en"),
        (("divisions", "02", "extra"), "x", "unknown keys"),
    ],
)
def test_malformed_code_data_is_a_parameter_error(
    path: tuple[str, ...], value: object, message: str
) -> None:
    data = _gbt_sample()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ParameterError, match=message):
        _gbt4754._parse_gbt4754(data)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["sections"].update({"AA": {"name_zh": "x", "name_en": "x"}}), "one upper"),
        (lambda d: d["divisions"].update({"3": d["divisions"].pop("02")}), "two digits"),
        (lambda d: d["sections"].update({"C": {"name_zh": "x", "name_en": "x"}}), "without"),
        (lambda d: d.pop("divisions"), "lacks divisions"),
        (lambda d: d.update({"sections": []}), "must be a table"),
    ],
)
def test_malformed_code_data_structure(mutate: Any, message: str) -> None:
    data = _gbt_sample()
    mutate(data)
    with pytest.raises(ParameterError, match=message):
        _gbt4754._parse_gbt4754(data)


@pytest.mark.parametrize(
    ("prefixes", "unmatched", "message"),
    [
        ({"A": "farming"}, "other", "not one of"),
        ({"A": "agriculture"}, "elsewhere", "not one of"),
        ({"A03": "agriculture"}, "other", "prefixes.A03"),
        ({"a": "agriculture"}, "other", "uppercase"),
        ({}, "other", "empty"),
    ],
)
def test_malformed_class_data_is_a_parameter_error(
    prefixes: dict[str, str], unmatched: str, message: str
) -> None:
    gbt = _gbt4754._parse_gbt4754(_gbt_sample())
    data = {"source": "test", "unmatched": unmatched, "prefixes": prefixes}
    with pytest.raises(ParameterError, match=message):
        _gbt4754._parse_sme_classes(data, gbt)


def test_missing_data_file_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match=r"no_such_file\.toml"):
        _gbt4754._read_toml("no_such_file.toml")


def test_invalid_toml_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match=r"broken\.toml: not valid TOML"):
        _gbt4754._parse_toml('source = "unterminated', "broken.toml")
