"""The one cattrs converter: JSON-ready dicts <-> models, with every error's JSON path.

Shape is checked here, strictly: a JSON number where money is expected, a string
where a count is expected, an unknown key, an impossible date are all refused, and
every problem found is reported with its path (``$.years[2].rd_expense``) in one
:class:`~kejiservice.errors.InvalidInput`. Cross-field invariants are checked after
structuring by :func:`kejiservice.models.enterprise_problems`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ..errors import InvalidInput, Problem
from ..models import (
    Acquisition,
    Award,
    Certification,
    Enterprise,
    Incident,
    IntellectualProperty,
    Listing,
    StandardLed,
    TechField,
    YearFigures,
    enterprise_problems,
)

__all__ = ["converter", "dump", "load"]

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)

# ASCII digits only: \d would also accept other scripts' digits ("١٢٣", "２０２４").
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
MAX_MONEY = Decimal(10) ** 15
"""The largest amount of money accepted (10^15 yuan, far above any enterprise's figures):
with at most :data:`MONEY_PLACES` decimals, every sum, ratio test and gap the rules
compute stays exact in Decimal's 28 digits."""
MONEY_PLACES = 8
_FINEST = Decimal(1).scaleb(-MONEY_PLACES)
_MONEY_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
# the usual amount, which passes every check below: at most 15 digits before the point
# (below 10^15), at most MONEY_PLACES after it, no sign
_PLAIN_MONEY_RE = re.compile(r"[0-9]{1,15}(\.[0-9]{0,8})?")
_YEAR_KEY_RE = re.compile(r"^[0-9]{4}$")


class _ShapeError(ValueError):
    """A value of the wrong shape; ``suffix`` extends the path (a mapping key)."""

    def __init__(self, message: str, suffix: str = "") -> None:
        super().__init__(message)
        self.suffix = suffix


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _structure_decimal(value: Any, _: type) -> Decimal:
    if not isinstance(value, str):
        hint = ' (write money as a JSON string such as "48000000.00")'
        raise _ShapeError(f"money must be a string of yuan, got {_describe(value)}{hint}")
    text = value.strip()
    if _PLAIN_MONEY_RE.fullmatch(text):
        return Decimal(text)
    return _checked_money(value, text)


def _checked_money(value: str, text: str) -> Decimal:
    """``text`` (``value`` stripped) as money, checked step by step (any amount that is
    not plainly fine; tests hold the short cut above to the same answers)."""
    if not _MONEY_RE.match(text):
        raise _ShapeError(f"not a decimal number of yuan: {value[:40]!r}")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid literals
        raise _ShapeError(f"not a decimal number of yuan: {value[:40]!r}") from exc
    if amount < 0:
        raise _ShapeError(f"money must not be negative, got {value}")
    if amount > MAX_MONEY:
        raise _ShapeError(
            f"money above {MAX_MONEY:,} yuan (10^15) is beyond what the rules compute "
            f"exactly, got {value[:40]!r}"
        )
    if amount != amount.quantize(_FINEST):  # exact: at most 16 + 8 digits here
        raise _ShapeError(f"money has at most {MONEY_PLACES} decimal places, got {value[:40]!r}")
    return amount


def _structure_date(value: Any, _: type) -> dt.date:
    if not isinstance(value, str):
        raise _ShapeError(f"a date must be a string YYYY-MM-DD, got {_describe(value)}")
    if not _DATE_RE.match(value):
        raise _ShapeError(f"a date must be written YYYY-MM-DD, got {value[:40]!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _ShapeError(f"no such date: {value}") from exc


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _ShapeError(f"must be an integer, got {_describe(value)}")
    if value < 0:
        raise _ShapeError(f"must not be negative, got {value}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise _ShapeError(f"must be true or false, got {_describe(value)}")
    return value


def _structure_str(value: Any, cls: type) -> Any:
    if cls is not str and issubclass(cls, enum.StrEnum):
        return _structure_enum(value, cls)
    if not isinstance(value, str):
        raise _ShapeError(f"must be a string, got {_describe(value)}")
    return value


def _structure_enum(value: Any, cls: type[enum.StrEnum]) -> enum.StrEnum:
    if not isinstance(value, str):
        raise _ShapeError(f"must be a string, got {_describe(value)}")
    try:
        return cls(value)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in cls)
        raise _ShapeError(f"unknown value {value[:40]!r}; expected one of: {allowed}") from exc


def _structure_achievements(value: Any, _: type) -> dict[str, int]:
    if not isinstance(value, dict):
        raise _ShapeError(f"must be an object of year -> count, got {_describe(value)}")
    out: dict[str, int] = {}
    for key, count in value.items():
        if not _YEAR_KEY_RE.match(key):
            raise _ShapeError(f'keys are years such as "2024", got {key[:20]!r}', f"[{key!r}]")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise _ShapeError(
                f"must be a non-negative integer, got {_describe(count)}", f"[{key!r}]"
            )
        out[key] = count
    return out


def _structure_extra(value: Any, _: type) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _ShapeError(f"must be an object, got {_describe(value)}")
    return value


def _without_tracebacks(exc: E) -> E:
    """``exc`` and the exceptions grouped under it, with their tracebacks dropped."""
    exc.__traceback__ = None
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            _without_tracebacks(sub)
    return exc


def _optional(hook: Callable[[Any, Any], Any], inner: type) -> Callable[[Any, Any], Any]:
    """The hook of ``inner | None`` (cattrs would look ``inner``'s hook up on every call)."""

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else hook(value, inner)

    return structure


def _structure_list(item_type: type[T]) -> Callable[[Any, type], tuple[T, ...]]:
    def hook(value: Any, _: type) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise _ShapeError(f"must be an array, got {_describe(value)}")
        errors: list[Exception] = []
        items: list[T] = []
        for index, raw in enumerate(value):
            try:
                items.append(converter.structure(raw, item_type))
            except Exception as exc:
                exc.__notes__ = [IterableValidationNote(f"@ index {index}", index, item_type)]
                # drop the frames: thousands of bad rows must not keep them all alive
                errors.append(_without_tracebacks(exc))
        if errors:
            raise IterableValidationError(f"in {item_type.__name__} list", errors, tuple)
        return tuple(items)

    return hook


def _overrides(renames: Mapping[str, str] | None) -> dict[str, Any]:
    return {name: override(rename=key) for name, key in (renames or {}).items()}


def _structure_object(cls: type[T], renames: Mapping[str, str] | None = None) -> Any:
    inner = make_dict_structure_fn(
        cls,
        converter,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
        **_overrides(renames),
    )

    def hook(value: Any, target: type) -> T:
        if not isinstance(value, dict):
            raise _ShapeError(f"must be an object, got {_describe(value)}")
        # Treat an explicit null as "absent" so that optional fields take their default.
        cleaned = {k: v for k, v in value.items() if v is not None}
        return inner(cleaned, target)

    return hook


def _unstructure_object(cls: type[Any], renames: Mapping[str, str] | None = None) -> Any:
    return make_dict_unstructure_fn(
        cls,
        converter,
        _cattrs_omit_if_default=True,
        **_overrides(renames),
    )


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(str, _structure_str)
    optional: tuple[tuple[Any, Callable[[Any, Any], Any]], ...] = (
        (Decimal, _structure_decimal),
        (int, _structure_int),
        (bool, _structure_bool),
        (dt.date, _structure_date),
        (str, _structure_str),
        (Acquisition, _structure_enum),
        (TechField, _structure_enum),
    )
    for inner, hook in optional:
        conv.register_structure_hook(inner | None, _optional(hook, inner))
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.StrEnum), _structure_enum
    )
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.StrEnum), lambda e: e.value
    )
    return conv


converter = _make_converter()

_RENAMES: dict[type[Any], dict[str, str]] = {Listing: {"start": "from", "end": "to"}}
_OBJECTS: tuple[type[Any], ...] = (
    YearFigures,
    IntellectualProperty,
    Certification,
    Incident,
    Listing,
    Award,
    StandardLed,
)
_LISTS: dict[str, type[Any]] = {
    "years": YearFigures,
    "ip": IntellectualProperty,
    "certifications": Certification,
    "incidents": Incident,
    "listings": Listing,
    "awards": Award,
    "standards_led": StandardLed,
    "tags": str,
}


def _register_models() -> None:
    for cls in _OBJECTS:
        converter.register_structure_hook(cls, _structure_object(cls, _RENAMES.get(cls)))
        converter.register_unstructure_hook(cls, _unstructure_object(cls, _RENAMES.get(cls)))
    list_hooks: dict[str, Any] = {
        name: override(struct_hook=_structure_list(t)) for name, t in _LISTS.items()
    }
    inner = make_dict_structure_fn(
        Enterprise,
        converter,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
        achievements_transformed=override(struct_hook=_structure_achievements),
        extra=override(struct_hook=_structure_extra),
        **list_hooks,
    )

    def structure_enterprise(value: Any, target: type) -> Enterprise:
        if not isinstance(value, dict):
            raise _ShapeError(f"an enterprise must be a JSON object, got {_describe(value)}")
        cleaned = {k: v for k, v in value.items() if v is not None}
        return inner(cleaned, target)

    converter.register_structure_hook(Enterprise, structure_enterprise)
    _list_unstructure: dict[str, Any] = {
        name: override(unstruct_hook=lambda items: [converter.unstructure(i) for i in items])
        for name in _LISTS
    }
    unstructure = make_dict_unstructure_fn(
        Enterprise,
        converter,
        _cattrs_omit_if_default=True,
        **_list_unstructure,
        achievements_transformed=override(unstruct_hook=dict),
        extra=override(unstruct_hook=lambda d: d),
    )
    converter.register_unstructure_hook(Enterprise, unstructure)


_register_models()


def _problems(exc: BaseException, path: str, renames: Mapping[str, str]) -> list[Problem]:
    """Flatten a (detailed) cattrs error tree into path-tagged problems."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        out: list[Problem] = []
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            if isinstance(note, AttributeValidationNote):
                sub_path = f"{path}.{renames.get(note.name, note.name)}"
                cls = note.type
                sub_renames = _RENAMES.get(cls, {}) if isinstance(cls, type) else {}
            elif isinstance(note, IterableValidationNote):
                sub_path = f"{path}[{note.index}]"
                cls = note.type
                sub_renames = _RENAMES.get(cls, {}) if isinstance(cls, type) else {}
            else:  # pragma: no cover - cattrs gives one of the two notes
                sub_path, sub_renames = path, {}
            out.extend(_problems(sub, sub_path, sub_renames))
        for sub in without:
            out.extend(_problems(sub, path, renames))
        return out
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            Problem(f"{path}.{key}", 'unknown field (a typo? free-form data goes under "extra")')
            for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, _ShapeError):
        return [Problem(path + exc.suffix, str(exc))]
    if isinstance(exc, KeyError):
        return [Problem(path, "required field is missing")]
    return [Problem(path, f"invalid value ({type(exc).__name__}: {exc})")]


def load(cls: type[T], data: Any, *, path: str = "$") -> T:
    """Build a model from JSON-ready data, or raise ``InvalidInput`` listing every problem.

    ``data`` is what ``json.loads`` returns (dicts, lists, strings, ...). For an
    :class:`~kejiservice.models.Enterprise` the cross-field invariants are checked too.
    """
    if cls is Enterprise and isinstance(data, dict) and "schema" in data:
        schema = data["schema"]
        if schema is not None and schema != "kejiservice/enterprise@1":
            raise InvalidInput(
                [Problem(f"{path}.schema", f"unsupported schema {str(schema)[:60]!r}")]
            )
    # The error is raised outside the except blocks, so that it does not keep the cattrs
    # error tree (and its frames) alive as __context__: a ledger with many rejected lines
    # would otherwise hold them all and slow down more than linearly.
    problems: list[Problem] = []
    try:
        obj = converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        problems = _problems(exc, path, _RENAMES.get(cls, {}))
    except _ShapeError as exc:
        problems = [Problem(path + exc.suffix, str(exc))]
    except RecursionError:
        problems = [Problem(path, "input nested too deeply")]
    if problems:
        raise InvalidInput(problems)
    if isinstance(obj, Enterprise):
        problems = enterprise_problems(obj, path=path)
        if problems:
            raise InvalidInput(problems)
    return obj


def dump(obj: Any) -> Any:
    """The JSON-ready form of a model (or of a verdict: anything with ``to_dict()``)."""
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if attrs.has(type(obj)):
        return converter.unstructure(obj)
    if isinstance(obj, list | tuple):
        return [dump(item) for item in obj]
    raise TypeError(f"cannot dump {type(obj).__name__}")
