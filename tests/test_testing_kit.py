"""The property-test kit (kejiservice.testing) tested, and used on the project's own rules."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kejiservice
from kejiservice import Enterprise
from kejiservice.activity import load_activity
from kejiservice.params import load_layer, national
from kejiservice.rules import (
    RULES,
    Criterion,
    Message,
    Outcome,
    Status,
    Verdict,
    register_rule,
    unregister_rule,
)
from kejiservice.scheduling import load_officers
from kejiservice.testing import (
    LEVERS,
    THRESHOLDS,
    activity_logs,
    check_batch_equals_single,
    check_deterministic,
    check_gap_soundness,
    check_monotone,
    enterprise_models,
    enterprises,
    ip_portfolios,
    officers,
    years,
)

AS_OF = dt.date(2025, 6, 30)
# the invariant checks evaluate each enterprise several times: a quarter of the profile
HEAVY = settings(max_examples=max(5, settings.default.max_examples // 4))
REPO = Path(__file__).resolve().parents[1]
QINGSHAN = national().with_layer(load_layer(REPO / "docs" / "files" / "qingshan-pack"))


def test_import_without_hypothesis_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import kejiservice.testing\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "testing" in out.stdout
    assert "pip install 'kejiservice[testing]'" in out.stdout


def _expected_side(name: str, offset: int) -> str:
    passes_above = THRESHOLDS[name].passes_above
    return "pass" if (offset >= 0 if passes_above else offset <= 0) else "fail"


_SIDED = sorted(n for n in THRESHOLDS if "band" not in n)


@pytest.mark.parametrize("params", [national(), QINGSHAN], ids=["national", "qingshan"])
@given(data=st.data())
def test_threshold_knobs_put_the_figure_where_they_say(params: Any, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(_SIDED))
    exact = data.draw(st.booleans())
    knob = {"exactly_at": name} if exact else {"near": name}
    doc = data.draw(enterprises(as_of=AS_OF, params=params, region="441200", **knob))
    mark = doc["extra"]["kejiservice_testing"][name]
    if exact:
        assert mark["offset"] == 0
    threshold = THRESHOLDS[name]
    verdict = kejiservice.evaluate(threshold.criterion.split(".")[0], doc, AS_OF, params=params)
    status = verdict.criterion(threshold.criterion).status.value
    assert status == _expected_side(name, mark["offset"]), (
        name,
        mark,
        verdict.criterion(threshold.criterion),
    )


@given(
    enterprises(as_of=AS_OF, params=QINGSHAN, region="441200", exactly_at="hnte.tech_staff_ratio")
)
def test_exactly_at_reads_the_regional_threshold(doc: dict[str, Any]) -> None:
    row = doc["years"][-1]
    # 青山's pool asks 8% where the nation asks 10%
    assert row["tech_staff"] * 100 == row["employees"] * 8
    verdict = kejiservice.evaluate("hnte", doc, AS_OF, params=QINGSHAN)
    assert verdict.criterion("hnte.tech_staff_ratio").status is Status.PASS


@given(enterprises(as_of=AS_OF, exactly_at=["hnte.rd_band1_sales_max", "tech_sme.max_staff"]))
def test_several_thresholds_at_once(doc: dict[str, Any]) -> None:
    assert doc["years"][-1]["sales_revenue"] == "50000000.00"
    assert doc["years"][-1]["employees"] == 500


def test_knob_errors() -> None:
    with pytest.raises(ValueError, match="unknown threshold"):
        enterprises(as_of=AS_OF, near="hnte.nothing")
    with pytest.raises(ValueError, match="both"):
        enterprises(as_of=AS_OF, near="tech_sme.max_staff", exactly_at="tech_sme.max_staff")
    with pytest.raises(ValueError, match="n_years"):
        enterprises(as_of=AS_OF, n_years=4)


@given(years(2024))
def test_years_are_consistent(row: dict[str, Any]) -> None:
    kejiservice.load(
        Enterprise,
        {"name": "x", "industry": "C3911", "registered_on": "2020-01-01", "years": [row]},
    )


@given(ip_portfolios(AS_OF, class1=st.integers(0, 3), class2=st.integers(0, 4), invalid=2))
def test_ip_portfolio_counts(items: list[dict[str, Any]]) -> None:
    ent = kejiservice.load(
        Enterprise, {"name": "x", "industry": "C3911", "registered_on": "2000-01-01", "ip": items}
    )
    valid = [i for i in ent.valid_ip(AS_OF) if i.core is not False]
    assert len(items) - len(valid) == 2


@given(activity_logs())
def test_activity_logs_load(log: dict[str, Any]) -> None:
    load_activity(log, enterprises=["E001", "E002", "E003"])


@given(officers(enterprise_ids=["a", "b", "c", "d"]))
def test_officers_load(doc: dict[str, Any]) -> None:
    roster = load_officers(doc)
    assigned = [e for a in roster.assignments for e in a.enterprises]
    assert sorted(assigned) == ["a", "b", "c", "d"]


@given(enterprise_models(as_of=AS_OF))
def test_enterprise_models(ent: Enterprise) -> None:
    assert isinstance(ent, Enterprise)


# --------------------------------------------------------------------------- invariants on
# the project's own rules, national and with the 青山 overlay


@pytest.mark.parametrize("rule", sorted(RULES))
@HEAVY
@given(data=st.data())
def test_own_rules_keep_the_invariants(rule: str, data: st.DataObject) -> None:
    params = data.draw(st.sampled_from([None, QINGSHAN]))
    docs = data.draw(st.lists(enterprises(as_of=AS_OF, params=params or national()), max_size=3))
    check_batch_equals_single(rule, docs, AS_OF, params=params)
    for doc in docs[:1]:
        check_deterministic(rule, doc, AS_OF, params=params)
        check_gap_soundness(rule, doc, AS_OF, params=params)


@pytest.mark.parametrize("criterion", sorted(LEVERS))
@HEAVY
@given(data=st.data())
def test_own_criteria_are_monotone(criterion: str, data: st.DataObject) -> None:
    near = {
        "hnte.tech_staff_ratio": "hnte.tech_staff_ratio",
        "hnte.rd_expense_ratio": "hnte.rd_expense_ratio",
        "hnte.domestic_rd_share": "hnte.domestic_rd_share",
        "hnte.high_tech_income_share": "hnte.high_tech_income_share",
        "tech_sme.staff_limit": "tech_sme.max_staff",
        "tech_sme.sales_limit": "tech_sme.max_sales",
        "tech_sme.assets_limit": "tech_sme.max_assets",
        "tech_sme.tech_staff_score_nonzero": "tech_sme.tech_staff_nonzero",
    }.get(criterion)
    doc = data.draw(enterprises(as_of=AS_OF, near=near))
    check_monotone(criterion.split(".")[0], doc, AS_OF, criterion=criterion)


# --------------------------------------------------------------------------- the checks catch
# broken rules


def _rule(run: Any) -> Any:
    spec = attrs.evolve(RULES["above_scale"], id="kit_test_rule", run=run)
    register_rule(spec)
    return spec


def _verdict(ctx: Any, status: Status, extra: str = "") -> Verdict:
    c = Criterion(
        code="kit.c",
        status=status,
        source="s" + extra,
        message=Message("rule.not_in_force", {"rule": "x", "day": "d"}),
        gap="1" if status is Status.FAIL else "0",
        gap_unit="yuan",
    )
    outcome = Outcome.ELIGIBLE if status is Status.PASS else Outcome.INELIGIBLE
    return Verdict("kit_test_rule", "1", ctx.as_of, outcome, (c,), enterprise_id=ctx.ent.id)


def _doc() -> dict[str, Any]:
    return {
        "name": "x",
        "industry": "C3911",
        "registered_on": "2020-01-01",
        "years": [{"year": 2024, "employees": 10, "tech_staff": 1, "sales_revenue": "100"}],
    }


def test_checks_catch_a_rule_with_memory() -> None:
    calls: list[int] = []

    def run(ctx: Any) -> Verdict:
        calls.append(1)
        return _verdict(ctx, Status.PASS, str(len(calls)))

    _rule(run)
    try:
        with pytest.raises(AssertionError, match="differs in a batch"):
            check_batch_equals_single("kit_test_rule", [_doc(), _doc()], AS_OF)
        with pytest.raises(AssertionError, match="another verdict"):
            check_deterministic("kit_test_rule", _doc(), AS_OF)
    finally:
        unregister_rule("kit_test_rule")


def test_check_monotone_catches_a_reversed_rule() -> None:
    def run(ctx: Any) -> Verdict:
        row = ctx.ent.year(2024)
        return _verdict(ctx, Status.PASS if row.tech_staff < 5 else Status.FAIL)

    _rule(run)
    try:
        with pytest.raises(AssertionError, match="went from pass to fail"):
            check_monotone(
                "kit_test_rule",
                _doc(),
                AS_OF,
                criterion="kit.c",
                figure="tech_staff",
                direction=1,
                values=[1, 4, 5, 9],
            )
        with pytest.raises(ValueError, match="no known lever"):
            check_monotone("kit_test_rule", _doc(), AS_OF, criterion="kit.c")
    finally:
        unregister_rule("kit_test_rule")


def test_check_gap_soundness_catches_a_wrong_sign() -> None:
    def run(ctx: Any) -> Verdict:
        v = _verdict(ctx, Status.FAIL)
        bad = attrs.evolve(v.criteria[0], gap="-3")
        return attrs.evolve(v, criteria=(bad,))

    _rule(run)
    try:
        with pytest.raises(AssertionError, match="negative gap"):
            check_gap_soundness("kit_test_rule", _doc(), AS_OF)
    finally:
        unregister_rule("kit_test_rule")


def test_check_gap_soundness_on_a_known_proposal() -> None:
    # tech staff 9 of 100: the proposal (10) is right and the smallest
    doc = {
        "name": "x",
        "industry": "C3911",
        "registered_on": "2010-01-01",
        "years": [{"year": 2024, "employees": 100, "tech_staff": 9}],
    }
    check_gap_soundness("hnte", doc, AS_OF)
    check_monotone("hnte", doc, AS_OF, criterion="hnte.tech_staff_ratio")
    check_deterministic("hnte", kejiservice.load(Enterprise, doc), AS_OF)
