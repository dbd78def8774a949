"""GB/T 4754-2017 industry codes and the SME-standard industry classes they fall in.

An enterprise's industry is a code of 《国民经济行业分类》 GB/T 4754-2017: a section
letter (门类, ``A``-``T``) followed by nothing, or by the 2-digit division (大类), the
3-digit group (中类) or the 4-digit class (小类), as in ``"C"``, ``"C39"``, ``"C391"``,
``"C3911"``. :func:`industry_code_problem` checks a code, :func:`classify_industry` reads
it: the section and division with their official names, and the industry class of the SME
size standard (:class:`SmeIndustryClass`) that decides which thresholds apply.

All data lives in two TOML files beside this module, read once and validated on load:

* ``gbt4754_2017.toml``: the 20 sections and 97 divisions with Chinese and English names;
* ``sme_industry_classes.toml``: code prefixes mapped to the SME-standard industry classes.
  A code takes the class of its longest matching prefix; a code matching no prefix is
  :attr:`SmeIndustryClass.OTHER` (其他未列明行业); a code too coarse to decide, because
  its longer completions fall in different classes (``"G"``, ``"G59"``, ``"K70"``), gets
  ``None``. Which codes are too coarse is computed from the mapping, not listed.

References:
    * GB/T 4754-2017《国民经济行业分类》, with amendment No. 1 (2019), 国家统计局 /
      国家质量监督检验检疫总局 / 国家标准化管理委员会, in force from 2017-10-01.
    * 工信部联企业〔2011〕300号《中小企业划型标准规定》(2011-06-18): the industries and
      thresholds of the SME size standard.
    * 国统字〔2017〕213号《统计上大中小微型企业划分办法（2017）》: maps the industries of
      the 2011 standard onto GB/T 4754-2017 codes (交通运输业 = 54-58 and 591, railway 53
      excluded; 仓储业 = 592-599; 房地产开发经营 = 701; 物业管理 = 702).

Limitations:
    * Only sections and divisions are checked against the standard: a group or class
      such as ``"C399"`` or ``"C3999"`` is accepted when its division exists, whether or
      not that group or class does. Group- and class-level names are not provided.
    * The English names are descriptive translations, not a normative text.
    * GB/T 4754-2011 codes are not converted: a 2011 code whose division moved (for
      example the 2011 ``G59`` 仓储业) is read as the 2017 code it spells.
    * :attr:`SmeIndustryClass.OTHER` is returned for every code outside the listed
      industries, including 金融业 (section J) and 房地产 groups 703-709, although the
      2011 standard does not cover financial enterprises (they have their own standard)
      and the NBS note excludes 自有房地产经营活动. Callers that care must check the
      section themselves.
"""

from __future__ import annotations

import enum
import functools
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import attrs

from kejiservice.errors import InvalidInput, ParameterError

__all__ = [
    "IndustryInfo",
    "SmeIndustryClass",
    "classify_industry",
    "industry_code_problem",
]

_PACKAGE = "kejiservice.industry"
_GBT_FILE = "gbt4754_2017.toml"
_SME_FILE = "sme_industry_classes.toml"

# Structure of a code: after the section letter, nothing (section), the division (2 digits),
# the group (3) or the class (4).
_DIGIT_COUNTS = (0, 2, 3, 4)
_DIVISION_DIGITS = 2
_DIGITS = frozenset("0123456789")


class SmeIndustryClass(enum.StrEnum):
    """Industry class of the SME size standard (工信部联企业〔2011〕300号).

    Each class has its own indicators and thresholds. Codes are mapped to classes by
    ``sme_industry_classes.toml`` (国统字〔2017〕213号).
    """

    AGRICULTURE = "agriculture"
    """农、林、牧、渔业: all of section A (divisions 01-05)."""
    INDUSTRY = "industry"
    """工业: sections B, C and D (divisions 06-46)."""
    CONSTRUCTION = "construction"
    """建筑业: section E (divisions 47-50)."""
    WHOLESALE = "wholesale"
    """批发业: division 51."""
    RETAIL = "retail"
    """零售业: division 52."""
    TRANSPORT = "transport"
    """交通运输业: divisions 54-58 and group 591 (railway, 53, is not included)."""
    WAREHOUSING = "warehousing"
    """仓储业: groups 592-599."""
    POSTAL = "postal"
    """邮政业: division 60."""
    ACCOMMODATION = "accommodation"
    """住宿业: division 61."""
    CATERING = "catering"
    """餐饮业: division 62."""
    INFORMATION_TRANSMISSION = "information_transmission"
    """信息传输业: divisions 63 and 64."""
    SOFTWARE_IT = "software_it"
    """软件和信息技术服务业: division 65."""
    REAL_ESTATE_DEVELOPMENT = "real_estate_development"
    """房地产开发经营: group 701."""
    PROPERTY_MANAGEMENT = "property_management"
    """物业管理: group 702."""
    LEASING_BUSINESS = "leasing_business_services"
    """租赁和商务服务业: section L (divisions 71 and 72)."""
    OTHER = "other"
    """其他未列明行业: every other code (railway 53, groups 703-709, sections J, M-T, ...)."""


@attrs.frozen
class IndustryInfo:
    """What a GB/T 4754-2017 code says, as returned by :func:`classify_industry`.

    Attributes:
        code: The code as given, e.g. ``"C3911"``.
        section: The section letter, e.g. ``"C"``.
        section_name_zh: The section's official Chinese name, e.g. ``"制造业"``.
        section_name_en: The section's English name, e.g. ``"Manufacturing"``.
        division: The two-digit division, e.g. ``"39"``; ``None`` for a bare section letter.
        division_name_zh: The division's official Chinese name, or ``None``.
        division_name_en: The division's English name, or ``None``.
        sme_class: The SME-standard industry class, or ``None`` when the code is too
            coarse to decide (its completions fall in different classes, e.g. ``"G"``,
            ``"G59"``, ``"K70"``).
    """

    code: str
    section: str
    section_name_zh: str
    section_name_en: str
    division: str | None
    division_name_zh: str | None
    division_name_en: str | None
    sme_class: SmeIndustryClass | None

    def has_prefix(self, prefix: str) -> bool:
        """Whether the code starts with ``prefix``, a (partial) code such as ``"F51"``.

        A code coarser than ``prefix`` does not have it: ``"C"`` has neither ``"C16"``
        nor any other division. An empty prefix matches nothing.
        """
        return bool(prefix) and self.code.startswith(prefix)


# --------------------------------------------------------------------------- data tables


@attrs.frozen
class _Named:
    name_zh: str
    name_en: str


@attrs.frozen
class _Division:
    section: str
    name_zh: str
    name_en: str


@attrs.frozen
class _Gbt4754:
    source: str
    sections: Mapping[str, _Named]
    divisions: Mapping[str, _Division]


@attrs.frozen
class _SmeClasses:
    source: str
    unmatched: SmeIndustryClass
    prefixes: Mapping[str, SmeIndustryClass]


def _read_toml(name: str) -> dict[str, Any]:
    try:
        text = resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{name}: cannot read the data file: {exc}") from exc
    return _parse_toml(text, name)


def _parse_toml(text: str, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{name}: not valid TOML: {exc}") from exc


def _table(value: object, where: str, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParameterError(f"{name}: {where} must be a table")
    return value


def _text(value: object, where: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"{name}: {where} must be a non-empty string")
    return value


def _check_keys(table: Mapping[str, Any], expected: set[str], where: str, name: str) -> None:
    missing = sorted(expected - table.keys())
    unknown = sorted(table.keys() - expected)
    if missing:
        raise ParameterError(f"{name}: {where} lacks {', '.join(missing)}")
    if unknown:
        raise ParameterError(f"{name}: {where} has unknown keys {', '.join(unknown)}")


def _parse_gbt4754(data: Mapping[str, Any], name: str = _GBT_FILE) -> _Gbt4754:
    """Validate the raw TOML of ``gbt4754_2017.toml``; raise ParameterError if malformed."""
    _check_keys(data, {"source", "sections", "divisions"}, "the top level", name)
    source = _text(data["source"], "source", name)

    sections: dict[str, _Named] = {}
    for letter, raw in _table(data["sections"], "sections", name).items():
        where = f"sections.{letter}"
        if len(letter) != 1 or not ("A" <= letter <= "Z"):
            raise ParameterError(f"{name}: {where}: a section key is one uppercase letter")
        entry = _table(raw, where, name)
        _check_keys(entry, {"name_zh", "name_en"}, where, name)
        sections[letter] = _Named(
            _text(entry["name_zh"], f"{where}.name_zh", name),
            _text(entry["name_en"], f"{where}.name_en", name),
        )
    if not sections:
        raise ParameterError(f"{name}: sections is empty")

    divisions: dict[str, _Division] = {}
    for number, raw in _table(data["divisions"], "divisions", name).items():
        where = f"divisions.{number}"
        if len(number) != _DIVISION_DIGITS or not set(number) <= _DIGITS:
            raise ParameterError(f"{name}: {where}: a division key is two digits")
        entry = _table(raw, where, name)
        _check_keys(entry, {"section", "name_zh", "name_en"}, where, name)
        section = _text(entry["section"], f"{where}.section", name)
        if section not in sections:
            raise ParameterError(f"{name}: {where}: unknown section {section!r}")
        divisions[number] = _Division(
            section,
            _text(entry["name_zh"], f"{where}.name_zh", name),
            _text(entry["name_en"], f"{where}.name_en", name),
        )

    # Divisions are numbered consecutively through the sections in letter order: taken in
    # number order, their section letters never go back, and every section has one.
    order = [divisions[number].section for number in sorted(divisions)]
    if order != sorted(order):
        raise ParameterError(f"{name}: divisions are not numbered in section order")
    empty = sorted(set(sections) - set(order))
    if empty:
        raise ParameterError(f"{name}: sections without divisions: {', '.join(empty)}")
    return _Gbt4754(source, sections, divisions)


def _parse_sme_classes(
    data: Mapping[str, Any], gbt: _Gbt4754, name: str = _SME_FILE
) -> _SmeClasses:
    """Validate the raw TOML of ``sme_industry_classes.toml`` against the code table."""
    _check_keys(data, {"source", "unmatched", "prefixes"}, "the top level", name)
    source = _text(data["source"], "source", name)
    unmatched = _sme_class(data["unmatched"], "unmatched", name)
    prefixes: dict[str, SmeIndustryClass] = {}
    for prefix, raw in _table(data["prefixes"], "prefixes", name).items():
        problem = _code_problem(prefix, gbt)
        if problem is not None:
            raise ParameterError(f"{name}: prefixes.{prefix}: {problem}")
        prefixes[prefix] = _sme_class(raw, f"prefixes.{prefix}", name)
    if not prefixes:
        raise ParameterError(f"{name}: prefixes is empty")
    return _SmeClasses(source, unmatched, prefixes)


def _sme_class(value: object, where: str, name: str) -> SmeIndustryClass:
    text = _text(value, where, name)
    try:
        return SmeIndustryClass(text)
    except ValueError:
        known = ", ".join(c.value for c in SmeIndustryClass)
        raise ParameterError(f"{name}: {where}: {text!r} is not one of {known}") from None


@functools.cache
def _gbt4754() -> _Gbt4754:
    return _parse_gbt4754(_read_toml(_GBT_FILE))


@functools.cache
def _sme_classes() -> _SmeClasses:
    return _parse_sme_classes(_read_toml(_SME_FILE), _gbt4754())


# --------------------------------------------------------------------------- logic


def _code_problem(code: str, gbt: _Gbt4754) -> str | None:
    if not code:
        return "an industry code is a GB/T 4754-2017 section letter and 0, 2, 3 or 4 digits"
    letter, digits = code[0], code[1:]
    if letter not in gbt.sections:
        if letter != letter.upper() and letter.upper() in gbt.sections:
            return f"the section letter is uppercase in GB/T 4754-2017: {letter.upper()!r}"
        first, last = min(gbt.sections), max(gbt.sections)
        return f"{letter!r} is not a GB/T 4754-2017 section letter ({first}-{last})"
    if not set(digits) <= _DIGITS:
        return "only the digits 0-9 may follow the section letter"
    if len(digits) not in _DIGIT_COUNTS:
        return f"the section letter is followed by 0, 2, 3 or 4 digits, not {len(digits)}"
    if not digits:
        return None
    division = gbt.divisions.get(digits[:_DIVISION_DIGITS])
    if division is None:
        return f"division {digits[:_DIVISION_DIGITS]} does not exist in GB/T 4754-2017"
    if division.section != letter:
        return (
            f"division {digits[:_DIVISION_DIGITS]} is in section {division.section}, not {letter}"
        )
    return None


def _best_class(code: str, sme: _SmeClasses) -> SmeIndustryClass:
    matches = [prefix for prefix in sme.prefixes if code.startswith(prefix)]
    if not matches:
        return sme.unmatched
    return sme.prefixes[max(matches, key=len)]


def _decided_class(code: str, sme: _SmeClasses) -> SmeIndustryClass | None:
    own = _best_class(code, sme)
    finer = (
        cls
        for prefix, cls in sme.prefixes.items()
        if len(prefix) > len(code) and prefix.startswith(code)
    )
    if any(cls is not own for cls in finer):
        return None
    return own


def industry_code_problem(code: str) -> str | None:
    """Why ``code`` is not a well-formed GB/T 4754-2017 code, or ``None`` when it is.

    A well-formed code is an uppercase section letter (``A``-``T``) followed by 0, 2, 3
    or 4 ASCII digits, whose first two digits, if any, are a division of that section:
    ``"C"``, ``"C39"``, ``"C391"`` and ``"C3911"`` are well-formed; ``"c3911"``,
    ``"C6510"`` (division 65 is in section I), ``"C99"`` and ``"C39111"`` are not.
    Never raises for any string.

    Args:
        code: The code to check.

    Returns:
        ``None`` for a well-formed code, else a short English reason.
    """
    return _code_problem(code, _gbt4754())


def classify_industry(code: str) -> IndustryInfo:
    """Read a GB/T 4754-2017 code: its section, division and SME-standard industry class.

    Args:
        code: A well-formed code such as ``"C3911"`` (see :func:`industry_code_problem`).

    Returns:
        The section and division with their names, and the SME industry class, which is
        ``None`` when the code is too coarse to decide (``"G"``, ``"G59"``, ``"K70"``).

    Raises:
        kejiservice.errors.InvalidInput: The code is malformed; the message says why.
        kejiservice.errors.ParameterError: A data file is malformed.
    """
    gbt = _gbt4754()
    problem = _code_problem(code, gbt)
    if problem is not None:
        raise InvalidInput(problem)
    section = gbt.sections[code[0]]
    number = code[1 : 1 + _DIVISION_DIGITS] or None
    division = gbt.divisions[number] if number is not None else None
    return IndustryInfo(
        code=code,
        section=code[0],
        section_name_zh=section.name_zh,
        section_name_en=section.name_en,
        division=number,
        division_name_zh=division.name_zh if division is not None else None,
        division_name_en=division.name_en if division is not None else None,
        sme_class=_decided_class(code, _sme_classes()),
    )


def prefix_coverage(code: str, prefixes: Iterable[str]) -> str:
    """How much of ``code`` a list of code prefixes covers: ``"all"``, ``"some"`` or ``"none"``.

    ``"all"``: the code starts with one of the prefixes, or it is a bare section whose
    every division is covered (``"F"`` against ``F51`` and ``F52``). ``"some"``: the code
    is coarser than a prefix but not wholly covered (``"C"`` against ``C16``), so a finer
    code is needed to decide. ``"none"``: no overlap.
    """
    listed = [p for p in prefixes if p]
    if any(code.startswith(p) for p in listed):
        return "all"
    finer = [p for p in listed if p.startswith(code)]
    if not finer:
        return "none"
    if len(code) == 1:
        divisions = [d for d, div in _gbt4754().divisions.items() if div.section == code]
        if divisions and all(any(f"{code}{d}".startswith(p) for p in listed) for d in divisions):
            return "all"
    return "some"
