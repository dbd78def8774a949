"""Matching needs to expertise and results to enterprises ("double entry" stage 2).

:func:`match_need` ranks experts and institutions for an enterprise's need;
:func:`match_results` ranks enterprises for an institution's achievements. Both compare
HNTE fields, GB/T 4754-2017 industry codes, keywords and character n-grams of Chinese
text (no word segmenter), with weights from a data file (:func:`default_vocabulary`),
and say why each candidate matched. They are deterministic: ties are broken by id and
the inputs' order does not matter.
"""

from ._match import CandidateKind, Match, ResultMatch, match_need, match_results
from ._text import dice, ngrams
from ._vocab import (
    CategoryVocab,
    FieldVocab,
    Vocabulary,
    VocabularyError,
    Weights,
    default_vocabulary,
    load_vocabulary,
)

__all__ = [
    "CandidateKind",
    "CategoryVocab",
    "FieldVocab",
    "Match",
    "ResultMatch",
    "Vocabulary",
    "VocabularyError",
    "Weights",
    "default_vocabulary",
    "dice",
    "load_vocabulary",
    "match_need",
    "match_results",
    "ngrams",
]
