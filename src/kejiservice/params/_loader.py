"""Dated parameters: TOML files in, validated, and looked up by date and region.

A parameter file is a TOML document. Any table holding a ``versions`` array is a
parameter; its dotted path is its name (``[hnte.tech_staff_ratio_min]`` defines
``hnte.tech_staff_ratio_min``)::

    [meta]
    layer = "national"          # a name for the layer; overlays use their own
    region = ""                 # overlays: the region code prefix they apply to ("44", "441200")

    [hnte.tech_staff_ratio_min]
    unit = "ratio"
    description = "科技人员占当年职工总数的比例不低于10%"

    [[hnte.tech_staff_ratio_min.versions]]
    effective_from = 2016-01-01
    value = "0.10"
    source = "国科发火〔2016〕32号 第十一条（四）"

Versions of one parameter must not overlap and must leave no gap between them
(``effective_to`` is inclusive and optional on the last one). Floats are parsed as
``Decimal`` and amounts in 万元 or 亿元 are converted to yuan here, so rule code never
scales money. Every problem found is reported with its file and key.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

import attrs

from ..errors import ParameterError

__all__ = [
    "Band",
    "ParamValue",
    "Parameter",
    "ParameterLayer",
    "ParameterSet",
    "Version",
    "lint_layer",
    "load_layer",
]

_MONEY_SCALE = {"yuan": Decimal(1), "wan_yuan": Decimal(10_000), "yi_yuan": Decimal(100_000_000)}
_INT_UNITS = frozenset({"days", "months", "years", "persons", "points", "count"})
UNITS = frozenset(
    {
        *_MONEY_SCALE,
        *_INT_UNITS,
        "ratio",
        "rate",
        "bool",
        "text",
        "codes",
        "bands",
        "date",
        "size_table",
    }
)
# size_table rows: indicator -> (unit, scale) ; each row is [sme_upper, medium_min, small_min]
_SIZE_INDICATORS = {"employees": 1, "revenue_wan": 10_000, "assets_wan": 10_000}
_BAND_TESTS = ("at_least", "above", "at_most", "below")
_BAND_KEYS = frozenset({*_BAND_TESTS, "points", "points_min", "points_max", "label"})
_PARAM_KEYS = frozenset({"unit", "description", "versions", "band_unit"})
_VERSION_KEYS = frozenset({"effective_from", "effective_to", "value", "source", "note"})


@attrs.frozen
class Band:
    """One row of a scoring table: a test on the value and the points it earns.

    Exactly one of ``at_least`` (>=), ``above`` (>), ``at_most`` (<=), ``below`` (<)
    is set, or none for the catch-all last row. ``points_min``/``points_max`` give a
    range where experts pick the points inside the band.
    """

    label: str
    points_min: int
    points_max: int
    op: str | None = None
    bound: Decimal | None = None

    def matches(self, value: Decimal) -> bool:
        """Whether ``value`` falls in this band (the text's inclusivity, exactly)."""
        if self.op is None or self.bound is None:
            return True
        if self.op == "at_least":
            return value >= self.bound
        if self.op == "above":
            return value > self.bound
        if self.op == "at_most":
            return value <= self.bound
        return value < self.bound

    def describe(self) -> str:
        """The test as text, e.g. ``>= 0.30``."""
        symbol = {"at_least": ">=", "above": ">", "at_most": "<=", "below": "<"}
        if self.op is None or self.bound is None:
            return "otherwise"
        return f"{symbol[self.op]} {self.bound}"


@attrs.frozen
class Version:
    """One dated value of a parameter, in force from ``effective_from`` to ``effective_to``."""

    effective_from: dt.date
    effective_to: dt.date | None
    value: Any
    source: str
    note: str = ""

    def in_force(self, day: dt.date) -> bool:
        """Whether this version applies on ``day``."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@attrs.frozen
class Parameter:
    """A named parameter with its unit and its dated versions (sorted, gap-free)."""

    name: str
    unit: str
    description: str
    versions: tuple[Version, ...]

    def version_on(self, day: dt.date) -> Version | None:
        """The version in force on ``day``, or ``None``."""
        for version in self.versions:
            if version.in_force(day):
                return version
        return None


@attrs.frozen
class ParamValue:
    """A parameter value as a verdict reports it: what, from where, in force when."""

    name: str
    value: Any
    unit: str
    source: str
    layer: str
    effective_from: dt.date
    effective_to: dt.date | None


@attrs.frozen
class ParameterLayer:
    """The parameters of one layer: the national pack or a regional overlay."""

    name: str
    region: str
    params: Mapping[str, Parameter]
    origin: str = ""

    def applies_to(self, region: str | None) -> bool:
        """Whether this layer applies to an enterprise in ``region`` (a 6-digit code)."""
        if not self.region:
            return True
        return region is not None and region.startswith(self.region)


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


class _Collector:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(f"{self.origin}: {key}: {message}")


def _number(raw: Any, key: str, out: _Collector, what: str) -> Decimal | None:
    """``raw`` as a finite Decimal, or ``None`` after recording why it is not one."""
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
        out.add(key, f"{what} must be a number or a decimal string")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        out.add(key, f"{what} must be a number, got {str(raw)[:40]!r}")
        return None
    if not value.is_finite():
        out.add(key, f"{what} must be a finite number, got {raw}")
        return None
    return value


def _convert_value(unit: str, raw: Any, key: str, out: _Collector, band_unit: str) -> Any:
    if unit in _MONEY_SCALE:
        amount = _number(raw, key, out, f"a {unit} amount")
        if amount is None:
            return None
        if amount < 0:
            out.add(key, "an amount must not be negative")
        return amount * _MONEY_SCALE[unit]
    if unit in _INT_UNITS:
        if isinstance(raw, bool) or not isinstance(raw, int):
            out.add(key, f"a value in {unit} must be an integer")
            return None
        return raw
    if unit in ("ratio", "rate"):
        value = _number(raw, key, out, f"a {unit}")
        if value is None:
            return None
        if value < 0:
            out.add(key, f"a {unit} must not be negative")
        if unit == "ratio" and value > 1:
            out.add(key, f"a ratio is between 0 and 1 (did you write a percentage? {raw})")
        return value
    if unit == "bool":
        if not isinstance(raw, bool):
            out.add(key, "must be true or false")
        return raw
    if unit == "text":
        if not isinstance(raw, str):
            out.add(key, "must be a string")
        return raw
    if unit == "date":
        if not _is_date(raw):
            out.add(key, "must be a TOML date")
        return raw
    if unit == "codes":
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
            out.add(key, "must be an array of strings")
            return ()
        return tuple(raw)
    if unit == "size_table":
        return _convert_size_table(raw, key, out)
    return _convert_bands(raw, key, out, band_unit)


def _convert_size_table(raw: Any, key: str, out: _Collector) -> dict[str, tuple[Decimal, ...]]:
    """``{employees = [1000, 300, 20], revenue_wan = [40000, 2000, 300]}`` -> yuan/persons."""
    if not isinstance(raw, dict) or not raw:
        out.add(key, "a size table maps indicators to [sme_upper, medium_min, small_min]")
        return {}
    table: dict[str, tuple[Decimal, ...]] = {}
    for indicator, row in raw.items():
        here = f"{key}.{indicator}"
        scale = _SIZE_INDICATORS.get(indicator)
        if scale is None:
            out.add(here, f"unknown indicator; one of {', '.join(_SIZE_INDICATORS)}")
            continue
        if (
            not isinstance(row, list)
            or len(row) != 3
            or not all(isinstance(v, int | Decimal) and not isinstance(v, bool) for v in row)
        ):
            out.add(here, "needs three numbers: [sme_upper, medium_min, small_min]")
            continue
        upper, medium, small = (Decimal(v) * scale for v in row)
        if not upper > medium > small >= 0:
            out.add(here, "expects sme_upper > medium_min > small_min >= 0")
        table[indicator.removesuffix("_wan")] = (upper, medium, small)
    return table


def _convert_bands(raw: Any, key: str, out: _Collector, band_unit: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        out.add(key, "bands must be a non-empty array of tables")
        return ()
    bands: list[Band] = []
    for index, row in enumerate(raw):
        here = f"{key}[{index}]"
        if not isinstance(row, dict):
            out.add(here, "a band is a table")
            continue
        for unknown in sorted(set(row) - _BAND_KEYS):
            out.add(f"{here}.{unknown}", "unknown key")
        tests = [t for t in _BAND_TESTS if t in row]
        if len(tests) > 1:
            out.add(here, f"a band has one test, got {', '.join(tests)}")
        op = tests[0] if tests else None
        bound = None
        if op is not None:
            bound = _convert_value(band_unit, row[op], f"{here}.{op}", out, "")
        elif index != len(raw) - 1:
            out.add(here, "only the last band may have no test (the catch-all)")
        if "points" in row:
            lo = hi = row["points"]
        else:
            lo, hi = row.get("points_min"), row.get("points_max")
        if not (isinstance(lo, int) and isinstance(hi, int)) or lo > hi:
            out.add(here, "a band needs integer points (or points_min <= points_max)")
            continue
        bands.append(
            Band(label=str(row.get("label", "")), points_min=lo, points_max=hi, op=op, bound=bound)
        )
    return tuple(bands)


def _parse_parameter(name: str, table: Mapping[str, Any], out: _Collector) -> Parameter | None:
    for unknown in sorted(set(table) - _PARAM_KEYS):
        out.add(f"{name}.{unknown}", "unknown key")
    unit = table.get("unit")
    if unit not in UNITS:
        out.add(f"{name}.unit", f"unknown unit {unit!r}; one of {', '.join(sorted(UNITS))}")
        return None
    band_unit = table.get("band_unit", "ratio")
    if unit == "bands" and band_unit not in UNITS - {"bands", "codes", "text", "bool", "date"}:
        out.add(f"{name}.band_unit", f"unknown band unit {band_unit!r}")
        return None
    raw_versions = table.get("versions")
    if not isinstance(raw_versions, list) or not raw_versions:
        out.add(f"{name}.versions", "at least one version is needed")
        return None
    versions: list[Version] = []
    for index, raw in enumerate(raw_versions):
        key = f"{name}.versions[{index}]"
        if not isinstance(raw, dict):
            out.add(key, "a version is a table")
            continue
        for unknown in sorted(set(raw) - _VERSION_KEYS):
            out.add(f"{key}.{unknown}", "unknown key")
        start, end = raw.get("effective_from"), raw.get("effective_to")
        if not _is_date(start):
            out.add(f"{key}.effective_from", "a TOML date is required")
            continue
        if end is not None and not _is_date(end):
            out.add(f"{key}.effective_to", "must be a TOML date")
            continue
        if end is not None and end < start:
            out.add(f"{key}.effective_to", "ends before it starts")
        source = raw.get("source")
        if not isinstance(source, str) or not source.strip():
            out.add(f"{key}.source", "every value needs its source (document and article)")
            source = ""
        if "value" not in raw:
            out.add(f"{key}.value", "missing")
            continue
        value = _convert_value(unit, raw["value"], f"{key}.value", out, band_unit)
        versions.append(Version(cast(dt.date, start), end, value, source, str(raw.get("note", ""))))
    versions.sort(key=lambda v: v.effective_from)
    for before, after in itertools.pairwise(versions):
        if before.effective_to is None or before.effective_to >= after.effective_from:
            out.add(
                name,
                f"versions overlap: one from {before.effective_from} has no end before "
                f"the next starts on {after.effective_from}",
            )
        elif before.effective_to + dt.timedelta(days=1) != after.effective_from:
            out.add(name, f"gap between versions: {before.effective_to} to {after.effective_from}")
    # Money is converted to yuan on load, so the parameter's unit is yuan from here on.
    stored_unit = "yuan" if unit in _MONEY_SCALE else unit
    return Parameter(name, stored_unit, str(table.get("description", "")), tuple(versions))


def _walk(table: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key, value in table.items():
        if not isinstance(value, dict):
            continue
        name = f"{prefix}.{key}" if prefix else key
        if "versions" in value or "unit" in value:
            yield name, value
        else:
            yield from _walk(value, name)


def _parse_document(
    doc: Mapping[str, Any], out: _Collector
) -> tuple[dict[str, Any], dict[str, Parameter]]:
    meta = doc.get("meta", {})
    if not isinstance(meta, dict):
        out.add("meta", "must be a table")
        meta = {}
    for unknown in sorted(set(meta) - {"layer", "region", "description"}):
        out.add(f"meta.{unknown}", "unknown key")
    for key, value in doc.items():
        if key != "meta" and not isinstance(value, dict):
            out.add(key, "a parameter or a group of parameters must be a table")
    params: dict[str, Parameter] = {}
    body = {k: v for k, v in doc.items() if k != "meta"}
    for name, table in _walk(body, ""):
        param = _parse_parameter(name, table, out)
        if param is not None:
            params[name] = param
    return meta, params


def _read(path: Path, out: _Collector) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        out.add("toml", str(exc))
    except OSError as exc:
        out.add("file", str(exc))
    return {}


def _layer_from(
    paths: Iterable[Path], origin: str, default_name: str
) -> tuple[ParameterLayer, list[str]]:
    problems: list[str] = []
    params: dict[str, Parameter] = {}
    name, region = default_name, ""
    names_seen: set[tuple[str, str]] = set()
    for path in sorted(paths):
        out = _Collector(str(path.name))
        meta, found = _parse_document(_read(path, out), out)
        layer_name = str(meta.get("layer", default_name))
        layer_region = str(meta.get("region", ""))
        names_seen.add((layer_name, layer_region))
        if layer_region and not (
            layer_region.isascii() and layer_region.isdigit() and len(layer_region) in (2, 4, 6)
        ):
            out.add("meta.region", "a region prefix has 2, 4 or 6 digits")
        name, region = layer_name, layer_region
        for key, param in found.items():
            if key in params:
                out.add(key, "defined in more than one file of this pack")
            params[key] = param
        problems.extend(out.problems)
    if len(names_seen) > 1:
        problems.append(f"{origin}: files of one pack disagree on meta.layer/meta.region")
    return ParameterLayer(name, region, params, origin), problems


def lint_layer(
    directory: str | Path, *, base: ParameterSet | None = None, allow_new: bool = True
) -> list[str]:
    """Every problem in the parameter pack in ``directory`` (an empty list when it is sound).

    With ``base`` (e.g. the national pack), an overlay is also checked against it: a
    parameter it overrides must keep the base's unit, and with ``allow_new=False`` a
    name the base does not define (usually a typo) is a problem too.
    """
    folder = Path(directory)
    if not folder.is_dir():
        return [f"{folder}: not a directory"]
    files = list(folder.glob("*.toml"))
    if not files:
        return [f"{folder}: no .toml files"]
    layer, problems = _layer_from(files, str(folder), folder.name)
    if base is not None:
        known = set(base.names())
        for name, param in sorted(layer.params.items()):
            if name not in known:
                if not allow_new:
                    problems.append(f"{folder}: {name}: not a parameter of the base pack")
                continue
            expected = base.parameter(name).unit
            if param.unit != expected:
                problems.append(
                    f"{folder}: {name}: unit {param.unit!r} differs from the base pack's "
                    f"{expected!r}"
                )
    return problems


def load_layer(directory: str | Path) -> ParameterLayer:
    """Load and validate the parameter pack in ``directory``; ``ParameterError`` if unsound."""
    folder = Path(directory)
    problems = lint_layer(folder)
    if problems:
        raise ParameterError("invalid parameter pack:\n  " + "\n  ".join(problems))
    layer, _ = _layer_from(folder.glob("*.toml"), str(folder), folder.name)
    return layer


class ParameterSet:
    """Layers of parameters, most general first; later layers override earlier ones.

    ``lookup(name, day, region)`` returns the value in force on ``day`` from the most
    specific layer that applies to ``region`` and has a version in force then.
    """

    def __init__(self, layers: Iterable[ParameterLayer]) -> None:
        self.layers: tuple[ParameterLayer, ...] = tuple(layers)
        self._cache: dict[tuple[dt.date, str | None], dict[str, ParamValue]] = {}
        self._derived: dict[tuple[dt.date, str | None], dict[str, Any]] = {}

    def with_layer(self, layer: ParameterLayer) -> ParameterSet:
        """A new set with ``layer`` on top (the original is unchanged)."""
        return ParameterSet((*self.layers, layer))

    def names(self) -> list[str]:
        """Every parameter name any layer defines, sorted."""
        return sorted({name for layer in self.layers for name in layer.params})

    def parameter(self, name: str) -> Parameter:
        """The definition of ``name`` from the base layer that defines it."""
        for layer in self.layers:
            if name in layer.params:
                return layer.params[name]
        raise ParameterError(f"unknown parameter {name!r}")

    def lookup(self, name: str, day: dt.date, region: str | None = None) -> ParamValue:
        """The value of ``name`` in force on ``day`` for an enterprise in ``region``."""
        memo = self.memo(day, region)
        cached = memo.get(name)
        if cached is not None:
            return cached
        known = False
        for layer in reversed(self.layers):
            param = layer.params.get(name)
            if param is None or not layer.applies_to(region):
                continue
            known = True
            version = param.version_on(day)
            if version is not None:
                found = ParamValue(
                    name,
                    version.value,
                    param.unit,
                    version.source,
                    layer.name,
                    version.effective_from,
                    version.effective_to,
                )
                memo[name] = found
                return found
        if not known:
            raise ParameterError(f"unknown parameter {name!r}")
        raise ParameterError(f"parameter {name!r} has no version in force on {day.isoformat()}")

    def memo(self, day: dt.date, region: str | None) -> dict[str, ParamValue]:
        """The values already resolved for ``day`` and ``region`` (filled as they are read)."""
        found = self._cache.get((day, region))
        if found is None:
            found = self._cache[(day, region)] = {}
        return found

    def clear_memo(self) -> None:
        """Forget the values and derived tables memoised per day and region.

        Nothing needs this in normal use (the layers never change); mutation testing
        does, so that a mutated rule kernel cannot answer from tables an earlier,
        unmutated run left behind.
        """
        self._cache.clear()
        self._derived.clear()

    def derived_memo(self, day: dt.date, region: str | None) -> dict[str, Any]:
        """A place for what rules derive from the values of ``day`` and ``region`` (joined
        sources, the value tables of fast kernels)."""
        found = self._derived.get((day, region))
        if found is None:
            found = self._derived[(day, region)] = {}
        return found

    def find(self, name: str, day: dt.date, region: str | None = None) -> ParamValue | None:
        """Like :meth:`lookup`, but ``None`` when no version is in force on ``day``."""
        try:
            return self.lookup(name, day, region)
        except ParameterError:
            if not any(name in layer.params for layer in self.layers):
                raise
            return None

    def value(self, name: str, day: dt.date, region: str | None = None) -> Any:
        """Shortcut for ``lookup(...).value``."""
        return self.lookup(name, day, region).value
