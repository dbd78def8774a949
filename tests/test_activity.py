"""Activity models, the activity log format (errors with paths), periods, the sample log.

Also home of the small hand-computed dataset (:func:`hand_ledger`, :func:`hand_log_data`)
that the indicator and report tests use: three enterprises of a made-up city and a
first quarter of 2026 of work with them. The expected figures are computed by hand in
``tests/test_indicators.py``.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kejiservice import Enterprise, InvalidInput, load
from kejiservice.activity import (
    ActivityLog,
    FinancingOutcome,
    Need,
    NeedCategory,
    NeedStatus,
    Period,
    PeriodKind,
    dump_activity,
    load_activity,
    parse_period,
)
from kejiservice.sample import ledger
from kejiservice.sample._activity import activity_text, generate_text

D = dt.date


# --------------------------------------------------------------------------- the hand dataset


_COUNTS = ("employees", "tech_staff")


def _year(y: int, **figures: Any) -> dict[str, Any]:
    """A year of figures: money written as strings, counts as integers."""
    return {"year": y, **{k: v if k in _COUNTS else str(v) for k, v in figures.items()}}


def hand_ledger_data() -> list[dict[str, Any]]:
    """Three enterprises: an HNTE manufacturer, a software firm, a shop with a gap."""
    return [
        {
            "id": "QS0001", "name": "甲电子科技有限公司", "registered_on": "2015-03-01",
            "region": "449901", "industry": "C3911",
            "years": [
                _year(2024, sales_revenue=40_000_000, total_income=40_000_000,
                      non_taxable_income=0, high_tech_income=32_000_000, rd_expense=2_400_000,
                      total_assets=30_000_000, total_liabilities=12_000_000, employees=100,
                      tech_staff=20),
                _year(2025, sales_revenue=50_000_000, total_income=50_500_000,
                      non_taxable_income=500_000, high_tech_income=35_000_000,
                      rd_expense=2_000_000, total_assets=40_000_000,
                      total_liabilities=10_000_000, employees=125, tech_staff=20),
            ],
            "certifications": [
                {"kind": "hnte", "issued_on": "2023-12-12", "expires_on": "2026-12-11"},
                {"kind": "tech_sme", "issued_on": "2025-05-20", "expires_on": "2025-12-31"},
            ],
        },
        {
            "id": "QS0002", "name": "乙软件有限公司", "registered_on": "2018-06-01",
            "region": "449901", "industry": "I6513",
            "years": [
                _year(2025, sales_revenue=10_000_000, main_business_revenue=9_000_000,
                      rd_expense=1_000_000, employees=20, tech_staff=8),
            ],
            "certifications": [
                {"kind": "hnte", "issued_on": "2022-12-19", "expires_on": "2025-12-18"},
            ],
        },
        {
            "id": "QS0003", "name": "丙商贸有限公司", "registered_on": "2010-01-01",
            "region": "449902", "industry": "F5211",
            "years": [
                _year(2025, sales_revenue=8_000_000, main_business_revenue=5_000_000,
                      employees=10, tech_staff=0),
            ],
        },
    ]  # fmt: skip


def hand_ledger() -> list[Enterprise]:
    return [load(Enterprise, doc) for doc in hand_ledger_data()]


def hand_log_data() -> dict[str, Any]:
    """A first quarter of 2026 (with a few records before and after it)."""
    return {
        "schema": "kejiservice/activity@1",
        "officers": [
            {"id": "O1", "name": "甲", "region": "449901", "assigned": ["QS0001", "QS0002"]},
            {"id": "O2", "name": "乙", "region": "449902", "assigned": ["QS0003"]},
        ],
        "experts": [
            {"id": "e1", "name": "专家一", "institution": "i1",
             "fields": ["electronic_information"]},
            {"id": "e2", "name": "专家二", "keywords": ["传感器"]},
        ],
        "institutions": [{"id": "i1", "name": "某大学", "kind": "university"}],
        "visits": [
            {"id": "V1", "enterprise": "QS0001", "officer": "O1", "date": "2026-01-10",
             "kind": "survey", "intends": ["hnte"]},
            {"id": "V2", "enterprise": "QS0002", "officer": "O1", "date": "2026-02-03",
             "kind": "linkage_visit"},
            {"id": "V3", "enterprise": "QS0001", "officer": "O1", "date": "2026-02-15",
             "kind": "expert_diagnosis", "experts": ["e1", "e2"]},
            {"id": "V4", "enterprise": "QS0001", "officer": "O1", "date": "2026-03-05",
             "kind": "training", "event": "T1"},
            {"id": "V5", "enterprise": "QS0003", "officer": "O2", "date": "2026-03-05",
             "kind": "training", "event": "T1"},
            {"id": "V6", "enterprise": "QS0003", "officer": "O2", "date": "2026-04-02",
             "kind": "survey"},
            {"id": "V7", "enterprise": "QS0002", "officer": "O1", "date": "2026-03-20",
             "kind": "training"},
        ],
        "needs": [
            {"id": "N1", "enterprise": "QS0001", "category": "technology_rd",
             "collected_on": "2026-01-10", "visit": "V1", "routed_on": "2026-01-12",
             "routed_to": {"kind": "expert", "target": "e1"}, "started_on": "2026-01-20",
             "resolved_on": "2026-02-09"},
            {"id": "N2", "enterprise": "QS0001", "category": "investment_financing",
             "collected_on": "2026-01-10", "routed_on": "2026-01-15",
             "routed_to": {"kind": "bank", "target": "青山银行"}, "resolved_on": "2026-03-01"},
            {"id": "N3", "enterprise": "QS0002", "category": "talent",
             "collected_on": "2026-02-03", "routed_on": "2026-02-05",
             "routed_to": {"kind": "department", "target": "人社局"}, "closed_on": "2026-03-10"},
            {"id": "N4", "enterprise": "QS0003", "category": "technology_rd",
             "collected_on": "2026-03-20"},
            {"id": "N5", "enterprise": "QS0003", "category": "talent",
             "collected_on": "2025-12-01", "routed_on": "2026-01-05",
             "routed_to": {"kind": "institution", "target": "i1"}, "resolved_on": "2026-04-10"},
        ],
        "financing_requests": [
            {"id": "F1", "enterprise": "QS0001", "requested_on": "2026-01-15", "amount": "5000000",
             "bank": "B1", "outcome": "granted", "granted_amount": "4000000",
             "granted_on": "2026-02-20", "need": "N2"},
            {"id": "F2", "enterprise": "QS0002", "requested_on": "2026-02-01", "amount": "3000000",
             "bank": "B2", "outcome": "declined", "decided_on": "2026-02-25"},
            {"id": "F3", "enterprise": "QS0003", "requested_on": "2026-03-10",
             "amount": "1000000.50", "bank": "B1"},
            {"id": "F4", "enterprise": "QS0002", "requested_on": "2025-12-20", "amount": "2000000",
             "bank": "B2", "outcome": "granted", "granted_amount": "2000000",
             "granted_on": "2026-01-10"},
            {"id": "F5", "enterprise": "QS0001", "requested_on": "2026-03-25", "amount": "800000",
             "bank": "B1", "outcome": "granted", "granted_amount": "800000",
             "granted_on": "2026-04-15"},
        ],
        "applications": [
            {"id": "A1", "enterprise": "QS0003", "programme": "tech_sme",
             "submitted_on": "2026-02-10", "outcome": "recognised", "decided_on": "2026-03-25",
             "expires_on": "2026-12-31"},
            {"id": "A2", "enterprise": "QS0002", "programme": "hnte", "submitted_on": "2026-06-10"},
            {"id": "A3", "enterprise": "QS0001", "programme": "tech_sme",
             "submitted_on": "2026-03-01"},
        ],
        "platforms": [
            {"id": "P1", "name": "甲研发中心", "kind": "rd_centre", "level": "city",
             "recognised_on": "2024-05-01", "expires_on": "2029-04-30", "enterprise": "QS0001"},
            {"id": "P2", "name": "某大学重点实验室", "kind": "key_lab", "level": "provincial",
             "recognised_on": "2026-02-01", "institution": "i1"},
            {"id": "P3", "name": "乙众创空间", "kind": "maker_space", "level": "city",
             "recognised_on": "2021-01-01", "expires_on": "2026-01-31", "enterprise": "QS0002"},
        ],
        "achievements": [
            {"id": "R1", "title": "新型传感器", "enterprise": "QS0001",
             "appraised_on": "2026-01-20", "transformed_on": "2026-03-15"},
            {"id": "R2", "title": "某大学成果", "institution": "i1", "appraised_on": "2025-11-01",
             "licensed_on": "2026-02-10", "licensed_to": "QS0003"},
            {"id": "R3", "title": "乙平台软件", "enterprise": "QS0002",
             "transformed_on": "2026-05-01"},
        ],
        "targets": [
            {"indicator": "visits", "period": "2026", "value": 20},
            {"indicator": "loans_granted_amount", "period": "2026", "value": "10000000"},
            {"indicator": "achievements_transformed", "period": "2026Q1", "value": "2"},
        ],
    }  # fmt: skip


def hand_log() -> ActivityLog:
    return load_activity(hand_log_data(), enterprises=hand_ledger())


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026", "year", D(2026, 1, 1), D(2026, 12, 31)),
        ("2026H1", "half", D(2026, 1, 1), D(2026, 6, 30)),
        ("2026H2", "half", D(2026, 7, 1), D(2026, 12, 31)),
        ("2026Q1", "quarter", D(2026, 1, 1), D(2026, 3, 31)),
        ("2024Q1", "quarter", D(2024, 1, 1), D(2024, 3, 31)),
        ("2026Q4", "quarter", D(2026, 10, 1), D(2026, 12, 31)),
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("2026-03-05", "day", D(2026, 3, 5), D(2026, 3, 5)),
        ("2026YTD-05", "ytd", D(2026, 1, 1), D(2026, 5, 31)),
        ("2026-01-15..2026-02-20", "range", D(2026, 1, 15), D(2026, 2, 20)),
    ],
)
def test_period_forms(text: str, kind: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.kind.value, period.start, period.end, period.label) == (kind, start, end, text)
    assert Period.parse(text) == period
    assert period.contains(start)
    assert period.contains(end)
    assert not period.contains(start - dt.timedelta(1))
    assert not period.contains(end + dt.timedelta(1))


@pytest.mark.parametrize(
    "text", ["2026Q5", "2026H3", "2026-13", "2026-02-30", "26Q1", "2026YTD-13", "Q1", "",
             "2026-03-01..2026-02-01", "2026-01-01..2026-02-30"],
)  # fmt: skip
def test_period_errors_name_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_period(text)
    assert info.value.paths == ("period",)


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2026Q1", "2025Q1"),
        ("2026H2", "2025H2"),
        ("2026", "2025"),
        ("2026-03", "2025-03"),
        ("2024YTD-02", "2023YTD-02"),
        ("2024-02-29", "2023-02-28"),
        ("2024-02-29..2024-03-10", "2023-02-28..2023-03-10"),
    ],
)
def test_previous_year(text: str, previous: str) -> None:
    assert parse_period(text).previous_year() == parse_period(previous)


def test_split_shapes() -> None:
    assert [p.label for p in parse_period("2026").split()] == [f"2026Q{q}" for q in range(1, 5)]
    assert [p.label for p in parse_period("2026H2").split()] == ["2026Q3", "2026Q4"]
    assert [p.label for p in parse_period("2026Q2").split()] == ["2026-04", "2026-05", "2026-06"]
    assert [p.label for p in parse_period("2026YTD-02").split()] == ["2026-01", "2026-02"]
    assert len(parse_period("2024-02").split()) == 29
    assert parse_period("2026-03-05").split() == (parse_period("2026-03-05"),)
    span = parse_period("2026-01-15..2026-03-10").split()
    assert [p.label for p in span] == [
        "2026-01-15..2026-01-31",
        "2026-02",
        "2026-03-01..2026-03-10",
    ]


@st.composite
def periods(draw: st.DrawFn) -> Period:
    year = draw(st.integers(2000, 2040))
    kind = draw(st.sampled_from(list(PeriodKind)))
    if kind is PeriodKind.YEAR:
        return Period.year(year)
    if kind is PeriodKind.HALF:
        return Period.half(year, draw(st.integers(1, 2)))
    if kind is PeriodKind.QUARTER:
        return Period.quarter(year, draw(st.integers(1, 4)))
    if kind is PeriodKind.MONTH:
        return Period.month(year, draw(st.integers(1, 12)))
    if kind is PeriodKind.YTD:
        return Period.ytd(year, draw(st.integers(1, 12)))
    start = draw(st.dates(D(year, 1, 1), D(year, 12, 31)))
    if kind is PeriodKind.DAY:
        return Period.day(start)
    return Period.span(start, start + dt.timedelta(days=draw(st.integers(0, 400))))


@given(periods())
@example(Period.month(2024, 2))
@example(Period.span(D(2024, 2, 29), D(2024, 2, 29)))
def test_split_is_a_partition_and_labels_round_trip(period: Period) -> None:
    pieces = period.split()
    assert pieces[0].start == period.start
    assert pieces[-1].end == period.end
    for before, after in itertools.pairwise(pieces):
        assert after.start == before.end + dt.timedelta(days=1)
    assert sum(p.days for p in pieces) == period.days
    assert parse_period(period.label) == period
    assert period.previous_year().kind is period.kind


# --------------------------------------------------------------------------- models


def test_hand_log_loads_and_round_trips() -> None:
    log = hand_log()
    assert len(log.visits) == 7
    assert len(log.needs) == 5
    assert log.financing_requests[2].amount == Decimal("1000000.50")
    assert log.targets[0].value == Decimal(20)
    dumped = dump_activity(log)
    assert json.loads(json.dumps(dumped)) == dumped
    assert load_activity(dumped) == log


def test_need_status_follows_dates() -> None:
    need = Need(
        "N", "QS0001", NeedCategory.TALENT, D(2026, 1, 10),
        routed_on=D(2026, 1, 12), started_on=D(2026, 1, 20), resolved_on=D(2026, 2, 9),
    )  # fmt: skip
    assert need.status(D(2026, 1, 9)) is None
    assert need.status(D(2026, 1, 10)) is NeedStatus.COLLECTED
    assert need.status(D(2026, 1, 12)) is NeedStatus.ROUTED
    assert need.status(D(2026, 1, 31)) is NeedStatus.IN_PROGRESS
    assert need.status(D(2026, 2, 9)) is NeedStatus.RESOLVED
    assert need.days_to_resolve == 30
    assert need.open_on(D(2026, 2, 8))
    assert not need.open_on(D(2026, 2, 9))


def _problems(data: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as info:
        load_activity(data, **kwargs)
    return {p.path: p.message for p in info.value.problems}


def _mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = hand_log_data()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        (("needs", 0, "resolved_on"), "2026-01-05", "$.needs[0].resolved_on", "before"),
        (("needs", 1, "resolved_on"), "2026-01-11", "$.needs[1].resolved_on", "before routed_on"),
        (("visits", 0, "enterprise"), "QS9999", "$.visits[0].enterprise", "unknown enterprise"),
        (("visits", 0, "officer"), "O9", "$.visits[0].officer", "unknown officer"),
        (("visits", 2, "experts"), ["e9"], "$.visits[2].experts[0]", "unknown expert"),
        (("visits", 0, "date"), "2026-02-30", "$.visits[0].date", "no such date"),
        (("visits", 0, "kind"), "visit", "$.visits[0].kind", "expected one of"),
        (("visits", 0, "intends"), "hnte", "$.visits[0].intends", "must be an array"),
        (("visits", 0, "colour"), "red", "$.visits[0].colour", "unknown field"),
        (("visits", 1, "id"), "V1", "$.visits[1].id", "duplicate id"),
        (("needs", 0, "visit"), "V2", "$.needs[0].visit", "another enterprise"),
        (("needs", 2, "routed_to"), None, "$.needs[2].routed_to", "go together"),
        (("needs", 3, "resolved_on"), "2026-03-21", None, None),
        (("needs", 2, "resolved_on"), "2026-03-11", "$.needs[2].closed_on", "not both"),
        (("needs", 4, "routed_to"), {"kind": "expert", "target": "e7"},
         "$.needs[4].routed_to.target", "unknown expert"),
        (("financing_requests", 0, "amount"), 5000000, "$.financing_requests[0].amount",
         "money must be a string"),
        (("financing_requests", 0, "amount"), "0", "$.financing_requests[0].amount", "positive"),
        (("financing_requests", 0, "granted_on"), None, "$.financing_requests[0].granted_on",
         "required when the outcome is granted"),
        (("financing_requests", 0, "granted_on"), "2026-01-14",
         "$.financing_requests[0].granted_on", "before requested_on"),
        (("financing_requests", 2, "granted_amount"), "5",
         "$.financing_requests[2].granted_amount", "only a granted request"),
        (("financing_requests", 1, "need"), "N2", "$.financing_requests[1].need", "not an"),
        (("applications", 1, "decided_on"), "2026-07-01", "$.applications[1].decided_on",
         "pending"),
        (("applications", 0, "decided_on"), "2026-02-01", "$.applications[0].decided_on",
         "before submitted_on"),
        (("platforms", 0, "expires_on"), "2024-01-01", "$.platforms[0].expires_on", "before"),
        (("platforms", 1, "institution"), "i9", "$.platforms[1].institution", "unknown"),
        (("achievements", 1, "licensed_to"), None, "$.achievements[1].licensed_to", "together"),
        (("targets", 0, "period"), "2026Q5", "$.targets[0].period", "not a period"),
        (("targets", 0, "indicator"), "visitz", "$.targets[0].indicator", "expected one of"),
        (("targets", 0, "value"), 2.5, "$.targets[0].value", "as a string"),
        (("targets", 1, "indicator"), "visits", "$.targets[1]", "more than one target"),
        (("schema",), "kejiservice/activity@2", "$.schema", "unsupported schema"),
        (("needs",), {"id": "N1"}, "$.needs", "must be an array"),
    ],
)  # fmt: skip
def test_bad_records_are_named_by_path(
    path: tuple[Any, ...], value: Any, where: str | None, words: str | None
) -> None:
    data = _mutate(path, value)
    if where is None:  # a change that keeps the log valid
        load_activity(data, enterprises=hand_ledger())
        return
    problems = _problems(data, enterprises=hand_ledger())
    assert where in problems, problems
    assert words is not None
    assert words in problems[where]


def test_unknown_enterprises_only_checked_against_a_ledger() -> None:
    data = _mutate(("visits", 1, "enterprise"), "QS9999")
    assert load_activity(data).visits[1].enterprise == "QS9999"
    problems = _problems(data, enterprises=["QS0001", "QS0002", "QS0003"])
    assert list(problems) == ["$.visits[1].enterprise"]


def test_every_problem_is_reported_at_once() -> None:
    data = hand_log_data()
    data["visits"][0]["date"] = "2026-13-01"
    data["needs"][0]["category"] = "money"
    data["financing_requests"][0]["amount"] = 12.5
    problems = _problems(data)
    assert set(problems) == {
        "$.visits[0].date",
        "$.needs[0].category",
        "$.financing_requests[0].amount",
    }


def test_not_an_object() -> None:
    assert _problems([1, 2]) == {"$": "an activity log must be a JSON object, got an array"}


def test_financing_outcome_enum_is_closed() -> None:
    assert {o.value for o in FinancingOutcome} == {"pending", "granted", "declined", "withdrawn"}


# --------------------------------------------------------------------------- the sample log


@pytest.fixture(scope="module")
def sample_log() -> ActivityLog:
    return load_activity(json.loads(activity_text()), enterprises=ledger())


def test_sample_log_is_generated_and_consistent(sample_log: ActivityLog) -> None:
    assert activity_text() == generate_text()
    ids = {e.id or "" for e in ledger()}
    assert {v.enterprise for v in sample_log.visits} <= ids
    assigned = [e for o in sample_log.officers for e in o.assigned]
    assert sorted(assigned) == sorted(ids)  # every enterprise has exactly one officer
    officers = {json.loads(line)["region"] for line in ledger_lines()}
    assert {o.region for o in sample_log.officers} == officers


def ledger_lines() -> list[str]:
    from kejiservice.sample import ledger_text

    return [line for line in ledger_text().splitlines() if line.strip()]


def test_sample_log_has_the_scale_of_the_sources(sample_log: ActivityLog) -> None:
    def quarter(day: dt.date) -> int:
        return (day.month - 1) // 3 + 1

    visits = collections.Counter(quarter(v.date) for v in sample_log.visits)
    requests = collections.Counter(quarter(f.requested_on) for f in sample_log.financing_requests)
    assert all(200 <= n <= 400 for n in visits.values()), visits
    assert all(90 <= n <= 110 for n in requests.values()), requests
    granted = sum(1 for f in sample_log.financing_requests if f.outcome is FinancingOutcome.GRANTED)
    assert 0.05 <= granted / len(sample_log.financing_requests) <= 0.15
    assert all(d.year == 2026 for v in sample_log.visits for d in [v.date])
    assert all(isinstance(f.amount, Decimal) for f in sample_log.financing_requests)


def test_sample_log_copy_is_independent(sample_log: ActivityLog) -> None:
    data = json.loads(activity_text())
    assert load_activity(copy.deepcopy(data)) == sample_log
