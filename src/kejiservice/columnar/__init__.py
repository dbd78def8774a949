"""Columnar screening: a rule over a whole ledger at once, exactly, in numpy columns.

An optional part of kejiservice (``pip install 'kejiservice[columnar]'``, which adds
numpy); nothing else in the package imports it. The ledger becomes columns (money as
int64 fen, counts as int64), each rule family's criteria run over whole columns with
exact integer arithmetic, and the result gives per row the verdict status, every
criterion's status, the ``failed`` list and the gaps, equal to
``kejiservice.evaluate`` row by row. Explanations are built, through the object path,
only for the rows asked::

    from kejiservice.columnar import LedgerReader, screen

    for chunk in LedgerReader("ledger.jsonl", chunk_size=50_000):
        result = screen("hnte", chunk.ledger, as_of)
        rows = result.near("0.10")[:20]
        verdicts = result.explain_rows(row for row, _ in rows)

Rows that the columns cannot hold exactly (amounts finer than a fen, beyond
:data:`MAX_FEN`) or that a kernel cannot decide exactly (an HNTE growth rate sitting on
a band edge) are answered by the object path: ``ScreenResult.via_objects`` marks them.
"""

try:
    import numpy as _numpy  # noqa: F401 - imported to fail early with a clear message
except ImportError as _exc:  # pragma: no cover - exercised only without numpy
    raise ImportError(
        "kejiservice.columnar needs numpy: install the 'columnar' extra, e.g. "
        "pip install 'kejiservice[columnar]' (or uv sync --extra columnar)"
    ) from _exc

from ._columns import (
    DUPLICATE_YEAR,
    INEXACT_MONEY,
    MAX_COUNT,
    MAX_FEN,
    MISSING,
    NEGATIVE,
    ODD_ACHIEVEMENT_KEY,
    TOO_LARGE,
    Ledger,
    Table,
    fen_to_yuan,
)
from ._csv import csv_header, csv_text, write_csv
from ._kernels import PATHS, SIZES, UNITS
from ._screen import ScreenResult, screen, supported_rules
from ._stream import Chunk, LedgerReader, ReadSummary, Reject, read_columns

__all__ = [
    "DUPLICATE_YEAR",
    "INEXACT_MONEY",
    "MAX_COUNT",
    "MAX_FEN",
    "MISSING",
    "NEGATIVE",
    "ODD_ACHIEVEMENT_KEY",
    "PATHS",
    "SIZES",
    "TOO_LARGE",
    "UNITS",
    "Chunk",
    "Ledger",
    "LedgerReader",
    "ReadSummary",
    "Reject",
    "ScreenResult",
    "Table",
    "csv_header",
    "csv_text",
    "fen_to_yuan",
    "read_columns",
    "screen",
    "supported_rules",
    "write_csv",
]
