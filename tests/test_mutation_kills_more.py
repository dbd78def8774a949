"""More tests written against the survivors of a full ``mutmut run`` (see
docs/explanation/quality.md): exact problem texts of the parameter loader, the rule
registry's input checks and local rules, message rendering, and targeted enterprises
whose whole verdict (JSON and explanation) is pinned by digest.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import kejiservice
from kejiservice import InvalidInput, ParameterError
from kejiservice.params import Band, ParameterSet, Version, lint_layer, load_layer
from kejiservice.rules import Outcome, Status, Verdict
from kejiservice.rules._core import Message, catalog_keys, param_json
from kejiservice.rules._explain import explain
from kejiservice.rules._registry import (
    RuleSpec,
    evaluate_all,
    evaluate_many,
    get_rule,
    register_rule,
    unregister_rule,
)

from .builders import AS_OF, enterprise, set_figure

D = Decimal


def ev(rule: str, doc: dict[str, Any], as_of: dt.date = AS_OF, **inputs: Any) -> Verdict:
    return kejiservice.evaluate(rule, doc, as_of, **inputs)


# =========================================================================== params loader

_BROKEN = """
stray = 1

[meta]
layer = "t"
region = "44"
description = "d"

[meta.x]
unit = "points"

[a.num]
unit = "ratio"
[[a.num.versions]]
effective_from = 2020-01-01
value = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
source = "s"

[a.nan]
unit = "rate"
[[a.nan.versions]]
effective_from = 2020-01-01
value = "NaN"
source = "s"

[a.zero]
unit = "yuan"
[[a.zero.versions]]
effective_from = 2020-01-01
value = "0"
source = "s"

[a.nounit]
[[a.nounit.versions]]
effective_from = 2020-01-01
value = 1
source = "s"

[a.bbool]
unit = "bands"
band_unit = "bool"
[[a.bbool.versions]]
effective_from = 2020-01-01
value = [{points = 1}]
source = "s"

[a.bdate]
unit = "bands"
band_unit = "date"
[[a.bdate.versions]]
effective_from = 2020-01-01
value = [{points = 1}]
source = "s"

[a.size]
unit = "size_table"
[[a.size.versions]]
effective_from = 2020-01-01
value = {colour = [1, 2, 3], employees = [1, 2, 3], revenue_wan = [3, 2], assets_wan = [3, 2, 1]}
source = "s"

[a.bands]
unit = "bands"
[[a.bands.versions]]
effective_from = 2020-01-01
value = [
  1,
  {at_least = "x", points = 1},
  {at_least = "0.5", points = "a"},
  {at_least = "0.4", points_min = 2, points_max = 1},
  {points = 0},
]
source = "s"

[a.table]
unit = "points"
versions = [1, {effective_from = 2020-01-01, value = 1, source = "s"}, 2]

[a.vers]
unit = "points"
[[a.vers.versions]]
effective_from = 2018-01-01
effective_to = 2018-12-31
value = 1
source = "s"
[[a.vers.versions]]
effective_from = 2019-01-01
effective_to = 2019-12-31
value = 1
[[a.vers.versions]]
effective_from = 2020-01-01
effective_to = 2019-01-01
value = 1
source = "s"
[[a.vers.versions]]
effective_from = "x"
value = 1
source = "s"
[[a.vers.versions]]
effective_from = 2021-01-01
effective_to = "y"
value = 1
source = "s"
[[a.vers.versions]]
effective_from = 2021-01-01
source = "s"
[[a.vers.versions]]
effective_from = 2022-01-01
value = 2
source = "  "
"""

_SECOND = """[meta]
layer = "t"
region = "44"
[a.zero]
unit = "points"
[[a.zero.versions]]
effective_from = 2020-01-01
value = 1
source = "s"
"""


def test_loader_exact_problems_of_a_broken_pack(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "p.toml").write_text(_BROKEN, encoding="utf-8")
    (folder / "q.toml").write_text(_SECOND, encoding="utf-8")
    (folder / "d.toml").mkdir()  # a directory named *.toml: reading it fails
    units = (
        "bands, bool, codes, count, date, days, months, persons, points, rate, ratio, "
        "size_table, text, wan_yuan, years, yi_yuan, yuan"
    )
    expected = [
        f"d.toml: file: [Errno 21] Is a directory: '{folder / 'd.toml'}'",
        "p.toml: meta.x: unknown key",
        "p.toml: stray: a parameter or a group of parameters must be a table",
        "p.toml: a.num.versions[0].value: a ratio must be a number, got "
        "'abcdefghijklmnopqrstuvwxyzabcdefghijklmn'",
        "p.toml: a.nan.versions[0].value: a rate must be a finite number, got NaN",
        f"p.toml: a.nounit.unit: unknown unit None; one of {units}",
        "p.toml: a.bbool.band_unit: unknown band unit 'bool'",
        "p.toml: a.bdate.band_unit: unknown band unit 'date'",
        "p.toml: a.size.versions[0].value.colour: unknown indicator; one of employees, "
        "revenue_wan, assets_wan",
        "p.toml: a.size.versions[0].value.employees: expects sme_upper > medium_min > "
        "small_min >= 0",
        "p.toml: a.size.versions[0].value.revenue_wan: needs three numbers: "
        "[sme_upper, medium_min, small_min]",
        "p.toml: a.bands.versions[0].value[0]: a band is a table",
        "p.toml: a.bands.versions[0].value[1].at_least: a ratio must be a number, got 'x'",
        "p.toml: a.bands.versions[0].value[2]: a band needs integer points "
        "(or points_min <= points_max)",
        "p.toml: a.bands.versions[0].value[3]: a band needs integer points "
        "(or points_min <= points_max)",
        "p.toml: a.table.versions[0]: a version is a table",
        "p.toml: a.table.versions[2]: a version is a table",
        "p.toml: a.vers.versions[1].source: every value needs its source (document and article)",
        "p.toml: a.vers.versions[2].effective_to: ends before it starts",
        "p.toml: a.vers.versions[3].effective_from: a TOML date is required",
        "p.toml: a.vers.versions[4].effective_to: must be a TOML date",
        "p.toml: a.vers.versions[5].value: missing",
        "p.toml: a.vers.versions[6].source: every value needs its source (document and article)",
        "p.toml: a.vers: gap between versions: 2019-01-01 to 2022-01-01",
        "q.toml: a.zero: defined in more than one file of this pack",
        f"{folder}: files of one pack disagree on meta.layer/meta.region",
    ]
    assert lint_layer(folder) == expected
    with pytest.raises(ParameterError) as info:
        load_layer(folder)
    assert str(info.value) == "invalid parameter pack:\n  " + "\n  ".join(expected)


def test_loader_zero_amount_name_and_description(tmp_path: Path) -> None:
    folder = tmp_path / "ok"
    folder.mkdir()
    body = (
        '[meta]\nlayer = "t"\n\n[a.zero]\nunit = "yuan"\n[[a.zero.versions]]\n'
        'effective_from = 2020-01-01\nvalue = "0"\nsource = "s"\n'
    )
    (folder / "p.toml").write_text(body, encoding="utf-8")
    assert lint_layer(folder) == []
    param = load_layer(folder).params["a.zero"]
    assert param.name == "a.zero"
    assert param.description == ""
    assert param.versions[0].value == D(0)


def test_band_describe_without_a_bound() -> None:
    assert Band("x", 1, 1, op="at_least", bound=None).describe() == "otherwise"
    assert Band("x", 1, 1, op=None, bound=D(1)).describe() == "otherwise"
    assert Band("x", 1, 1, op="at_least", bound=D("0.3")).describe() == ">= 0.3"


# =========================================================================== registry


def test_registry_input_problems_exact() -> None:
    doc = enterprise()
    with pytest.raises(InvalidInput) as info:
        ev(
            "super_deduction",
            doc,
            tax_year="2024",
            ic_or_machine="yes",
            cit_rate=0.25,
            q4_rd_expense="abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
            capitalised_cost="-1",
        )
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("inputs.tax_year", "must be an integer"),
        ("inputs.ic_or_machine", "must be true or false"),
        ("inputs.cit_rate", "must be a decimal string (money and ratios are never floats)"),
        (
            "inputs.q4_rd_expense",
            "not a decimal number: 'abcdefghijklmnopqrstuvwxyzabcdefghijklmn'",
        ),
        ("inputs.capitalised_cost", "must be a finite, non-negative number"),
    ]
    with pytest.raises(InvalidInput) as info:
        ev("super_deduction", doc, cit_rate="NaN", q4_rd_expense=True)
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("inputs.cit_rate", "must be a finite, non-negative number"),
        ("inputs.q4_rd_expense", "must be a decimal string (money and ratios are never floats)"),
    ]
    with pytest.raises(InvalidInput) as info:
        list(evaluate_many("sme_size", [doc], AS_OF, year="x"))
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("inputs.year", "must be an integer")
    ]
    # valid inputs pass through evaluate_many
    (v,) = evaluate_many("sme_size", [doc], AS_OF, year=2023)
    assert v.status is Outcome.ELIGIBLE


def _local_spec(region: str) -> RuleSpec:
    base = get_rule("sme_size")
    return RuleSpec(
        id="local_x",
        codes=base.codes,
        inputs={},
        run=base.run,
        doc="local",
        region=region,
    )


def test_registry_local_rules_and_summary() -> None:
    with pytest.raises(kejiservice.UnknownRule) as info:
        register_rule(RuleSpec("hnte", (), {}, get_rule("hnte").run, "x"))
    assert str(info.value) == "'hnte' is a national rule id and cannot be replaced"
    assert get_rule("tech_sme").bounds == {}
    assert get_rule("sme_size").bounds == {"year": (1990, 2100)}
    assert get_rule("sme_size").doc
    spec = _local_spec("44")
    assert spec.applies_to("441200")
    assert not spec.applies_to("110105")
    assert not spec.applies_to(None)
    assert _local_spec("").applies_to(None)
    assert _local_spec("").applies_to("110105")
    register_rule(spec)
    try:
        doc = enterprise(id="E1")
        summary = evaluate_all(doc, AS_OF)
        assert "local_x" in summary.verdicts
        assert summary.as_of == AS_OF
        out = summary.to_dict()
        assert list(out) == ["as_of", "qualifies_for", "verdicts"]
        assert out["as_of"] == "2025-06-30"
        assert out["qualifies_for"] == summary.qualifies_for
        assert "local_x" in out["qualifies_for"]
        assert out["verdicts"]["local_x"] == summary.verdicts["local_x"].to_dict()
        elsewhere = evaluate_all(enterprise(region="110105"), AS_OF)
        assert "local_x" not in elsewhere.verdicts
        unregister_rule("local_x")
        assert "local_x" not in evaluate_all(doc, AS_OF).verdicts
        with pytest.raises(kejiservice.UnknownRule):
            get_rule("local_x")
    finally:
        unregister_rule("local_x")


# =========================================================================== messages


def test_message_templates_and_catalog_keys() -> None:
    m = Message("k", {"a": "1"}, templates={"zh": "中{a}{b}", "en": "en {a}"})
    assert m.en == "en 1"
    assert m.zh == "中1?"
    only_zh = Message("k", {"a": "1"}, templates={"zh": "中{a}{b}"})
    assert only_zh.en == "中1?"
    assert Message("k", {}, templates={"en": "x"}).zh == ""
    keys = catalog_keys("en")
    assert keys["sme_size.sme_scope.unknown_class"] == frozenset({"industry"})
    assert all(isinstance(v, frozenset) for v in keys.values())
    assert catalog_keys("zh")["sme_size.sme_scope.unknown_class"] == frozenset({"industry"})
    bands = (Band("a", 1, 2, "at_least", D("0.5")), Band("b", 0, 0))
    assert param_json(bands) == [
        {"test": ">= 0.5", "points_min": 1, "points_max": 2, "label": "a"},
        {"test": "otherwise", "points_min": 0, "points_max": 0, "label": "b"},
    ]
    assert param_json(D("1.50")) == "1.50"
    assert param_json(("A", "B")) == ["A", "B"]


def test_explain_defaults_to_chinese() -> None:
    v = ev("tech_sme", enterprise(resident=False))
    assert explain(v) == explain(v, "zh") == v.explain()
    assert "结论" in explain(v)


# =========================================================================== super deduction

_OVERLAY = """[meta]
layer = "later"
region = "44"

[super_deduction.negative_list]
unit = "codes"
[[super_deduction.negative_list.versions]]
effective_from = 2025-01-01
value = ["C39", "I65"]
source = "later"

[super_deduction.negative_list_revenue_share]
unit = "ratio"
[[super_deduction.negative_list_revenue_share.versions]]
effective_from = 2025-01-01
value = "0.05"
source = "later"

[super_deduction.manufacturing_sections]
unit = "codes"
[[super_deduction.manufacturing_sections.versions]]
effective_from = 2025-01-01
value = ["A"]
source = "later"

[super_deduction.other_related_cap]
unit = "ratio"
[[super_deduction.other_related_cap.versions]]
effective_from = 2025-01-01
value = "0.01"
source = "later"

[super_deduction.cit_rate_hnte]
unit = "ratio"
[[super_deduction.cit_rate_hnte.versions]]
effective_from = 2025-01-01
value = "0.20"
source = "later"

[super_deduction.cit_rate_standard]
unit = "ratio"
[[super_deduction.cit_rate_standard.versions]]
effective_from = 2025-01-01
value = "0.30"
source = "later"

[above_scale.industry_sections]
unit = "codes"
[[above_scale.industry_sections.versions]]
effective_from = 2025-01-01
value = ["A"]
source = "later"

[super_deduction.rate_q4_2022]
unit = "rate"
[[super_deduction.rate_q4_2022.versions]]
effective_from = 2022-10-01
effective_to = 2022-10-01
value = "1.00"
source = "later"
[[super_deduction.rate_q4_2022.versions]]
effective_from = 2022-10-02
effective_to = 2022-12-31
value = "0.80"
source = "later"
"""


@pytest.fixture
def later(tmp_path: Path) -> ParameterSet:
    folder = tmp_path / "later"
    folder.mkdir()
    (folder / "p.toml").write_text(_OVERLAY, encoding="utf-8")
    return kejiservice.params.national().with_layer(load_layer(folder))


def _with_other(doc: dict[str, Any], y: int, other: str) -> dict[str, Any]:
    return set_figure(doc, y, "rd_other_related", other)


_HNTE_2024 = [{"kind": "hnte", "issued_on": "2021-01-02"}]  # valid to 2024-01-01


@pytest.mark.parametrize(
    ("rule", "fields", "inputs"),
    [
        ("super_deduction", {}, {"tax_year": 2024}),
        ("super_deduction", {"certifications": _HNTE_2024}, {"tax_year": 2024}),
        ("super_deduction", {"industry": "I6510"}, {"tax_year": 2024}),
        ("super_deduction", {"industry": "F51"}, {"tax_year": 2024, "negative_list_share": "0.3"}),
        ("above_scale", {}, {"year": 2024}),
    ],
)
def test_parameters_are_read_on_the_tax_year_not_as_of(
    later: ParameterSet,
    rule: str,
    fields: dict[str, Any],
    inputs: dict[str, Any],
) -> None:
    doc = _with_other(enterprise(id="E1", **fields), 2024, "500000")
    national_v = kejiservice.evaluate(rule, doc, AS_OF, **inputs)
    overlay_v = kejiservice.evaluate(rule, doc, AS_OF, params=later, **inputs)
    # values and their sources are both read on the tax (statistics) year, not on as_of
    assert "later" not in overlay_v.criteria[0].source
    assert kejiservice.dump(overlay_v) == kejiservice.dump(national_v)


def test_super_deduction_cit_rate_of_a_certificate_ending_on_1_january() -> None:
    doc = enterprise(certifications=_HNTE_2024)
    v = ev("super_deduction", doc, tax_year=2024)
    assert v.extras["amounts"]["cit_rate"] == "0.15"
    assert (
        ev("super_deduction", enterprise(), tax_year=2024).extras["amounts"]["cit_rate"] == "0.25"
    )


def test_super_deduction_q4_2022(later: ParameterSet) -> None:
    doc = enterprise(industry="I6510")
    v = kejiservice.evaluate("super_deduction", doc, AS_OF, params=later, tax_year=2022)
    amounts = v.extras["amounts"]
    assert amounts["rate"] == "0.75"
    assert amounts["q4_rate"] == "1.00"
    assert amounts["q4_base"] == "600000.00"
    assert amounts["extra_deduction"] == "1950000.00"
    v = ev("super_deduction", doc, tax_year=2022, q4_rd_expense="100000")
    assert v.extras["amounts"]["q4_rate"] == "1.00"
    assert v.extras["amounts"]["q4_base"] == "100000.00"
    with pytest.raises(InvalidInput) as info:
        ev("super_deduction", doc, tax_year=2022, q4_rd_expense="2400000.01")
    assert info.value.paths == ("inputs.q4_rd_expense",)


def test_super_deduction_missing_only_when_undetermined() -> None:
    doc = enterprise(industry="F5111")
    doc["years"] = [r for r in doc["years"] if r["year"] != 2024]
    v = ev("super_deduction", doc, tax_year=2024)
    assert v.status is Outcome.INELIGIBLE
    assert v.missing == ()
    ok = enterprise()
    ok["years"] = [r for r in ok["years"] if r["year"] != 2024]
    v = ev("super_deduction", ok, tax_year=2024)
    assert v.status is Outcome.UNDETERMINED
    assert v.missing == ("years[2024].rd_expense",)


def test_super_deduction_negative_list_share_messages() -> None:
    doc = enterprise(industry="F51")
    fail = ev("super_deduction", doc, tax_year=2024, negative_list_share="0.6")
    c = fail.criterion("super_deduction.industry_allowed")
    assert (c.status, c.actual) == (Status.FAIL, "0.6")
    ok = ev("super_deduction", doc, tax_year=2024, negative_list_share="0.4")
    assert c.message.en == (
        "The listed industry's share of revenue is 60%, over 50%: no super deduction."
    )
    c = ok.criterion("super_deduction.industry_allowed")
    assert (c.status, c.actual) == (Status.PASS, "0.4")
    assert c.message.en == (
        "The listed industry's share of revenue is 40%, not over 50% (exclusive): "
        "the deduction applies."
    )
    listed = ev("super_deduction", enterprise(industry="F5111"), tax_year=2024)
    c = listed.criterion("super_deduction.industry_allowed")
    assert c.message.en == "Industry F5111 (F51) is on the negative list: no super deduction."
    plain = ev("super_deduction", enterprise(), tax_year=2024)
    c = plain.criterion("super_deduction.industry_allowed")
    assert c.source == "财税〔2015〕119号 四; 国家税务总局公告2015年第97号"
    assert fail.rule == "super_deduction"


def _without_general_rate() -> ParameterSet:
    base = kejiservice.params.national().layers[0]
    general = base.params["super_deduction.rate_general"]
    late = attrs.evolve(general, versions=(Version(dt.date(2030, 1, 1), None, D("1"), "s"),))
    layer = attrs.evolve(base, params={**base.params, "super_deduction.rate_general": late})
    return ParameterSet([layer, *kejiservice.params.national().layers[1:]])


def test_super_deduction_rate_when_a_kind_has_no_version() -> None:
    pset = _without_general_rate()
    v = kejiservice.evaluate("super_deduction", enterprise(), AS_OF, params=pset, tax_year=2024)
    assert v.extras["amounts"]["rate_kind"] == "manufacturing"
    assert v.extras["amounts"]["rate"] == "1.00"
    other = enterprise(industry="I6510")
    v = kejiservice.evaluate("super_deduction", other, AS_OF, params=pset, tax_year=2024)
    assert v.extras["amounts"]["rate_kind"] == "none"
    assert v.extras["amounts"]["rate"] == "0"


# =========================================================================== not in force, ids


@pytest.mark.parametrize(
    "rule", ["hnte", "tech_sme", "super_deduction", "sme_size", "above_scale", "innovative_sme"]
)
def test_enterprise_id_and_not_in_force(rule: str) -> None:
    doc = set_figure(enterprise(id="E9"), 2024, "main_business_revenue", "30000000")
    assert ev(rule, doc).enterprise_id == "E9"
    old = ev(rule, enterprise(id="E9"), dt.date(2005, 6, 30))
    assert old.enterprise_id == "E9"
    assert old.rule == rule
    if rule != "above_scale":
        day = "2004-12-31" if rule == "super_deduction" else "2005-06-30"
        assert old.status is Outcome.NOT_APPLICABLE
        assert old.criteria[0].message.en == (
            f"{rule} has no version in force on {day} (not yet in force, or that period is "
            "not encoded): not applicable."
        )
        assert kejiservice.dump(old)["enterprise"] == "E9"


# =========================================================================== sme size


def test_sme_size_industry_too_coarse_exact() -> None:
    v = ev("sme_size", enterprise(industry="K", id="E2"))
    assert kejiservice.dump(v) == {
        "rule": "sme_size",
        "rule_version": "2011",
        "as_of": "2025-06-30",
        "enterprise": "E2",
        "status": "undetermined",
        "eligible": None,
        "failed": [],
        "missing": ["industry"],
        "industry_class": None,
        "size": None,
        "criteria": [
            {
                "code": "sme_size.sme_scope",
                "status": "unknown",
                "actual": None,
                "required": None,
                "gap": None,
                "gap_unit": None,
                "source": "工信部联企业〔2011〕300号 第四条; 国统字〔2017〕213号",
                "message": {
                    "zh": "行业代码 K 过粗，无法确定划型所属行业。",
                    "en": "Industry code K is too coarse to pick the size table.",
                },
                "missing": ["industry"],
            }
        ],
        "params": {
            "sme_size.rule_version": {
                "value": "2011",
                "unit": "text",
                "source": "工信部联企业〔2011〕300号; 国统字〔2017〕213号",
                "layer": "national",
                "effective_from": "2011-06-18",
                "effective_to": None,
            }
        },
    }
    assert v.criteria[0].missing == ("industry",)


# =========================================================================== tech SME


def test_tech_sme_resident_messages_and_source() -> None:
    v = ev("tech_sme", enterprise(resident=False))
    c = v.criterion("tech_sme.resident")
    assert c.status is Status.FAIL
    assert c.message.en == "Not a resident enterprise registered in mainland China."
    doc = enterprise()
    doc["resident"] = None
    c = ev("tech_sme", doc).criterion("tech_sme.resident")
    assert (c.status, c.source, c.missing) == (
        Status.UNKNOWN,
        "国科发政〔2017〕115号 第六条（一）",
        ("resident",),
    )


def test_tech_sme_industry_fail_proposals() -> None:
    c = ev("tech_sme", enterprise(restricted_industry=True)).criterion("tech_sme.industry_allowed")
    assert c.message.en == (
        "Its products or services are in a prohibited, restricted or eliminated category."
    )
    assert [(p.input, p.unit, p.adjustable) for p in c.proposals] == [
        ("restricted_industry", "industry", False)
    ]
    c = ev("tech_sme", enterprise(industry="F5111")).criterion("tech_sme.industry_allowed")
    assert c.message.en == "Industry F5111 (F51) is excluded from the R&D super deduction."
    assert [(p.input, p.unit, p.adjustable) for p in c.proposals] == [
        ("industry", "industry", False)
    ]


def _figures(doc: dict[str, Any], y: int, **values: Any) -> dict[str, Any]:
    for name, value in values.items():
        doc = set_figure(doc, y, name, value)
    return doc


def _score(doc: dict[str, Any]) -> Any:
    return ev("tech_sme", doc).criterion("tech_sme.score")


def _props(c: Any) -> list[tuple[Any, ...]]:
    return [(p.input, p.unit, p.change, p.target, p.message.en) for p in c.proposals]


def test_tech_sme_score_proposals_three_levers() -> None:
    doc = _figures(enterprise(ip=[]), 2024, tech_staff=10)
    c = _score(doc)
    assert (c.status, c.actual, c.gap) == (Status.FAIL, "54", "6")
    assert _props(c) == [
        ("years[2024].tech_staff", "persons", 10, 20, "2024: 10 more tech staff (to 20)."),
        (
            "ip",
            "Class II IP items",
            1,
            None,
            "1 more Class II IP item(s) related to the main products.",
        ),
        (
            "ip",
            "Class I IP items",
            1,
            None,
            "1 more Class I IP item(s) related to the main products.",
        ),
    ]


def test_tech_sme_score_rd_proposal_uses_cost_base() -> None:
    rd = {"rd_expense": "800000", "rd_expense_domestic": "800000", "tech_staff": 10}
    by_sales = _score(_figures(enterprise(), 2024, **rd))
    assert _props(by_sales)[0][:4] == (
        "years[2024].rd_expense",
        "yuan",
        D("800000.00"),
        D("1600000.00"),
    )
    by_cost = _score(_figures(enterprise(), 2024, cost_and_expense="7000000", **rd))
    assert by_cost.detail["rd_to_cost"] == "0.114285"
    assert _props(by_cost)[0] == (
        "years[2024].rd_expense",
        "yuan",
        D("600000.00"),
        D("1400000.00"),
        "2024: 600000.00 yuan more R&D expense.",
    )
    # no sales: only the cost base can propose more R&D
    no_sales = _figures(
        enterprise(), 2024, sales_revenue="0", total_income="0", cost_and_expense="7000000", **rd
    )
    c = _score(no_sales)
    assert c.status is Status.FAIL
    assert _props(c)[0][:4] == ("years[2024].rd_expense", "yuan", D("600000.00"), D("1400000.00"))


def test_tech_sme_limit_unknown_source() -> None:
    doc = enterprise()
    for row in doc["years"]:
        if row["year"] == 2024:
            del row["employees"]
    c = ev("tech_sme", doc).criterion("tech_sme.staff_limit")
    assert c.status is Status.UNKNOWN
    assert c.source == "国科发政〔2017〕115号 第六条（二）"
    assert c.missing == ("years[2024].employees",)


def test_certificate_issued_near_the_last_year() -> None:
    doc = enterprise(certifications=[{"kind": "hnte", "issued_on": "9997-06-30"}])
    last = dt.date(9998, 12, 31)
    v = ev("innovative_sme", doc, last)
    assert (v.status, v.path) == (Outcome.ELIGIBLE, "direct:valid_hnte")
    assert ev("tech_sme", doc, last).status is Outcome.UNDETERMINED


# =========================================================================== innovative SME


def test_innovative_sme_score_proposals_skip_a_maxed_indicator() -> None:
    doc = enterprise()
    for y in (2022, 2023, 2024):
        doc = set_figure(doc, y, "main_business_revenue", "16000000")
    v = ev("innovative_sme", doc, strategic_emerging_field=False)
    assert (v.status, v.score) == (Outcome.INELIGIBLE, 55)
    c = v.criterion("innovative_sme.score")
    assert (c.status, c.actual, c.gap, c.message.en) == (
        Status.FAIL,
        "55",
        "5",
        "Total score 55, below 60.",
    )
    assert _props(c) == [
        (
            "years[2024].main_business_revenue",
            "yuan",
            D("800000.00"),
            D("16800000.00"),
            "2024: 800000.00 yuan more main business revenue.",
        ),
        (
            "years[2024].main_business_revenue",
            "yuan",
            D("4000000.00"),
            D("20000000.00"),
            "2024: 4000000.00 yuan more main business revenue.",
        ),
    ]


def test_innovative_sme_unknown_lists_every_missing_figure() -> None:
    doc = enterprise()
    doc["years"] = [r for r in doc["years"] if r["year"] != 2024]
    v = ev("innovative_sme", doc)
    c = v.criterion("innovative_sme.score")
    assert c.status is Status.UNKNOWN
    assert len(c.missing) > 1
    assert c.message.en == f"{', '.join(c.missing)} is missing: cannot evaluate."


# =========================================================================== explain


def test_explain_gap_without_a_unit() -> None:
    crit = kejiservice.rules.Criterion(
        code="x.y",
        status=Status.FAIL,
        source="s",
        message=Message("k", {}, templates={"zh": "中", "en": "e"}),
        actual="1",
        required="2",
        gap="1",
    )
    v = Verdict(
        rule="x", rule_version="1", as_of=AS_OF, status=Outcome.INELIGIBLE, criteria=(crit,)
    )
    assert explain(v, "en").splitlines()[4] == "    actual 1; required 2; gap 1"
    assert explain(v).splitlines()[4] == "    实际 1; 要求 2; 差距 1"


def test_loader_layer_named_none_disagrees_with_an_unnamed_file(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    body = '[x.p]\nunit = "points"\n[[x.p.versions]]\neffective_from = 2020-01-01\nvalue = 1\n'
    (folder / "a.toml").write_text(f'[meta]\nlayer = "None"\n{body}source = "s"\n', "utf-8")
    (folder / "b.toml").write_text(
        '[y.q]\nunit = "points"\n[[y.q.versions]]\n'
        'effective_from = 2020-01-01\nvalue = 1\nsource = "s"\n',
        "utf-8",
    )
    assert lint_layer(folder) == [f"{folder}: files of one pack disagree on meta.layer/meta.region"]


# =========================================================================== HNTE and tech SME


def test_unknown_criteria_keep_their_sources() -> None:
    doc = enterprise(years=[], tech_field=None, core_ip_owned=None)
    hnte = ev("hnte", doc)
    assert {c.code: c.source for c in hnte.criteria if c.status is Status.UNKNOWN} == {
        "hnte.core_ip": "国科发火〔2016〕32号 第十一条（二）",
        "hnte.key_field": "国科发火〔2016〕32号 第十一条（三）; 《国家重点支持的高新技术领域》",
        "hnte.tech_staff_ratio": "国科发火〔2016〕32号 第十一条（四）",
        "hnte.rd_expense_ratio": "国科发火〔2016〕32号 第十一条（五）",
        "hnte.domestic_rd_share": "国科发火〔2016〕32号 第十一条（五）",
        "hnte.high_tech_income_share": (
            "国科发火〔2016〕32号 第十一条（六）; 国科发火〔2016〕195号（总收入）"
        ),
        "hnte.innovation_score": (
            "国科发火〔2016〕32号 第十一条（七）; 国科发火〔2016〕195号 四（五）"
        ),
    }
    tech = ev("tech_sme", doc)
    assert {c.code: c.source for c in tech.criteria if c.status is Status.UNKNOWN} == {
        "tech_sme.staff_limit": "国科发政〔2017〕115号 第六条（二）",
        "tech_sme.sales_limit": "国科发政〔2017〕115号 第六条（二）",
        "tech_sme.assets_limit": "国科发政〔2017〕115号 第六条（二）",
        "tech_sme.score": "国科发政〔2017〕115号 第六条（五）、第七条",
        "tech_sme.tech_staff_score_nonzero": "国科发政〔2017〕115号 第六条（五）",
    }
    assert tech.missing == (
        "years[2024].employees",
        "years[2024].sales_revenue",
        "years[2024].total_assets",
        "years[2024].tech_staff",
        "years[2024].rd_expense",
    )
    assert tech.score is None


def test_hnte_key_field_messages_and_fixed_proposal() -> None:
    c = ev("hnte", enterprise(tech_field="none")).criterion("hnte.key_field")
    assert c.status is Status.FAIL
    assert c.message.en == "Core technology is outside the eight key fields the state supports."
    assert [(p.input, p.unit, p.adjustable) for p in c.proposals] == [
        ("tech_field", "field", False)
    ]
    c = ev("hnte", enterprise()).criterion("hnte.key_field")
    assert c.message.en == (
        "Core technology is in a key field the state supports (electronic_information)."
    )


def test_hnte_high_tech_income_of_one_yuan() -> None:
    doc = _figures(
        enterprise(),
        2024,
        total_income="1",
        sales_revenue="1",
        high_tech_income="1",
        non_taxable_income="0",
    )
    c = ev("hnte", doc).criterion("hnte.high_tech_income_share")
    assert (c.status, c.actual, c.gap) == (Status.PASS, "1.000000", "-0.40")
    c = ev("hnte", set_figure(doc, 2024, "high_tech_income", "0")).criterion(
        "hnte.high_tech_income_share"
    )
    assert (c.status, c.actual, c.gap) == (Status.FAIL, "0.000000", "0.60")
    assert [(p.input, p.target) for p in c.proposals] == [
        ("years[2024].high_tech_income", D("0.60"))
    ]


def test_hnte_score_items_inputs_transformation_and_sales_growth() -> None:
    doc = set_figure(
        enterprise(achievements_transformed={"2024": 5}), 2022, "sales_revenue", "30000000"
    )
    items = ev("hnte", doc).criterion("hnte.innovation_score").detail["items"]
    assert [attrs.astuple(i) for i in items] == [
        ("ip", 8, 30, "objective+expert", "A", "class I 1, class II 0"),
        ("transformation", 1, 6, "objective", "E", "1.67"),
        ("organisation", 0, 20, "expert", None, None),
        ("net_asset_growth", 0, 0, "three_years", "F", "0.000000"),
        ("sales_growth", 5, 6, "three_years", "C", "0.166666"),
    ]
    given = ev("hnte", enterprise(), ip_score=20, transformation_score=25)
    items = given.criterion("hnte.innovation_score").detail["items"]
    assert [attrs.astuple(i)[:4] for i in items[:2]] == [
        ("ip", 20, 20, "input"),
        ("transformation", 25, 25, "input"),
    ]


def test_hnte_domestic_rd_proposal_up_to_all_of_the_last_year() -> None:
    doc = enterprise()
    for y, domestic in ((2022, "400000"), (2023, "400000"), (2024, "0")):
        doc = _figures(doc, y, rd_expense="1000000", rd_expense_domestic=domestic)
    c = ev("hnte", doc).criterion("hnte.domestic_rd_share")
    assert (c.status, c.gap) == (Status.FAIL, "1000000.00")
    assert [(p.input, p.target) for p in c.proposals] == [
        ("years[2024].rd_expense_domestic", D("1000000.00"))
    ]


def test_hnte_exact_score_from_items() -> None:
    full = {"ip_score": 30, "transformation_score": 30, "organisation_score": 20}
    v = ev("hnte", enterprise(), **full)
    c = v.criterion("hnte.innovation_score")
    assert (v.score, v.score_min, v.score_max) == (80, None, None)
    assert (c.status, c.actual, c.required, c.gap, c.gap_unit) == (
        Status.PASS,
        "80",
        ">= 71",
        "-9",
        "points",
    )
    assert c.message.en == "Innovation assessment 80 points, reaching 71 (above 70, 70 excluded)."
    assert c.source == "国科发火〔2016〕32号 第十一条（七）; 国科发火〔2016〕195号 四（五）"
    low = {"ip_score": 5, "transformation_score": 5, "organisation_score": 5}
    c = ev("hnte", enterprise(), **low).criterion("hnte.innovation_score")
    assert (c.status, c.actual, c.required, c.gap, c.gap_unit) == (
        Status.FAIL,
        "15",
        ">= 71",
        "56",
        "points",
    )
    assert c.message.en == (
        "Innovation assessment 15 points, short of 71 (above 70, 70 excluded) by 56."
    )


# =========================================================================== certificates, sources


def test_certificate_windows() -> None:
    other_first = [
        {"kind": "tech_sme", "issued_on": "2024-01-01"},
        {"kind": "hnte", "issued_on": "2024-01-01"},
    ]
    v = ev("innovative_sme", enterprise(certifications=other_first))
    assert v.path == "direct:valid_hnte"
    today = ev(
        "innovative_sme", enterprise(certifications=[{"kind": "hnte", "issued_on": "2025-06-30"}])
    )
    assert today.path == "direct:valid_hnte"


_SOURCES = """[meta]
layer = "regional"
region = "44"

[hnte.incident_lookback_days]
unit = "days"
[[hnte.incident_lookback_days.versions]]
effective_from = 2016-01-01
value = 365
source = "粤 1"

[hnte.validity_years]
unit = "years"
[[hnte.validity_years.versions]]
effective_from = 2016-01-01
effective_to = 2022-12-31
value = 2
source = "粤 2"
[[hnte.validity_years.versions]]
effective_from = 2023-01-01
effective_to = 2024-12-31
value = 3
source = "粤 2"
[[hnte.validity_years.versions]]
effective_from = 2025-01-01
value = 1
source = "粤 3"
"""


def test_sources_join_every_parameter_and_validity_of_issue_day(tmp_path: Path) -> None:
    folder = tmp_path / "regional"
    folder.mkdir()
    (folder / "p.toml").write_text(_SOURCES, encoding="utf-8")
    pset = kejiservice.params.national().with_layer(load_layer(folder))
    c = kejiservice.evaluate("hnte", enterprise(), AS_OF, params=pset).criterion(
        "hnte.no_major_incident"
    )
    assert c.source == "国科发火〔2016〕32号 第十一条（八）; 粤 1"
    # a certificate issued in 2023 runs the 3 years in force then, not the 1 of as_of
    doc = enterprise(certifications=[{"kind": "hnte", "issued_on": "2023-01-01"}])
    v = kejiservice.evaluate("innovative_sme", doc, AS_OF, params=pset)
    assert v.path == "direct:valid_hnte"
    # the regional validity (2 years from 2022-07-01) applies, not the national 3
    doc = enterprise(certifications=[{"kind": "hnte", "issued_on": "2022-07-01"}])
    v = kejiservice.evaluate("innovative_sme", doc, AS_OF, params=pset)
    assert v.path != "direct:valid_hnte"
    assert ev("innovative_sme", doc).path == "direct:valid_hnte"


def test_source_memo_per_day_region_and_repeated_reads(later: ParameterSet) -> None:
    doc = enterprise()
    code = "super_deduction.industry_allowed"

    def source(d: dict[str, Any], as_of: dt.date) -> str:
        v = kejiservice.evaluate("super_deduction", d, as_of, params=later, tax_year=2023)
        return v.criterion(code).source

    national_source = "财税〔2015〕119号 四; 国家税务总局公告2015年第97号"
    assert source(doc, dt.date(2024, 6, 30)) == national_source
    # tax year 2023: the sources of the versions in force then, whatever the as_of
    assert source(doc, AS_OF) == national_source
    assert source(enterprise(region="110105"), AS_OF) == national_source
    first = kejiservice.dump(kejiservice.evaluate("tech_sme", doc, AS_OF, params=later))
    again = kejiservice.dump(kejiservice.evaluate("tech_sme", doc, AS_OF, params=later))
    assert again == first
    assert "tech_sme.industry_negative_list_applies" in again["params"]


# =========================================================================== registry edges


def _problems(rule: str, as_of: Any = AS_OF, **inputs: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as info:
        kejiservice.evaluate(rule, enterprise(), as_of, **inputs)
    return [(p.path, p.message) for p in info.value.problems]


def test_as_of_and_input_problems_exact() -> None:
    assert _problems("sme_size", dt.datetime(2025, 1, 1)) == [
        ("as_of", "as_of must be a datetime.date (not a datetime)")
    ]
    for day in (dt.date(1899, 12, 31), dt.date(9999, 1, 1)):
        assert _problems("sme_size", day) == [
            ("as_of", f"as_of must be between 1900-01-01 and 9998-12-31, got {day}")
        ]
    for day in (dt.date(1900, 1, 1), dt.date(9998, 12, 31)):
        assert ev("sme_size", enterprise(), day).as_of == day
    assert _problems("tech_sme", foo=1) == [
        ("inputs.foo", "tech_sme takes no such input (accepted: none)")
    ]
    assert _problems("sme_size", foo=1, year=1989) == [
        ("inputs.foo", "sme_size takes no such input (accepted: year)"),
        ("inputs.year", "must be between 1990 and 2100, got 1989"),
    ]
    assert _problems("super_deduction", foo=1) == [
        (
            "inputs.foo",
            "super_deduction takes no such input (accepted: tax_year, ic_or_machine, cit_rate, "
            "q4_rd_expense, capitalised_cost, amortisation_years, negative_list_share)",
        )
    ]
    with pytest.raises(kejiservice.UnknownRule) as info:
        ev("nope", enterprise())
    assert str(info.value) == (
        "unknown rule 'nope'; known: hnte, tech_sme, super_deduction, sme_size, above_scale, "
        "innovative_sme"
    )


def test_staff_limit_proposal_links_tech_staff() -> None:
    doc = _figures(enterprise(), 2024, employees=600, tech_staff=550)
    c = ev("tech_sme", doc).criterion("tech_sme.staff_limit")
    assert [(p.input, p.target, p.linked, p.verified) for p in c.proposals] == [
        ("years[2024].employees", 500, {"years[2024].tech_staff": 500}, True)
    ]


def test_loader_meta_not_a_table_and_unknown_version_key(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    body = (
        'meta = 1\n\n[x.p]\nunit = "points"\n[[x.p.versions]]\neffective_from = 2020-01-01\n'
        'value = 1\nsource = "s"\ncolour = 1\n\n[x.s]\nunit = "size_table"\n[[x.s.versions]]\n'
        'effective_from = 2020-01-01\nsource = "s"\n'
        "value = {revenue_wan = [3, 2], assets_wan = [1, 2, 3]}\n"
    )
    (folder / "p.toml").write_text(body, encoding="utf-8")
    assert lint_layer(folder) == [
        "p.toml: meta: must be a table",
        "p.toml: x.p.versions[0].colour: unknown key",
        "p.toml: x.s.versions[0].value.revenue_wan: needs three numbers: "
        "[sme_upper, medium_min, small_min]",
        "p.toml: x.s.versions[0].value.assets_wan: expects sme_upper > medium_min > small_min >= 0",
    ]


def test_hnte_rd_ratio_without_any_year_keeps_its_source() -> None:
    doc = enterprise(registered_on="2025-01-01", years=[])
    c = ev("hnte", doc).criterion("hnte.rd_expense_ratio")
    assert (c.status, c.source, c.missing) == (
        Status.UNKNOWN,
        "国科发火〔2016〕32号 第十一条（五）",
        ("years[2024]",),
    )
