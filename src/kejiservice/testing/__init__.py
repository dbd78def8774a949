"""A property-test kit: hypothesis strategies and ready invariants for kejiservice.

Install with the ``testing`` extra (``pip install 'kejiservice[testing]'``), which
brings `hypothesis <https://hypothesis.readthedocs.io>`_.

Strategies draw **JSON-ready documents** valid by construction (``enterprise_models``
draws :class:`~kejiservice.models.Enterprise` objects):

* :func:`enterprises` - enterprises with their accounting years before ``as_of``, with
  ``near=`` / ``exactly_at=`` knobs that put a figure on or next to a threshold read
  from a parameter set (so a regional overlay's thresholds are probed);
* :func:`years` - one accounting year's consistent figures;
* :func:`ip_portfolios` - IP items, with how many are valid on a day;
* :func:`officers` - an officers document for the planner;
* :func:`activity_logs` - an activity log with resolving references and ordered dates.

Invariants raise ``AssertionError`` with a clear message:

* :func:`check_batch_equals_single`, :func:`check_deterministic`,
  :func:`check_monotone`, :func:`check_gap_soundness`.
"""

from __future__ import annotations

try:
    import hypothesis as _hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "kejiservice.testing needs hypothesis: install the 'testing' extra "
        "(pip install 'kejiservice[testing]')"
    ) from exc

from ._invariants import (
    LEVERS,
    check_batch_equals_single,
    check_deterministic,
    check_gap_soundness,
    check_monotone,
)
from ._strategies import (
    THRESHOLDS,
    Threshold,
    activity_logs,
    enterprise_models,
    enterprises,
    ip_portfolios,
    money,
    officers,
    years,
)

__all__ = [
    "LEVERS",
    "THRESHOLDS",
    "Threshold",
    "activity_logs",
    "check_batch_equals_single",
    "check_deterministic",
    "check_gap_soundness",
    "check_monotone",
    "enterprise_models",
    "enterprises",
    "ip_portfolios",
    "money",
    "officers",
    "years",
]
