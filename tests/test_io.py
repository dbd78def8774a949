"""Loading and dumping enterprises: round trips, errors with paths, nothing else escapes."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kejiservice
from kejiservice import Enterprise, InvalidInput, dump, load
from kejiservice.io import read_ledger

from .strategies import enterprise_doc

BASE: dict[str, Any] = {
    "schema": "kejiservice/enterprise@1",
    "id": "E1",
    "uscc": "91441200MA4W1K2P0X",
    "name": "示例科技有限公司",
    "registered_on": "2019-03-15",
    "region": "441200",
    "industry": "C3911",
    "resident": True,
    "years": [
        {
            "year": 2023,
            "sales_revenue": "100",
            "total_income": "100",
            "non_taxable_income": "0",
            "rd_expense": "10",
            "rd_expense_domestic": "10",
            "employees": 10,
            "tech_staff": 2,
        },
        {
            "year": 2024,
            "sales_revenue": "200",
            "total_income": "200",
            "non_taxable_income": "0",
            "rd_expense": "20",
            "rd_expense_domestic": "20",
            "employees": 10,
            "tech_staff": 2,
        },
    ],
    "ip": [{"kind": "invention_patent", "granted_on": "2022-05-01", "expires_on": None}],
    "certifications": [{"kind": "hnte", "issued_on": "2023-12-01", "expires_on": "2026-11-30"}],
    "listings": [{"kind": "abnormal_operation", "from": "2025-01-10", "to": None}],
    "extra": {"anything": [1, {"nested": True}]},
}


def _bad(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for path, value in changes.items():
        target: Any = doc
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is _DELETE:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return doc


_DELETE = object()


def test_base_document_loads() -> None:
    ent = load(Enterprise, BASE)
    assert ent.years[1].rd_expense == kejiservice.models.yuan("20")
    assert ent.listings[0].start.isoformat() == "2025-01-10"
    assert ent.extra == {"anything": [1, {"nested": True}]}


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"years__0__rd_expense": 1500000.0}, "$.years[0].rd_expense"),
        ({"years__1__sales_revenue": 12}, "$.years[1].sales_revenue"),
        ({"years__0__rd_expense": "abc"}, "$.years[0].rd_expense"),
        ({"years__0__rd_expense": "-5"}, "$.years[0].rd_expense"),
        ({"years__0__rd_expense": "NaN"}, "$.years[0].rd_expense"),
        ({"registered_on": "2023-02-30"}, "$.registered_on"),
        ({"registered_on": "20230201"}, "$.registered_on"),
        ({"ip__0__granted_on": "2022-13-01"}, "$.ip[0].granted_on"),
        ({"years__0__rd_expens": "1"}, "$.years[0].rd_expens"),
        ({"nmae": "x"}, "$.nmae"),
        ({"uscc": "91441200MA4W1K2P00"}, "$.uscc"),
        ({"uscc": "9144"}, "$.uscc"),
        ({"industry": "C6510"}, "$.industry"),
        ({"industry": "c3911"}, "$.industry"),
        ({"region": "991200"}, "$.region"),
        ({"region": "4412"}, "$.region"),
        ({"years__1__year": 2023}, "$.years[1].year"),
        ({"years__0__tech_staff": 11}, "$.years[0].tech_staff"),
        ({"years__0__rd_expense_domestic": "11"}, "$.years[0].rd_expense_domestic"),
        ({"years__0__rd_other_related": "11"}, "$.years[0].rd_other_related"),
        ({"years__0__non_taxable_income": "101"}, "$.years[0].non_taxable_income"),
        ({"certifications__0__expires_on": "2020-01-01"}, "$.certifications[0].expires_on"),
        ({"ip__0__expires_on": "2020-01-01"}, "$.ip[0].expires_on"),
        ({"listings__0__to": "2020-01-01"}, "$.listings[0].to"),
        ({"years__0__employees": "10"}, "$.years[0].employees"),
        ({"years__0__employees": 10.0}, "$.years[0].employees"),
        ({"years__0__employees": True}, "$.years[0].employees"),
        ({"resident": "yes"}, "$.resident"),
        ({"ip__0__kind": "trademark"}, "$.ip[0].kind"),
        ({"tech_field": "magic"}, "$.tech_field"),
        ({"name": _DELETE}, "$.name"),
        ({"years": {"year": 2024}}, "$.years"),
        ({"achievements_transformed": {"twenty": 1}}, "$.achievements_transformed['twenty']"),
        ({"schema": "kejiservice/enterprise@2"}, "$.schema"),
    ],
)
def test_invalid_input_names_the_path(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidInput) as info:
        load(Enterprise, _bad(**changes))
    assert path in info.value.paths, str(info.value)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, kejiservice.KejiserviceError)


def test_every_problem_is_listed() -> None:
    doc = _bad(years__0__rd_expense=5, years__1__employees="x", nmae="typo")
    with pytest.raises(InvalidInput) as info:
        load(Enterprise, doc)
    assert set(info.value.paths) >= {"$.years[0].rd_expense", "$.years[1].employees", "$.nmae"}


def test_null_is_absent_and_extra_round_trips() -> None:
    doc = _bad(years__0__rd_expense=None)
    ent = load(Enterprise, doc)
    assert ent.years[0].rd_expense is None
    again = load(Enterprise, dump(ent))
    assert again == ent
    assert dump(again)["extra"] == BASE["extra"]


@given(enterprise_doc())
def test_round_trip(doc: dict[str, Any]) -> None:
    ent = load(Enterprise, doc)
    dumped = dump(ent)
    assert load(Enterprise, dumped) == ent
    assert json.loads(json.dumps(dumped, ensure_ascii=False)) == dumped


_MONEY_FIELDS = ["sales_revenue", "total_income", "rd_expense", "total_assets"]


@given(enterprise_doc(), st.data())
def test_mutating_a_money_field_names_its_path(doc: dict[str, Any], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(doc["years"]) - 1))
    field = data.draw(st.sampled_from(_MONEY_FIELDS))
    bad = data.draw(
        st.one_of(
            st.integers(),
            st.floats(allow_nan=True),
            st.booleans(),
            st.just("12,5"),
            st.just("-1"),
            st.lists(st.integers(), max_size=1),
        )
    )
    doc["years"][index][field] = bad
    with pytest.raises(InvalidInput) as info:
        load(Enterprise, doc)
    assert f"$.years[{index}].{field}" in info.value.paths


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_arbitrary_json_raises_only_invalid_input(value: Any) -> None:
    try:
        load(Enterprise, value)
    except InvalidInput as exc:
        assert exc.problems
        assert all(p.path.startswith("$") for p in exc.problems)


@given(enterprise_doc(), st.text(max_size=10), json_values)
def test_arbitrary_field_values_raise_only_invalid_input(
    doc: dict[str, Any], key: str, value: Any
) -> None:
    target = doc["years"][0] if doc["years"] and len(key) % 2 else doc
    target[key or "name"] = value
    with contextlib.suppress(InvalidInput):
        load(Enterprise, doc)


def test_ledger_reports_bad_lines_and_keeps_the_rest() -> None:
    good = json.dumps(BASE, ensure_ascii=False)
    bad = json.dumps(_bad(years__0__rd_expense=5), ensure_ascii=False)
    lines = [good, "", bad, "{not json", good, "[]"]
    out = list(read_ledger(lines))
    assert [x.line for x in out] == [1, 3, 4, 5, 6]
    assert [x.ok for x in out] == [True, False, False, True, False]
    assert "$.years[0].rd_expense" in out[1].describe_error()
    assert out[1].describe_error().startswith("line 3:")
    assert sum(1 for x in out if x.ok) + sum(1 for x in out if not x.ok) == 5


def test_ledger_rejects_nan_constants() -> None:
    (line,) = read_ledger(['{"name": NaN}'])
    assert not line.ok


def test_schema_describes_the_contract() -> None:
    schema = kejiservice.enterprise_schema()
    assert schema["required"] == ["name", "registered_on", "industry"]
    assert schema["additionalProperties"] is False
    year = schema["$defs"]["YearFigures"]["properties"]
    assert year["rd_expense"]["anyOf"][0]["type"] == "string"
    assert "from" in schema["$defs"]["Listing"]["properties"]
    assert schema["properties"]["tech_field"]["anyOf"][0]["enum"][-1] == "none"
    assert {"type": "null"} in schema["$defs"]["IntellectualProperty"]["properties"]["expires_on"][
        "anyOf"
    ]


def _money_outcome(fn: Any, *args: Any) -> tuple[str, Any]:
    from kejiservice.io._converter import _ShapeError

    try:
        value = fn(*args)
    except _ShapeError as exc:
        return ("error", str(exc))
    return ("value", (str(value), value))


@given(
    text=st.one_of(
        st.text(alphabet="0123456789.+- \t", max_size=30),
        st.from_regex(r"\s?[0-9]{1,17}(\.[0-9]{0,10})?\s?", fullmatch=True),
    )
)
def test_the_plain_money_short_cut_answers_as_the_full_checks(text: str) -> None:
    """Plain amounts skip the step-by-step checks; whatever the text, the answer (value,
    or error and message) is the one the checks give."""
    from decimal import Decimal

    from kejiservice.io._converter import _checked_money, _structure_decimal

    assert _money_outcome(_structure_decimal, text, Decimal) == _money_outcome(
        _checked_money, text, text.strip()
    )


def _with_sales(text: str) -> dict[str, Any]:
    """A small enterprise document whose one year's sales are ``text``."""
    doc: dict[str, Any] = {"name": "x", "industry": "C3911", "registered_on": "2020-01-01"}
    doc["years"] = [{"year": 2024, "sales_revenue": text}]
    return doc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("999999999999999.99999999", "999999999999999.99999999"),  # the short cut's largest
        ("1000000000000000", "1000000000000000"),  # 10^15 itself: checked, accepted
        ("1.000000000", "1.000000000"),  # nine places, all zero: checked, accepted
        (" 12. ", "12"),
        (".5", "0.5"),
        ("+7", "7"),
    ],
)
def test_money_at_the_short_cuts_edges(text: str, expected: str) -> None:
    from decimal import Decimal

    ent = load(Enterprise, _with_sales(text))
    assert ent.years[0].sales_revenue == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1000000000000000.01", "money above"),
        ("0.123456789", "at most 8 decimal places"),
        ("-1", "must not be negative"),
        ("١٢", "not a decimal number"),
    ],
)
def test_money_beyond_the_short_cut_is_still_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load(Enterprise, _with_sales(text))
    assert caught.value.problems[0].path == "$.years[0].sales_revenue"
    assert message in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("sales_revenue", 12, "$.years[0].sales_revenue"),
        ("employees", "12", "$.years[0].employees"),
        ("year", None, "$.years[0].year"),
    ],
)
def test_optional_fields_keep_their_checks_and_paths(field: str, value: Any, path: str) -> None:
    """Optional fields have hooks of their own (not looked up per value): same checks."""
    doc: dict[str, Any] = {"name": "x", "industry": "C3911", "registered_on": "2020-01-01"}
    doc["years"] = [{"year": 2024, field: value}]
    with pytest.raises(InvalidInput) as caught:
        load(Enterprise, doc)
    assert [p.path for p in caught.value.problems] == [path]


def test_optional_enums_and_dates_are_read() -> None:
    doc: dict[str, Any] = {
        "name": "x",
        "industry": "C3911",
        "registered_on": "2020-01-01",
        "tech_field": "biomedicine",
        "ip": [{"kind": "invention_patent", "granted_on": "2021-01-01", "acquired": "own"}],
    }
    ent = load(Enterprise, doc)
    assert ent.tech_field == "biomedicine"
    assert ent.ip[0].acquired == "own"
    assert ent.ip[0].expires_on is None
    doc["ip"][0]["acquired"] = "stolen"
    with pytest.raises(InvalidInput) as caught:
        load(Enterprise, doc)
    assert caught.value.problems[0].path == "$.ip[0].acquired"
