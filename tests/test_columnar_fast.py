"""The fast paths of kejiservice.columnar: each one against the object path, row by row.

``screen()`` runs in row blocks over a ledger's year grid (views of the columns when
every enterprise has the same years, a per-year lookup otherwise), places HNTE growth
rates with an int64 bracket before exact 128-bit or Python-int arithmetic, and reads
score items from small tables. Every branch here is forced on purpose (tiny blocks,
irregular years, growth rates on and one fen off each band edge, rates within 2**-64 of
an edge, band tables too large for a lookup, edges the 128-bit test cannot take, packed
counters that would overflow, amounts beyond the exact range that nothing flagged) and
compared with ``kejiservice.evaluate``.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import kejiservice  # noqa: E402
from kejiservice.columnar import MAX_FEN, MISSING, Ledger, screen  # noqa: E402
from kejiservice.columnar import _grid as _grid  # noqa: E402
from kejiservice.columnar import _kernels as _kernels  # noqa: E402
from kejiservice.columnar import _screen as _screen  # noqa: E402
from kejiservice.io import load  # noqa: E402
from kejiservice.models import Enterprise  # noqa: E402
from kejiservice.params import load_layer, national  # noqa: E402
from kejiservice.sample import ledger as sample_ledger  # noqa: E402

from .test_columnar import (  # noqa: E402
    AS_OFS,
    RULES,
    Chooser,
    _hnte_doc,
    assert_same_as_objects,
    build_case,
)

AS_OF = dt.date(2026, 6, 30)
YEARS = (2023, 2024, 2025)
EDGES = (Fraction(35, 100), Fraction(25, 100), Fraction(15, 100), Fraction(5, 100), Fraction(0))


def _threshold_ents(count: int, seed: int, as_of: dt.date) -> tuple[list[Enterprise], list[Any]]:
    chooser = Chooser(None, seed=seed)
    cases = [build_case(chooser, as_of) for _ in range(count)]
    return [load(Enterprise, doc) for doc, _ in cases], [score for _, score in cases]


def _overlay(tmp_path: Path, name: str, body: str) -> Any:
    pack = tmp_path / name
    pack.mkdir(parents=True)
    head = f'[meta]\nlayer = "{name}"\nregion = "44"\n\n'
    (pack / "hnte.toml").write_text(head + textwrap.dedent(body), encoding="utf-8")
    return national().with_layer(load_layer(pack))


def _growth_overlay(tmp_path: Path, name: str, bands: str) -> Any:
    return _overlay(
        tmp_path,
        name,
        f"""
        [hnte.score.growth]
        unit = "bands"
        band_unit = "rate"
        [[hnte.score.growth.versions]]
        effective_from = 2016-01-01
        value = [{bands}]
        source = "test overlay"
        """,
    )


def _same(result: Any, ents: list[Enterprise], params: Any) -> None:
    """Every row equals the object path under ``params`` (status, criteria, gaps, scores)."""
    for row, ent in enumerate(ents):
        extra = result.ledger.inputs(row) if result.rule == "hnte" else {}
        v = kejiservice.evaluate(result.rule, ent, result.as_of, params=params, **extra)
        assert result.outcome(row) is v.status, row
        assert result.failed_codes(row) == v.failed, row
        for code in result.codes:
            assert result.criterion_status(row, code) is v.criterion(code).status, (row, code)
            gap = result.gap_value(row, code)
            expected = v.criterion(code).gap
            assert (gap is None) == (expected is None), (row, code)
            if gap is not None and expected is not None:
                assert Decimal(gap) == Decimal(expected), (row, code)
        scores = (result.score, result.score_min, result.score_max)
        mine = tuple(None if int(a[row]) == MISSING else int(a[row]) for a in scores)
        assert mine == (v.score, v.score_min, v.score_max), row


# --------------------------------------------------------------------------- blocks


def test_small_blocks_and_regional_groups_equal_the_object_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = _overlay(
        tmp_path,
        "gd",
        """
        [hnte.tech_staff_ratio_min]
        unit = "ratio"
        [[hnte.tech_staff_ratio_min.versions]]
        effective_from = 2016-01-01
        value = "0.25"
        source = "test overlay"

        [hnte.rd_band1_ratio_min]
        unit = "ratio"
        [[hnte.rd_band1_ratio_min.versions]]
        effective_from = 2016-01-01
        value = "0.03"
        source = "test overlay: one R&D ratio for every sales band"

        [hnte.rd_band2_ratio_min]
        unit = "ratio"
        [[hnte.rd_band2_ratio_min.versions]]
        effective_from = 2016-01-01
        value = "0.03"
        source = "test overlay: one R&D ratio for every sales band"
        """,
    )
    ents, scores = _threshold_ents(90, seed=11, as_of=AS_OFS[1])
    ledger = Ledger.from_enterprises(ents, innovation_scores=scores)
    whole = {rule: screen(rule, ledger, AS_OFS[1], params=params) for rule in RULES}
    monkeypatch.setattr(_screen, "_BLOCK_ROWS", 7)
    for rule in RULES:
        ledger.cache().clear()
        blocks = screen(rule, ledger, AS_OFS[1], params=params)
        assert np.array_equal(blocks.status, whole[rule].status)
        assert np.array_equal(blocks.criteria, whole[rule].criteria)
        assert np.array_equal(blocks.gap, whole[rule].gap)
        assert np.array_equal(blocks.need, whole[rule].need)
        assert np.array_equal(blocks.score_max, whole[rule].score_max)
        assert np.array_equal(blocks.via_objects, whole[rule].via_objects)
        _same(blocks, ents, params)


def test_blocks_of_rows_without_a_rule_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_screen, "_BLOCK_ROWS", 2)
    ents = [load(Enterprise, _hnte_doc()) for _ in range(5)]
    result = screen("tech_sme", ents, dt.date(2017, 1, 1))
    assert result.via_objects.all()
    assert {o.value for o in map(result.outcome, range(5))} == {"not_applicable"}
    assert _screen._blocks(0) == [(0, 0)]
    assert _screen._blocks(5) == [(0, 2), (2, 4), (4, 5)]


# --------------------------------------------------------------------------- year lookups


def _first_match(ledger: Ledger, row: int, year: int, field: str) -> int:
    table = ledger.years
    for k in range(len(table)):
        if int(table.row[k]) == row and int(table["year"][k]) == year:
            return int(table[field][k])
    return MISSING


def test_the_year_grid_finds_the_first_entry_of_each_year() -> None:
    years = {
        "row": np.array([0, 0, 0, 1, 1, 2, 2, 2, 2]),
        "year": np.array([2023, 2024, 2025, 2024, 2024, 2019, 2023, 2025, 2030]),
        "sales_revenue": np.arange(9) * 100,
    }
    ledger = Ledger.from_columns(
        registered_on=np.array(["2010-01-01"] * 4, dtype="datetime64[D]"),
        industry=["C3911"] * 4,
        years=years,
    )
    grid = _grid.year_grid(ledger)
    assert not grid.regular
    frame = _kernels.Frame(ledger, AS_OF)
    assert frame.year_index(2024).tolist() == [1, 3, -1, -1]  # the first 2024 of row 1
    for year in (2018, 2019, 2023, 2024, 2025, 2030, 2031):
        fig = grid.fig(year, "sales_revenue")
        assert not fig.flags.writeable
        assert fig.tolist() == [_first_match(ledger, r, year, "sales_revenue") for r in range(4)]
        index = grid.index(year)
        for r in range(4):
            k = int(index[r])
            assert (k < 0) == (fig[r] == MISSING)
            assert k < 0 or int(ledger.years["sales_revenue"][k]) == int(fig[r])


def test_the_year_grid_of_a_regular_ledger_is_a_view() -> None:
    n = 5
    ledger = Ledger.from_columns(
        registered_on=np.array(["2010-01-01"] * n, dtype="datetime64[D]"),
        industry=["C3911"] * n,
        years={
            "row": np.repeat(np.arange(n), 3),
            "year": np.tile(np.array(YEARS), n),
            "sales_revenue": np.arange(3 * n),
        },
    )
    grid = _grid.year_grid(ledger)
    assert grid.regular
    assert grid.fig(2024, "sales_revenue").tolist() == [1, 4, 7, 10, 13]
    assert np.shares_memory(grid.fig(2024, "sales_revenue"), ledger.years["sales_revenue"])
    assert grid.fig(2022, "sales_revenue").tolist() == [MISSING] * n
    assert grid.index(2025).tolist() == [2, 5, 8, 11, 14]
    assert grid.index(2026).tolist() == [-1] * n
    block = _grid.row_block(ledger, 1, 4)
    assert _grid.year_grid(block).regular
    assert _grid.year_grid(block).fig(2023, "sales_revenue").tolist() == [3, 6, 9]
    # a years table sorted by row but with a gap is not regular
    gap = Ledger.from_columns(
        registered_on=np.array(["2010-01-01"] * 2, dtype="datetime64[D]"),
        industry=["C3911"] * 2,
        years={"row": np.array([0, 0, 1, 1]), "year": np.array([2023, 2024, 2023, 2025])},
    )
    assert not _grid.year_grid(gap).regular


def test_ledgers_without_years_or_rows(tmp_path: Path) -> None:
    empty_years = {"row": np.zeros(0, np.int64), "year": np.zeros(0, np.int64)}
    ledger = Ledger.from_columns(
        registered_on=np.array(["2015-01-01", "2025-01-01"], dtype="datetime64[D]"),
        industry=["C3911", "I6510"],
        years=empty_years,
    )
    assert not _grid.year_grid(ledger).regular
    ents = [ledger.enterprise(row) for row in range(2)]
    for rule in RULES:
        assert_same_as_objects(screen(rule, ledger, AS_OF), ents)
        nothing = screen(rule, Ledger.from_enterprises([]), AS_OF)
        assert len(nothing) == 0
        regional = _overlay(tmp_path / rule, "none", "")
        assert len(screen(rule, Ledger.from_enterprises([]), AS_OF, params=regional)) == 0
        assert nothing.counts() == {
            "eligible": 0,
            "ineligible": 0,
            "undetermined": 0,
            "not_applicable": 0,
        }


def test_irregular_and_regular_ledgers_equal_the_object_path() -> None:
    ents, scores = _threshold_ents(60, seed=5, as_of=AS_OFS[0])
    irregular = Ledger.from_enterprises(ents, innovation_scores=scores)
    assert not _grid.year_grid(irregular).regular
    for rule in RULES:
        assert_same_as_objects(screen(rule, irregular, AS_OFS[0]), ents, scores)
    full = [load(Enterprise, _hnte_doc()) for _ in range(4)]
    regular = Ledger.from_enterprises(full)
    assert _grid.year_grid(regular).regular
    for rule in RULES:
        assert_same_as_objects(screen(rule, regular, AS_OFS[0]), full)


# --------------------------------------------------------------------------- growth rates


def _growth_ledger(series: list[tuple[list[int | None], list[int | None]]]) -> Ledger:
    """One enterprise per (net assets, sales) pair of three-year series (2023-2025)."""
    n = len(series)
    columns: dict[str, list[int]] = {"row": [], "year": [], "total_assets": []}
    columns.update({"total_liabilities": [], "sales_revenue": []})
    for row, (assets, sales) in enumerate(series):
        for index, year in enumerate(YEARS):
            columns["row"].append(row)
            columns["year"].append(year)
            a, s = assets[index], sales[index]
            columns["total_assets"].append(MISSING if a is None else a)
            columns["total_liabilities"].append(0)
            columns["sales_revenue"].append(MISSING if s is None else s)
    return Ledger.from_columns(
        registered_on=np.array(["2012-03-01"] * n, dtype="datetime64[D]"),
        industry=["C3911"] * n,
        years={k: np.array(v, dtype=np.int64) for k, v in columns.items()},
    )


def _on_edges() -> list[list[int | None]]:
    """Three-year series whose growth rate is on a band edge, one fen off, or near one."""
    out: list[list[int | None]] = []
    for edge in EDGES:
        for base in (1_000_000, 37_000_000_00, 2**40):
            # three years with S1 == S2: rate = (1 + S3/S2) / 2 - 1 = edge
            top = base + int(2 * edge * base)
            out += [[base, base, top + d] for d in (-1, 0, 1)]
            # two years (S1 = 0): rate = S3/S2 - 1
            two = base + int(edge * base)
            out += [[0, base, two + d] for d in (-1, 0, 1)]
            # a rate within about 2**-64 of the edge: S1, S2 large and one apart
            s1 = 2**45 + base
            s2 = s1 + 1
            want = Fraction(2) * (1 + edge) - Fraction(s2, s1)
            s3 = round(want * s2)
            out += [[s1, s2, s3 + d] for d in (-1, 0, 1)]
    out += [[5, 0, 7], [0, 0, 3], [7, 3, None], [None, 4, 5], [10, 10, 10], [1, 2**52, 2**52]]
    return out


@pytest.mark.parametrize("vector_min", [0, 10**9])
def test_growth_rates_on_band_edges_equal_the_object_path(
    vector_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # vector_min 0: the exact test in 128-bit columns; 10**9: row by row in Python ints
    monkeypatch.setattr(_kernels, "_EXACT_VECTOR_MIN", vector_min)
    calls: list[int] = []
    real = _kernels.growth_rate

    def counted(values: Any) -> Any:
        calls.append(1)
        return real(values)

    monkeypatch.setattr(_kernels, "growth_rate", counted)
    edges = _on_edges()
    series = [(a, s) for a in edges for s in edges[::7]] + [(edges[0], s) for s in edges]
    ledger = _growth_ledger(series)
    result = screen("hnte", ledger, AS_OF)
    assert not result.via_objects.any()
    assert calls  # some rates were within 2**-64 of an edge: decided by the decimals
    for row in range(len(series)):
        v = kejiservice.evaluate("hnte", ledger.enterprise(row), AS_OF)
        mine = (int(result.score_min[row]), int(result.score_max[row]))
        assert mine == (v.score_min, v.score_max), (row, series[row])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 2**53 - 1) | st.integers(0, 3000), min_size=3, max_size=3),
            st.sampled_from(EDGES),
            st.integers(-2, 2),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_growth_rates_equal_the_object_path(cases: list[Any]) -> None:
    series: list[tuple[list[int | None], list[int | None]]] = []
    for values, edge, nudge in cases:
        s1, s2, s3 = values
        # and a series pushed onto (or next to) the edge from the drawn S1, S2
        if s1 and s2:
            target = (Fraction(2) * (1 + edge) - Fraction(s2, s1)) * s2
            onto = max(0, min(2**53 - 1, int(target) + nudge))
            series.append(([s1, s2, onto], [s1, s2, s3]))
        series.append(([s1, s2, s3], [s3, s2, s1]))
    ledger = _growth_ledger(series)
    result = screen("hnte", ledger, AS_OF)
    for row in range(len(series)):
        v = kejiservice.evaluate("hnte", ledger.enterprise(row), AS_OF)
        assert (int(result.score_min[row]), int(result.score_max[row])) == (
            v.score_min,
            v.score_max,
        ), series[row]


@pytest.mark.parametrize(
    "bands",
    [
        # an edge too far for the lookup table: the loop over edges
        '{ at_least = "100", points_min = 9, points_max = 10, label = "A" },'
        '{ at_least = "0.05", points_min = 3, points_max = 4, label = "D" },'
        '{ points = 0, label = "F" }',
        # the loop over edges, then an edge too fine for 128 bits
        '{ at_least = "100", points_min = 9, points_max = 10, label = "A" },'
        '{ at_least = "0.05", points_min = 3, points_max = 4, label = "D" },'
        '{ at_least = "0.00000001", points_min = 1, points_max = 2, label = "E" },'
        '{ points = 0, label = "F" }',
        # an edge too fine for 128 bits: the object path's decimals from there on
        '{ at_least = "0.35", points_min = 9, points_max = 10, label = "A" },'
        '{ at_least = "0.0000001", points_min = 3, points_max = 4, label = "D" },'
        '{ above = 0, points_min = 1, points_max = 2, label = "E" },'
        '{ points = 0, label = "F" }',
        # no "otherwise" band, and bands tested in either direction
        '{ below = "0.05", points_min = 1, points_max = 1, label = "L" },'
        '{ at_most = "0.25", points_min = 4, points_max = 5, label = "M" },'
        '{ above = "0.25", points_min = 8, points_max = 8, label = "H" }',
    ],
)
@pytest.mark.parametrize("vector_min", [0, 10**9])
def test_unusual_growth_tables_equal_the_object_path(
    bands: str, vector_min: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_kernels, "_EXACT_VECTOR_MIN", vector_min)
    params = _growth_overlay(tmp_path, "growth", bands)
    edges = _on_edges()[:45]
    series = [(a, s) for a in edges for s in edges[::9]]
    n = len(series)
    ledger = _growth_ledger(series)
    ledger.objs["region"][:] = np.array(["441200", "110105"] * n, dtype=object)[:n]
    ents = [ledger.enterprise(row) for row in range(n)]
    for block_rows in (1 << 17, 13):
        monkeypatch.setattr(_screen, "_BLOCK_ROWS", block_rows)
        result = screen("hnte", Ledger.from_enterprises(ents), AS_OF, params=params)
        _same(result, ents, params)


@pytest.mark.parametrize("years", [1, 2, 4])
def test_other_window_lengths_equal_the_object_path(years: int, tmp_path: Path) -> None:
    params = _overlay(
        tmp_path,
        "window",
        f"""
        [hnte.rd_years]
        unit = "years"
        [[hnte.rd_years.versions]]
        effective_from = 2016-01-01
        value = {years}
        source = "test overlay"
        """,
    )
    ents, scores = _threshold_ents(40, seed=years, as_of=AS_OFS[3])
    docs = [kejiservice.dump(e) for e in ents]
    for doc in docs:
        doc["region"] = "441200"
    ents = [load(Enterprise, doc) for doc in docs]
    ledger = Ledger.from_enterprises(ents, innovation_scores=scores)
    _same(screen("hnte", ledger, AS_OFS[3], params=params), ents, params)


# --------------------------------------------------------------------------- tables, counters


def test_score_tables_and_packed_counts_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    ents, scores = _threshold_ents(40, seed=3, as_of=AS_OFS[2])
    ledger = Ledger.from_enterprises(ents, innovation_scores=scores)
    expected = {rule: screen(rule, ledger, AS_OFS[2]) for rule in ("hnte", "tech_sme")}
    monkeypatch.setattr(_kernels, "_TABLE_MAX", 0)  # every score item row by row
    monkeypatch.setattr(_grid, "_COUNT_BITS", 1)  # two items in a row: counted one mask at a time
    for rule, before in expected.items():
        ledger.cache().clear()
        after = screen(rule, ledger, AS_OFS[2])
        assert np.array_equal(after.criteria, before.criteria)
        assert np.array_equal(after.gap, before.gap)
        assert np.array_equal(after.score_min, before.score_min)
        assert np.array_equal(after.score_max, before.score_max)
        assert_same_as_objects(after, ents, scores)


def test_segment_sums_and_counts_are_exact() -> None:
    ents = sample_ledger()[:50]
    ledger = Ledger.from_enterprises(ents)
    ip = ledger.tables["ip"]
    masks = [ip["kind"] == 0, ip["disputed"] == 0, ip["core"] == 1]
    counted = _grid.segment_counts(ledger, "ip", masks)
    for mask, counts in zip(masks, counted, strict=True):
        assert counts.tolist() == np.bincount(ip.row[mask], minlength=50).tolist()
    edges = _grid.bounds(ledger, "ip")
    values = ip["granted_on"]
    sums = _grid.segment_sums(values, edges)
    for row in range(50):
        assert int(sums[row]) == int(values[ip.row == row].sum())
    with pytest.raises(ValueError, match="masks"):
        _grid.segment_counts(ledger, "ip", [])
    empty = Ledger.from_enterprises([])
    assert [c.tolist() for c in _grid.segment_counts(empty, "ip", [np.zeros(0, bool)])] == [[]]


@given(
    st.lists(st.tuples(st.integers(-(2**62), 2**62), st.booleans()), min_size=1, max_size=30),
    st.integers(0, 2**40),
    st.integers(1, 2**40),
    st.booleans(),
)
def test_ceil_ratio_is_exact(rows: list[tuple[int, bool]], p: int, q: int, per_row: bool) -> None:
    den = np.array([d for d, _ in rows], dtype=np.int64)
    ignore = np.array([i for _, i in rows], dtype=bool)
    factor: Any = np.full(len(rows), p, dtype=np.int64) if per_row else p
    out = np.empty_like(den)
    counted = [(d, i) for d, i in rows if d >= 0 and not i]
    try:
        _kernels._ceil_ratio(den, factor, q, out, ignore=ignore)
    except OverflowError:
        assert any(-((-p * d) // q) >= 2**63 for d, _ in counted)
        return
    for (d, i), got in zip(rows, out.tolist(), strict=True):
        if d >= 0 and not i:
            assert got == -((-p * d) // q)


# --------------------------------------------------------------------------- unflagged amounts


def test_amounts_beyond_the_exact_range_that_nothing_flagged_go_to_objects() -> None:
    doc = _hnte_doc(
        y2022={"total_assets": "1000000", "total_liabilities": "0"},
        y2023={"total_assets": "1000000", "total_liabilities": "0"},
    )
    ents = [load(Enterprise, doc), load(Enterprise, _hnte_doc())]
    ledger = Ledger.from_enterprises(ents, keep_objects=False)
    years = ledger.years
    at = np.flatnonzero((years.row == 0) & (years["year"] == 2024))
    years["total_assets"][at] = MAX_FEN * 4  # a hand-made column: no fallback flag
    assert int(ledger.fallback[0]) == 0
    result = screen("hnte", ledger, AS_OFS[0])
    assert result.via_objects.tolist() == [True, False]
    _same(result, [ledger.enterprise(0), ents[1]], national())


# --------------------------------------------------------------------------- industry codes


def test_ledgers_keep_their_industry_codes() -> None:
    ents = sample_ledger()[:30]
    a = Ledger.from_enterprises(ents[:12])
    b = Ledger.from_enterprises(ents[12:])
    for ledger in (a, b, Ledger.concat([a, b]), a.select(np.arange(12) % 2 == 0)):
        categories, codes = ledger.industry_codes()
        assert [categories[c] for c in codes.tolist()] == ledger.industry.tolist()
        block = _grid.row_block(ledger, 1, len(ledger) - 1)
        cats, block_codes = block.industry_codes()
        assert [cats[c] for c in block_codes.tolist()] == ledger.industry.tolist()[1:-1]
    single = Ledger.from_enterprises(ents[:1])
    assert single.industry_codes()[1].tolist() == [0]
    assert Ledger.from_enterprises([]).industry_codes()[1].shape == (0,)
    with pytest.raises(ValueError, match="industry code"):
        Ledger(
            ints=a.ints,
            objs=a.objs,
            tables=a.tables,
            industry_codes=((), np.zeros(1, dtype=np.intp)),
        )
