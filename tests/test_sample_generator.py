"""The synthetic 青山市 ledger: reproducible, committed as generated, realistic and valid.

The validity checks are written out here in plain Python on purpose: they must not lean on
the package's own converter or models, which the ledger is meant to exercise.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from kejiservice.sample import _generate as gen

Record = dict[str, Any]

LEDGER = Path(gen.__file__).with_name("ledger.jsonl")
REGIONS = {f"4499{n:02d}" for n in range(1, 7)}
TOP_KEYS = {
    "schema", "id", "uscc", "name", "registered_on", "region", "industry", "resident",
    "tech_field", "restricted_industry", "core_ip_owned", "years", "ip", "certifications",
    "incidents", "listings", "awards", "standards_led", "achievements_transformed", "tags",
    "extra",
}  # fmt: skip
REQUIRED_KEYS = TOP_KEYS - {"tech_field", "core_ip_owned", "achievements_transformed"}
MONEY_KEYS = (
    "sales_revenue", "main_business_revenue", "total_income", "non_taxable_income",
    "high_tech_income", "rd_expense", "rd_expense_domestic", "cost_and_expense",
    "rd_other_related", "total_assets", "total_liabilities",
)  # fmt: skip
YEAR_KEYS = {"year", "employees", "tech_staff", *MONEY_KEYS}
TECH_FIELDS = {
    "electronic_information", "biomedicine", "aerospace", "new_materials",
    "high_tech_services", "new_energy_efficiency", "resources_environment",
    "advanced_manufacturing", "none",
}  # fmt: skip
IP_KINDS = {
    "invention_patent", "defense_patent", "plant_variety", "national_crop_variety",
    "national_new_drug", "tcm_protected_variety", "ic_layout", "utility_model",
    "design_patent", "software_copyright",
}  # fmt: skip
CERT_KINDS = {
    "hnte", "tech_sme", "innovative_sme", "specialized_sme", "little_giant",
    "rd_institution_provincial", "rd_institution_national",
}  # fmt: skip
INCIDENT_KINDS = {
    "major_safety", "major_quality", "serious_environmental", "serious_research_misconduct",
    "serious_fraud",
}  # fmt: skip
# GB/T 4754-2017 sections and their 2-digit divisions.
SECTIONS = {
    "A": range(1, 6), "B": range(6, 13), "C": range(13, 44), "D": range(44, 47),
    "E": range(47, 51), "F": range(51, 53), "G": range(53, 61), "H": range(61, 63),
    "I": range(63, 66), "J": range(66, 70), "K": range(70, 71), "L": range(71, 73),
    "M": range(73, 76), "N": range(76, 80), "O": range(80, 83), "P": range(83, 84),
    "Q": range(84, 86), "R": range(86, 91), "S": range(91, 97), "T": range(97, 98),
}  # fmt: skip
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ABOVE_SCALE = Decimal(20_000_000)


@pytest.fixture(scope="module")
def ledger_text() -> str:
    return LEDGER.read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def records(ledger_text: str) -> list[Record]:
    return [json.loads(line) for line in ledger_text.splitlines()]


# --------------------------------------------------------------------------- helpers


def money(value: object) -> Decimal:
    assert isinstance(value, str), f"money must be a JSON string, got {value!r}"
    assert re.fullmatch(r"\d+(\.\d{1,2})?", value), f"not a plain yuan amount: {value!r}"
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the regex above already refused it
        pytest.fail(f"not a decimal: {value!r}")


def day(value: object) -> date:
    assert isinstance(value, str)
    return date.fromisoformat(value)


def uscc_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(code, USCC_WEIGHTS, strict=False))
    return code[17] == USCC_CHARSET[(31 - total % 31) % 31]


def last(record: Record) -> dict[str, Any]:
    year: dict[str, Any] = record["years"][-1]
    return year


def total(record: Record, key: str) -> Decimal:
    return sum((money(y[key]) for y in record["years"]), Decimal(0))


def rd_intensity(record: Record) -> Decimal:
    return total(record, "rd_expense") / total(record, "sales_revenue")


def rd_band(last_sales: Decimal) -> Decimal:
    if last_sales <= 50_000_000:
        return Decimal("0.05")
    if last_sales <= 200_000_000:
        return Decimal("0.04")
    return Decimal("0.03")


def hnte_like(record: Record) -> bool:
    """The ratio conditions of HNTE (国科发火〔2016〕32号 第十一条（四）–（六）)."""
    years = record["years"]
    if any(k not in y for y in years for k in YEAR_KEYS):
        return False
    y = last(record)
    rd = total(record, "rd_expense")
    income = money(y["total_income"]) - money(y["non_taxable_income"])
    return (
        y["tech_staff"] * 10 >= y["employees"]
        and rd >= rd_band(money(y["sales_revenue"])) * total(record, "sales_revenue")
        and rd > 0
        and total(record, "rd_expense_domestic") * 5 >= rd * 3
        and money(y["high_tech_income"]) * 5 >= income * 3
    )


def industrial(record: Record) -> bool:
    return str(record["industry"])[0] in "BCD"


def above_scale(record: Record) -> bool:
    y = last(record)
    return industrial(record) and money(y.get("main_business_revenue", "0")) >= ABOVE_SCALE


def cert_holders(records: list[Record], kind: str) -> list[Record]:
    return [r for r in records if any(c["kind"] == kind for c in r["certifications"])]


def edge(records: list[Record], code: str) -> Record:
    (found,) = [r for r in records if r["extra"].get("sample_case") == code]
    return found


def all_pairs(records: list[Record]) -> Iterator[tuple[Record, dict[str, Any]]]:
    for record in records:
        for year in record["years"]:
            yield record, year


# --------------------------------------------------------------------------- reproducibility


def test_generating_twice_gives_identical_text() -> None:
    assert gen.generate_text() == gen.generate_text()


def test_committed_file_is_what_the_generator_writes(ledger_text: str) -> None:
    assert ledger_text == gen.generate_text(), "run python -m kejiservice.sample._generate"


def test_check_mode_exit_status(tmp_path: Path) -> None:
    assert gen.main(["--check"]) == 0
    stale = tmp_path / "ledger.jsonl"
    stale.write_text("{}\n", encoding="utf-8")
    assert gen.main(["--check", "--output", str(stale)]) == 1
    assert gen.main(["--output", str(stale)]) == 0
    assert gen.main(["--check", "--output", str(stale)]) == 0


def test_file_format(ledger_text: str) -> None:
    assert ledger_text.endswith("\n")
    assert "\r" not in ledger_text
    for line in ledger_text.splitlines():
        record = json.loads(line)
        assert line == json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        assert list(record)[:3] == ["schema", "id", "uscc"]


# --------------------------------------------------------------------------- distributions


def test_ids_and_regions(records: list[Record]) -> None:
    assert [r["id"] for r in records] == [f"QS{n:04d}" for n in range(1, 301)]
    assert {r["region"] for r in records} == REGIONS
    assert all(r["schema"] == "kejiservice/enterprise@1" for r in records)
    assert all(r["resident"] is True for r in records)


def test_industry_mix(records: list[Record]) -> None:
    sections = Counter(r["industry"][0] for r in records)
    assert sections["C"] >= 120  # mostly manufacturing ...
    assert sum(1 for r in records if r["industry"].startswith("I65")) >= 60  # ... and software
    assert len(sections) >= 8


def test_young_firms(records: list[Record]) -> None:
    young = [r for r in records if day(r["registered_on"]).year >= 2024]
    assert 10 <= len(young) <= 20  # about 5%
    assert all(day(r["registered_on"]).year >= 1995 for r in records)
    for r in records:
        first = max(day(r["registered_on"]).year, 2023)
        assert [y["year"] for y in r["years"]] == list(range(first, 2026)), r["id"]


def test_size_distribution(records: list[Record]) -> None:
    sales = sorted(money(last(r)["sales_revenue"]) for r in records)
    employees = [last(r)["employees"] for r in records]
    in_band = sum(1 for s in sales if 2_000_000 <= s <= 80_000_000)
    assert in_band >= 0.7 * len(records)  # mostly 2M-80M yuan
    assert 3 <= sum(1 for s in sales if s > 400_000_000) <= 10  # a few large firms
    assert 5 <= sum(1 for s in sales if s < 3_000_000) <= 40  # some micro firms
    assert sum(1 for e in employees if 10 <= e <= 200) >= 0.6 * len(records)
    assert 1500 <= max(employees) <= 2000  # the long tail
    assert min(employees) >= 1


def test_above_scale_industrial_firms(records: list[Record]) -> None:
    assert 25 <= sum(1 for r in records if above_scale(r)) <= 35  # about 30 规上


def test_rd_intensity_distribution(records: list[Record]) -> None:
    ratios = [rd_intensity(r) for r in records]
    low = sum(1 for x in ratios if x < Decimal("0.03"))
    mid = sum(1 for x in ratios if Decimal("0.03") <= x < Decimal("0.08"))
    high = sum(1 for x in ratios if x >= Decimal("0.08"))
    assert low >= 0.65 * len(records)  # mostly under 3%
    assert 0.15 * len(records) <= mid <= 0.25 * len(records)  # about 20% at 3-8%
    assert 3 <= high <= 15  # a few higher
    assert sum(1 for x in ratios if x == 0) >= 20  # some report no R&D at all


def test_hnte_profiles_and_certificates(records: list[Record]) -> None:
    n = len(records)
    assert 0.15 * n <= sum(1 for r in records if hnte_like(r)) <= 0.20 * n
    assert 0.15 * n <= len(cert_holders(records, "hnte")) <= 0.20 * n
    assert 0.25 * n <= len(cert_holders(records, "tech_sme")) <= 0.35 * n
    assert 5 <= len(cert_holders(records, "innovative_sme")) <= 20
    assert 3 <= len(cert_holders(records, "specialized_sme")) <= 10
    assert 1 <= len(cert_holders(records, "little_giant")) <= 2
    assert 3 <= len(cert_holders(records, "rd_institution_provincial")) <= 10


def test_tags(records: list[Record]) -> None:
    tags = Counter(t for r in records for t in r["tags"])
    n = len(records)
    assert 0.12 * n <= tags["key_cultivation"] <= 0.18 * n
    assert 0.06 * n <= tags["small_to_high"] <= 0.10 * n
    assert 2 <= tags["gazelle"] <= 8
    assert set(tags) == {"key_cultivation", "small_to_high", "gazelle"}
    for r in records:
        if "small_to_high" in r["tags"]:
            assert not any(c["kind"] == "hnte" for c in r["certifications"]), r["id"]
        if "gazelle" in r["tags"]:
            sales = [money(y["sales_revenue"]) for y in r["years"]]
            assert all(b >= a * Decimal("1.3") for a, b in itertools.pairwise(sales))


def test_flags_and_gaps(records: list[Record]) -> None:
    n = len(records)
    assert 0.03 * n <= sum(1 for r in records if "tech_field" not in r) <= 0.07 * n
    assert 2 <= sum(1 for r in records if r["restricted_industry"]) <= 5
    assert 2 <= sum(1 for r in records if "core_ip_owned" not in r) <= 10
    gaps = [r for r in records if any(set(y) != YEAR_KEYS for y in r["years"])]
    assert 0.02 * n <= len(gaps) <= 0.04 * n  # about 3% omit a figure
    for r in gaps:  # one figure, in the last year, never the year itself
        assert all(set(y) == YEAR_KEYS for y in r["years"][:-1]), r["id"]
        assert len(YEAR_KEYS - set(last(r))) == 1, r["id"]
        assert {"year", "sales_revenue", "rd_expense", "employees"} <= set(last(r))


def test_events(records: list[Record]) -> None:
    assert 3 <= sum(1 for r in records if r["incidents"]) <= 5
    assert 2 <= sum(1 for r in records if r["listings"]) <= 4
    assert any(item["to"] is None for r in records for item in r["listings"])
    assert 3 <= sum(1 for r in records if r["awards"]) <= 12
    assert 3 <= sum(1 for r in records if r["standards_led"]) <= 12
    assert {a["level"] for r in records for a in r["awards"]} == {"national", "provincial"}


# --------------------------------------------------------------------------- edge cases


def test_tech_staff_edges(records: list[Record]) -> None:
    exact = edge(records, "hnte.tech_staff_ratio:exact")
    short = edge(records, "hnte.tech_staff_ratio:one_person_short")
    assert all(y["tech_staff"] * 10 == y["employees"] for y in exact["years"])
    assert all((y["tech_staff"] + 1) * 10 == y["employees"] for y in short["years"])
    assert hnte_like(exact)
    assert not hnte_like(short)


def test_rd_ratio_edges(records: list[Record]) -> None:
    exact = edge(records, "hnte.rd_expense_ratio:exact")
    short = edge(records, "hnte.rd_expense_ratio:one_yuan_short")
    assert total(exact, "rd_expense") * 20 == total(exact, "sales_revenue")
    assert (total(short, "rd_expense") + 1) * 20 == total(short, "sales_revenue")
    assert len(exact["years"]) == 3
    assert money(last(exact)["sales_revenue"]) <= 50_000_000
    assert hnte_like(exact)
    assert not hnte_like(short)


def test_rd_band_edges(records: list[Record]) -> None:
    at_50m = edge(records, "hnte.rd_band:sales_exactly_50m")
    over_50m = edge(records, "hnte.rd_band:sales_50m_plus_one_yuan")
    assert money(last(at_50m)["sales_revenue"]) == 50_000_000
    assert money(last(over_50m)["sales_revenue"]) == 50_000_001
    for r in (at_50m, over_50m):
        assert Decimal("0.04") <= rd_intensity(r) < Decimal("0.05")
    assert not hnte_like(at_50m)
    assert hnte_like(over_50m)


def test_domestic_and_high_tech_edges(records: list[Record]) -> None:
    domestic = edge(records, "hnte.domestic_rd_share:exact")
    assert total(domestic, "rd_expense_domestic") * 5 == total(domestic, "rd_expense") * 3
    assert hnte_like(domestic)
    for code, shortfall in (
        ("hnte.high_tech_income_share:exact", 0),
        ("hnte.high_tech_income_share:one_yuan_short", 1),
    ):
        y = last(edge(records, code))
        income = money(y["total_income"]) - money(y["non_taxable_income"])
        assert money(y["non_taxable_income"]) > 0
        assert (money(y["high_tech_income"]) + shortfall) * 5 == income * 3
        assert hnte_like(edge(records, code)) == (shortfall == 0)


def test_all_thresholds_edge(records: list[Record]) -> None:
    r = edge(records, "hnte.all_thresholds:exact")
    y = last(r)
    assert y["tech_staff"] * 10 == y["employees"]
    assert total(r, "rd_expense") * 20 == total(r, "sales_revenue")
    assert total(r, "rd_expense_domestic") * 5 == total(r, "rd_expense") * 3
    income = money(y["total_income"]) - money(y["non_taxable_income"])
    assert money(y["high_tech_income"]) * 5 == income * 3
    assert hnte_like(r)


def test_registration_edge(records: list[Record]) -> None:
    r = edge(records, "hnte.registered_one_year:exact")
    assert r["registered_on"] == "2024-06-30"
    assert (date(2025, 6, 30) - day(r["registered_on"])).days == 365
    assert hnte_like(r)


def test_size_edges(records: list[Record]) -> None:
    exact = edge(records, "above_scale.main_business_revenue:exact")
    short = edge(records, "above_scale.main_business_revenue:one_yuan_short")
    assert industrial(exact)
    assert industrial(short)
    assert money(last(exact)["main_business_revenue"]) == 20_000_000
    assert last(exact)["employees"] == 300
    assert money(last(short)["main_business_revenue"]) == 19_999_999
    assert money(last(short)["sales_revenue"]) > 20_000_000
    assert above_scale(exact)
    assert not above_scale(short)
    limits = last(edge(records, "tech_sme.size_limits:exact"))
    assert limits["employees"] == 500
    assert money(limits["sales_revenue"]) == 200_000_000
    assert money(limits["total_assets"]) == 200_000_000


def test_every_edge_case_is_present_once(records: list[Record]) -> None:
    codes = [r["extra"]["sample_case"] for r in records if "sample_case" in r["extra"]]
    assert sorted(codes) == sorted(case.code for case in gen.EDGE_CASES)


# --------------------------------------------------------------------------- validity


def test_no_unknown_fields(records: list[Record]) -> None:
    for r in records:
        assert set(r) <= TOP_KEYS, r["id"]
        assert set(r) >= REQUIRED_KEYS, r["id"]
        for y in r["years"]:
            assert set(y) <= YEAR_KEYS, r["id"]
        for item in r["ip"]:
            assert set(item) == {
                "kind", "granted_on", "expires_on", "core", "acquired", "disputed", "high_value"
            }  # fmt: skip
        for cert in r["certifications"]:
            assert {"kind", "issued_on"} <= set(cert) <= {
                "kind", "issued_on", "expires_on", "number"
            }  # fmt: skip
        assert all(set(i) == {"kind", "on"} for i in r["incidents"])
        assert all(set(i) == {"kind", "from", "to"} for i in r["listings"])
        assert all(set(a) == {"level", "year", "rank"} for a in r["awards"])
        assert all(set(s) == {"level", "year", "rank"} for s in r["standards_led"])
        assert isinstance(r["extra"], dict)


def test_uscc_valid_and_unique(records: list[Record]) -> None:
    codes = [r["uscc"] for r in records]
    assert len(set(codes)) == len(codes)
    for r in records:
        code = r["uscc"]
        assert uscc_valid(code), code
        assert code[:2] == "91"
        assert code[2:8] == r["region"]


def test_names_and_codes(records: list[Record]) -> None:
    names = [r["name"] for r in records]
    assert len(set(names)) == len(names)
    assert all(n.endswith("公司") for n in names)
    for r in records:
        code = r["industry"]
        assert re.fullmatch(r"[A-T]\d{4}", code), code
        assert int(code[1:3]) in SECTIONS[code[0]], code
        assert r.get("tech_field", "none") in TECH_FIELDS
        assert isinstance(r["restricted_industry"], bool)
        assert isinstance(r.get("core_ip_owned", False), bool)


def test_year_figures(records: list[Record]) -> None:
    for r in records:
        years = [y["year"] for y in r["years"]]
        assert years == sorted(set(years)), r["id"]
    for r, y in all_pairs(records):
        where = f"{r['id']} {y['year']}"
        m = {k: money(y[k]) for k in MONEY_KEYS if k in y}  # also checks the format
        assert isinstance(y["employees"], int)
        assert y["employees"] >= 1, where
        if "tech_staff" in y:
            assert isinstance(y["tech_staff"], int)
            assert 0 <= y["tech_staff"] <= y["employees"], where
        if "main_business_revenue" in m:
            assert m["main_business_revenue"] <= m["sales_revenue"], where
        assert m["total_income"] >= m["sales_revenue"], where
        if "non_taxable_income" in m:
            assert m["non_taxable_income"] <= m["total_income"], where
            if "high_tech_income" in m:
                taxable = m["total_income"] - m["non_taxable_income"]
                assert m["high_tech_income"] <= taxable, where
        if "rd_expense_domestic" in m:
            assert m["rd_expense_domestic"] <= m["rd_expense"], where
        assert m["rd_other_related"] <= m["rd_expense"], where
        if "cost_and_expense" in m:
            assert m["cost_and_expense"] >= m["rd_expense"], where
        if "total_liabilities" in m:
            assert m["total_liabilities"] <= m["total_assets"], where


def test_ip_items(records: list[Record]) -> None:
    for r in records:
        registered = day(r["registered_on"])
        for item in r["ip"]:
            assert item["kind"] in IP_KINDS
            assert item["acquired"] in {"own", "transfer", "gift", "merger"}
            granted = day(item["granted_on"])
            assert registered < granted <= date(2025, 12, 31), r["id"]
            if item["expires_on"] is not None:
                assert day(item["expires_on"]) > granted, r["id"]
            for flag in ("core", "disputed", "high_value"):
                assert isinstance(item[flag], bool)


def test_certifications(records: list[Record]) -> None:
    numbers = []
    for r in records:
        for cert in r["certifications"]:
            assert cert["kind"] in CERT_KINDS
            issued = day(cert["issued_on"])
            assert day(cert["expires_on"]) > issued, r["id"]
            assert issued > day(r["registered_on"]), r["id"]
            if cert["kind"] == "hnte":
                assert issued.month == 12
                assert 2022 <= issued.year <= 2025
                three_years = issued.replace(year=issued.year + 3)
                assert day(cert["expires_on"]) == three_years - timedelta(days=1)
                assert re.fullmatch(rf"GR{issued.year}4499\d{{5}}", cert["number"])
                numbers.append(cert["number"])
            if cert["kind"] == "tech_sme":
                assert cert["expires_on"] == f"{issued.year}-12-31"
    assert len(numbers) == len(set(numbers))


def test_events_are_well_formed(records: list[Record]) -> None:
    for r in records:
        for incident in r["incidents"]:
            assert incident["kind"] in INCIDENT_KINDS
            assert 2023 <= day(incident["on"]).year <= 2025
        for listing in r["listings"]:
            assert listing["kind"] == "abnormal_operation"
            if listing["to"] is not None:
                assert day(listing["to"]) > day(listing["from"])
        for award in r["awards"]:
            assert award["level"] in {"national", "provincial"}
            assert 2021 <= award["year"] <= 2025
            assert 1 <= award["rank"] <= 5
        for standard in r["standards_led"]:
            assert standard["level"] in {"national", "industry", "international"}
            assert 1 <= standard["rank"] <= 5
        achievements = r.get("achievements_transformed", {})
        assert set(achievements) <= {str(y["year"]) for y in r["years"]}
        assert all(isinstance(v, int) and v >= 0 for v in achievements.values())
        if achievements:
            assert total(r, "rd_expense") > 0
