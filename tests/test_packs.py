"""Local incentive packs: the example packs' vectors, a pack against its hand-written
Python equivalent, budget-pool properties, and evaluation that never raises."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kejiservice
from kejiservice import InvalidInput, packs
from kejiservice.packs import Pack
from kejiservice.rules import Outcome, Status, Verdict, local_rules

from .conftest import REPO
from .strategies import enterprise_doc

EXAMPLES = REPO / "examples" / "packs"
VECTORS = EXAMPLES / "vectors"
FEN = Decimal("0.01")


@pytest.fixture(scope="module")
def example_packs() -> Iterator[list[Pack]]:
    """The example packs, registered for the module and unregistered afterwards."""
    loaded = packs.load_packs(EXAMPLES)
    packs.register_packs(loaded)
    yield loaded
    for pack in loaded:
        packs.unregister_pack(pack.id)


def write_pack(folder: Path, name: str, body: str, **head: Any) -> Path:
    """A pack file with a default header (override with keyword arguments)."""
    fields = {
        "id": '"test_pack"',
        "region": '"440000"',
        "name_zh": '"测试"',
        "name_en": '"test"',
        "effective_from": "2025-01-01",
        "effective_to": "2026-12-31",
        "source": '"测试文件"',
        "version": '"1"',
    }
    for key, value in head.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    text = "".join(f"{k} = {v}\n" for k, v in fields.items()) + "\n" + body
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- vectors

from .test_vectors import _same  # noqa: E402  one comparison for every vector runner


def _vector_cases() -> list[Any]:
    return [
        pytest.param(case, id=f"{path.stem}/{case['id']}")
        for path in sorted(VECTORS.glob("*.json"))
        for case in json.loads(path.read_text(encoding="utf-8"))
    ]


def test_every_example_pack_has_vectors() -> None:
    names = {p.stem for p in EXAMPLES.glob("*.toml")}
    assert len(names) == 4
    assert names == {p.stem for p in VECTORS.glob("*.json")}


@pytest.mark.parametrize("case", _vector_cases())
def test_example_vector(case: dict[str, Any], example_packs: list[Pack]) -> None:
    as_of = dt.date.fromisoformat(case["as_of"])
    inputs = case.get("inputs") or {}
    verdict = kejiservice.dump(
        kejiservice.evaluate(case["rule"], case["enterprise"], as_of, **inputs)
    )
    expect = case["expect"]
    mismatched = {k: verdict.get(k) for k, v in expect.items() if not _same(v, verdict.get(k))}
    assert not mismatched, f"{case['id']} ({case['note']}): expected {expect}, got {mismatched}"


def test_example_packs_are_marked_illustrative(example_packs: list[Pack]) -> None:
    for pack in example_packs:
        assert "illustrative" in pack.source
        assert "illustrative" in pack.name_en
        assert "示例" in pack.name_zh
        assert pack.region == "449900"
        assert pack.prefix == "4499"


def test_example_packs_lint_clean() -> None:
    assert packs.lint_packs(EXAMPLES) == []


def test_sample_city_verdicts_and_awards(example_packs: list[Pack]) -> None:
    from kejiservice.sample import ledger

    enterprises = ledger()
    as_of = dt.date(2026, 6, 30)
    for pack in example_packs:
        verdicts = list(kejiservice.evaluate_many(pack.id, enterprises, as_of))
        eligible = [v for v in verdicts if v.status is Outcome.ELIGIBLE]
        assert eligible, pack.id
        for verdict in eligible:
            amount = Decimal(verdict.extras["award"]["amount"])
            assert amount > 0
            assert verdict.extras["award"]["steps"]
            assert verdict.explain("zh")
            assert verdict.explain("en")
        allocations = packs.allocate_pool(pack, verdicts)
        granted = sum((a.granted or Decimal(0) for a in allocations), Decimal(0))
        if pack.award.pool is not None:
            assert granted <= pack.award.pool
    # the R&D post-subsidy and the demonstration fund both exceed their pools
    by_id = {p.id: p for p in example_packs}
    for pack_id in ("qingshan_rd_post_subsidy", "qingshan_demo_project_fund"):
        pack = by_id[pack_id]
        verdicts = list(kejiservice.evaluate_many(pack_id, enterprises, as_of))
        allocations = packs.allocate_pool(pack, verdicts)
        requested = sum((a.requested or Decimal(0) for a in allocations), Decimal(0))
        assert pack.award.pool is not None
        assert requested > pack.award.pool
        assert any(step["step"] == "scale" for a in allocations for step in a.steps)


def test_evaluate_all_includes_packs_for_the_region(example_packs: list[Pack]) -> None:
    doc = json.loads((VECTORS / "qingshan_new_hnte_award.json").read_text("utf-8"))[0]
    summary = kejiservice.evaluate_all(doc["enterprise"], dt.date(2026, 3, 31))
    assert "qingshan_new_hnte_award" in summary.verdicts
    assert "qingshan_new_hnte_award" in summary.qualifies_for
    outside = dict(doc["enterprise"], region="110105")
    summary = kejiservice.evaluate_all(outside, dt.date(2026, 3, 31))
    assert not any(rule.startswith("qingshan_") for rule in summary.verdicts)


def test_verdict_params_carry_pack_provenance(example_packs: list[Pack]) -> None:
    case = json.loads((VECTORS / "qingshan_rd_post_subsidy.json").read_text("utf-8"))[0]
    verdict = kejiservice.evaluate(case["rule"], case["enterprise"], dt.date(2026, 6, 30))
    params = kejiservice.dump(verdict)["params"]
    rate = params["qingshan_rd_post_subsidy.award.rate"]
    assert rate["layer"] == "qingshan_rd_post_subsidy"
    assert Decimal(rate["value"]) == Decimal("0.10")
    assert rate["effective_from"] == "2026-01-01"
    floor = params["qingshan_rd_post_subsidy.rd_expense_floor"]
    assert Decimal(floor["value"]) == Decimal(1_000_000)
    assert floor["unit"] == "yuan"
    assert "第三条（二）" in floor["source"]
    steps = verdict.extras["award"]["steps"]
    assert [s["step"] for s in steps] == ["base", "rate", "cap"]
    assert steps[0]["value"] == "3000000.00"
    assert "years[2025].rd_expense" in steps[0]["source"]


def test_single_comparison_gap_and_verified_proposal(example_packs: list[Pack]) -> None:
    cases = json.loads((VECTORS / "qingshan_rd_post_subsidy.json").read_text("utf-8"))
    case = next(c for c in cases if c["id"] == "rd-subsidy-intensity-below-3pc")
    verdict = kejiservice.evaluate(case["rule"], case["enterprise"], dt.date(2026, 6, 30))
    criterion = verdict.criterion("qingshan_rd_post_subsidy.rd_intensity")
    assert criterion.status is Status.FAIL
    assert criterion.actual == "0.029900"
    assert criterion.required == ">= 0.03"
    # 3% of 2亿 = 600万; R&D is 598万: 2万 short
    assert Decimal(criterion.gap or "") == Decimal("20000")
    assert criterion.gap_unit == "yuan of R&D expense"
    (proposal,) = criterion.proposals
    assert proposal.verified
    assert proposal.input == "years[2025].rd_expense"
    assert proposal.target == Decimal("6000000")
    assert "2.99%" in criterion.message.zh


def test_compound_criterion_reports_parts(example_packs: list[Pack]) -> None:
    cases = json.loads((VECTORS / "qingshan_rd_post_subsidy.json").read_text("utf-8"))
    case = next(c for c in cases if c["id"] == "rd-subsidy-not-qualified")
    verdict = kejiservice.evaluate(case["rule"], case["enterprise"], dt.date(2026, 6, 30))
    detail = kejiservice.dump(verdict)["criteria"][1]["detail"]
    assert detail["test"] == "holds(hnte) or holds(tech_sme)"
    assert [p["result"] for p in detail["parts"]] == ["fail", "fail"]


def test_time_criterion_proposes_a_date(example_packs: list[Pack]) -> None:
    cases = json.loads((VECTORS / "qingshan_demo_project_fund.json").read_text("utf-8"))
    case = next(c for c in cases if c["id"] == "demo-three-years-short")
    verdict = kejiservice.evaluate(case["rule"], case["enterprise"], dt.date(2026, 6, 30))
    (proposal,) = verdict.criterion("qingshan_demo_project_fund.established").proposals
    assert proposal.on_date == dt.date(2026, 7, 1)
    assert not proposal.adjustable


def test_outside_window_says_why(example_packs: list[Pack]) -> None:
    case = json.loads((VECTORS / "qingshan_new_hnte_award.json").read_text("utf-8"))[0]
    verdict = kejiservice.evaluate(case["rule"], case["enterprise"], dt.date(2025, 12, 31))
    assert verdict.status is Outcome.NOT_APPLICABLE
    assert "2026-01-01..2026-12-31" in verdict.notes[0].en
    assert "有效期" in verdict.notes[0].zh


# --------------------------------------------------------------------------- pack vs Python

PROPERTY_PACK = """
[[criteria]]
code = "rd_intensity"
test = "rd_intensity(last_year) 不低于 3%"
message_zh = "研发投入强度 {actual}"
message_en = "R&D intensity {actual}"

[[criteria]]
code = "staff"
test = "employees(last_year) 500人以下"
message_zh = "职工 {actual} 人"
message_en = "{actual} employees"

[[criteria]]
code = "standing"
test = "holds(hnte) 或 has_tag(key_cultivation)"
message_zh = "高企或重点培育"
message_en = "HNTE or key cultivation"

[[criteria]]
code = "no_collapse"
test = "not (sales_growth(last_year) < -10%)"
message_zh = "销售收入未下降超过10%"
message_en = "sales did not fall by more than 10%"

[[criteria]]
code = "age"
test = "years_since_registration >= 3年"
message_zh = "成立 {actual} 年"
message_en = "{actual} years"

[award]
kind = "rate"
rate = "10%"
base = "rd_increase(last_year)"
floor = "1万元"
cap = "50万元"
"""


def _figure(doc: dict[str, Any], year: int, name: str) -> Decimal | None:
    for row in doc["years"]:
        if row["year"] == year:
            value = row.get(name)
            return None if value is None else Decimal(value)
    return None


def _full_years(start: dt.date, day: dt.date) -> int:
    years = day.year - start.year
    try:
        anniversary = start.replace(year=day.year)
    except ValueError:
        anniversary = dt.date(day.year, 3, 1)
    return years - (1 if anniversary > day else 0)


def _kleene_all(values: list[bool | None]) -> bool | None:
    if False in values:
        return False
    if None in values:
        return None
    return True


def python_equivalent(doc: dict[str, Any], day: dt.date) -> tuple[str, Decimal | None]:
    """The property pack written by hand: (status, award amount)."""
    if not dt.date(2025, 1, 1) <= day <= dt.date(2026, 12, 31):
        return "not_applicable", Decimal(0)
    region = doc.get("region")
    if region is not None and not region.startswith("44"):
        return "not_applicable", Decimal(0)
    year = day.year - 1
    rd, sales = _figure(doc, year, "rd_expense"), _figure(doc, year, "sales_revenue")
    intensity = None if rd is None or sales is None or sales == 0 else rd / sales >= Decimal("0.03")
    employees = _figure(doc, year, "employees")
    staff = None if employees is None else employees <= 500
    hnte = any(
        c["kind"] == "hnte"
        and dt.date.fromisoformat(c["issued_on"]) <= day <= dt.date.fromisoformat(c["expires_on"])
        for c in doc.get("certifications", [])
    )
    standing = hnte or "key_cultivation" in doc.get("tags", [])
    before = _figure(doc, year - 1, "sales_revenue")
    growth = None if sales is None or before is None or before == 0 else (sales - before) / before
    no_collapse = None if growth is None else not growth < Decimal("-0.10")
    age = _full_years(dt.date.fromisoformat(doc["registered_on"]), day) >= 3
    status = _kleene_all(
        [None if region is None else True, intensity, staff, standing, no_collapse, age]
    )
    if status is False:
        return "ineligible", Decimal(0)
    rd_before = _figure(doc, year - 1, "rd_expense")
    amount: Decimal | None = None
    if rd is not None and rd_before is not None:
        base = max(rd - rd_before, Decimal(0))
        amount = (base * Decimal("0.10")).quantize(FEN, rounding=ROUND_FLOOR)
        amount = min(max(amount, Decimal(10_000)), Decimal(500_000))
    if status is None:
        return "undetermined", None
    return "eligible", amount


@pytest.fixture(scope="module")
def property_pack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pack]:
    folder = tmp_path_factory.mktemp("property")
    pack = packs.load_pack(write_pack(folder, "p.toml", PROPERTY_PACK, id='"property_pack"'))
    packs.register_pack(pack)
    yield pack
    packs.unregister_pack(pack.id)


@st.composite
def enterprise_with_gaps(draw: st.DrawFn) -> dict[str, Any]:
    """An enterprise document with some figures dropped (unknown) and a region."""
    doc = draw(enterprise_doc())
    for row in doc["years"]:
        for name in draw(
            st.lists(st.sampled_from(["rd_expense", "sales_revenue", "employees"]), max_size=2)
        ):
            row.pop(name, None)
            if name == "rd_expense":
                row.pop("rd_expense_domestic", None)
                row.pop("rd_other_related", None)
            if name == "employees":
                row.pop("tech_staff", None)
    choice = draw(st.sampled_from(["441200", "449901", "110105", None]))
    if choice is None:
        doc.pop("region", None)
    else:
        doc["region"] = choice
    return doc


AS_OF = st.dates(dt.date(2024, 6, 1), dt.date(2027, 6, 30))


def _fen(value: Decimal) -> str:
    return str(value.quantize(FEN, rounding=ROUND_FLOOR))


@st.composite
def near_thresholds(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    """An enterprise in the pack's region and window that meets every criterion but one,
    which is drawn close to its threshold (or anywhere)."""
    day = draw(st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)))
    year = day.year - 1
    stress = draw(st.sampled_from(["intensity", "staff", "standing", "growth", "age", "none"]))
    before = Decimal(draw(st.integers(10**6, 10**11))) / 100
    growth = Decimal("0.1")
    if stress == "growth":
        growth = draw(
            st.sampled_from([Decimal("-0.1"), Decimal("-0.1001"), Decimal("-0.0999")])
            | st.integers(-100, 300).map(lambda p: Decimal(p) / 100)
        )
    sales = (before * (1 + growth)).quantize(FEN, rounding=ROUND_FLOOR)
    ratio = Decimal("0.05")
    if stress == "intensity":
        ratio = draw(
            st.sampled_from([Decimal("0.0299"), Decimal("0.03"), Decimal("0.0301")])
            | st.integers(0, 1000).map(lambda p: Decimal(p) / 10000)
        )
    rd = sales * ratio
    rd_before = Decimal(draw(st.integers(0, int(rd * 200) + 1))) / 100
    employees = 100
    if stress == "staff":
        employees = draw(st.sampled_from([499, 500, 501]) | st.integers(1, 3000))
    age = 4000
    if stress == "age":
        age = draw(st.integers(365 * 3 - 3, 365 * 3 + 3) | st.integers(0, 5000))
    rows = [
        {"year": year - 1, "sales_revenue": _fen(before), "rd_expense": _fen(rd_before)},
        {
            "year": year,
            "sales_revenue": _fen(sales),
            "rd_expense": _fen(rd),
            "employees": employees,
        },
    ]
    if draw(st.integers(0, 9)) == 0:
        row = draw(st.sampled_from(rows))
        row.pop(draw(st.sampled_from(["rd_expense", "sales_revenue"])))
    doc: dict[str, Any] = {
        "name": "临界",
        "registered_on": (day - dt.timedelta(days=age)).isoformat(),
        "industry": "C3911",
        "region": draw(st.sampled_from(["441200", "449901", "440300"])),
        "tags": ["key_cultivation"] if stress != "standing" or draw(st.booleans()) else [],
        "years": rows,
    }
    if stress == "standing" and draw(st.booleans()):
        issued = day - dt.timedelta(days=draw(st.integers(-30, 1200)))
        doc["certifications"] = [
            {
                "kind": "hnte",
                "issued_on": issued.isoformat(),
                "expires_on": (issued + dt.timedelta(days=1094)).isoformat(),
            }
        ]
    return doc, day


@given(case=near_thresholds())
def test_pack_agrees_with_python_near_thresholds(
    property_pack: Pack, case: tuple[dict[str, Any], dt.date]
) -> None:
    doc, day = case
    verdict = kejiservice.evaluate(property_pack.id, doc, day)
    status, amount = python_equivalent(doc, day)
    assert verdict.status.value == status
    got = verdict.extras["award"]["amount"]
    assert (None if got is None else Decimal(got)) == amount


@given(doc=enterprise_with_gaps(), day=AS_OF)
@example(
    doc={
        "name": "边界",
        "registered_on": "2022-03-31",
        "industry": "C3911",
        "region": "441200",
        "tags": ["key_cultivation"],
        "years": [
            {"year": 2024, "sales_revenue": "10000000", "rd_expense": "100000", "employees": 1},
            {"year": 2025, "sales_revenue": "9000000", "rd_expense": "270000", "employees": 500},
        ],
    },
    day=dt.date(2026, 3, 31),
)
def test_pack_agrees_with_python(property_pack: Pack, doc: dict[str, Any], day: dt.date) -> None:
    verdict = kejiservice.evaluate(property_pack.id, doc, day)
    status, amount = python_equivalent(doc, day)
    assert verdict.status.value == status
    got = verdict.extras["award"]["amount"]
    assert (None if got is None else Decimal(got)) == amount


def test_the_edge_example_is_eligible_at_every_threshold(property_pack: Pack) -> None:
    doc = {
        "name": "边界",
        "registered_on": "2023-03-31",
        "industry": "C3911",
        "region": "441200",
        "tags": ["key_cultivation"],
        "years": [
            {"year": 2024, "sales_revenue": "10000000", "rd_expense": "100000", "employees": 1},
            {"year": 2025, "sales_revenue": "9000000", "rd_expense": "270000", "employees": 500},
        ],
    }
    verdict = kejiservice.evaluate(property_pack.id, doc, dt.date(2026, 3, 31))
    assert verdict.status is Outcome.ELIGIBLE  # 3%, 500人, -10%, 3 years: all inclusive
    assert verdict.extras["award"]["amount"] == "17000.00"


# --------------------------------------------------------------------------- pool

AMOUNTS = st.lists(st.integers(0, 10**11).map(lambda f: Decimal(f) / 100), max_size=40)
POOLS = st.integers(0, 10**11).map(lambda f: Decimal(f) / 100)


@given(amounts=AMOUNTS, pool=POOLS)
@example(amounts=[Decimal(1), Decimal(1), Decimal(1)], pool=Decimal(2))
@example(amounts=[Decimal("0.01")] * 3, pool=Decimal("0.02"))
def test_pool_never_exceeds_and_is_proportional(amounts: list[Decimal], pool: Decimal) -> None:
    grants, scale = packs.prorate(amounts, pool)
    total = sum(amounts, Decimal(0))
    assert sum(grants, Decimal(0)) <= max(pool, Decimal(0)) or total <= pool
    if total <= pool:
        assert grants == amounts
        assert scale == 1
        return
    assert sum(grants, Decimal(0)) <= pool
    for amount, grant in zip(amounts, grants, strict=True):
        exact = amount * pool / total
        assert grant <= exact
        assert exact - grant < FEN
        assert grant == grant.quantize(FEN)
    ordered = sorted(zip(amounts, grants, strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(ordered))


def _verdict(pack: Pack, status: Outcome, amount: str | None, who: str) -> Verdict:
    return Verdict(
        rule=pack.id,
        rule_version=pack.version,
        as_of=dt.date(2026, 6, 30),
        status=status,
        criteria=(),
        extras={"award": {"amount": amount}},
        enterprise_id=who,
    )


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(list(Outcome)),
            st.integers(0, 2 * 10**8).map(lambda f: Decimal(f) / 100),
        ),
        max_size=30,
    )
)
def test_allocate_pool_over_verdicts(example_packs: list[Pack], rows: list[Any]) -> None:
    pack = next(p for p in example_packs if p.id == "qingshan_rd_post_subsidy")
    assert pack.award.pool is not None
    verdicts = [
        _verdict(pack, status, str(amount) if status is Outcome.ELIGIBLE else None, f"E{i}")
        for i, (status, amount) in enumerate(rows)
    ]
    allocations = packs.allocate_pool(pack, verdicts)
    assert [a.enterprise for a in allocations] == [v.enterprise_id for v in verdicts]
    granted = sum((a.granted or Decimal(0) for a in allocations), Decimal(0))
    assert granted <= pack.award.pool
    for allocation, (status, amount) in zip(allocations, rows, strict=True):
        if status is Outcome.UNDETERMINED:
            assert allocation.granted is None
        elif status is Outcome.ELIGIBLE:
            assert allocation.requested == amount
            assert allocation.granted is not None
            assert allocation.granted <= amount
        else:
            assert allocation.granted == 0
        assert allocation.to_dict()["steps"]


def test_allocate_pool_refuses_other_rules(example_packs: list[Pack]) -> None:
    pack = example_packs[0]
    other = _verdict(pack, Outcome.ELIGIBLE, "1", "E1")
    other = Verdict(
        rule="hnte", rule_version="2016", as_of=other.as_of, status=Outcome.ELIGIBLE, criteria=()
    )
    with pytest.raises(InvalidInput):
        packs.allocate_pool(pack, [other])


# --------------------------------------------------------------------------- never raises

EXTRA_PACK = """
[[inputs]]
name = "panel"
type = "points"
label_zh = "专家评审得分"
label_en = "expert panel points"

[[scoring]]
code = "panel"
name_zh = "专家评审"
name_en = "expert panel"
input = "panel"
max = 40

[[scoring]]
code = "growth"
name_zh = "研发增长"
name_en = "R&D growth"
rows = [
  { test = "rd_growth(last_year) >= 20%", points = 30 },
  { test = "rd_growth(last_year) > 0%", points = 10 },
]

[[criteria]]
code = "tech_sme"
test = "eligible(tech_sme) or holds(tech_sme)"
message_zh = "科技型中小企业"
message_en = "tech SME"

[[criteria]]
code = "mix"
test = '''(high_tech_income_share(year_before) >= 60% or debt_ratio <= 70%)
  and not restricted_industry'''
message_zh = "混合 {missing}"
message_en = "mixed {missing}"

[[criteria]]
code = "field"
test = "tech_field != 'none' and in_region(4412, 449901) and industry_in(C, I)"
message_zh = "领域"
message_en = "field"

[[criteria]]
code = "score"
test = "score >= 30分"
message_zh = "评分 {actual}"
message_en = "score {actual}"

[award]
kind = "tiers"
base = "rd_expense(last_year)"
tiers = [
  { test = "score >= 60分", rate = "5%" },
  { test = "net_assets(2024) > 1亿元 and ip_count >= 2件", amount = "8万元" },
  { test = "true", amount = "1万元" },
]
cap = "30万元"
pool = "100万元"
"""


@pytest.fixture(scope="module")
def extra_pack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pack]:
    folder = tmp_path_factory.mktemp("extra")
    pack = packs.load_pack(write_pack(folder, "x.toml", EXTRA_PACK, id='"extra_pack"'))
    packs.register_pack(pack)
    yield pack
    packs.unregister_pack(pack.id)


@given(
    doc=enterprise_with_gaps(),
    day=AS_OF,
    panel=st.none() | st.integers(0, 40),
    which=st.integers(0, 10),
)
def test_evaluation_never_raises(
    example_packs: list[Pack],
    extra_pack: Pack,
    doc: dict[str, Any],
    day: dt.date,
    panel: int | None,
    which: int,
) -> None:
    if which % 3 == 0:
        doc["region"] = "449903"
    for pack_id in [*(p.id for p in example_packs), extra_pack.id]:
        inputs = {"panel": panel} if pack_id == extra_pack.id and panel is not None else {}
        verdict = kejiservice.evaluate(pack_id, doc, day, **inputs)
        dumped = kejiservice.dump(verdict)
        json.dumps(dumped, ensure_ascii=False)
        assert verdict.explain("zh")
        assert verdict.explain("en")
        for criterion in verdict.criteria:
            assert criterion.message.zh
            assert criterion.message.en
        award = dumped["award"]
        if verdict.status is Outcome.ELIGIBLE and award["amount"] is not None:
            assert Decimal(award["amount"]) >= 0
        if verdict.status is Outcome.UNDETERMINED:
            assert award["amount"] is None


def test_inputs_score_and_range(extra_pack: Pack) -> None:
    doc = {
        "name": "输入",
        "registered_on": "2015-01-01",
        "industry": "C3911",
        "region": "449901",
        "tech_field": "new_materials",
        "restricted_industry": False,
        "certifications": [
            {"kind": "tech_sme", "issued_on": "2025-05-01", "expires_on": "2026-12-31"}
        ],
        "years": [
            {
                "year": 2024,
                "rd_expense": "1000000",
                "total_assets": "100",
                "total_liabilities": "50",
            },
            {
                "year": 2025,
                "rd_expense": "1300000",
                "total_assets": "100",
                "total_liabilities": "50",
            },
        ],
    }
    day = dt.date(2026, 6, 30)
    without = kejiservice.evaluate(extra_pack.id, doc, day)
    # the score is at least 30 whatever the panel gives: eligible, but the tier (and so
    # the amount) depends on the panel's points
    assert without.status is Outcome.ELIGIBLE
    assert (without.score_min, without.score_max) == (30, 70)
    assert "inputs.panel" in without.missing
    assert without.extras["award"]["amount"] is None
    assert without.extras["award"]["missing"] == ["inputs.panel"]
    graded = kejiservice.evaluate(extra_pack.id, doc, day, panel=35)
    assert graded.status is Outcome.ELIGIBLE
    assert graded.score == 65
    # 5% of 130万 = 6.5万
    assert graded.extras["award"]["amount"] == "65000.00"
    low = kejiservice.evaluate(extra_pack.id, doc, day, panel=0)
    assert low.score == 30
    assert low.extras["award"]["amount"] == "10000.00"
    with pytest.raises(InvalidInput):
        kejiservice.evaluate(extra_pack.id, doc, day, panel=41)
    with pytest.raises(InvalidInput):
        kejiservice.evaluate(extra_pack.id, doc, day, other=1)


def test_eligible_fact_uses_the_national_verdict(extra_pack: Pack) -> None:
    from .builders import enterprise

    doc = enterprise(region="441200", tech_field="electronic_information")
    day = dt.date(2025, 6, 30)
    national = kejiservice.evaluate("tech_sme", doc, day)
    verdict = kejiservice.evaluate(extra_pack.id, doc, day)
    criterion = verdict.criterion("extra_pack.tech_sme")
    expected = {
        Outcome.ELIGIBLE: Status.PASS,
        Outcome.INELIGIBLE: Status.FAIL,
        Outcome.NOT_APPLICABLE: Status.FAIL,
        Outcome.UNDETERMINED: Status.UNKNOWN,
    }[national.status]
    assert criterion.status is expected
    if expected is Status.UNKNOWN:
        assert set(national.missing) <= set(criterion.missing)


def test_registering_versions_selects_by_date(tmp_path: Path) -> None:
    body = (
        '[[criteria]]\ncode = "a"\ntest = "ip_count >= {n}件"\n'
        'message_zh = "a"\nmessage_en = "a"\n[award]\nkind = "fixed"\namount = "{amount}"\n'
    )
    first = packs.load_pack(
        write_pack(
            tmp_path,
            "a.toml",
            body.format(n=1, amount="1万元"),
            id='"dated"',
            effective_to="2025-12-31",
            version='"2025"',
        )
    )
    second = packs.load_pack(
        write_pack(
            tmp_path,
            "b.toml",
            body.format(n=1, amount="2万元"),
            id='"dated"',
            effective_from="2026-03-01",
            effective_to=None,
            version='"2026"',
        )
    )
    try:
        packs.register_pack(first)
        packs.register_pack(second)
        doc = {
            "name": "x",
            "registered_on": "2010-01-01",
            "industry": "C3911",
            "region": "440300",
            "ip": [{"kind": "utility_model", "granted_on": "2020-01-01"}],
        }
        v2025 = kejiservice.evaluate("dated", doc, dt.date(2025, 7, 1))
        assert (v2025.rule_version, v2025.extras["award"]["amount"]) == ("2025", "10000.00")
        v2026 = kejiservice.evaluate("dated", doc, dt.date(2027, 7, 1))
        assert (v2026.rule_version, v2026.extras["award"]["amount"]) == ("2026", "20000.00")
        gap = kejiservice.evaluate("dated", doc, dt.date(2026, 2, 1))
        assert gap.status is Outcome.NOT_APPLICABLE
        assert "dated" in {s.id for s in local_rules()}
        overlapping = packs.load_pack(
            write_pack(
                tmp_path,
                "c.toml",
                body.format(n=1, amount="3万元"),
                id='"dated"',
                effective_from="2026-06-01",
                version='"2026b"',
            )
        )
        with pytest.raises(packs.PackError, match="overlaps"):
            packs.register_pack(overlapping)
    finally:
        packs.unregister_pack("dated")
    assert "dated" not in {s.id for s in local_rules()}
