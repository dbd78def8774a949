"""Per-ledger lookups the kernels share: year figures by (year, field), items per row.

Built once per ledger and kept in :meth:`Ledger.cache` (so a screen from a fresh ledger
pays for them once, and every later screen of the same ledger reuses them):

* :class:`YearGrid`: figure ``field`` of accounting year ``Y``, one value per enterprise
  (:data:`MISSING` where absent). When every enterprise has the same consecutive years
  (the years table is then an ``(n, L)`` matrix stored row by row, the common layout of
  filings and of :meth:`Ledger.from_columns` with full years) a figure is a strided view
  of the column, without a copy; otherwise each requested year is located once (one
  pass over the years table) and each figure gathered from it;
* :func:`bounds`: where each enterprise's items start and stop in a side table;
* :func:`segment_sums`: per-enterprise sums of an item column, exactly in int64;
* :func:`segment_counts`: per enterprise, how many items each of up to three masks
  selects, in one pass;
* :func:`row_block`: rows ``start:stop`` of a ledger as a ledger of views, so that a
  screen can run block by block (its temporaries stay small and are reused).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from ._columns import MISSING, Ledger, Table

__all__ = ["YearGrid", "bounds", "row_block", "segment_counts", "segment_sums", "year_grid"]

I64 = NDArray[np.int64]

_GRID_KEY: Final = ("grid", "years")
_COUNT_BITS: Final = 21
"""Bits per counter when three item counts are packed into one int64."""
_PACKED: Final = np.array(
    [
        ((c & 1) + ((c >> 1 & 1) << _COUNT_BITS) + ((c >> 2 & 1) << 2 * _COUNT_BITS))
        for c in range(8)
    ],
    dtype=np.int64,
)
"""Mask bits (one, two, four) to the packed increments of the three counters."""


class YearGrid:
    """Year figures of a ledger by accounting year (see the module docstring)."""

    __slots__ = ("_extended", "_figs", "_index", "_missing", "ledger", "n", "regular", "span", "y0")

    def __init__(self, ledger: Ledger, *, regular: tuple[int, int] | None = None) -> None:
        table = ledger.years
        self.ledger = ledger
        self.n = n = len(ledger)
        self._figs: dict[tuple[int, str], I64] = {}
        self._index: dict[int, I64] = {}
        self._extended: dict[str, I64] = {}
        self._missing = np.full(n, MISSING, dtype=np.int64)
        self._missing.flags.writeable = False
        self.regular = False
        self.y0 = 0
        self.span = 0
        m = len(table)
        if m == 0 or n == 0:
            return
        if regular is not None:  # known from the ledger these rows were cut from
            self.regular = True
            self.y0, self.span = regular
            return
        years = table["year"]
        y0 = int(years[0])
        span = m // n
        if span * n != m:
            return
        # regular: row r holds years y0 .. y0 + span - 1 at r * span ... (r + 1) * span - 1;
        # rows are sorted, so a group whose first and last entries are r is all r
        rows = table.row
        every = np.arange(n, dtype=np.int64)
        if not (
            np.array_equal(rows[::span], every) and np.array_equal(rows[span - 1 :: span], every)
        ):
            return
        for offset in range(span):
            if not bool((years[offset::span] == y0 + offset).all()):
                return
        self.regular = True
        self.y0 = y0
        self.span = span

    def index(self, year: int) -> I64:
        """Per row, the index of accounting ``year`` in the years table, or -1."""
        if self.regular:
            offset = year - self.y0
            if not 0 <= offset < self.span:
                return np.full(self.n, -1, dtype=np.int64)
            return np.arange(self.n, dtype=np.int64) * self.span + offset
        at = self._locate(year)
        return np.where(at < len(self.ledger.years), at, -1)

    def _locate(self, year: int) -> I64:
        """Per row, the index of ``year`` in the years table, or ``len(table)`` if absent."""
        found = self._index.get(year)
        if found is not None:
            return found
        table = self.ledger.years
        m = len(table)
        out = np.full(self.n, m, dtype=np.int64)
        at = np.flatnonzero(table["year"] == year)
        rows = table.row[at]
        if rows.shape[0] > 1:
            # one accounting year twice for an enterprise: the first one counts (rows
            # are sorted, so repeats are neighbours)
            first = np.ones(rows.shape[0], dtype=bool)
            np.not_equal(rows[1:], rows[:-1], out=first[1:])
            if not first.all():
                at, rows = at[first], rows[first]
        out[rows] = at
        out.flags.writeable = False
        self._index[year] = out
        return out

    def fig(self, year: int, field: str) -> I64:
        """Figure ``field`` of accounting ``year`` per row (:data:`MISSING` if absent).

        Read-only: a view of the ledger's column where the layout allows.
        """
        key = (year, field)
        found = self._figs.get(key)
        if found is not None:
            return found
        values = self.ledger.years[field]
        out: I64
        if self.regular:
            offset = year - self.y0
            out = values[offset :: self.span] if 0 <= offset < self.span else self._missing
        elif values.shape[0] == 0:
            out = self._missing
        else:
            extended = self._extended.get(field)
            if extended is None:
                extended = np.empty(values.shape[0] + 1, dtype=np.int64)
                extended[:-1] = values
                extended[-1] = MISSING
                self._extended[field] = extended
            out = extended.take(self._locate(year))
        out = out.view()
        out.flags.writeable = False
        self._figs[key] = out
        return out


def year_grid(ledger: Ledger) -> YearGrid:
    """The ledger's :class:`YearGrid`, built on first use and kept in its cache."""
    cache = ledger.cache()
    grid = cache.get(_GRID_KEY)
    if not isinstance(grid, YearGrid):
        grid = YearGrid(ledger)
        cache[_GRID_KEY] = grid
    return grid


def bounds(ledger: Ledger, name: str) -> I64:
    """``n + 1`` offsets: the items of row ``r`` in side table ``name`` are ``[b[r], b[r+1])``.

    Kept in the ledger's cache. Side tables are sorted by ``row``.
    """
    cache = ledger.cache()
    key = ("bounds", name)
    found = cache.get(key)
    if found is None:
        n = len(ledger)
        table = ledger.tables[name]
        found = np.zeros(n + 1, dtype=np.int64)
        if len(table):
            np.cumsum(np.bincount(table.row, minlength=n)[:n], out=found[1:])
        found.flags.writeable = False
        cache[key] = found
    result: I64 = found
    return result


def segment_sums(values: I64, edges: I64) -> I64:
    """Per row, the sum of ``values[edges[r]:edges[r+1]]`` (exact while it fits int64)."""
    running = np.empty(values.shape[0] + 1, dtype=np.int64)
    running[0] = 0
    np.cumsum(values, out=running[1:])
    out: I64 = np.diff(running.take(edges))
    return out


def segment_counts(ledger: Ledger, name: str, masks: list[NDArray[np.bool_]]) -> list[I64]:
    """Per row, how many items of side table ``name`` each of ``masks`` (up to 3) selects.

    The masks are packed into one int64 per item (21 bits per counter: exact while no
    enterprise has 2**21 items, which is checked) and summed per row in one pass.
    """
    if not 1 <= len(masks) <= 3:
        raise ValueError("one to three masks")
    n = len(ledger)
    edges = bounds(ledger, name)
    if n == 0 or edges[-1] == 0:
        return [np.zeros(n, dtype=np.int64) for _ in masks]
    if int(np.diff(edges).max()) >= 2**_COUNT_BITS:
        table = ledger.tables[name]
        return [np.bincount(table.row[m], minlength=n)[:n].astype(np.int64) for m in masks]
    code = masks[0].view(np.int8).copy()
    for bit, mask in enumerate(masks[1:], start=1):
        code |= mask.view(np.int8) << bit
    packed = segment_sums(_PACKED.take(code), edges)
    low = (1 << _COUNT_BITS) - 1
    out = [packed & low]
    if len(masks) > 1:
        out.append((packed >> _COUNT_BITS) & low)
    if len(masks) > 2:
        out.append(packed >> (2 * _COUNT_BITS))
    return out


def row_block(ledger: Ledger, start: int, stop: int) -> Ledger:
    """Rows ``start:stop`` of ``ledger`` as a ledger of views (side tables sliced).

    For kernels only: no objects are kept. When the ledger's years are regular, the
    block's year grid is known without checking again.
    """
    ints = {k: v[start:stop] for k, v in ledger.ints.items()}
    objs = {k: v[start:stop] for k, v in ledger.objs.items()}
    tables = {}
    for name, table in ledger.tables.items():
        lo, hi = (int(i) for i in np.searchsorted(table.row, (start, stop)))
        tables[name] = Table(
            table.row[lo:hi] - start,
            {k: v[lo:hi] for k, v in table.ints.items()},
            {k: v[lo:hi] for k, v in table.objs.items()},
        )
    categories, codes = ledger.industry_codes()
    block = Ledger(
        ints=ints, objs=objs, tables=tables, industry_codes=(categories, codes[start:stop])
    )
    parent = ledger.cache().get(_GRID_KEY)
    if isinstance(parent, YearGrid) and parent.regular:
        block.cache()[_GRID_KEY] = YearGrid(block, regular=(parent.y0, parent.span))
    return block
