"""Checks for the official codes an enterprise record carries.

* 统一社会信用代码 (USCC), GB 32100-2015: 18 characters from a 31-character set, the
  last one a check character computed from the first 17 (mod 31).
* 行政区划代码, GB/T 2260: six digits whose first two name a province-level division.

Each check returns ``None`` for a good code or a short English reason for a bad one,
so that the converter can attach the reason to the field's JSON path.
"""

from __future__ import annotations

import re

__all__ = ["region_code_problem", "uscc_check_character", "uscc_problem"]

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB/T 2260 province-level prefixes (31 provinces, plus Taiwan, Hong Kong and Macao).
_PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
_REGION_RE = re.compile(r"^[0-9]{6}$")


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, or ``None`` when it is."""
    if len(code) != 18:
        return f"a USCC has 18 characters, got {len(code)}"
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        return f"characters not allowed in a USCC (GB 32100-2015): {''.join(bad)}"
    if not (code[2:8].isascii() and code[2:8].isdigit()):
        return "characters 3-8 of a USCC are the registering authority's region code (digits)"
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]!r}, GB 32100-2015 gives {expected!r}"
    return None


def region_code_problem(code: str) -> str | None:
    """Why ``code`` is not a 6-digit administrative division code, or ``None``."""
    if not _REGION_RE.match(code):
        return "a region code has 6 digits (GB/T 2260)"
    if code[:2] not in _PROVINCE_PREFIXES:
        return f"{code[:2]!r} is not a province-level division code (GB/T 2260)"
    return None
