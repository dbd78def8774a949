"""The pack language and loader: operators and units, Kleene logic, malformed packs refused
with their line and reason, lint, explanations and the ``packs`` command line."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kejiservice
from kejiservice import packs
from kejiservice.packs._facts import fact_names, resolve
from kejiservice.packs._lang import (
    Compare,
    ExprError,
    Lit,
    Scope,
    Type,
    check,
    parse,
    region_prefix,
    unparse,
)
from kejiservice.rules import RULES, Outcome, Status

from .conftest import REPO
from .test_packs import write_pack

EXAMPLES = REPO / "examples" / "packs"
SCOPE = Scope(rules=frozenset(RULES), inputs={"panel": Type.POINTS}, has_score=True)


def checked(text: str) -> Any:
    return check(parse(text), resolve, fact_names(), SCOPE)


# --------------------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [
        ("rd_intensity >= 3%", ">=", Decimal("0.03")),
        ("rd_intensity 不低于 3%", ">=", Decimal("0.03")),
        ("rd_intensity 3%以上", ">=", Decimal("0.03")),
        ("rd_intensity 3%及以上", ">=", Decimal("0.03")),
        ("rd_intensity 3%（含）以上", ">=", Decimal("0.03")),
        ("rd_intensity 3%以上（不含）", ">", Decimal("0.03")),
        ("rd_intensity 3%以上(不含)", ">", Decimal("0.03")),
        ("rd_intensity 超过 3%", ">", Decimal("0.03")),
        ("rd_intensity 高于 3%", ">", Decimal("0.03")),
        ("sales_revenue 2亿元以下", "<=", Decimal(200_000_000)),
        ("sales_revenue 不超过 1.5亿", "<=", Decimal(150_000_000)),
        ("sales_revenue 5000万以内", "<=", Decimal(50_000_000)),
        ("sales_revenue 不满 500元", "<", Decimal(500)),
        ("sales_revenue 低于 2000万元", "<", Decimal(20_000_000)),
        ("sales_revenue 2000万元以下（不含）", "<", Decimal(20_000_000)),
        ("employees ≤ 500人", "<=", 500),
        ("days_since_registration >= 365天", ">=", 365),
        ("years_since_registration 3年以上", ">=", 3),
        ("3% <= rd_intensity", ">=", Decimal("0.03")),
        ("500 >= ip_count", "<=", 500),
    ],
)
def test_operator_words_and_units(text: str, op: str, value: Any) -> None:
    node = checked(text)
    assert isinstance(node, Compare)
    assert node.op == op
    assert isinstance(node.right, Lit)
    assert node.right.value == value
    assert type(node.right.value) is type(value)


def test_precedence_and_logic_words() -> None:
    node = checked("holds(hnte) or holds(tech_sme) and not has_tag(x)")
    assert unparse(node) == "holds(hnte) or (holds(tech_sme) and not has_tag(x))"
    node = checked("（holds(hnte) 或 holds(tech_sme)）且 非 has_tag(x)")
    assert unparse(node) == "(holds(hnte) or holds(tech_sme)) and not has_tag(x)"


@pytest.mark.parametrize(
    ("text", "reason", "column"),
    [
        ("rd_intensty >= 3%", "unknown fact 'rd_intensty' (did you mean 'rd_intensity'?)", 1),
        ("rd_expense >= 3%", "unit mismatch: cannot compare money with ratio", 15),
        ("rd_intensity >= 2000万", "unit mismatch: cannot compare ratio with money", 17),
        ("rd_expense >= 2000", "write money with its unit", 15),
        ("rd_intensity 大约 3%", "unknown operator word '大约'", 14),
        ("rd_intensity = 3%", "'=' is not an operator", 14),
        ("holds(hnte, tech_sme)", "holds: expects (cert), got 2 argument(s)", 13),
        ("holds(hnt)", "unknown certification 'hnt'", 7),
        ("eligible(tech_smee)", "unknown rule 'tech_smee'", 10),
        ("rd_expense(last_yaer) > 0元", "a year is last_year, year_before or a year", 12),
        ("industry_in(Z9)", "'Z9'", 13),
        ("rd_intensity", "a test must be true or false", 1),
        ("3% < rd_intensity < 5%", "comparisons do not chain", 19),
        ("holds(hnte) and", "expected a fact or a value", 16),
        ("(holds(hnte)", "expected ')'", 13),
        ("employees >= 1.5人", "a number of persons is a whole number", 14),
        ("sales_revenue >= 0.001元", "money is in whole fen", 18),
        ("holds(hnte) >= 1件", "unit mismatch", 16),
        ("holds(hnte) and rd_intensity", "'and' joins conditions", 17),
        ("tech_field == 'robots'", "unknown tech field 'robots'", 15),
        ("input(expert)", "'expert' is not an input this pack declares", 7),
        ("", "the test is empty", 1),
    ],
)
def test_malformed_tests_name_column_and_reason(text: str, reason: str, column: int) -> None:
    with pytest.raises(ExprError) as info:
        checked(text)
    assert reason in info.value.message
    assert info.value.column == column


def test_region_prefix() -> None:
    assert region_prefix("449900") == "4499"
    assert region_prefix("440000") == "44"
    assert region_prefix("449901") == "449901"
    assert region_prefix("110100") == "1101"


# --------------------------------------------------------------------------- Kleene logic

KLEENE_PACK = """
[[criteria]]
code = "c"
test = "{test}"
message_zh = "x {{missing}}"
message_en = "x {{missing}}"
[award]
kind = "fixed"
amount = "1元"
"""


@pytest.mark.parametrize(
    ("test", "status", "missing"),
    [
        ("resident and holds(hnte)", Status.FAIL, ()),  # false wins over unknown
        ("resident or holds(hnte)", Status.UNKNOWN, ("resident",)),
        ("resident or not holds(hnte)", Status.PASS, ()),  # true wins over unknown
        ("not resident", Status.UNKNOWN, ("resident",)),
        ("resident and core_ip_owned", Status.UNKNOWN, ("resident", "core_ip_owned")),
        (
            "rd_intensity(2025) >= 3% or holds(hnte)",
            Status.UNKNOWN,
            ("years[2025].rd_expense", "years[2025].sales_revenue"),
        ),
    ],
)
def test_three_valued_logic(
    tmp_path: Path, test: str, status: Status, missing: tuple[str, ...]
) -> None:
    pack = packs.load_pack(
        write_pack(tmp_path, "k.toml", KLEENE_PACK.format(test=test), id='"kleene"')
    )
    spec = packs.compile_pack(pack)
    from kejiservice.params import national
    from kejiservice.rules._core import Ctx

    ent = kejiservice.load(
        kejiservice.Enterprise,
        {"name": "x", "registered_on": "2010-01-01", "industry": "C3911", "region": "440300"},
    )
    verdict = spec.run(Ctx(ent, dt.date(2026, 6, 30), national(), {}))
    criterion = verdict.criterion("kleene.c")
    assert criterion.status is status
    assert criterion.missing == missing
    if status is Status.UNKNOWN:
        assert verdict.status is Outcome.UNDETERMINED
        assert "待定" in criterion.message.zh


# --------------------------------------------------------------------------- loading

VALID_TESTS = [
    "rd_intensity(last_year) >= 3%",
    "employees(last_year) 不超过 500人",
    "holds(hnte) or holds(tech_sme)",
    "sales_revenue(2025) 2亿元以下",
    "years_since_registration >= 2年",
    "not listed(serious_dishonest)",
    "ip_count >= 1件 and has_tag(key_cultivation)",
]
MUTATIONS = {
    "unknown fact": ("rd_intensty(last_year) >= 3%", "unknown fact 'rd_intensty'"),
    "unit mismatch": ("rd_expense(last_year) >= 3%", "unit mismatch"),
    "bad inclusivity word": ("rd_intensity(last_year) 大约 3%", "unknown operator word"),
    "money without unit": ("sales_revenue(last_year) <= 5000", "write money with its unit"),
}


def _pack_text(tests: list[str], comments: list[int]) -> str:
    lines = [
        'id = "generated"',
        'region = "449900"',
        'name_zh = "生成"',
        'name_en = "generated"',
        "effective_from = 2026-01-01",
        "effective_to = 2026-12-31",
        'source = "测试"',
        'version = "1"',
    ]
    for index, test in enumerate(tests):
        lines.extend(["# a comment line"] * comments[index])
        lines.extend(
            [
                "",
                "[[criteria]]",
                f'code = "c{index}"',
                f'message_zh = "条件{index}"',
                f"test = '{test}'",
                f'message_en = "condition {index}"',
            ]
        )
    lines.extend(["", "[award]", 'kind = "fixed"', 'amount = "10万元"'])
    return "\n".join(lines) + "\n"


@given(
    tests=st.lists(st.sampled_from(VALID_TESTS), min_size=1, max_size=6),
    data=st.data(),
)
def test_malformed_pack_is_refused_with_line_and_reason(tests: list[str], data: Any) -> None:
    import tempfile

    index = data.draw(st.integers(0, len(tests) - 1))
    kind = data.draw(st.sampled_from(sorted(MUTATIONS)))
    bad, reason = MUTATIONS[kind]
    comments = data.draw(st.lists(st.integers(0, 3), min_size=len(tests), max_size=len(tests)))
    mutated = [*tests]
    mutated[index] = bad
    text = _pack_text(mutated, comments)
    expected_line = text.splitlines().index(f"test = '{bad}'") + 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(packs.PackError) as info:
            packs.load_pack(path)
    (problem,) = info.value.problems
    assert problem.line == expected_line
    assert problem.where == f"criteria[{index}].test"
    assert reason in problem.message
    assert problem.column is not None
    assert f"p.toml:{expected_line}:{problem.column}" in str(info.value)


@given(
    first=st.tuples(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)), st.integers(0, 700)),
    second=st.tuples(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)), st.integers(0, 700)),
)
def test_overlapping_windows_are_refused(
    first: tuple[dt.date, int], second: tuple[dt.date, int]
) -> None:
    import tempfile

    windows = [(start, start + dt.timedelta(days=length)) for start, length in (first, second)]
    (a_start, a_end), (b_start, b_end) = sorted(windows)
    overlap = b_start <= a_end
    body = (
        '[[criteria]]\ncode = "a"\ntest = "holds(hnte)"\nmessage_zh = "a"\nmessage_en = "a"\n'
        '[award]\nkind = "fixed"\namount = "1万元"\n'
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_pack(
            folder,
            "a.toml",
            body,
            id='"dated"',
            effective_from=a_start.isoformat(),
            effective_to=a_end.isoformat(),
            version='"a"',
        )
        write_pack(
            folder,
            "b.toml",
            body,
            id='"dated"',
            effective_from=b_start.isoformat(),
            effective_to=b_end.isoformat(),
            version='"b"',
        )
        if not overlap:
            assert len(packs.load_packs(folder)) == 2
            return
        with pytest.raises(packs.PackError) as info:
            packs.load_packs(folder)
    (problem,) = info.value.problems
    assert "overlaps" in problem.message
    assert problem.where == "effective_from"
    assert problem.line == 5  # the effective_from line of the later version


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        ({"region": '"4499"'}, "region", "6-digit administrative code"),
        ({"id": '"Bad-Id"'}, "id", "lower_snake_case"),
        ({"id": '"hnte"'}, "id", "national rule id"),
        ({"effective_to": "2024-12-31"}, "effective_to", "ends before it starts"),
        ({"version": "2026"}, "version", "as a string"),
        ({"colour": '"red"'}, "colour", "unknown key"),
        ({"reference_period": '"next_year"'}, "reference_period", "last_year"),
        ({"name_en": None}, "name_en", "missing"),
    ],
)
def test_header_problems(tmp_path: Path, change: dict[str, Any], where: str, reason: str) -> None:
    body = (
        '[[criteria]]\ncode = "a"\ntest = "holds(hnte)"\nmessage_zh = "a"\nmessage_en = "a"\n'
        '[award]\nkind = "fixed"\namount = "1万元"\n'
    )
    path = write_pack(tmp_path, "h.toml", body, **change)
    with pytest.raises(packs.PackError) as info:
        packs.load_pack(path)
    found = [p for p in info.value.problems if p.where == where]
    assert found, info.value
    assert reason in found[0].message
    if change.get(where) is not None:
        line = found[0].line
        assert line is not None
        assert path.read_text("utf-8").splitlines()[line - 1].startswith(where)


@pytest.mark.parametrize(
    ("award", "where", "reason"),
    [
        ('kind = "fixed"\namount = 100000', "award.amount", "with its unit as a string"),
        ('kind = "fixed"\namount = "10%"', "award.amount", "expected money"),
        ('kind = "rate"\nrate = "10万元"\nbase = "rd_increase"', "award.rate", "expected ratio"),
        ('kind = "rate"\nrate = "10%"\nbase = "rd_intensity"', "award.base", "expected a money"),
        ('kind = "rate"\nrate = "10%"', "award.base", "needs rate and base"),
        ('kind = "lump"', "award.kind", "one of fixed, rate, tiers"),
        ('kind = "tiers"\ntiers = [{test = "holds(hnte)"}]', "award.tiers[0]", "either amount"),
        (
            'kind = "tiers"\ntiers = [{test = "holds(hnte)", rate = "5%"}]',
            "award.tiers[0].rate",
            "needs the award's base",
        ),
        (
            'kind = "fixed"\namount = "1万元"\nfloor = "2万元"\ncap = "1万元"',
            "award.floor",
            "floor is above cap",
        ),
        ('kind = "fixed"\namount = "1万元"\npool = "-1万元"', "award.pool", "negative"),
    ],
)
def test_award_problems(tmp_path: Path, award: str, where: str, reason: str) -> None:
    body = (
        '[[criteria]]\ncode = "a"\ntest = "holds(hnte)"\nmessage_zh = "a"\nmessage_en = "a"\n'
        f"[award]\n{award}\n"
    )
    path = write_pack(tmp_path, "w.toml", body)
    with pytest.raises(packs.PackError) as info:
        packs.load_pack(path)
    found = [p for p in info.value.problems if p.where == where]
    assert found, info.value
    assert reason in found[0].message


def test_message_placeholders_are_checked(tmp_path: Path) -> None:
    body = (
        '[[criteria]]\ncode = "a"\ntest = "holds(hnte)"\nmessage_zh = "{actual} {oops}"\n'
        'message_en = "{actual}"\n[[criteria]]\ncode = "a"\ntest = "holds(hnte)"\n'
        'message_zh = "a"\nmessage_en = "a"\n[award]\nkind = "fixed"\namount = "1万元"\n'
    )
    with pytest.raises(packs.PackError) as info:
        packs.load_pack(write_pack(tmp_path, "m.toml", body))
    text = str(info.value)
    assert "unknown placeholder {oops}" in text
    assert "placeholders differ" in text
    assert "code 'a' is used twice" in text


def test_toml_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('id = "x"\nregion = \n', encoding="utf-8")
    with pytest.raises(packs.PackError) as info:
        packs.load_pack(path)
    assert info.value.problems[0].line == 2


def test_reference_loop_is_refused(tmp_path: Path) -> None:
    body = (
        '[[criteria]]\ncode = "a"\ntest = "eligible({other})"\nmessage_zh = "a"\n'
        'message_en = "a"\n[award]\nkind = "fixed"\namount = "1万元"\n'
    )
    write_pack(tmp_path, "a.toml", body.format(other="loop_b"), id='"loop_a"')
    write_pack(tmp_path, "b.toml", body.format(other="loop_a"), id='"loop_b"')
    with pytest.raises(packs.PackError, match="references loop"):
        packs.load_packs(tmp_path)
    alone = tmp_path / "alone"
    alone.mkdir()
    with pytest.raises(packs.PackError, match="own verdict"):
        packs.load_pack(write_pack(alone, "c.toml", body.format(other="self_ref"), id='"self_ref"'))


def test_packs_can_depend_on_each_other(tmp_path: Path) -> None:
    base = (
        '[[criteria]]\ncode = "a"\ntest = "holds(hnte)"\nmessage_zh = "a"\nmessage_en = "a"\n'
        '[award]\nkind = "fixed"\namount = "1万元"\n'
    )
    top = (
        '[[criteria]]\ncode = "b"\ntest = "eligible(dep_base) and ip_count >= 1件"\n'
        'message_zh = "b"\nmessage_en = "b"\n[award]\nkind = "fixed"\namount = "2万元"\n'
    )
    write_pack(tmp_path, "a.toml", base, id='"dep_base"')
    write_pack(tmp_path, "b.toml", top, id='"dep_top"')
    loaded = packs.load_packs(tmp_path)
    try:
        packs.register_packs(loaded)
        doc = {
            "name": "x",
            "registered_on": "2010-01-01",
            "industry": "C3911",
            "region": "440300",
            "ip": [{"kind": "utility_model", "granted_on": "2020-01-01"}],
            "certifications": [
                {"kind": "hnte", "issued_on": "2024-01-01", "expires_on": "2026-12-31"}
            ],
        }
        verdict = kejiservice.evaluate("dep_top", doc, dt.date(2026, 1, 1))
        assert verdict.status is Outcome.ELIGIBLE
        doc["certifications"] = []
        verdict = kejiservice.evaluate("dep_top", doc, dt.date(2026, 1, 1))
        assert verdict.failed == ("dep_top.b",)
    finally:
        for pack in loaded:
            packs.unregister_pack(pack.id)


# --------------------------------------------------------------------------- lint


def test_lint_flags_unreachable(tmp_path: Path) -> None:
    body = """
[[criteria]]
code = "both"
test = "rd_intensity(last_year) >= 5% and rd_intensity(last_year) < 3%"
message_zh = "a"
message_en = "a"

[[criteria]]
code = "one"
test = "employees(last_year) > 500人"
message_zh = "a"
message_en = "a"

[[criteria]]
code = "two"
test = "employees(last_year) <= 500人 or holds(hnte)"
message_zh = "a"
message_en = "a"

[[criteria]]
code = "three"
test = "employees(last_year) < 501人"
message_zh = "a"
message_en = "a"

[award]
kind = "tiers"
tiers = [
  { test = "ip_count >= 1件", amount = "1万元" },
  { test = "ip_count >= 3件", amount = "3万元" },
  { test = "employees(last_year) < 400人", amount = "2万元" },
]
"""
    path = write_pack(tmp_path, "u.toml", body)
    problems = packs.lint_packs(tmp_path)
    lines = path.read_text("utf-8").splitlines()
    assert len(problems) == 4, problems

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if text in line)

    assert problems[0].startswith(f"{path}:{line_of('>= 5% and')}: criteria[0].test: unreachable")
    assert problems[1].startswith(f"{path}:{line_of('< 501人')}: criteria[3].test")
    assert "can never be eligible" in problems[1]
    assert problems[2].startswith(f"{path}:{line_of('>= 3件')}: award.tiers[1].test")
    assert "tier 1 already matches" in problems[2]
    assert problems[3].startswith(f"{path}:{line_of('< 400人')}: award.tiers[2].test")
    # load does not refuse what only lint flags
    assert packs.load_pack(path).id == "test_pack"


def test_lint_a_missing_folder() -> None:
    assert packs.lint_packs("/nonexistent/packs") == ["/nonexistent/packs: not a directory"]


# --------------------------------------------------------------------------- explain


def test_explain_pack_in_both_languages() -> None:
    pack = packs.load_pack(EXAMPLES / "qingshan_rd_post_subsidy.toml")
    zh = packs.explain_pack(pack, "zh")
    assert "上一年度研究开发费用占销售收入的比例不低于3%" in zh
    assert "上一年度研究开发费用增加额高于0元" in zh
    assert "最高 100万元" in zh
    assert "资金池 40万元" in zh
    assert "2026-01-01 至 2026-12-31" in zh
    en = packs.explain_pack(pack, "en")
    assert "R&D intensity (last year) at least 3%" in en
    assert "at most 1,000,000 yuan" in en
    demo = packs.explain_pack(packs.load_pack(EXAMPLES / "qingshan_demo_project_fund.toml"))
    assert "评分合计不低于85分 → 100万元" in demo
    assert "制造业 (C)" in demo


# --------------------------------------------------------------------------- CLI


def _run(*argv: str) -> tuple[int, str]:
    from kejiservice.packs._cli import add_packs_parser

    parser = argparse.ArgumentParser(prog="kejiservice")
    add_packs_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out = io.StringIO()
    code = args.run(args, out)
    return code, out.getvalue()


def test_cli_lint(tmp_path: Path) -> None:
    code, out = _run("packs", "lint", str(EXAMPLES))
    assert code == 0
    assert out.startswith("ok:")
    (tmp_path / "bad.toml").write_text('id = "x"\n', encoding="utf-8")
    code, out = _run("packs", "lint", str(tmp_path))
    assert code == 2
    assert "bad.toml:" in out
    assert "problem(s)" in out


def test_cli_explain() -> None:
    code, out = _run(
        "packs", "explain", str(EXAMPLES / "qingshan_tech_sme_bonus.toml"), "--lang", "en"
    )
    assert code == 0
    assert "tech-staff ratio (last year) at least 10%" in out


def test_cli_evaluate_json_and_table(tmp_path: Path) -> None:
    cases = json.loads((EXAMPLES / "vectors" / "qingshan_rd_post_subsidy.json").read_text("utf-8"))
    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps([c["enterprise"] for c in cases[:3]]), encoding="utf-8")
    pack = str(EXAMPLES / "qingshan_rd_post_subsidy.toml")
    code, out = _run("packs", "evaluate", pack, str(ledger), "--as-of", "2026-06-30", "--json")
    assert code == 0
    doc = json.loads(out)
    assert [v["status"] for v in doc["verdicts"]] == ["eligible", "ineligible", "eligible"]
    # 30万 + 100万 requested from a 40万 pool: scaled by 0.307692...
    assert doc["pool"]["requested"] == "1300000.00"
    assert Decimal(doc["pool"]["granted"]) <= Decimal(400_000)
    assert [a["granted"] for a in doc["allocations"]] == ["92307.69", "0.00", "307692.30"]
    code, out = _run(
        "packs", "evaluate", pack, str(ledger), "--as-of", "2026-06-30", "--explain", "--lang", "en"
    )
    assert code == 0
    assert "92307.69" in out
    assert "award: 300000.00 yuan" in out
    # the pack is not left registered
    assert "qingshan_rd_post_subsidy" not in {s.id for s in kejiservice.rules.local_rules()}
