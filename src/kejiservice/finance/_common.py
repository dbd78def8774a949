"""What the finance packs share: their errors, TOML reading helpers, the message texts,
and the money formatting.

Packs are TOML documents parsed with ``parse_float=Decimal``; amounts are written in 万元
under keys ending in ``_wan`` and converted to yuan here, so the computing code never
scales money. Every problem of a file is collected (file, key, reason) and raised at
once.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import tomllib
from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import attrs

from ..errors import InvalidInput, ParameterError
from ..models import from_wan
from ..rules import Message

__all__ = [
    "FEN",
    "ROUNDING",
    "FinancePackError",
    "Provenance",
    "ProvenanceTag",
    "message",
    "money",
    "pct",
    "templates",
]

E = TypeVar("E", bound=enum.Enum)

FEN = Decimal("0.01")
ROUNDING = "ROUND_FLOOR to 0.01 yuan (the fen)"
"""How every result is rounded: down to the fen, so a result never exceeds the exact
entitlement or any cap."""


class FinancePackError(ParameterError):
    """A loan-product or scheme pack that fails validation.

    ``problems`` lists every problem found, each as ``file: key: reason``.
    """

    kind = "finance pack"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n  ".join(self.problems)
        super().__init__(f"invalid {self.kind} ({len(self.problems)} problem(s)):\n  {lines}")


class ProvenanceTag(enum.StrEnum):
    """How sure a parameter is (the tags of the research notes)."""

    CONFIRMED = "confirmed"  # read in a (reprinted) copy of the official text
    UNVERIFIED = "unverified"  # from a secondary source, not checked
    ASSUMED = "assumed"  # not published or not read: a stated assumption
    ILLUSTRATIVE = "illustrative"  # invented for the fictional city


@attrs.frozen
class Provenance:
    """Where a parameter comes from: its tag, source and note."""

    tag: ProvenanceTag
    source: str
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        """The JSON form."""
        out = {"tag": self.tag.value, "source": self.source}
        if self.note:
            out["note"] = self.note
        return out


# --------------------------------------------------------------------------- loading


class Out:
    """Collects the problems of one file as ``file: key: reason``."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []

    def add(self, key: str, message: str) -> None:
        """Record a problem at ``key``."""
        self.problems.append(f"{self.origin}: {key or '(top)'}: {message}")


def join(prefix: str, key: str) -> str:
    """``prefix.key`` (or ``key`` at the top)."""
    return f"{prefix}.{key}" if prefix else key


def read_toml(path: Path, out: Out) -> dict[str, Any]:
    """The parsed document (``{}`` after recording a read or syntax problem)."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        out.add("toml", str(exc))
    except OSError as exc:
        out.add("file", exc.strerror or str(exc))
    return {}


def unknown_keys(table: Mapping[str, Any], allowed: frozenset[str], key: str, out: Out) -> None:
    """Record every key of ``table`` not in ``allowed`` (usually a typo)."""
    for name in sorted(set(table) - allowed):
        out.add(join(key, name), "unknown key")


def table(value: Any, key: str, out: Out) -> dict[str, Any]:
    """``value`` if it is a table, else ``{}`` after recording the problem."""
    if not isinstance(value, dict):
        out.add(key, "must be a table")
        return {}
    return value


def text(value: Any, key: str, out: Out, *, required: bool = True) -> str:
    """A string (required: non-empty)."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        out.add(key, "must be a non-empty string" if required else "must be a string")
        return ""
    return value


def boolean(value: Any, key: str, out: Out, default: bool) -> bool:
    """``true``/``false`` (``default`` when absent)."""
    if value is None:
        return default
    if not isinstance(value, bool):
        out.add(key, "must be true or false")
        return default
    return value


def date(value: Any, key: str, out: Out) -> dt.date | None:
    """A TOML date (not a date-time), or ``None`` when absent."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        out.add(key, "must be a TOML date such as 2025-03-17")
        return None
    return value


def decimal(value: Any, key: str, out: Out) -> Decimal | None:
    """A finite, non-negative decimal (a number or a decimal string); never a bool."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        out.add(key, "must be a number or a decimal string")
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        out.add(key, f"not a decimal number: {value!r}")
        return None
    if not number.is_finite():
        out.add(key, "must be finite")
        return None
    if number < 0:
        out.add(key, "must not be negative")
        return None
    return number


def ratio(value: Any, key: str, out: Out) -> Decimal | None:
    """A share between 0 and 1 (``"0.30"``, not ``30``)."""
    number = decimal(value, key, out)
    if number is not None and number > 1:
        out.add(key, f"a ratio is between 0 and 1 (did you write a percentage? {value})")
        return None
    return number


def wan(value: Any, key: str, out: Out) -> Decimal | None:
    """An amount in 万元, returned in yuan."""
    number = decimal(value, key, out)
    return None if number is None else from_wan(number)


def count(value: Any, key: str, out: Out, *, positive: bool = False) -> int | None:
    """A non-negative integer (positive if asked)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < (1 if positive else 0):
        out.add(key, "must be a positive integer" if positive else "must be a whole number >= 0")
        return None
    return value


def strings(value: Any, key: str, out: Out) -> tuple[str, ...]:
    """An array of non-empty strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        out.add(key, "must be an array of non-empty strings")
        return ()
    return tuple(value)


def members(value: Any, key: str, out: Out, cls: type[E]) -> tuple[E, ...]:
    """An array of the values of the enum ``cls`` (no repeats)."""
    found: list[E] = []
    for index, item in enumerate(strings(value, key, out)):
        try:
            member = cls(item)
        except ValueError:
            choices = ", ".join(str(m.value) for m in cls)
            out.add(f"{key}[{index}]", f"unknown value {item!r}; one of {choices}")
            continue
        if member in found:
            out.add(f"{key}[{index}]", f"{item!r} is listed twice")
            continue
        found.append(member)
    return tuple(found)


def provenance(body: Mapping[str, Any], key: str, out: Out) -> Provenance:
    """The ``tag``, ``source`` and optional ``note`` of a parameter table."""
    raw = body.get("tag")
    try:
        tag = ProvenanceTag(str(raw))
    except ValueError:
        choices = ", ".join(t.value for t in ProvenanceTag)
        out.add(join(key, "tag"), f"every parameter needs a tag; one of {choices}")
        tag = ProvenanceTag.ASSUMED
    return Provenance(
        tag,
        text(body.get("source"), join(key, "source"), out),
        text(body.get("note"), join(key, "note"), out, required=False),
    )


def region_prefix(value: Any, key: str, out: Out) -> str:
    """A region code prefix of 2, 4 or 6 digits ("" or absent: anywhere)."""
    if value is None or value == "":
        return ""
    if (
        not isinstance(value, str)
        or not (value.isascii() and value.isdigit())
        or len(value) not in (2, 4, 6)
    ):
        out.add(key, "a region prefix has 2, 4 or 6 digits")
        return ""
    return value


# --------------------------------------------------------------------------- input checks


def amount(value: Any, path: str) -> Decimal:
    """A caller's money amount: a non-negative Decimal, int or decimal string of yuan."""
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        raise InvalidInput(
            "money must be a Decimal, an int or a decimal string of yuan (never a float)",
            path=path,
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"not a decimal number: {str(value)[:40]!r}", path=path) from None
    if not number.is_finite() or number < 0:
        raise InvalidInput("must be a finite amount, not negative", path=path)
    return number


# --------------------------------------------------------------------------- messages

_LANGS = ("zh", "en")


@functools.cache
def templates() -> dict[str, dict[str, str]]:
    """Every message key of ``messages.toml`` with its ``{"zh", "en"}`` templates."""
    raw = tomllib.loads((files("kejiservice.finance") / "messages.toml").read_text("utf-8"))
    found: dict[str, dict[str, str]] = {}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        if set(node) & set(_LANGS):
            if set(node) != set(_LANGS) or not all(isinstance(node[k], str) for k in _LANGS):
                raise ParameterError(f"messages.toml: {prefix}: needs exactly zh and en strings")
            found[prefix] = {lang: node[lang] for lang in _LANGS}
            return
        for key, value in node.items():
            if not isinstance(value, dict):
                raise ParameterError(f"messages.toml: {join(prefix, key)}: must be a table")
            walk(value, join(prefix, key))

    walk(raw, "")
    return found


def message(key: str, **args: object) -> Message:
    """The message ``key`` of ``messages.toml`` with ``args`` (Decimals shown plainly)."""
    found = templates().get(key)
    if found is None:  # pragma: no cover - a programming error caught by the tests
        raise ParameterError(f"messages.toml: no message {key!r}")
    shown = {k: format(v, "f") if isinstance(v, Decimal) else str(v) for k, v in args.items()}
    return Message(f"finance.{key}", shown, templates=found)


def money(value: Decimal) -> str:
    """An amount of yuan for messages: exact, with at least 2 decimals (``"1400000.00"``)."""
    if value == value.quantize(FEN):
        return format(value.quantize(FEN), "f")
    return format(value.normalize(), "f")


def pct(value: Decimal) -> str:
    """A ratio as a percentage: ``0.35`` -> ``"35%"``."""
    shown = (value * 100).normalize()
    return f"{format(shown, 'f')}%"


def floor_fen(value: Decimal) -> Decimal:
    """``value`` rounded down to the fen."""
    return value.quantize(FEN, rounding=ROUND_FLOOR)
