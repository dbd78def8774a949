"""Every family: determinism, batch equals single, four-state consistency, no crash."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kejiservice
from kejiservice.rules import RULES, Outcome, Status

from .strategies import enterprise_doc

days = st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31))


@settings(max_examples=60)
@given(enterprise_doc(), days)
def test_any_valid_enterprise_gets_a_consistent_verdict_from_every_rule(
    doc: dict[str, Any], as_of: dt.date
) -> None:
    ent = kejiservice.load(kejiservice.Enterprise, doc)
    summary = kejiservice.evaluate_all(ent, as_of)
    for rule, verdict in summary.verdicts.items():
        statuses = {c.code: c.status for c in verdict.criteria}
        assert [c.code for c in verdict.criteria] == list(RULES[rule].codes)
        assert all(statuses[code] is Status.FAIL for code in verdict.failed)
        assert list(verdict.failed) == [c for c in RULES[rule].codes if c in verdict.failed]
        if verdict.status is Outcome.ELIGIBLE:
            assert verdict.failed == ()
            assert verdict.eligible is True
        if verdict.status is Outcome.INELIGIBLE:
            assert verdict.failed
            assert verdict.eligible is False
        if verdict.status is Outcome.UNDETERMINED:
            assert verdict.eligible is None
            assert verdict.missing
        assert kejiservice.dump(verdict) == kejiservice.dump(kejiservice.evaluate(rule, doc, as_of))


@pytest.mark.parametrize("rule", list(RULES))
def test_batch_equals_single(rule: str) -> None:
    from kejiservice.sample import ledger

    ents = ledger()[::5]
    as_of = dt.date(2026, 6, 30)
    batch = [kejiservice.dump(v) for v in kejiservice.evaluate_many(rule, ents, as_of)]
    single = [kejiservice.dump(kejiservice.evaluate(rule, e, as_of)) for e in reversed(ents)]
    assert batch == list(reversed(single))


def test_unknown_rule_and_bad_as_of() -> None:
    from kejiservice.sample import ledger

    ent = ledger()[0]
    with pytest.raises(kejiservice.UnknownRule):
        kejiservice.evaluate("nope", ent, dt.date(2025, 1, 1))
    with pytest.raises(kejiservice.InvalidInput):
        kejiservice.evaluate("hnte", ent, dt.datetime(2025, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(kejiservice.InvalidInput, match=r"inputs\.tax_year"):
        kejiservice.evaluate("super_deduction", ent, dt.date(2025, 1, 1), tax_year="2024")
    with pytest.raises(kejiservice.InvalidInput, match=r"inputs\.cit_rate"):
        kejiservice.evaluate("super_deduction", ent, dt.date(2025, 1, 1), cit_rate=0.15)


def test_input_ranges_are_checked() -> None:
    from kejiservice.sample import ledger

    ent = ledger()[0]
    day = dt.date(2025, 6, 30)
    for rule, key, value in [
        ("hnte", "innovation_score", 101),
        ("hnte", "ip_score", 31),
        ("super_deduction", "cit_rate", "25"),
        ("super_deduction", "tax_year", 0),
        ("sme_size", "year", -1),
    ]:
        with pytest.raises(kejiservice.InvalidInput) as info:
            kejiservice.evaluate(rule, ent, day, **{key: value})
        assert info.value.paths == (f"inputs.{key}",)


def test_all_parts_given_make_an_exact_hnte_score() -> None:
    from kejiservice.sample import ledger

    v = kejiservice.evaluate(
        "hnte",
        ledger()[0],
        dt.date(2026, 6, 30),
        ip_score=20,
        transformation_score=20,
        organisation_score=15,
        growth_score=16,
    )
    assert v.score == 71


def test_evaluate_all_before_a_rule_existed_is_not_applicable_for_it() -> None:
    from kejiservice.sample import ledger

    summary = kejiservice.evaluate_all(ledger()[0], dt.date(2021, 6, 30))
    assert summary.verdicts["innovative_sme"].status is Outcome.NOT_APPLICABLE


def test_hnte_certificate_without_expiry_before_2016() -> None:
    from .builders import enterprise

    doc = enterprise(certifications=[{"kind": "hnte", "issued_on": "2014-12-01"}])
    v = kejiservice.evaluate("tech_sme", doc, dt.date(2017, 6, 30))
    assert v.paths[1].path == "direct:valid_hnte"
    assert v.paths[1].status.value == "pass"  # 2014-12-01 + 3 years - 1 day
    later = kejiservice.evaluate("tech_sme", doc, dt.date(2017, 12, 1))
    assert later.paths[1].status.value == "fail"
