"""Matching needs to expertise, and results to enterprises ("double entry" stage 2).

Stage 2 of Shangluo's "double entry" (双进) pushes enterprise R&D needs to the experts of
the matching field and university results to the firms of the matching industry. Two
functions do the ranking:

* :func:`match_need`: for one :class:`~kejiservice.activity.Need`, rank experts and
  institutions;
* :func:`match_results`: for one :class:`~kejiservice.activity.Institution`, rank the
  enterprises that fit each of its achievements (科技成果).

The score adds points for each kind of evidence, with the weights of the vocabulary
(``vocabulary.toml``):

* **field**: per HNTE key field on both sides. The need's fields come from its
  enterprise's ``tech_field`` (when the enterprise is given), from field terms found in
  its text (检测 → 高技术服务), or, when the enterprise's field is unknown, from its
  industry code;
* **industry**: the enterprise's GB/T 4754-2017 code starts with one of the candidate's
  industry prefixes (or, for fewer points, only the section letter is shared);
* **keyword**: per candidate keyword found in the other side's text;
* **n-gram**: the weight times the Dice coefficient of the two sets of character n-grams
  (:mod:`kejiservice.matching._text`);
* for :func:`match_need`, the sum is multiplied by the need category's factor for the
  kind of candidate (a talent need fits a university better than an expert);
* for :func:`match_results` with ``as_of``, a firm holding a leading qualification
  (HNTE, 专精特新, 小巨人) gets a bonus: results go to the leading firms first.

Scores are Decimals to 4 places. Candidates with no evidence, or whose only evidence is
a shared industry section (制造业 and nothing more), are left out. Ties are
broken by id, so the answer is the same whatever the order of the inputs.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs

from ..activity import Achievement, Expert, Institution, InstitutionKind, Need, NeedCategory
from ..errors import InvalidInput, Problem
from ..industry import IndustryInfo, classify_industry
from ..models import Enterprise, TechField
from ..rules import Message
from ._messages import message
from ._text import dice
from ._vocab import Vocabulary, default_vocabulary

__all__ = ["CandidateKind", "Match", "ResultMatch", "match_need", "match_results"]

_FOUR = Decimal("0.0001")
_SHOWN_NGRAMS = 12


class CandidateKind(enum.StrEnum):
    """What was matched to a need."""

    EXPERT = "expert"
    INSTITUTION = "institution"


_KIND_WORDS = {
    "expert": ("专家", "experts"),
    InstitutionKind.UNIVERSITY.value: ("高校", "universities"),
    InstitutionKind.INSTITUTE.value: ("科研院所", "research institutes"),
}


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, enum.Enum):
        return value.value
    return value


@attrs.frozen
class Match:
    """One expert or institution matched to a need, with its score and the reasons.

    Attributes:
        need: The need's id.
        kind: ``expert`` or ``institution``.
        id: The candidate's id in the activity log.
        name: The candidate's name.
        score: The score, a Decimal to 4 places (higher is better).
        reasons: Why: the category factor, each field, the industry, the keywords and
            the shared n-grams, as bilingual messages.
        fields: The HNTE fields both sides share.
        industry: The candidate's industry prefix the enterprise's code starts with.
        keywords: The candidate's keywords found in the need.
        ngrams: The n-grams both texts share (sorted).
    """

    need: str
    kind: CandidateKind
    id: str
    name: str
    score: Decimal
    reasons: tuple[Message, ...]
    fields: tuple[TechField, ...] = ()
    industry: str | None = None
    keywords: tuple[str, ...] = ()
    ngrams: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (score as a decimal string, reasons as ``{"zh", "en"}``)."""
        return {
            "need": self.need,
            "kind": self.kind.value,
            "id": self.id,
            "name": self.name,
            "score": _json(self.score),
            "fields": [f.value for f in self.fields],
            "industry": self.industry,
            "keywords": list(self.keywords),
            "ngrams": list(self.ngrams),
            "reasons": [r.to_dict() for r in self.reasons],
        }


@attrs.frozen
class ResultMatch:
    """One enterprise matched to an institution's achievement.

    Attributes:
        achievement: The achievement's id.
        title: The achievement's title.
        enterprise: The enterprise's ledger id.
        enterprise_name: The enterprise's name.
        score: The score, a Decimal to 4 places.
        reasons: Why, as bilingual messages.
        fields: The HNTE fields both sides share.
        industry: The industry prefix the enterprise's code starts with.
        keywords: The achievement's keywords found in the enterprise's text.
        ngrams: The n-grams both texts share.
        leading: Whether the leading-firm bonus was given.
    """

    achievement: str
    title: str
    enterprise: str
    enterprise_name: str
    score: Decimal
    reasons: tuple[Message, ...]
    fields: tuple[TechField, ...] = ()
    industry: str | None = None
    keywords: tuple[str, ...] = ()
    ngrams: tuple[str, ...] = ()
    leading: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "achievement": self.achievement,
            "title": self.title,
            "enterprise": self.enterprise,
            "enterprise_name": self.enterprise_name,
            "score": _json(self.score),
            "fields": [f.value for f in self.fields],
            "industry": self.industry,
            "keywords": list(self.keywords),
            "ngrams": list(self.ngrams),
            "leading": self.leading,
            "reasons": [r.to_dict() for r in self.reasons],
        }


# --------------------------------------------------------------------------- evidence


@attrs.frozen
class _Evidence:
    points: Decimal
    reasons: tuple[Message, ...]
    fields: tuple[TechField, ...] = ()
    industry: str | None = None
    keywords: tuple[str, ...] = ()
    ngrams: tuple[str, ...] = ()
    weak: Decimal = Decimal(0)

    @property
    def enough(self) -> bool:
        """Some evidence beyond a shared industry section (which alone is too weak)."""
        return self.points - self.weak > 0


@functools.cache
def _industry(code: str) -> IndustryInfo | None:
    try:
        return classify_industry(code)
    except InvalidInput:
        return None


def _field(value: TechField | str | None) -> TechField | None:
    return None if value is None else TechField(value)


def _fields(values: Iterable[TechField | str]) -> set[TechField]:
    return {TechField(v) for v in values}


def _field_names(vocab: Vocabulary, field: TechField) -> dict[str, str]:
    entry = vocab.fields[field]
    return {"field_zh": entry.name_zh, "field_en": entry.name_en}


def _industry_evidence(
    vocab: Vocabulary, code: str | None, prefixes: Sequence[tuple[str, str, str]]
) -> tuple[Decimal, Message | None, str | None]:
    """Points, reason and matched prefix; ``prefixes`` are (prefix, origin_zh, origin_en)."""
    if not code:
        return Decimal(0), None, None
    hits = [p for p in prefixes if p[0] and code.startswith(p[0])]
    if hits:
        prefix, origin_zh, origin_en = min(hits, key=lambda p: (-len(p[0]), p[0], p[1]))
        info = _industry(prefix)
        name_zh = info.division_name_zh or info.section_name_zh if info else prefix
        name_en = info.division_name_en or info.section_name_en if info else prefix
        reason = message(
            "industry.prefix",
            code=code,
            prefix=prefix,
            name_zh=name_zh,
            name_en=name_en,
            origin_zh=origin_zh,
            origin_en=origin_en,
        )
        return vocab.weights.industry, reason, prefix
    if any(p[0][:1] == code[:1] for p in prefixes if p[0]):
        info = _industry(code[:1])
        reason = message(
            "industry.section",
            section=code[:1],
            name_zh=info.section_name_zh if info else code[:1],
            name_en=info.section_name_en if info else code[:1],
        )
        return vocab.weights.industry_section, reason, None
    return Decimal(0), None, None


def _keyword_hits(keywords: Iterable[str], text: str, other: Iterable[str] = ()) -> tuple[str, ...]:
    """Keywords found in ``text``, or containing one of ``other`` (2+ characters)."""
    lowered = text.lower()
    others = [o.lower() for o in other if len(o) >= 2]
    return tuple(
        sorted({k for k in keywords if k.lower() in lowered or any(o in k.lower() for o in others)})
    )


def _ngram_evidence(
    vocab: Vocabulary, left: frozenset[str], right: frozenset[str]
) -> tuple[Decimal, Message | None, tuple[str, ...]]:
    shared = tuple(sorted(left & right))
    if not shared:
        return Decimal(0), None, ()
    score = dice(left, right)
    shown = sorted(shared, key=lambda s: (-len(s), s))[:_SHOWN_NGRAMS]
    reason = message("ngrams", dice=score, shared_zh="、".join(shown), shared_en=", ".join(shown))
    return vocab.weights.ngram * score, reason, shared


def _keywords_message(hits: Sequence[str]) -> Message:
    return message("keywords", keywords_zh="、".join(hits), keywords_en=", ".join(hits))


def _collect(
    parts: Sequence[tuple[Decimal, Message | None]],
) -> tuple[Decimal, tuple[Message, ...]]:
    total = sum((p for p, _ in parts), Decimal(0))
    return total, tuple(m for _, m in parts if m is not None)


# --------------------------------------------------------------------------- needs


@attrs.frozen
class _NeedSide:
    id: str
    text: str
    keywords: tuple[str, ...]
    features: frozenset[str]
    fields: dict[TechField, Message]
    industry: str | None


def _need_side(vocab: Vocabulary, need: Need, enterprise: Enterprise | None) -> _NeedSide:
    text = " ".join([need.description, *need.keywords])
    fields: dict[TechField, Message] = {}
    own = _field(enterprise.tech_field) if enterprise is not None else None
    if own is not None and own is not TechField.NONE:
        fields[own] = message("field.enterprise", **_field_names(vocab, own))
    for field, terms in vocab.fields_in_text(text).items():
        fields.setdefault(
            field,
            message(
                "field.text",
                terms_zh="、".join(terms),
                terms_en=", ".join(terms),
                **_field_names(vocab, field),
            ),
        )
    if enterprise is not None and enterprise.tech_field is None:
        found = vocab.field_for_industry(enterprise.industry)
        if found is not None:
            field, prefix = found
            fields.setdefault(
                field,
                message(
                    "field.industry",
                    code=enterprise.industry,
                    prefix=prefix,
                    **_field_names(vocab, field),
                ),
            )
    return _NeedSide(
        id=need.id,
        text=text,
        keywords=need.keywords,
        features=vocab.features(need.description, *need.keywords),
        fields=fields,
        industry=enterprise.industry if enterprise is not None else None,
    )


def _candidate_evidence(
    vocab: Vocabulary,
    side: _NeedSide,
    fields: Iterable[TechField],
    industries: Iterable[str],
    keywords: Sequence[str],
    texts: Sequence[str],
) -> _Evidence:
    shared = sorted(set(fields) & set(side.fields))
    field_parts = [(vocab.weights.field, side.fields[f]) for f in shared]
    prefixes = [(p, "专家/机构所长行业", "an industry of the candidate") for p in industries]
    industry_points, industry_reason, prefix = _industry_evidence(vocab, side.industry, prefixes)
    hits = _keyword_hits(keywords, side.text, side.keywords)
    keyword_reason = _keywords_message(hits) if hits else None
    ngram_points, ngram_reason, ngrams = _ngram_evidence(
        vocab, side.features, vocab.features(*texts)
    )
    points, reasons = _collect(
        [
            *field_parts,
            (industry_points, industry_reason),
            (vocab.weights.keyword * len(hits), keyword_reason),
            (ngram_points, ngram_reason),
        ]
    )
    weak = industry_points if prefix is None else Decimal(0)
    return _Evidence(points, reasons, tuple(shared), prefix, hits, ngrams, weak)


def _unique(items: Sequence[Any], what: str) -> None:
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for index, item in enumerate(items):
        if item.id in seen:
            problems.append(
                Problem(
                    f"{what}[{index}].id",
                    f"duplicate id {item.id!r} (also {what}[{seen[item.id]}])",
                )
            )
        seen.setdefault(item.id, index)
    if problems:
        raise InvalidInput(problems)


def _check_limit(limit: int | None) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidInput("limit must be a non-negative integer or None", path="limit")


def match_need(
    need: Need,
    experts: Iterable[Expert],
    institutions: Iterable[Institution],
    *,
    enterprise: Enterprise | None = None,
    limit: int | None = 10,
    vocabulary: Vocabulary | None = None,
) -> list[Match]:
    """Rank experts and institutions for ``need``, best first, with the reasons.

    Args:
        need: The need (its category, description and keywords are used).
        experts: The expert pool.
        institutions: The universities and institutes.
        enterprise: The enterprise that expressed the need, if known: its ``tech_field``
            and industry code add field and industry evidence. Its ``id`` must be the
            need's ``enterprise``.
        limit: At most this many matches (``None``: all with some evidence).
        vocabulary: Another vocabulary (default: the bundled one).

    Returns:
        Matches sorted by score (descending), then id, then kind. Candidates without
        evidence (a shared industry section alone is not enough), or whose kind has
        factor 0 for the need's category, are left out.

    Raises:
        kejiservice.errors.InvalidInput: Duplicate ids, a bad ``limit``, or an
            enterprise that is not the need's.
    """
    _check_limit(limit)
    if enterprise is not None and enterprise.id is not None and enterprise.id != need.enterprise:
        raise InvalidInput(
            f"the enterprise {enterprise.id!r} is not the need's ({need.enterprise!r})",
            path="enterprise.id",
        )
    vocab = vocabulary or default_vocabulary()
    expert_list, institution_list = list(experts), list(institutions)
    _unique(expert_list, "experts")
    _unique(institution_list, "institutions")
    side = _need_side(vocab, need, enterprise)
    category = vocab.categories[NeedCategory(need.category)]
    found: list[Match] = []
    pool: list[tuple[CandidateKind, Expert | Institution, str, Decimal]] = [
        (CandidateKind.EXPERT, e, "expert", category.expert) for e in expert_list
    ]
    for inst in institution_list:
        factor = (
            category.university
            if InstitutionKind(inst.kind) is InstitutionKind.UNIVERSITY
            else category.institute
        )
        pool.append((CandidateKind.INSTITUTION, inst, InstitutionKind(inst.kind).value, factor))
    for kind, candidate, word, factor in pool:
        texts = [*candidate.keywords]
        if isinstance(candidate, Institution):
            texts.append(candidate.name)
        evidence = _candidate_evidence(
            vocab, side, _fields(candidate.fields), candidate.industries, candidate.keywords, texts
        )
        if not evidence.enough or factor <= 0:
            continue
        kind_zh, kind_en = _KIND_WORDS[word]
        head = message(
            "category",
            category_zh=category.name_zh,
            category_en=category.name_en,
            kind_zh=kind_zh,
            kind_en=kind_en,
            factor=format(factor, "f"),
        )
        found.append(
            Match(
                need=need.id,
                kind=kind,
                id=candidate.id,
                name=candidate.name,
                score=(factor * evidence.points).quantize(_FOUR, rounding=ROUND_HALF_EVEN),
                reasons=(head, *evidence.reasons),
                fields=evidence.fields,
                industry=evidence.industry,
                keywords=evidence.keywords,
                ngrams=evidence.ngrams,
            )
        )
    found.sort(key=lambda m: (-m.score, m.id, m.kind.value))
    return found if limit is None else found[:limit]


# --------------------------------------------------------------------------- results


@attrs.frozen
class _EnterpriseSide:
    ent: Enterprise
    id: str
    text: str
    features: frozenset[str]
    fields: dict[TechField, Message]
    leading: tuple[str, ...]
    as_of: dt.date | None


def _enterprise_side(vocab: Vocabulary, ent: Enterprise, as_of: dt.date | None) -> _EnterpriseSide:
    info = _industry(ent.industry)
    division = (info.division_name_zh or "") if info else ""
    fields: dict[TechField, Message] = {}
    own = _field(ent.tech_field)
    if own is not None and own is not TechField.NONE:
        fields[own] = message("field.enterprise", **_field_names(vocab, own))
    elif own is None:
        found = vocab.field_for_industry(ent.industry)
        if found is not None:
            field, prefix = found
            fields[field] = message(
                "field.industry", code=ent.industry, prefix=prefix, **_field_names(vocab, field)
            )
    leading: tuple[str, ...] = ()
    if as_of is not None:
        leading = tuple(k.value for k in vocab.weights.leading_kinds if ent.holds(k, as_of))
    assert ent.id is not None
    return _EnterpriseSide(
        ent=ent,
        id=ent.id,
        text=f"{ent.name} {division}",
        features=vocab.features(ent.name, division),
        fields=fields,
        leading=leading,
        as_of=as_of,
    )


def match_results(
    institution: Institution,
    achievements: Iterable[Achievement],
    enterprises: Iterable[Enterprise],
    *,
    as_of: dt.date | None = None,
    limit: int | None = 10,
    vocabulary: Vocabulary | None = None,
) -> list[ResultMatch]:
    """Rank enterprises for each of ``institution``'s achievements (the reverse direction).

    Args:
        institution: The university or institute whose results are pushed.
        achievements: Achievements; only those whose ``institution`` is this one count.
            An achievement without ``fields`` takes the institution's.
        enterprises: The ledger. Every enterprise needs an ``id``. An enterprise the
            achievement is already licensed to is skipped for that achievement.
        as_of: When given, firms holding a leading qualification (``leading_kinds`` of
            the vocabulary: HNTE, 专精特新, 小巨人) on that day get the leading bonus.
        limit: At most this many enterprises per achievement (``None``: all).
        vocabulary: Another vocabulary (default: the bundled one).

    Returns:
        Matches sorted by score (descending), then achievement id, then enterprise id.

    Raises:
        kejiservice.errors.InvalidInput: An enterprise without an id, duplicate ids, a
            bad ``limit`` or ``as_of``.
    """
    _check_limit(limit)
    if as_of is not None and (isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date)):
        raise InvalidInput("as_of must be a datetime.date (not a datetime)", path="as_of")
    vocab = vocabulary or default_vocabulary()
    ents = list(enterprises)
    missing = [
        Problem(f"enterprises[{i}].id", "matching needs the ledger id")
        for i, e in enumerate(ents)
        if e.id is None
    ]
    if missing:
        raise InvalidInput(missing)
    _unique(ents, "enterprises")
    own = [a for a in achievements if a.institution == institution.id]
    _unique(own, "achievements")
    sides = [_enterprise_side(vocab, e, as_of) for e in ents]
    out: list[ResultMatch] = []
    for achievement in own:
        out.extend(_rank_achievement(vocab, institution, achievement, sides, limit))
    out.sort(key=lambda m: (-m.score, m.achievement, m.enterprise))
    return out


def _rank_achievement(
    vocab: Vocabulary,
    institution: Institution,
    achievement: Achievement,
    sides: Sequence[_EnterpriseSide],
    limit: int | None,
) -> list[ResultMatch]:
    fields = _fields(achievement.fields or institution.fields) - {TechField.NONE}
    prefixes = [
        (p, "成果单位所长行业", "an industry of the institution") for p in institution.industries
    ]
    for field in sorted(fields):
        name = vocab.fields[field].name_zh
        prefixes.extend(
            (p, f"{name}领域的典型行业", f"a typical industry of the field {field.value}")
            for p in vocab.fields[field].industries
        )
    features = vocab.features(achievement.title, *achievement.keywords)
    found: list[ResultMatch] = []
    for side in sides:
        if achievement.licensed_to == side.id:
            continue
        shared = sorted(fields & set(side.fields))
        parts: list[tuple[Decimal, Message | None]] = [
            (vocab.weights.field, message("field.achievement", **_field_names(vocab, f)))
            for f in shared
        ]
        industry_points, industry_reason, prefix = _industry_evidence(
            vocab, side.ent.industry, prefixes
        )
        hits = _keyword_hits(achievement.keywords, side.text)
        ngram_points, ngram_reason, ngrams = _ngram_evidence(vocab, features, side.features)
        parts += [
            (industry_points, industry_reason),
            (
                vocab.weights.keyword * len(hits),
                _keywords_message(hits) if hits else None,
            ),
            (ngram_points, ngram_reason),
        ]
        points, reasons = _collect(parts)
        weak = industry_points if prefix is None else Decimal(0)
        if points - weak <= 0:
            continue
        if side.leading:
            points += vocab.weights.leading
            reasons += (
                message(
                    "leading",
                    kinds_zh="、".join(side.leading),
                    kinds_en=", ".join(side.leading),
                    as_of=side.as_of,
                ),
            )
        found.append(
            ResultMatch(
                achievement=achievement.id,
                title=achievement.title,
                enterprise=side.id,
                enterprise_name=side.ent.name,
                score=points.quantize(_FOUR, rounding=ROUND_HALF_EVEN),
                reasons=reasons,
                fields=tuple(shared),
                industry=prefix,
                keywords=hits,
                ngrams=ngrams,
                leading=bool(side.leading),
            )
        )
    found.sort(key=lambda m: (-m.score, m.enterprise))
    return found if limit is None else found[:limit]
