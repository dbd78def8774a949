"""Text features for matching: character n-grams of Chinese text, word tokens of ASCII text.

Chinese has no spaces, and a word segmenter is a heavy dependency whose output changes
between versions. Matching compares texts by the sets of their character bigrams and
trigrams instead (``"复合材料"`` gives 复合, 合材, 材料, 复合材, 合材料), which is robust,
deterministic and needs nothing beyond the standard library.

The rules, in order:

1. The text is normalised with NFKC (full-width letters and digits become ASCII) and
   lower-cased.
2. It is cut into runs: a run of Chinese characters (CJK unified ideographs, extension
   A and the compatibility block) ends at any other character and at a *stop
   character* (的, 和, 与 ...); a run of ASCII letters and digits is one word.
3. Each Chinese run of two or more characters gives its bigrams and trigrams; a run of a
   single character gives nothing (one character says too little). Each ASCII word of
   two or more characters (``ai``, ``5g``, ``plc``) is a token as it is.
4. Features equal to a *stop term* (技术, 研究, 公司 ...) are dropped.

The result is a ``frozenset``: the same text always gives the same features, whatever
the order of the parts it was built from. The default stop characters and stop terms
come from ``vocabulary.toml`` beside this module.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal

__all__ = ["SIZES", "cjk_runs", "dice", "is_cjk", "ngrams"]

SIZES = (2, 3)
"""The n-gram sizes taken from Chinese runs."""

_CJK_BLOCKS = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))
_FOUR = Decimal("0.0001")


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a Chinese character (CJK unified or compatibility ideograph)."""
    point = ord(char)
    return any(low <= point <= high for low, high in _CJK_BLOCKS)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def cjk_runs(text: str, stop_chars: Iterable[str] = ()) -> list[str]:
    """The runs of Chinese characters in ``text``, split at any other character and at
    ``stop_chars``, in order (ASCII words are not included)."""
    stops = frozenset(stop_chars)
    runs: list[str] = []
    current: list[str] = []
    for char in _normalise(text):
        if is_cjk(char) and char not in stops:
            current.append(char)
            continue
        if current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _ascii_words(text: str) -> list[str]:
    words: list[str] = []
    current: list[str] = []
    for char in _normalise(text):
        if char.isascii() and char.isalnum():
            current.append(char)
            continue
        if current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def ngrams(
    *texts: str,
    stop_chars: Iterable[str] = (),
    stop_terms: Iterable[str] = (),
    sizes: Iterable[int] = SIZES,
) -> frozenset[str]:
    """The features of the given texts: Chinese n-grams and ASCII words (see the module).

    >>> sorted(ngrams("复合材料"))
    ['合材', '合材料', '复合', '复合材', '材料']
    >>> sorted(ngrams("AI 传感器", stop_terms=["传感"]))
    ['ai', '传感器', '感器']
    """
    stops = frozenset(stop_chars)
    dropped = frozenset(_normalise(t) for t in stop_terms)
    lengths = sorted(set(sizes))
    found: set[str] = set()
    for text in texts:
        for run in cjk_runs(text, stops):
            for size in lengths:
                found.update(run[i : i + size] for i in range(len(run) - size + 1))
        found.update(word for word in _ascii_words(text) if len(word) >= 2)
    return frozenset(found - dropped)


def dice(left: frozenset[str], right: frozenset[str]) -> Decimal:
    """The Dice coefficient ``2|A ∩ B| / (|A| + |B|)`` to 4 decimals (half-even); 0 if both
    are empty. Symmetric, between 0 and 1."""
    total = len(left) + len(right)
    if not total:
        return Decimal(0)
    shared = len(left & right)
    return (Decimal(2 * shared) / Decimal(total)).quantize(_FOUR, rounding=ROUND_HALF_EVEN)
