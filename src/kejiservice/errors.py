"""The exceptions kejiservice raises, all under one root.

The whole tree::

    KejiserviceError                 root of everything the package raises on purpose
    ├── InvalidInput (ValueError)    bad input data; lists every problem with its JSON path
    ├── ParameterError (ValueError)  a parameter pack (TOML) that fails validation, or a
    │                                parameter asked for on a date no version covers
    ├── UnknownRule (LookupError)    a rule id that no family or pack defines
    └── OutOfCalendarRange (LookupError)
                                     a date outside the years the working calendar knows

Ineligibility is never an exception: it is a :class:`~kejiservice.rules.Verdict`.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "InvalidInput",
    "KejiserviceError",
    "OutOfCalendarRange",
    "ParameterError",
    "Problem",
    "UnknownRule",
]


@attrs.frozen
class Problem:
    """One thing wrong with an input, at a JSON path such as ``$.years[2].rd_expense``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class KejiserviceError(Exception):
    """Root of every error kejiservice raises on purpose."""


class InvalidInput(KejiserviceError, ValueError):
    """Input data that does not follow the contract.

    ``problems`` lists every problem found (not only the first), each with the JSON
    path of the offending field. ``str(error)`` shows them one per line.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem] | str, *, path: str = "$") -> None:
        if isinstance(problems, str):
            problems = (Problem(path, problems),)
        self.problems = tuple(problems)
        if not self.problems:
            self.problems = (Problem(path, "invalid input"),)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)

    @property
    def paths(self) -> tuple[str, ...]:
        """The JSON paths of the problems, in the order found."""
        return tuple(p.path for p in self.problems)


class ParameterError(KejiserviceError, ValueError):
    """A parameter file that fails validation, or a parameter with no version in force."""


class UnknownRule(KejiserviceError, LookupError):
    """A rule id that is not defined."""


class OutOfCalendarRange(KejiserviceError, LookupError):
    """A date outside the years for which the working calendar has official data."""
