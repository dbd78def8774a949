"""The fast HNTE kernel (``hnte.decide``) against the full evaluation (``hnte.evaluate``).

The kernel decides status, failed, missing and score from the numbers; the criteria and
the parameters used come from the full evaluation when read. These tests hold the two
equal on generated enterprises: complete ones placed on and next to every HNTE
threshold, ones with figures and whole years missing, with expert scores given or not,
on days before and after the rule came into force, under a regional overlay.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kejiservice
from kejiservice.errors import KejiserviceError, ParameterError
from kejiservice.models import Enterprise, YearFigures
from kejiservice.params import Band, ParameterSet, load_layer, national
from kejiservice.rules import hnte
from kejiservice.rules._core import Ctx, Deferred, Outcome, band_for
from kejiservice.sample import ledger
from kejiservice.testing import THRESHOLDS, enterprises

from . import builders
from .strategies import enterprise_doc

AS_OF = dt.date(2026, 6, 30)
HNTE_THRESHOLDS = sorted(n for n in THRESHOLDS if n.startswith("hnte."))
DECISION = ("rule", "rule_version", "as_of", "status", "failed", "missing", "score")
DECISION += ("score_min", "score_max", "path", "notes", "enterprise_id")
FIGURES = [a.name for a in attrs.fields(YearFigures) if a.name != "year"]
SCORE_INPUTS = st.fixed_dictionaries(
    {},
    optional={
        "innovation_score": st.integers(0, 100),
        "ip_score": st.integers(0, 30),
        "transformation_score": st.integers(0, 30),
        "organisation_score": st.integers(0, 20),
        "growth_score": st.integers(0, 20),
    },
)


def _overlay(tmp: Path) -> ParameterSet:
    """National plus a Guangdong layer with other HNTE thresholds and a two-year window."""
    (tmp / "hnte.toml").write_text(
        textwrap.dedent(
            """
            [meta]
            layer = "guangdong-test"
            region = "44"

            [hnte.tech_staff_ratio_min]
            unit = "ratio"
            [[hnte.tech_staff_ratio_min.versions]]
            effective_from = 2016-01-01
            value = "0.125"
            source = "test overlay"

            [hnte.rd_years]
            unit = "years"
            [[hnte.rd_years.versions]]
            effective_from = 2016-01-01
            value = 2
            source = "test overlay"

            [hnte.rd_band2_ratio_min]
            unit = "ratio"
            [[hnte.rd_band2_ratio_min.versions]]
            effective_from = 2016-01-01
            value = "0.0333"
            source = "test overlay"

            [hnte.innovation_score_pass]
            unit = "points"
            [[hnte.innovation_score_pass.versions]]
            effective_from = 2016-01-01
            value = 60
            source = "test overlay"
            """
        ),
        encoding="utf-8",
    )
    return national().with_layer(load_layer(tmp))


_PARAMS: dict[str, ParameterSet] = {}


def _params(kind: str, tmp_path_factory: pytest.TempPathFactory) -> ParameterSet:
    if kind not in _PARAMS:
        _PARAMS[kind] = (
            national() if kind == "national" else _overlay(tmp_path_factory.mktemp("overlay"))
        )
    return _PARAMS[kind]


@st.composite
def holes(draw: st.DrawFn, ent: Enterprise) -> Enterprise:
    """``ent`` with some figures unknown and some accounting years dropped."""
    rows = []
    for row in ent.years:
        if draw(st.integers(0, 9)) == 0:
            continue
        gone = draw(st.lists(st.sampled_from(FIGURES), max_size=3, unique=True))
        rows.append(attrs.evolve(row, **dict.fromkeys(gone)))
    changes: dict[str, Any] = {"years": tuple(rows)}
    if draw(st.integers(0, 4)) == 0:
        changes["core_ip_owned"] = None
    if draw(st.integers(0, 4)) == 0:
        changes["tech_field"] = None
    return attrs.evolve(ent, **changes)


def _documents(as_of: dt.date) -> st.SearchStrategy[dict[str, Any]]:
    on_one = st.sampled_from(HNTE_THRESHOLDS).flatmap(
        lambda name: st.one_of(
            enterprises(as_of=as_of, exactly_at=name),
            enterprises(as_of=as_of, near=name, spread=2),
        )
    )
    on_several = enterprises(
        as_of=as_of,
        exactly_at=["hnte.tech_staff_ratio", "hnte.rd_expense_ratio"],
        near=["hnte.high_tech_income_share", "hnte.registered_one_year"],
    )
    return st.one_of(enterprise_doc(), on_one, on_several)


_SAMPLE_DOC: dict[str, Any] = json.loads(json.dumps(kejiservice.dump(ledger()[0])))


def assert_same(
    params: ParameterSet, ent: Enterprise, day: dt.date, inputs: dict[str, Any]
) -> None:
    """The kernel's verdict equals the full evaluation's in every field and in JSON."""
    full = hnte.evaluate(Ctx(ent, day, params, inputs))
    fast = hnte.decide(ent, day, params, inputs)
    if fast is None:
        assert full.status is Outcome.NOT_APPLICABLE
        return
    assert isinstance(fast.pending_criteria, Deferred)
    for name in DECISION:
        assert getattr(fast, name) == getattr(full, name), name
    assert fast == full
    assert fast.to_dict() == full.to_dict()


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    kind=st.sampled_from(["national", "overlay"]),
    inputs=SCORE_INPUTS,
    shift=st.integers(-400, 400),
)
def test_kernel_equals_full_evaluation(
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
    kind: str,
    inputs: dict[str, Any],
    shift: int,
) -> None:
    params = _params(kind, tmp_path_factory)
    doc = data.draw(_documents(AS_OF))
    if kind == "overlay":
        doc["region"] = "441200"
    ent = kejiservice.load(Enterprise, doc)
    if data.draw(st.booleans()):
        ent = data.draw(holes(ent))
    # mostly on the day the figures were placed for; sometimes days or a year away
    day = AS_OF if data.draw(st.booleans()) else AS_OF + dt.timedelta(days=shift)
    assert_same(params, ent, day, inputs)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(doc=enterprise_doc(), day=st.dates(dt.date(2014, 1, 1), dt.date(2027, 12, 31)))
@example(doc=_SAMPLE_DOC, day=dt.date(2015, 12, 31))  # the day before the rule's first version
@example(doc=_SAMPLE_DOC, day=dt.date(2016, 1, 1))
def test_kernel_equals_full_evaluation_on_any_day(doc: dict[str, Any], day: dt.date) -> None:
    assert_same(national(), kejiservice.load(Enterprise, doc), day, {})


def test_the_sample_city_decides_the_same_both_ways() -> None:
    for ent in ledger():
        assert_same(national(), ent, AS_OF, {})
        assert_same(national(), ent, AS_OF, {"innovation_score": 71})


def test_public_entry_points_use_the_kernel_and_explain_when_read() -> None:
    ents = ledger()[:40]
    verdicts = list(kejiservice.evaluate_many("hnte", ents, AS_OF))
    assert all(isinstance(v.pending_criteria, Deferred) for v in verdicts)
    one = kejiservice.evaluate("hnte", ents[0], AS_OF)
    assert isinstance(one.pending_criteria, Deferred)
    assert isinstance(
        kejiservice.evaluate_all(ents[0], AS_OF).verdicts["hnte"].pending_params, Deferred
    )
    for ent, verdict in zip(ents, verdicts, strict=True):
        full = hnte.evaluate(Ctx(ent, AS_OF, national(), {}))
        assert [c.code for c in verdict.criteria] == list(hnte.CODES)
        assert not isinstance(verdict.pending_criteria, Deferred)  # kept once read
        assert verdict.params == full.params
        assert verdict.to_dict() == full.to_dict()
        assert hash(verdict) == hash(full)
        assert repr(verdict) == repr(full)


def test_a_disagreeing_kernel_is_reported_not_hidden() -> None:
    ent = ledger()[0]
    full = hnte.evaluate(Ctx(ent, AS_OF, national(), {}))
    flipped = Outcome.ELIGIBLE if full.status is not Outcome.ELIGIBLE else Outcome.INELIGIBLE
    deferred = Deferred(lambda: full)
    wrong = attrs.evolve(full, status=flipped, criteria=deferred, params=deferred)
    with pytest.raises(KejiserviceError, match=r"disagree on status .* please report it$"):
        _ = wrong.criteria
    right = attrs.evolve(full, criteria=Deferred(lambda: full), params=())
    assert right.criteria == full.criteria


def test_before_the_rule_is_in_force_the_full_path_answers() -> None:
    ent = ledger()[0]
    day = dt.date(2015, 12, 31)
    assert hnte.decide(ent, day, national(), {}) is None
    verdict = kejiservice.evaluate("hnte", ent, day)
    assert verdict.status is Outcome.NOT_APPLICABLE
    assert not isinstance(verdict.pending_criteria, Deferred)


def test_a_parameter_missing_that_day_hands_over_to_the_full_path(tmp_path: Path) -> None:
    """A pack whose band-2 ratio has ended: the kernel steps aside; the full evaluation
    answers the firms that do not need it and names the parameter for those that do."""
    text = (Path(hnte.__file__).parent.parent / "params" / "national" / "hnte.toml").read_text(
        "utf-8"
    )
    marker = "[[hnte.rd_band2_ratio_min.versions]]\neffective_from = 2016-01-01\n"
    assert marker in text
    text = text.replace(marker, marker + "effective_to = 2020-12-31\n")
    (tmp_path / "hnte.toml").write_text(text, encoding="utf-8")
    params = ParameterSet([load_layer(tmp_path)])
    ents = ledger()
    assert hnte.decide(ents[0], AS_OF, params, {}) is None
    answered = refused = 0
    for ent in ents:
        try:
            verdict = kejiservice.evaluate("hnte", ent, AS_OF, params=params)
        except ParameterError as exc:
            assert "hnte.rd_band2_ratio_min" in str(exc)
            refused += 1
        else:
            assert not isinstance(verdict.pending_criteria, Deferred)
            answered += 1
    assert answered
    assert refused


def _boundary_cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    lookback = national().value("hnte.incident_lookback_days", builders.AS_OF)
    since = builders.AS_OF - dt.timedelta(days=lookback)
    last = builders.AS_OF.year - 1
    cases: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for day in (
        since - dt.timedelta(days=1),
        since,
        builders.AS_OF,
        builders.AS_OF + dt.timedelta(days=1),
    ):
        incident = {"kind": "major_safety", "on": day.isoformat()}
        cases.append((f"incident on {day}", builders.enterprise(incidents=[incident]), {}))
    for total, non_taxable in (("100", "100"), ("100", "99.99"), ("0", "0")):
        doc = builders.set_figure(builders.enterprise(), last, "total_income", total)
        doc = builders.set_figure(doc, last, "non_taxable_income", non_taxable)
        doc = builders.set_figure(doc, last, "high_tech_income", "0")
        cases.append((f"net income {total} - {non_taxable}", doc, {}))
    for staff, tech in ((0, 0), (10, 1), (11, 1)):
        doc = builders.set_figure(builders.enterprise(), last, "employees", staff)
        cases.append(
            (f"{tech} of {staff} staff", builders.set_figure(doc, last, "tech_staff", tech), {})
        )
    for score in (70, 71):
        cases.append((f"score {score}", builders.enterprise(), {"innovation_score": score}))
    parts = {"ip_score": 10, "transformation_score": 10, "organisation_score": 10}
    for growth in (10, 20):  # an exact score from the parts: 40 fails, 50 fails too
        doc = builders.set_figure(builders.enterprise(), last, "tech_staff", 0)
        cases.append(
            (f"exact score, tech staff failing ({growth})", doc, {**parts, "growth_score": growth})
        )
    for granted in (builders.AS_OF, builders.AS_OF + dt.timedelta(days=1)):
        ip = [{"kind": "invention_patent", "granted_on": granted.isoformat(), "core": True}]
        cases.append((f"only IP granted {granted}", builders.enterprise(ip=ip), {}))
    for year in (last, last - 1, last - 2):
        doc = builders.enterprise()
        for row in doc["years"]:
            if row["year"] == year:
                del row["sales_revenue"]
                row.pop("main_business_revenue", None)
        cases.append((f"no sales in {year}", doc, {}))
    for value in ("0.5", "0.99", "1", "0"):  # year-2 values between 0 and 1 still divide
        doc = builders.set_figure(builders.enterprise(), last - 1, "sales_revenue", value)
        doc = builders.set_figure(doc, last - 1, "total_assets", value)
        doc = builders.set_figure(doc, last - 1, "total_liabilities", "0")
        for key in ("main_business_revenue", "total_income", "high_tech_income"):
            doc = builders.set_figure(doc, last - 1, key, "0")
        doc = builders.set_figure(doc, last - 1, "non_taxable_income", "0")
        doc = builders.set_figure(doc, last - 1, "rd_expense", "0")
        doc = builders.set_figure(doc, last - 1, "rd_expense_domestic", "0")
        cases.append((f"year-2 figures of {value}", doc, {}))
    return cases


@pytest.mark.parametrize(
    ("doc", "inputs"), [pytest.param(d, i, id=label) for label, d, i in _boundary_cases()]
)
def test_kernel_at_the_edges(doc: dict[str, Any], inputs: dict[str, Any]) -> None:
    assert_same(national(), kejiservice.load(Enterprise, doc), builders.AS_OF, inputs)


def test_repr_shows_every_field_by_its_constructor_name() -> None:
    verdict = kejiservice.evaluate("hnte", ledger()[0], AS_OF)
    shown = repr(verdict)
    assert shown.startswith("Verdict(rule='hnte', rule_version='2016', as_of=datetime.date(")
    assert ", criteria=(Criterion(code='hnte.registered_one_year'" in shown
    assert ", params=(ParamValue(name=" in shown
    assert shown.endswith(f"enterprise_id={verdict.enterprise_id!r})")


@given(
    bands=st.lists(
        st.tuples(
            st.sampled_from(["at_least", "above", "at_most", "below", None]),
            st.decimals(-5, 5, places=2),
            st.integers(0, 9),
            st.integers(0, 9),
        ),
        min_size=1,
        max_size=6,
    ),
    value=st.decimals(-6, 6, places=3),
)
def test_band_tables_read_like_band_for(
    bands: list[tuple[str | None, Any, int, int]], value: Any
) -> None:
    """The kernel's compiled tables answer as ``band_for`` does, with or without a
    catch-all row (no match: 0-0)."""
    table = tuple(
        Band(label=str(i), points_min=lo, points_max=lo + hi, op=op, bound=bound if op else None)
        for i, (op, bound, lo, hi) in enumerate(bands)
    )
    found = band_for(table, value)
    compiled = hnte._table(table)
    assert hnte._points(compiled, value) == (found.points_min, found.points_max)
    ladder = hnte._ladder(compiled)
    if ladder is not None:  # the bisection reads it as the walk does
        assert ladder.read(value) == (found.points_min, found.points_max)


@given(
    bounds=st.lists(st.decimals(-5, 5, places=2), min_size=1, max_size=6, unique=True),
    strict=st.lists(st.booleans(), min_size=6, max_size=6),
    catch_all=st.booleans(),
    offset=st.sampled_from(["0", "0.01", "-0.01", "0.001", "-0.001"]),
    pick=st.integers(0, 5),
)
def test_falling_ladders_read_like_band_for_on_and_next_to_every_bound(
    bounds: list[Any], strict: list[bool], catch_all: bool, offset: str, pick: int
) -> None:
    """Tables of the growth table's shape (at_least/above, falling bounds, a catch-all
    or not) are read by bisection, exactly as band_for reads them, at every bound."""
    ordered = sorted(bounds, reverse=True)
    table = [
        Band(
            label=str(i),
            points_min=i,
            points_max=i + 1,
            op="above" if strict[i] else "at_least",
            bound=bound,
        )
        for i, bound in enumerate(ordered)
    ]
    if catch_all:
        table.append(Band(label="-", points_min=0, points_max=9, op=None, bound=None))
    ladder = hnte._ladder(hnte._table(tuple(table)))
    assert ladder is not None
    value = ordered[pick % len(ordered)] + Decimal(offset)
    found = band_for(tuple(table), value)
    assert ladder.read(value) == (found.points_min, found.points_max)


def test_other_table_shapes_are_walked() -> None:
    def band(op: str | None, bound: str | None) -> Band:
        return Band(
            label="x",
            points_min=1,
            points_max=2,
            op=op,
            bound=None if bound is None else Decimal(bound),
        )

    for shape in (
        [band("at_most", "1"), band(None, None)],  # not at_least/above
        [band("at_least", "1"), band("at_least", "2")],  # rising
        [band("at_least", "1"), band("above", "1")],  # not strictly falling
        [band(None, None), band("at_least", "1")],  # a catch-all before the end
    ):
        assert hnte._ladder(hnte._table(tuple(shape))) is None
    assert hnte._consts(national(), AS_OF, None).growth_ladder is not None  # national


def test_memo_keys_beyond_their_span_are_computed_directly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counts too large to pack into a memo key (a million IP items) skip the memo."""
    monkeypatch.setattr(hnte, "_KEY_SPAN", 1)
    national().clear_memo()
    try:
        assert hnte.decide(ledger()[0], AS_OF, national(), {}) is None  # rd_years >= span
        monkeypatch.setattr(hnte, "_KEY_SPAN", 4)
        national().clear_memo()
        for ent in ledger()[:60]:
            assert_same(national(), ent, AS_OF, {})
        ip = [
            {"kind": "invention_patent", "granted_on": "2020-01-01", "core": True} for _ in range(6)
        ]
        for standards in ([], [{"level": "national", "year": 2023, "rank": 1}]):
            doc = builders.enterprise(ip=ip, standards_led=standards)
            assert_same(national(), kejiservice.load(Enterprise, doc), builders.AS_OF, {})
    finally:
        national().clear_memo()


def test_years_after_2099_read_their_achievement_counts() -> None:
    """Window years beyond the kernel's table of year texts (1900-2099) still find
    their achievement counts."""
    doc = builders.enterprise()
    for row in doc["years"]:
        row["year"] += 125
    doc["achievements_transformed"] = {str(row["year"]): 5 for row in doc["years"]}
    day = dt.date(builders.AS_OF.year + 125, 6, 30)
    ent = kejiservice.load(Enterprise, doc)
    assert_same(national(), ent, day, {})
    verdict = kejiservice.evaluate("hnte", ent, day)
    items = verdict.criterion("hnte.innovation_score").detail["items"]
    assert [i.band for i in items if i.name == "transformation"] == ["A"]


def test_decided_builds_the_same_verdict_as_the_constructor() -> None:
    """``decided`` sets the slots directly; it must set every field, to the same values."""
    deferred = Deferred(lambda: None)
    fields = {
        "rule": "hnte",
        "rule_version": "2016",
        "as_of": AS_OF,
        "status": Outcome.UNDETERMINED,
        "failed": ("hnte.core_ip",),
        "missing": ("tech_field",),
        "score": None,
        "score_min": 41,
        "score_max": 77,
        "path": None,
        "notes": (),
        "enterprise_id": "X1",
    }
    fast = _core_decided(deferred=deferred, **fields)
    slow = hnte.Verdict(criteria=deferred, params=deferred, **fields)
    for field in attrs.fields(hnte.Verdict):  # every slot set (else AttributeError)
        assert getattr(fast, field.name) == getattr(slow, field.name), field.name
    assert fast.paths == ()
    assert fast.extras == {}
    assert fast.pending_criteria is deferred
    assert fast.pending_params is deferred


def _core_decided(**kwargs: Any) -> hnte.Verdict:
    from kejiservice.rules._core import decided

    return decided(**kwargs)


def _window(ent: Enterprise, years: tuple[YearFigures, ...]) -> Enterprise:
    return attrs.evolve(ent, years=years)


Window = tuple[YearFigures, YearFigures, YearFigures]


def _shape(name: str, ent: Enterprise, w: Window) -> tuple[Enterprise, tuple[YearFigures, ...]]:
    """``ent`` and its years arranged as ``name`` says (``w``: its 2023-2025 rows)."""
    first, second, third = w
    young = attrs.evolve(ent, registered_on=dt.date(2024, 3, 1))  # a two-year window
    shapes: dict[str, tuple[Enterprise, tuple[YearFigures, ...]]] = {
        "in_order": (ent, w),
        "reversed": (ent, (third, second, first)),
        # only unvalidated objects repeat a year
        "one_year_twice": (ent, (first, second, attrs.evolve(second, sales_revenue=None))),
        "four_years": (ent, (attrs.evolve(first, year=2022), *w)),
        "young": (young, w),
        "young_last_year_twice": (young, (second, third, attrs.evolve(third, rd_expense=None))),
        "first_outside_the_window": (ent, (attrs.evolve(first, year=2020), second, third)),
        "second_before_the_window": (ent, (first, attrs.evolve(second, year=2022), third)),
        "second_is_the_last_year": (ent, (first, attrs.evolve(second, year=2025), third)),
        "middle_year_missing": (ent, (first, third)),
        "first_year_missing": (ent, (second, third)),
    }
    for field in ("sales_revenue", "rd_expense", "rd_expense_domestic"):
        for field_two in ("total_assets", "total_liabilities"):
            for at in range(3):
                gone = list(w)
                gone[at] = attrs.evolve(gone[at], **{field: None})
                shapes[f"{field}_{at}_gone"] = (ent, tuple(gone))
                gone = list(w)
                gone[at] = attrs.evolve(gone[at], **{field_two: None})
                shapes[f"{field_two}_{at}_gone"] = (ent, tuple(gone))
    return shapes[name]


SHAPES = [
    "in_order",
    "reversed",
    "one_year_twice",
    "four_years",
    "young",
    "young_last_year_twice",
    "first_outside_the_window",
    "second_before_the_window",
    "second_is_the_last_year",
    "middle_year_missing",
    "first_year_missing",
    *(
        f"{field}_{at}_gone"
        for field in (
            "sales_revenue",
            "rd_expense",
            "rd_expense_domestic",
            "total_assets",
            "total_liabilities",
        )
        for at in range(3)
    ),
]


def _windows() -> list[tuple[Enterprise, Window]]:
    out = []
    for ent in ledger():
        rows = sorted((y for y in ent.years if 2023 <= y.year <= 2025), key=lambda y: y.year)
        if len(rows) == 3 and ent.registered_on.year < 2023:
            out.append((ent, (rows[0], rows[1], rows[2])))
    assert len(out) >= 10
    return out[:40]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("inputs", [{}, {"innovation_score": 71}])
def test_the_usual_window_shortcut_and_the_general_walk_agree(
    shape: str, inputs: dict[str, Any]
) -> None:
    """The kernel writes out the usual case (exactly the three window years, in order,
    every figure given) and walks the years otherwise; both must match the full rule,
    for every way of being not quite the usual case."""
    for ent, window in _windows():
        changed, years = _shape(shape, ent, window)
        assert_same(national(), _window(changed, years), AS_OF, inputs)


@pytest.mark.parametrize("shape", ["all_four", "third_of_four_missing", "three_of_four"])
def test_a_four_year_window_never_takes_the_three_year_shortcut(tmp_path: Path, shape: str) -> None:
    """With ``hnte.rd_years`` = 4 (an overlay), windows of four years, complete or with a
    gap, are walked and match the full rule."""
    params = _guangdong(tmp_path, "hnte.rd_years", "years", "value = 4")
    for ent, (first, second, third) in _windows():
        early = attrs.evolve(first, year=2022)
        years = {
            "all_four": (early, first, second, third),
            "third_of_four_missing": (early, first, third),
            "three_of_four": (first, second, third),
        }[shape]
        local = attrs.evolve(ent, region="441200", registered_on=dt.date(2015, 1, 1))
        assert_same(params, _window(local, years), AS_OF, {})
        # growth reads the last three years, as with the national three-year window
        # (it used to take all four and fail with a bare ValueError)
        growth = [
            [
                (i.name, i.low, i.high, i.value)
                for i in hnte.score_items(Ctx(e, AS_OF, p, {}))
                if i.name.endswith("growth")
            ]
            for e, p in (
                (_window(local, years), params),
                (_window(local, years[-3:] if shape == "all_four" else years), national()),
            )
        ]
        if shape != "third_of_four_missing":
            assert growth[0] == growth[1]


def test_a_ladder_without_a_catch_all_gives_nothing_below_its_last_bound() -> None:
    table = (
        Band(label="a", points_min=5, points_max=6, op="at_least", bound=Decimal("0.2")),
        Band(label="b", points_min=3, points_max=4, op="above", bound=Decimal("0.1")),
    )
    ladder = hnte._ladder(hnte._table(table))
    assert ladder is not None
    assert ladder.read(Decimal("0.1")) == (0, 0) == _band_points(table, Decimal("0.1"))
    assert ladder.read(Decimal("-3")) == (0, 0)
    assert ladder.read(Decimal("0.2")) == (5, 6)
    assert ladder.read(Decimal("0.15")) == (3, 4)
    # whole-number bounds (the IP count tables' unit) compare with Decimal values too
    counted = (Band(label="n", points_min=1, points_max=2, op="at_least", bound=3),)
    ladder = hnte._ladder(hnte._table(counted))
    assert ladder is not None
    assert ladder.read(Decimal(3)) == (1, 2)
    assert ladder.read(Decimal("2.99")) == (0, 0)


def _band_points(table: tuple[Band, ...], value: Any) -> tuple[int, int]:
    found = band_for(table, value)
    return found.points_min, found.points_max


@pytest.mark.parametrize("first", ["-1", "0", "4"])
@pytest.mark.parametrize("second", ["-1", "0", "5"])
@pytest.mark.parametrize("third", ["-1", "0", "7"])
def test_the_written_out_growth_rate_is_the_general_one(
    first: str, second: str, third: str
) -> None:
    """Negative and zero year-end values (net assets can be negative) in every place."""
    values = [Decimal(first), Decimal(second), Decimal(third)]
    assert hnte._rate3(*values) == hnte._growth_rate(values)[0]


@pytest.mark.parametrize(
    "net",
    [(-1, 5, 6), (5, -1, 6), (5, 6, -1), (0, 5, 6), (5, 0, 6), (0, 0, 6), (4, 5, 7)],
)
def test_net_asset_growth_with_negative_and_zero_years(net: tuple[int, int, int]) -> None:
    """The kernel's growth item over net assets (assets - liabilities) below and at 0."""
    ent = next(e for e in ledger() if len(e.years) >= 3 and e.registered_on.year < 2020)
    window = sorted(ent.years, key=lambda y: y.year)[-3:]
    assert [y.year for y in window] == [2023, 2024, 2025]
    years = tuple(
        attrs.evolve(
            row,
            total_assets=Decimal(max(value, 0) * 1_000_000),
            total_liabilities=Decimal(max(-value, 0) * 1_000_000),
        )
        for row, value in zip(window, net, strict=True)
    )
    assert_same(national(), attrs.evolve(ent, years=years), AS_OF, {})


def test_the_deferred_explanation_is_computed_once_and_lets_go_of_its_inputs() -> None:
    ent = ledger()[0]
    verdict = hnte.decide(ent, AS_OF, national(), {})
    assert verdict is not None
    deferred = verdict.pending_criteria
    assert isinstance(deferred, hnte._Explain)
    assert deferred.full() is deferred.full()  # computed once
    assert deferred._ent is None  # the enterprise is no longer held
    assert deferred.full() == hnte.evaluate(Ctx(ent, AS_OF, national(), {}))


def test_a_growth_table_of_another_shape_is_walked_by_the_kernel(tmp_path: Path) -> None:
    """A regional growth table that is no falling ladder (``at_most``/``below`` rows):
    the kernel reads it row by row and still answers as the full rule."""
    value = """value = [
      { at_most = "0", points = 0, label = "none" },
      { below = "0.2", points_min = 2, points_max = 3, label = "some" },
      { points_min = 6, points_max = 8, label = "much" },
    ]"""
    params = _guangdong(tmp_path, "hnte.score.growth", "bands", value, band_unit="rate")
    assert hnte._consts(params, AS_OF, "441200").growth_ladder is None
    for ent in ledger():
        assert_same(params, attrs.evolve(ent, region="441200"), AS_OF, {})


def _outcome(fn: Any) -> tuple[Any, ...]:
    """The decision fields of ``fn()``, or the exception type it raised."""
    try:
        verdict = fn()
    except ArithmeticError as exc:
        return ("raised", type(exc).__name__)
    return tuple(getattr(verdict, name) for name in DECISION)


def _both(ent: Enterprise, day: dt.date = builders.AS_OF) -> None:
    fast = _outcome(lambda: hnte.decide(ent, day, national(), {}))
    full = _outcome(lambda: hnte.evaluate(Ctx(ent, day, national(), {})))
    assert fast == full


def _years_changed(*changes: tuple[int, dict[str, Any]]) -> Enterprise:
    ent = kejiservice.load(Enterprise, builders.enterprise())
    years = list(ent.years)
    for index, change in changes:
        years[index] = attrs.evolve(years[index], **change)
    return attrs.evolve(ent, years=tuple(years))


@pytest.mark.parametrize("field", ["sales_revenue", "rd_expense", "rd_expense_domestic"])
def test_window_sums_start_from_zero_like_the_full_rule(field: str) -> None:
    """``0 + x`` rounds x to 28 digits: the written-out sums must add in the same order
    as the loop and the full rule (only unvalidated objects carry such figures)."""
    _both(
        _years_changed(
            (0, {field: Decimal("1.0000000000000000000000000001")}),
            (1, {field: Decimal("-1")}),
            (2, {field: Decimal("0")}),
        )
    )


@pytest.mark.parametrize(
    "first",
    [
        {"total_assets": Decimal("Infinity"), "total_liabilities": Decimal("Infinity")},
        {"total_assets": Decimal("9E+999999"), "total_liabilities": Decimal("-9E+999999")},
        {"total_assets": Decimal("1"), "total_liabilities": Decimal("2")},
    ],
)
def test_net_assets_are_computed_year_by_year_like_the_full_rule(first: dict[str, Any]) -> None:
    """Year 1's net assets are computed before year 2's gap is seen, in both paths."""
    _both(_years_changed((0, first), (1, {"total_liabilities": None})))
    _both(_years_changed((0, first), (1, {"total_assets": Decimal("NaN")})))
    # and a gap stops the computation: later years are not computed (nor raise)
    _both(_years_changed((0, {"total_assets": None}), (1, first)))
    _both(_years_changed((1, {"total_liabilities": None}), (2, first)))


def test_a_nan_figure_with_the_invalid_operation_trap_off_reads_as_the_full_rule() -> None:
    import decimal

    ent = _years_changed(*((i, {"total_assets": Decimal("NaN")}) for i in range(3)))
    with decimal.localcontext(traps=[decimal.DivisionByZero, decimal.Overflow]):
        _both(ent)
        ladder = hnte._ladder(hnte._table(national().value("hnte.score.growth", AS_OF)))
        assert ladder is not None
        assert ladder.read(Decimal("NaN")) == (0, 0)  # the catch-all "F", as band_for


def test_fast_verdicts_can_be_copied() -> None:
    import copy

    verdict = kejiservice.evaluate("hnte", ledger()[0], AS_OF)
    assert isinstance(verdict.pending_criteria, Deferred)
    copied = copy.deepcopy(verdict)
    assert copied == verdict
    assert copied.to_dict() == verdict.to_dict()


@pytest.mark.parametrize("given", [None, [], 0, "", ["innovation_score"]])
def test_inputs_that_are_not_a_mapping_are_refused_by_path(given: Any) -> None:
    with pytest.raises(kejiservice.InvalidInput) as caught:
        kejiservice.evaluate_all(ledger()[0], AS_OF, inputs={"hnte": given})
    assert caught.value.problems[0].path == "inputs.hnte"


def test_explanations_read_from_several_threads_at_once_agree() -> None:
    """Several threads reading the same fresh verdicts: no assertion trips, every one
    gets the same explanation (switching threads as often as the interpreter allows)."""
    import sys
    import threading

    verdicts = list(kejiservice.evaluate_many("hnte", ledger()[:60], AS_OF))
    seen: list[list[Any]] = [[] for _ in range(4)]
    errors: list[BaseException] = []

    def read(out: list[Any]) -> None:
        try:
            out.extend(v.criteria for v in verdicts)
        except BaseException as exc:  # pragma: no cover - reported by the assert below
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=read, args=(out,)) for out in seen]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert seen[0] == seen[1] == seen[2] == seen[3]
    assert len(seen[0]) == len(verdicts)


def test_a_deferred_finished_by_another_reader_returns_that_result() -> None:
    """The reader that finds ``make`` already cleared returns the stored verdict."""
    verdict = kejiservice.evaluate("hnte", ledger()[0], AS_OF)
    calls: list[int] = []
    deferred = Deferred(lambda: calls.append(1) or verdict)
    first = deferred.full()
    assert deferred.full() is first
    assert calls == [1]
    explain = hnte._Explain(ledger()[0], AS_OF, national(), {})
    assert explain.full() is explain.full()


def _guangdong(
    tmp: Path, name: str, unit: str, value: str, band_unit: str | None = None
) -> ParameterSet:
    """National plus a layer for region 44 giving parameter ``name`` one version."""
    bands = f'band_unit = "{band_unit}"\n' if band_unit else ""
    (tmp / "hnte.toml").write_text(
        f'[meta]\nlayer = "test"\nregion = "44"\n\n[{name}]\nunit = "{unit}"\n{bands}'
        f"[[{name}.versions]]\neffective_from = 2016-01-01\n{value}\n"
        'source = "test overlay"\n',
        encoding="utf-8",
    )
    return national().with_layer(load_layer(tmp))
