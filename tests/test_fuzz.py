"""Fuzzing the loaders: enterprise JSON (``load``), JSON Lines ledgers (``read_ledger``),
parameter packs (``load_layer``/``lint_layer``), local packs (``load_pack``) and the CLI.

Valid documents from ``kejiservice.testing`` are mutated field by field: wrong types,
huge numbers, NaN/Infinity (as floats and as strings), impossible dates, unicode
digits, very long strings, deep nesting, unknown and missing keys. The only exceptions
allowed out are ``InvalidInput`` (naming the JSON path) and the documented
``KejiserviceError`` subclasses (``ParameterError`` / ``PackError`` naming file and
key); a rejected ledger line never changes the result for the others; nothing takes
more than linear time.

The ``ci`` profile runs a moderate number of examples. The full fuzz run (100,000
generated documents per loader) is::

    HYPOTHESIS_PROFILE=fuzz uv run pytest tests/test_fuzz.py -p no:cacheprovider

Every bug found here is pinned with ``@example`` (see docs/explanation/quality.md).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from contextlib import redirect_stderr
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kejiservice
from kejiservice import Enterprise, InvalidInput, KejiserviceError, ParameterError
from kejiservice.cli import main
from kejiservice.io import read_ledger
from kejiservice.packs import PackError, load_pack
from kejiservice.params import lint_layer, load_layer
from kejiservice.testing import enterprises

AS_OF = dt.date(2025, 6, 30)
RULES = ("hnte", "tech_sme", "super_deduction", "sme_size", "above_scale", "innovative_sme")
FUZZ_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def _nest(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


NASTY_STRINGS = (
    "",
    " ",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999",
    "1E+999999999",
    "-0",
    "0x10",
    "1_000",
    "+5",
    ".5",
    "5.",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "２０２４",
    "2024-02-30",
    "2024-02-29",
    "0001-01-01",
    "9999-12-31",
    "2024-1-1",
    "20240101",
    "2024-01-01T00:00:00",
    "\x00",
    "\u202e",
    "😀",
    "𠮷",
    "C3911\n",
    "invention_patent ",
)

nasty = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=20),
    st.integers(1000, 200_000).map(lambda n: "9" * n),
    st.integers(1000, 200_000).map(lambda n: "长" * n),
    st.integers(1, 400).map(_nest),  # deeper nesting: test_deep_nesting (outside hypothesis)
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*prefix, index)))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[Any]) -> Any:
    """A valid document with 1-3 fields replaced, removed, or added."""
    doc = draw(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(("replace", "replace", "delete", "add", "duplicate")))
        if not path:
            if op == "replace":
                doc = draw(nasty)
            continue
        parent = _get(doc, path[:-1])
        key = path[-1]
        if op == "replace":
            parent[key] = draw(nasty)
        elif op == "delete":
            del parent[key]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(("colour", "extra", "years", "ｎａｍｅ", "")))] = draw(
                nasty
            )
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(parent[key], default=str)))
    return doc


enterprise_docs = enterprises(as_of=AS_OF)


def _check_invalid(exc: InvalidInput) -> None:
    assert exc.problems, "an InvalidInput lists its problems"
    for problem in exc.problems:
        assert problem.path.startswith("$"), problem
        assert problem.message
    assert exc.problems[0].path in str(exc)


# --------------------------------------------------------------------------- load


@settings(suppress_health_check=FUZZ_CHECKS)
@given(mutated(enterprise_docs))
@example({"name": "x", "registered_on": "9999-12-31", "industry": "C3911"})
@example({"name": "x", "registered_on": "2020-01-01", "industry": "C3911", "schema": ["a"]})
def test_load_raises_only_invalid_input(doc: Any) -> None:
    try:
        ent = kejiservice.load(Enterprise, doc)
    except InvalidInput as exc:
        _check_invalid(exc)
        return
    assert isinstance(ent, Enterprise)
    assert kejiservice.load(Enterprise, kejiservice.dump(ent)) == ent


@pytest.mark.parametrize(
    "field", ["years", "extra", "tags", "ip", "name", "achievements_transformed"]
)
def test_deep_nesting(field: str) -> None:
    """Nesting far beyond the recursion limit is refused with a path, never a crash."""
    deep = _nest(100_000)
    with pytest.raises(InvalidInput) as info:
        kejiservice.load(Enterprise, {**_FAR, field: deep})
    assert info.value.problems[0].path.startswith(f"$.{field}")
    text = "[" * 200_000 + "]" * 200_000
    (row,) = read_ledger([text])
    assert not row.ok
    assert row.describe_error().startswith("line 1: $: not valid JSON")


_EVAL_DAYS = (AS_OF, dt.date(2016, 1, 1), dt.date(2030, 12, 31))


@settings(suppress_health_check=FUZZ_CHECKS)
@given(mutated(enterprise_docs), st.sampled_from(_EVAL_DAYS))
def test_evaluate_raises_only_documented_errors(doc: Any, as_of: dt.date) -> None:
    for rule in RULES:
        try:
            verdict = kejiservice.evaluate(rule, doc, as_of)
        except InvalidInput as exc:
            _check_invalid(exc)
            return
        json.dumps(verdict.to_dict(), ensure_ascii=False)
        verdict.explain("en")


# Regressions: bugs the fuzzing found, fixed; each stays as a case.

_FAR = {"name": "x", "industry": "C3911", "registered_on": "2020-01-01"}


def test_bug_hnte_registration_near_date_max() -> None:
    doc = {**_FAR, "registered_on": "9999-12-31"}
    verdict = kejiservice.evaluate("hnte", doc, AS_OF)
    assert verdict.criterion("hnte.registered_one_year").status.value == "fail"


def test_bug_hnte_incident_near_date_max() -> None:
    doc = {**_FAR, "incidents": [{"kind": "major_safety", "on": "9998-12-31"}]}
    verdict = kejiservice.evaluate("hnte", doc, dt.date(9998, 12, 31))
    assert verdict.criterion("hnte.no_major_incident").status.value == "fail"


@pytest.mark.parametrize("rule", ["tech_sme", "innovative_sme"])
def test_bug_open_hnte_certificate_near_date_max(rule: str) -> None:
    doc = {**_FAR, "certifications": [{"kind": "hnte", "issued_on": "9999-12-31"}]}
    kejiservice.evaluate(rule, doc, AS_OF)


@pytest.mark.parametrize("rule", ["above_scale", "super_deduction"])
def test_bug_as_of_in_year_one(rule: str) -> None:
    with pytest.raises(InvalidInput, match="as_of"):
        kejiservice.evaluate(rule, _FAR, dt.date(1, 6, 30))


def test_bug_money_accepts_non_ascii_digits() -> None:
    doc = {**_FAR, "years": [{"year": 2024, "sales_revenue": "١٢٣"}]}
    with pytest.raises(InvalidInput, match=r"years\[0\].sales_revenue"):
        kejiservice.load(Enterprise, doc)


def test_bug_achievement_year_key_non_ascii_digits() -> None:
    with pytest.raises(InvalidInput, match="achievements_transformed"):
        kejiservice.load(Enterprise, {**_FAR, "achievements_transformed": {"２０２４": 3}})


@pytest.mark.parametrize(
    ("amount", "ok"),
    [
        ("1000000000000000", True),  # 10^15 yuan, the largest accepted
        ("1000000000000000.00000001", False),
        ("9999999999999999999999999999999999999", False),
        ("0.00000001", True),  # eight places
        ("0.000000001", False),
        ("1.000000000", True),  # nine places written, an exact value
    ],
)
def test_bug_money_beyond_exact_arithmetic_is_refused(amount: str, ok: bool) -> None:
    """Found by the 100,000-document CLI run: an R&D expense of a thousand digits passed
    load and crashed tech_sme's ratio formatting with decimal.InvalidOperation. Money is
    now at most 10^15 yuan with at most 8 decimal places (exact in 28 digits)."""
    doc = {**_FAR, "years": [{"year": 2024, "rd_expense": amount}]}
    if ok:
        assert kejiservice.load(Enterprise, doc).years[0].rd_expense == Decimal(amount)
    else:
        with pytest.raises(InvalidInput, match=r"years\[0\]\.rd_expense"):
            kejiservice.load(Enterprise, doc)


@pytest.mark.parametrize("rule", ["hnte", "tech_sme", "super_deduction", "innovative_sme"])
def test_bug_extreme_ratios_are_shown_not_raised(rule: str) -> None:
    """The largest figure over the smallest: ratios of 10^23 are formatted, not raised."""
    year = {
        "sales_revenue": "0.00000001",
        "total_income": "0.00000001",
        "non_taxable_income": "0",
        "high_tech_income": "1000000000000000",
        "rd_expense": "1000000000000000",
        "rd_expense_domestic": "1000000000000000",
        "employees": 1,
        "tech_staff": 1,
    }
    doc = {**_FAR, "registered_on": "2015-01-01"}
    doc["years"] = [{"year": y, **year} for y in (2022, 2023, 2024)]
    verdict = kejiservice.evaluate(rule, doc, AS_OF)
    shown = json.dumps(verdict.to_dict(), ensure_ascii=False)
    verdict.explain("zh")
    if rule == "hnte":
        assert "100000000000000000000000.000000" in shown  # rd / sales, six places


# --------------------------------------------------------------------------- ledgers

line_docs = st.one_of(
    enterprise_docs.map(lambda d: ("good", json.dumps(d, ensure_ascii=False))),
    mutated(enterprise_docs).map(lambda d: ("any", json.dumps(d, default=str))),
    st.text(max_size=40).map(lambda t: ("any", t.replace("\n", " "))),
    st.sampled_from(
        ("NaN", "[1, NaN]", '{"a": Infinity}', "[" * 100_000, "{" * 50_000, "null", "[]", "1e999")
    ).map(lambda t: ("any", t)),
)


@settings(suppress_health_check=FUZZ_CHECKS)
@given(st.lists(line_docs, max_size=8))
def test_ledger_rejects_lines_without_touching_the_others(lines: list[tuple[str, str]]) -> None:
    texts = [t for _, t in lines]
    result = list(read_ledger(texts))
    numbered = [(i + 1, t) for i, t in enumerate(texts) if t.strip()]
    assert [r.line for r in result] == [n for n, _ in numbered]
    for row, (_, text) in zip(result, numbered, strict=True):
        if row.ok:
            assert row.enterprise == kejiservice.load(Enterprise, json.loads(text))
        else:
            assert isinstance(row.error, InvalidInput)
            _check_invalid(row.error)
            assert row.describe_error().startswith(f"line {row.line}: $")
    # each good line reads alone exactly as within the ledger
    for (kind, text), row in zip([x for x in lines if x[1].strip()], result, strict=True):
        if kind == "good":
            assert row.ok
            (alone,) = read_ledger([text])
            assert alone.enterprise == row.enterprise


# --------------------------------------------------------------------------- parameter packs


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items())
            + "}"
        )
    if value is None:
        return '""'
    return json.dumps(str(value), ensure_ascii=False)


UNITS = (
    "ratio",
    "rate",
    "yuan",
    "wan_yuan",
    "days",
    "points",
    "bool",
    "text",
    "codes",
    "bands",
    "size_table",
    "date",
    "furlongs",
)
toml_nasty = st.one_of(
    nasty.filter(lambda v: not isinstance(v, list) or len(json.dumps(v)) < 2000),
    st.dates(),
    st.sampled_from((float("nan"), float("inf"), "nan", "inf", "abc", "1e999999999", "-0.0")),
)
band_rows = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "at_least": toml_nasty,
            "above": st.sampled_from(("0.1", "nan", "abc")),
            "points": st.integers(-2, 30),
            "points_min": toml_nasty,
            "points_max": st.integers(0, 30),
            "label": st.text(max_size=3),
        },
    ),
    max_size=4,
)


@st.composite
def parameter_pack(draw: st.DrawFn) -> str:
    lines = ["[meta]", f"layer = {_toml_value(draw(st.text(max_size=5)))}"]
    lines.append(
        f"region = {_toml_value(draw(st.sampled_from(('', '44', '4412', '441', 'ab', '441200'))))}"
    )
    for index in range(draw(st.integers(1, 3))):
        name = f"p.n{index}"
        unit = draw(st.sampled_from(UNITS))
        lines += [f"[{name}]", f'unit = "{unit}"']
        if draw(st.booleans()):
            lines.append(f'band_unit = "{draw(st.sampled_from(UNITS))}"')
        for _ in range(draw(st.integers(0, 3))):
            lines.append(f"[[{name}.versions]]")
            start = draw(st.one_of(st.dates(), toml_nasty))
            lines.append(f"effective_from = {_toml_value(start)}")
            if draw(st.booleans()):
                lines.append(
                    f"effective_to = {_toml_value(draw(st.one_of(st.dates(), toml_nasty)))}"
                )
            if unit == "bands" and draw(st.booleans()):
                value: Any = draw(band_rows)
            elif unit == "size_table" and draw(st.booleans()):
                value = {"employees": draw(st.lists(toml_nasty, max_size=4))}
            else:
                value = draw(toml_nasty)
            lines.append(f"value = {_toml_value(value)}")
            if draw(st.integers(0, 4)):
                lines.append(f"source = {_toml_value(draw(st.text(max_size=8)))}")
    return "\n".join(lines) + "\n"


_SCRATCH: dict[str, Path] = {}


def _pack_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """One scratch folder per test, reused by its examples (each writes the same file
    name, so a folder never holds another example's input). A fresh ``mktemp`` per
    example would list every earlier folder: quadratic over a 100,000-example run."""
    if name not in _SCRATCH:
        _SCRATCH[name] = tmp_path_factory.mktemp(name)
    return _SCRATCH[name]


_NAN_RATIO = (
    '[meta]\nlayer = "t"\n[p.n0]\nunit = "ratio"\n[[p.n0.versions]]\n'
    'effective_from = 2020-01-01\nvalue = nan\nsource = "s"\n'
)
_TEXT_RATIO = _NAN_RATIO.replace("value = nan", 'value = "abc"')
_TEXT_MONEY = _TEXT_RATIO.replace('unit = "ratio"', 'unit = "wan_yuan"')


@settings(suppress_health_check=[*FUZZ_CHECKS, HealthCheck.function_scoped_fixture])
@given(parameter_pack())
def test_parameter_pack_loader_raises_only_parameter_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    folder = _pack_dir(tmp_path_factory, "params")
    (folder / "p.toml").write_text(text, encoding="utf-8")
    problems = lint_layer(folder)
    for problem in problems:
        assert problem.startswith(("p.toml: ", str(folder))), problem
    try:
        load_layer(folder)
    except ParameterError as exc:
        assert "p.toml" in str(exc) or str(folder) in str(exc)
        assert problems
    else:
        assert not problems


@pytest.mark.parametrize("text", [_NAN_RATIO, _TEXT_RATIO, _TEXT_MONEY])
def test_bug_parameter_value_not_a_number(tmp_path: Path, text: str) -> None:
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    problems = lint_layer(tmp_path)
    assert problems
    assert all("p.n0.versions[0].value" in p for p in problems)


# --------------------------------------------------------------------------- local packs

_PACK = Path(__file__).resolve().parents[1] / "examples" / "packs" / "qingshan_new_hnte_award.toml"


@st.composite
def local_pack_text(draw: st.DrawFn) -> str:
    lines = _PACK.read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        op = draw(st.sampled_from(("value", "delete", "insert", "key")))
        if op == "value" and "=" in line:
            key = line.split("=", 1)[0]
            lines[index] = f"{key}= {_toml_value(draw(toml_nasty))}"
        elif op == "delete":
            del lines[index]
        elif op == "insert":
            lines.insert(
                index,
                f"{draw(st.sampled_from(('colour', 'test', 'amount', 'id')))} = "
                + _toml_value(draw(toml_nasty)),
            )
        elif "=" in line:
            lines[index] = draw(st.text(max_size=10)) + " =" + line.split("=", 1)[1]
    return "\n".join(lines) + "\n"


@settings(suppress_health_check=[*FUZZ_CHECKS, HealthCheck.function_scoped_fixture])
@given(local_pack_text())
def test_local_pack_loader_raises_only_pack_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = _pack_dir(tmp_path_factory, "localpack") / "pack.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_pack(path)
    except PackError as exc:
        assert exc.problems
        assert str(path) in str(exc)


@pytest.mark.parametrize("number", ["❶", "²", "١٢", "１０", "-❷", "1.²"])
def test_bug_pack_expression_with_non_ascii_digits(tmp_path: Path, number: str) -> None:
    """Found by the 100,000-document run: ``str.isdigit`` took ❶ for a digit and the
    number escaped as ``decimal.InvalidOperation``. Numbers are ASCII digits only."""
    text = _PACK.read_text(encoding="utf-8").replace(
        'test = "holds(hnte)"', f'test = "{number}"', 1
    )
    assert number in text
    path = tmp_path / "pack.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert str(path) in str(caught.value)
    assert "criteria[1].test" in str(caught.value)


def test_bug_parameter_layer_region_with_non_ascii_digits(tmp_path: Path) -> None:
    text = _NAN_RATIO.replace('layer = "t"', 'layer = "t"\nregion = "４４"').replace(
        "value = nan", 'value = "0.1"'
    )
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    problems = lint_layer(tmp_path)
    assert any("region" in p for p in problems), problems
    with pytest.raises(ParameterError, match="region"):
        load_layer(tmp_path)


def test_bug_pack_region_code_with_non_ascii_digits(tmp_path: Path) -> None:
    text = _PACK.read_text(encoding="utf-8").replace('region = "449900"', 'region = "４４９９００"')
    path = tmp_path / "pack.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError, match="region"):
        load_pack(path)


# --------------------------------------------------------------------------- CLI


@settings(suppress_health_check=[*FUZZ_CHECKS, HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        mutated(enterprise_docs).map(lambda d: json.dumps(d, default=str)),
        st.lists(mutated(enterprise_docs), max_size=3).map(lambda d: json.dumps(d, default=str)),
        st.text(max_size=30),
        st.sampled_from(("NaN", "[" * 100_000, "", "{}", "[]")),
    ),
    st.sampled_from(("validate", "evaluate")),
    st.sampled_from((".json", ".jsonl")),
)
def test_cli_exits_0_or_2(
    tmp_path_factory: pytest.TempPathFactory, text: str, command: str, suffix: str
) -> None:
    path = _pack_dir(tmp_path_factory, "cli") / f"input{suffix}"
    path.write_text(text, encoding="utf-8")
    args = [command, str(path)]
    if command == "evaluate":
        args += ["--rule", "tech_sme", "--as-of", "2025-06-30", "--json"]
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(args, out=io.StringIO())
    assert code in (0, 2)
    if code == 2:
        assert err.getvalue().startswith(("invalid input:", "error:"))


def test_decimal_inputs_are_never_floats() -> None:
    with pytest.raises(InvalidInput, match=r"inputs\.cit_rate"):
        kejiservice.evaluate("super_deduction", _FAR, AS_OF, cit_rate=0.25)
    with pytest.raises(InvalidInput, match=r"inputs\.cit_rate"):
        kejiservice.evaluate("super_deduction", _FAR, AS_OF, cit_rate="NaN")
    kejiservice.evaluate("super_deduction", _FAR, AS_OF, cit_rate=Decimal("0.25"))
    with pytest.raises((InvalidInput, KejiserviceError)):
        kejiservice.evaluate("nope", _FAR, AS_OF)
