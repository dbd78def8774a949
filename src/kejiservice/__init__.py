"""kejiservice: the pure-domain core of science-and-technology bureau enterprise services.

Typed models of enterprises, explained and dated eligibility rules (HNTE, tech SME,
R&D super deduction, SME size, above-scale, innovative SME), parameters as dated data,
and JSON interchange with errors that name the field path.

    >>> import datetime as dt, kejiservice
    >>> verdict = kejiservice.evaluate("hnte", enterprise, dt.date(2025, 6, 30))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
    from .errors import (
        InvalidInput,
        KejiserviceError,
        OutOfCalendarRange,
        ParameterError,
        Problem,
        UnknownRule,
    )
    from .io import dump, enterprise_schema, load, read_ledger
    from .models import Enterprise, YearFigures
    from .params import ParameterSet, national
    from .rules import (
        Criterion,
        Outcome,
        Status,
        Verdict,
        evaluate,
        evaluate_all,
        evaluate_many,
    )

# Where each public name lives. ``import kejiservice`` stays light (a bureau's CLI or a
# worker process pays for attrs, cattrs and the rule tables only when it uses them).
_HOME = {
    **dict.fromkeys(
        (
            "InvalidInput",
            "KejiserviceError",
            "OutOfCalendarRange",
            "ParameterError",
            "Problem",
            "UnknownRule",
        ),
        ".errors",
    ),
    **dict.fromkeys(("dump", "enterprise_schema", "load", "read_ledger"), ".io"),
    **dict.fromkeys(("Enterprise", "YearFigures"), ".models"),
    **dict.fromkeys(("ParameterSet", "national"), ".params"),
    **dict.fromkeys(
        (
            "Criterion",
            "Outcome",
            "Status",
            "Verdict",
            "evaluate",
            "evaluate_all",
            "evaluate_many",
        ),
        ".rules",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'kejiservice' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__version__ = "0.1.0"

__all__ = [
    "Criterion",
    "Enterprise",
    "InvalidInput",
    "KejiserviceError",
    "OutOfCalendarRange",
    "Outcome",
    "ParameterError",
    "ParameterSet",
    "Problem",
    "Status",
    "UnknownRule",
    "Verdict",
    "YearFigures",
    "__version__",
    "dump",
    "enterprise_schema",
    "evaluate",
    "evaluate_all",
    "evaluate_many",
    "load",
    "national",
    "read_ledger",
]
