"""The matching vocabulary: stop lists, weights, need categories and HNTE fields, as data.

Everything the matcher weighs lives in ``vocabulary.toml`` beside this module (or a file
of the same shape passed to :func:`load_vocabulary`). It is validated on load: every
problem is reported with the file name and the key, all at once, in a
:class:`VocabularyError`.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from ..activity import NeedCategory
from ..errors import ParameterError
from ..industry import industry_code_problem
from ..models import CertificationKind, TechField
from ._text import ngrams

__all__ = [
    "CategoryVocab",
    "FieldVocab",
    "Vocabulary",
    "VocabularyError",
    "Weights",
    "default_vocabulary",
    "load_vocabulary",
]

_FILE = "vocabulary.toml"
_TOP = frozenset({"version", "source", "text", "weights", "categories", "fields"})
_TEXT = frozenset({"stop_chars", "stop_terms"})
_WEIGHTS = ("field", "industry", "industry_section", "keyword", "ngram", "leading")
_CATEGORY = frozenset({"name_zh", "name_en", "expert", "university", "institute"})
_FIELD = frozenset({"name_zh", "name_en", "terms", "industries"})


class VocabularyError(ParameterError):
    """A matching vocabulary file that fails validation; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid matching vocabulary:\n  " + "\n  ".join(self.problems))


@attrs.frozen
class Weights:
    """Points per kind of evidence (see the how-to page for the score formula)."""

    field: Decimal
    industry: Decimal
    industry_section: Decimal
    keyword: Decimal
    ngram: Decimal
    leading: Decimal
    leading_kinds: tuple[CertificationKind, ...]


@attrs.frozen
class CategoryVocab:
    """A need category: its names and the factor applied to each kind of candidate."""

    category: NeedCategory
    name_zh: str
    name_en: str
    expert: Decimal
    university: Decimal
    institute: Decimal


@attrs.frozen
class FieldVocab:
    """An HNTE key field: its names, the terms revealing it, its typical industries."""

    field: TechField
    name_zh: str
    name_en: str
    terms: tuple[str, ...]
    industries: tuple[str, ...]


@attrs.frozen
class Vocabulary:
    """The whole vocabulary, validated."""

    version: str
    source: str
    stop_chars: frozenset[str]
    stop_terms: frozenset[str]
    weights: Weights
    categories: Mapping[NeedCategory, CategoryVocab]
    fields: Mapping[TechField, FieldVocab]
    origin: str = _FILE

    def features(self, *texts: str) -> frozenset[str]:
        """The n-gram features of ``texts`` with this vocabulary's stop lists."""
        return ngrams(*texts, stop_chars=self.stop_chars, stop_terms=self.stop_terms)

    def fields_in_text(self, text: str) -> dict[TechField, tuple[str, ...]]:
        """The fields whose terms occur in ``text``, each with the terms found (sorted)."""
        lowered = text.lower()
        out: dict[TechField, tuple[str, ...]] = {}
        for field, vocab in sorted(self.fields.items()):
            found = tuple(sorted(t for t in vocab.terms if t.lower() in lowered))
            if found:
                out[field] = found
        return out

    def field_for_industry(self, code: str) -> tuple[TechField, str] | None:
        """The field whose listed industry prefix is the longest one ``code`` starts with,
        with that prefix; ``None`` when no prefix matches. Ties go to the field listed
        first in :class:`~kejiservice.models.TechField` order."""
        best: tuple[TechField, str] | None = None
        for field in TechField:
            vocab = self.fields.get(field)
            if vocab is None:
                continue
            for prefix in vocab.industries:
                if code.startswith(prefix) and (best is None or len(prefix) > len(best[1])):
                    best = (field, prefix)
        return best


class _Out:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(f"{self.origin}: {key}: {message}")


def _unknown_keys(table: Mapping[str, Any], allowed: frozenset[str], key: str, out: _Out) -> None:
    for name in sorted(set(table) - allowed):
        out.add(f"{key}.{name}" if key else name, "unknown key")


def _table(value: Any, key: str, out: _Out) -> dict[str, Any]:
    if not isinstance(value, dict):
        out.add(key, "must be a table")
        return {}
    return value


def _text(value: Any, key: str, out: _Out) -> str:
    if not isinstance(value, str) or not value.strip():
        out.add(key, "must be a non-empty string")
        return ""
    return value


def _strings(value: Any, key: str, out: _Out) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        out.add(key, "must be an array of non-empty strings")
        return ()
    return tuple(value)


def _weight(value: Any, key: str, out: _Out) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        out.add(key, 'must be a decimal string such as "1.5"')
        return Decimal(0)
    try:
        number = Decimal(value)
    except InvalidOperation:
        out.add(key, f"not a decimal number: {value!r}")
        return Decimal(0)
    if not number.is_finite() or number < 0:
        out.add(key, "must be a finite number, not negative")
        return Decimal(0)
    return number


def _weights(raw: Any, out: _Out) -> Weights:
    table = _table(raw, "weights", out)
    _unknown_keys(table, frozenset({*_WEIGHTS, "leading_kinds"}), "weights", out)
    values: dict[str, Decimal] = {}
    for name in _WEIGHTS:
        if name not in table:
            out.add(f"weights.{name}", "missing")
            values[name] = Decimal(0)
        else:
            values[name] = _weight(table[name], f"weights.{name}", out)
    kinds: list[CertificationKind] = []
    for index, kind in enumerate(
        _strings(table.get("leading_kinds", []), "weights.leading_kinds", out)
    ):
        try:
            kinds.append(CertificationKind(kind))
        except ValueError:
            choices = ", ".join(k.value for k in CertificationKind)
            out.add(f"weights.leading_kinds[{index}]", f"unknown kind {kind!r}; one of {choices}")
    return Weights(leading_kinds=tuple(kinds), **values)


def _categories(raw: Any, out: _Out) -> dict[NeedCategory, CategoryVocab]:
    table = _table(raw, "categories", out)
    found: dict[NeedCategory, CategoryVocab] = {}
    for name, body in table.items():
        key = f"categories.{name}"
        try:
            category = NeedCategory(name)
        except ValueError:
            out.add(key, f"not a need category; one of {', '.join(c.value for c in NeedCategory)}")
            continue
        body = _table(body, key, out)
        _unknown_keys(body, _CATEGORY, key, out)
        factors = {}
        for kind in ("expert", "university", "institute"):
            if kind not in body:
                out.add(f"{key}.{kind}", "missing")
            factors[kind] = _weight(body.get(kind, "0"), f"{key}.{kind}", out)
        found[category] = CategoryVocab(
            category=category,
            name_zh=_text(body.get("name_zh"), f"{key}.name_zh", out),
            name_en=_text(body.get("name_en"), f"{key}.name_en", out),
            **factors,
        )
    for category in NeedCategory:
        if category not in found:
            out.add(f"categories.{category.value}", "missing (every need category is needed)")
    return found


def _fields(raw: Any, out: _Out) -> dict[TechField, FieldVocab]:
    table = _table(raw, "fields", out)
    found: dict[TechField, FieldVocab] = {}
    for name, body in table.items():
        key = f"fields.{name}"
        try:
            field = TechField(name)
        except ValueError:
            field = None
        if field is None or field is TechField.NONE:
            choices = ", ".join(f.value for f in TechField if f is not TechField.NONE)
            out.add(key, f"not an HNTE key field; one of {choices}")
            continue
        body = _table(body, key, out)
        _unknown_keys(body, _FIELD, key, out)
        industries = _strings(body.get("industries", []), f"{key}.industries", out)
        for index, prefix in enumerate(industries):
            problem = industry_code_problem(prefix)
            if problem is not None:
                out.add(f"{key}.industries[{index}]", problem)
        found[field] = FieldVocab(
            field=field,
            name_zh=_text(body.get("name_zh"), f"{key}.name_zh", out),
            name_en=_text(body.get("name_en"), f"{key}.name_en", out),
            terms=_strings(body.get("terms", []), f"{key}.terms", out),
            industries=industries,
        )
    for field in TechField:
        if field is not TechField.NONE and field not in found:
            out.add(f"fields.{field.value}", "missing (every HNTE key field is needed)")
    return found


def parse_vocabulary(doc: Mapping[str, Any], origin: str = _FILE) -> Vocabulary:
    """Validate a parsed vocabulary document; :class:`VocabularyError` lists every problem."""
    out = _Out(origin)
    _unknown_keys(doc, _TOP, "", out)
    text = _table(doc.get("text", {}), "text", out)
    _unknown_keys(text, _TEXT, "text", out)
    stop_chars = text.get("stop_chars", "")
    if not isinstance(stop_chars, str):
        out.add("text.stop_chars", "must be a string of characters")
        stop_chars = ""
    stop_terms = _strings(text.get("stop_terms", []), "text.stop_terms", out)
    vocabulary = Vocabulary(
        version=_text(doc.get("version"), "version", out),
        source=_text(doc.get("source"), "source", out),
        stop_chars=frozenset(stop_chars),
        stop_terms=frozenset(stop_terms),
        weights=_weights(doc.get("weights"), out),
        categories=_categories(doc.get("categories"), out),
        fields=_fields(doc.get("fields"), out),
        origin=origin,
    )
    if out.problems:
        raise VocabularyError(out.problems)
    return vocabulary


def _parse_text(text: str, origin: str) -> Vocabulary:
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError([f"{origin}: toml: {exc}"]) from None
    return parse_vocabulary(doc, origin)


def load_vocabulary(path: str | Path) -> Vocabulary:
    """Load and validate a vocabulary file of the same shape as the bundled one."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise VocabularyError([f"{file.name}: file: {exc.strerror}"]) from None
    return _parse_text(text, file.name)


@functools.cache
def default_vocabulary() -> Vocabulary:
    """The bundled vocabulary (``vocabulary.toml``), read once."""
    raw = (files("kejiservice.matching") / _FILE).read_text("utf-8")
    return _parse_text(raw, _FILE)
