"""kejiservice: the pure-domain core of science-and-technology bureau enterprise services.

Typed models of enterprises, explained and dated eligibility rules (HNTE, tech SME,
R&D super deduction, SME size, above-scale, innovative SME), parameters as dated data,
and JSON interchange with errors that name the field path.

    >>> import datetime as dt, kejiservice
    >>> verdict = kejiservice.evaluate("hnte", enterprise, dt.date(2025, 6, 30))  # doctest: +SKIP
"""

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
from .rules import Criterion, Outcome, Status, Verdict, evaluate, evaluate_all, evaluate_many

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
