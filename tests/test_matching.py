"""Matching needs to expertise and results to enterprises: hand-computed scores, the
reasons given, refused inputs, and properties (deterministic, independent of input order)."""

from __future__ import annotations

import datetime as dt
import json
import string
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejiservice.activity import (
    Achievement,
    Expert,
    Institution,
    InstitutionKind,
    Need,
    NeedCategory,
    load_activity,
)
from kejiservice.errors import InvalidInput, ParameterError
from kejiservice.io import load
from kejiservice.matching import (
    CandidateKind,
    VocabularyError,
    default_vocabulary,
    dice,
    load_vocabulary,
    match_need,
    match_results,
    ngrams,
)
from kejiservice.matching._messages import templates
from kejiservice.models import Enterprise, TechField
from kejiservice.sample import ledger

from .builders import enterprise

DAY = dt.date(2026, 3, 1)
NM = TechField.NEW_MATERIALS
EI = TechField.ELECTRONIC_INFORMATION


# --------------------------------------------------------------------------- text


def test_chinese_bigrams_and_trigrams() -> None:
    assert ngrams("复合材料") == {"复合", "合材", "材料", "复合材", "合材料"}


def test_stop_characters_split_and_stop_terms_drop() -> None:
    assert ngrams("高分子和涂层", stop_chars="和") == {"高分", "分子", "高分子", "涂层"}
    assert ngrams("关键技术", stop_terms=["关键", "技术"]) == {"键技", "关键技", "键技术"}


def test_ascii_words_and_full_width_letters() -> None:
    assert ngrams("ＡＩ芯片 and 5G") == {"ai", "芯片", "and", "5g"}
    assert ngrams("a 药 x") == frozenset()  # single letters and characters say too little


def test_dice() -> None:
    left, right = frozenset({"a", "b", "c"}), frozenset({"b", "c", "d", "e"})
    assert dice(left, right) == dice(right, left) == Decimal("0.5714")
    assert dice(frozenset(), frozenset()) == 0
    assert dice(left, left) == 1


# --------------------------------------------------------------------------- needs


def need(**fields: Any) -> Need:
    base: dict[str, Any] = {
        "id": "N1",
        "enterprise": "E1",
        "category": NeedCategory.TECHNOLOGY_RD,
        "collected_on": DAY,
        "description": "需要开发高分子涂层材料",
        "keywords": ("涂层",),
    }
    base.update(fields)
    return Need(**base)


def firm(**fields: Any) -> Enterprise:
    return load(Enterprise, enterprise(**fields))


COATINGS = Expert(
    id="e1", name="甲", fields=(NM,), keywords=("涂层", "高分子"), industries=("C29",)
)
RICE = Expert(id="e3", name="丙", fields=(TechField.BIOMEDICINE,), keywords=("水稻",))
SECTION_ONLY = Expert(id="e4", name="丁", industries=("C39",))
UNIVERSITY = Institution(
    id="u1", name="某大学", kind=InstitutionKind.UNIVERSITY, fields=(NM,), industries=("C26",)
)


def test_match_need_hand_computed() -> None:
    ent = firm(id="E1", industry="C2927", tech_field="new_materials")
    found = match_need(need(), [RICE, SECTION_ONLY, COATINGS], [UNIVERSITY], enterprise=ent)
    assert [(m.kind, m.id) for m in found] == [
        (CandidateKind.EXPERT, "e1"),
        (CandidateKind.INSTITUTION, "u1"),
    ]
    best = found[0]
    # field 3 + industry C29 2 + keywords 涂层, 高分子 2 × 2 + n-grams 4 × Dice.
    # The need gives 17 n-grams (需要 and 开发 are stop terms), the expert 4 (涂层, 高分,
    # 分子, 高分子), all shared: Dice = 8 / 21 = 0.3810 -> 1.5240. Factor 1 (R&D, expert).
    assert best.score == Decimal("10.5240")
    assert best.fields == (NM,)
    assert best.industry == "C29"
    assert best.keywords == ("涂层", "高分子")
    assert best.ngrams == ("分子", "涂层", "高分", "高分子")
    zh = [r.zh for r in best.reasons]
    assert zh[0] == "需求类别“技术研发”：专家适配系数 1。"
    assert "领域匹配：新材料（企业核心技术领域）。" in zh
    assert any("C29（橡胶和塑料制品业）" in r for r in zh)
    assert "关键词匹配：涂层、高分子。" in zh
    assert any(r.startswith("文本相似度 0.3810") for r in zh)
    assert all(r.en for r in best.reasons)
    # the university: field 3 + the same section C only 0.5
    assert found[1].score == Decimal("3.5000")


def test_section_only_is_not_a_match() -> None:
    ent = firm(id="E1", industry="C2927", tech_field="none")
    assert match_need(need(description="", keywords=()), [SECTION_ONLY], [], enterprise=ent) == []
    same_division = firm(id="E1", industry="C3911", tech_field="none")
    (only,) = match_need(
        need(description="", keywords=()), [SECTION_ONLY], [], enterprise=same_division
    )
    assert only.score == Decimal("2.0000")


def test_fields_come_from_the_text_without_an_enterprise() -> None:
    found = match_need(
        need(description="污水处理工艺", keywords=()),
        [],
        [
            Institution(
                id="i8",
                name="环境研究院",
                kind=InstitutionKind.INSTITUTE,
                fields=(TechField.RESOURCES_ENVIRONMENT,),
            )
        ],
    )
    (only,) = found
    assert only.fields == (TechField.RESOURCES_ENVIRONMENT,)
    assert only.reasons[1].zh == "领域匹配：资源与环境（需求文本含“水处理、污水”）。"


def test_field_inferred_from_the_industry_when_unknown() -> None:
    ent = firm(id="E1", industry="C2927")
    del_field = load(Enterprise, {**enterprise(id="E1", industry="C2927"), "tech_field": None})
    assert ent.tech_field is not None
    assert del_field.tech_field is None
    expert = Expert(id="e9", name="戊", fields=(NM,))
    (only,) = match_need(need(description="", keywords=()), [expert], [], enterprise=del_field)
    assert "由企业行业 C2927 推断" in only.reasons[1].zh


def test_category_factor_scales_the_score() -> None:
    talent = need(category=NeedCategory.TALENT)
    ent = firm(id="E1", industry="C2927", tech_field="new_materials")
    (expert,) = match_need(talent, [COATINGS], [], enterprise=ent)
    assert expert.score == Decimal("7.8930")  # 10.5240 × 0.75
    assert "0.75" in expert.reasons[0].zh


def test_ties_are_broken_by_id_and_limit_applies() -> None:
    twins = [Expert(id=i, name=i, fields=(NM,), keywords=("涂层",)) for i in ("e2", "e10", "e1")]
    found = match_need(need(), twins, [], limit=None)
    assert [m.id for m in found] == ["e1", "e10", "e2"]
    assert len({m.score for m in found}) == 1
    assert [m.id for m in match_need(need(), twins, [], limit=2)] == ["e1", "e10"]
    assert match_need(need(), twins, [], limit=0) == []


@pytest.mark.parametrize("limit", [-1, True, 1.5])
def test_bad_limit(limit: Any) -> None:
    with pytest.raises(InvalidInput):
        match_need(need(), [COATINGS], [], limit=limit)


def test_duplicate_ids_and_wrong_enterprise_are_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        match_need(need(), [COATINGS, RICE, COATINGS], [])
    assert info.value.paths == ("experts[2].id",)
    with pytest.raises(InvalidInput) as info:
        match_need(need(), [COATINGS], [], enterprise=firm(id="E2"))
    assert info.value.paths == ("enterprise.id",)


def test_match_json() -> None:
    (found,) = match_need(need(), [COATINGS], [])
    data = found.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["score"] == format(found.score, "f")
    assert data["kind"] == "expert"


_KEYWORDS = ["涂层", "高分子", "传感器", "水稻育种", "锂电池", "数控机床", "固废", "大数据"]


@st.composite
def experts(draw: st.DrawFn) -> list[Expert]:
    count = draw(st.integers(min_value=0, max_value=8))
    return [
        Expert(
            id=f"e{i:02d}",
            name=f"专家{i}",
            fields=tuple(draw(st.sets(st.sampled_from(list(TechField)), max_size=2))),
            keywords=tuple(draw(st.lists(st.sampled_from(_KEYWORDS), max_size=3, unique=True))),
            industries=tuple(
                draw(st.sets(st.sampled_from(["C29", "C39", "I65", "A01"]), max_size=2))
            ),
        )
        for i in range(count)
    ]


@st.composite
def institutions(draw: st.DrawFn) -> list[Institution]:
    count = draw(st.integers(min_value=0, max_value=4))
    return [
        Institution(
            id=f"i{i}",
            name=draw(st.sampled_from(["青山大学", "材料研究所", "软件研究院"])),
            kind=draw(st.sampled_from(list(InstitutionKind))),
            fields=tuple(draw(st.sets(st.sampled_from(list(TechField)), max_size=2))),
            keywords=tuple(draw(st.lists(st.sampled_from(_KEYWORDS), max_size=3, unique=True))),
        )
        for i in range(count)
    ]


@given(
    pool=experts(),
    places=institutions(),
    text=st.sampled_from(["高分子涂层材料开发", "传感器与大数据平台", "水稻育种", ""]),
    category=st.sampled_from(list(NeedCategory)),
    seed=st.randoms(use_true_random=False),
)
def test_matching_is_deterministic_and_order_independent(
    pool: list[Expert],
    places: list[Institution],
    text: str,
    category: NeedCategory,
    seed: Any,
) -> None:
    item = need(description=text, keywords=(), category=category)
    ent = firm(id="E1", industry="C2927", tech_field="new_materials")
    first = [m.to_dict() for m in match_need(item, pool, places, enterprise=ent, limit=None)]
    again = [m.to_dict() for m in match_need(item, pool, places, enterprise=ent, limit=None)]
    shuffled_pool, shuffled_places = list(pool), list(places)
    seed.shuffle(shuffled_pool)
    seed.shuffle(shuffled_places)
    other = match_need(item, shuffled_pool, shuffled_places, enterprise=ent, limit=None)
    assert first == again == [m.to_dict() for m in other]
    scores = [Decimal(m["score"]) for m in first]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)


# --------------------------------------------------------------------------- results

INSTITUTE = Institution(
    id="i1",
    name="测试研究院",
    kind=InstitutionKind.INSTITUTE,
    fields=(EI,),
    industries=("C39",),
    keywords=("传感器",),
)
SENSOR = Achievement(
    id="R1", title="智能传感器关键技术", institution="i1", keywords=("传感器",), licensed_to="E4"
)


def ledger_firms() -> list[Enterprise]:
    hnte = [{"kind": "hnte", "issued_on": "2025-12-01", "expires_on": "2028-11-30"}]
    return [
        firm(
            id="E1",
            name="青山传感器有限公司",
            industry="C3983",
            tech_field="electronic_information",
            certifications=hnte,
        ),
        load(
            Enterprise,
            {
                **enterprise(id="E2", name="青山某某科技有限公司", industry="I6510"),
                "tech_field": None,
            },
        ),
        firm(id="E3", name="青山米业有限公司", industry="A0111", tech_field="none"),
        firm(
            id="E4",
            name="青山传感器二厂有限公司",
            industry="C3983",
            tech_field="electronic_information",
        ),
    ]


def test_match_results_hand_computed() -> None:
    other = Achievement(id="R2", title="别家成果", institution="i9", keywords=("传感器",))
    found = match_results(INSTITUTE, [other, SENSOR], ledger_firms())
    assert [(m.achievement, m.enterprise) for m in found] == [("R1", "E1"), ("R1", "E2")]
    best = found[0]
    # field 3 + industry C39 2 + keyword 传感器 2 + n-grams 4 × Dice: the achievement gives
    # 13 n-grams (关键, 技术 dropped), the firm 29 (name and division name), 3 shared
    # (传感, 感器, 传感器): Dice = 6 / 42 = 0.1429 -> 0.5716.
    assert best.score == Decimal("7.5716")
    assert best.industry == "C39"
    assert "成果单位所长行业" in best.reasons[1].zh
    # E2: no field recorded, inferred from I65 (electronic information first); industry I65
    # is a typical industry of the field; nothing else.
    second = found[1]
    assert second.score == Decimal("5.0000")
    assert second.industry == "I65"
    assert "电子信息领域的典型行业" in second.reasons[1].zh
    assert not second.leading


def test_match_results_leading_bonus_and_licensed_skip() -> None:
    found = match_results(INSTITUTE, [SENSOR], ledger_firms(), as_of=dt.date(2026, 6, 30))
    assert found[0].enterprise == "E1"
    assert found[0].leading
    assert found[0].score == Decimal("8.5716")
    assert "hnte" in found[0].reasons[-1].zh
    assert "E4" not in {m.enterprise for m in found}  # already licensed to E4


def test_match_results_order_independent_and_refusals() -> None:
    firms = ledger_firms()
    first = [m.to_dict() for m in match_results(INSTITUTE, [SENSOR], firms)]
    assert first == [m.to_dict() for m in match_results(INSTITUTE, [SENSOR], firms[::-1])]
    json.dumps(first, ensure_ascii=False)
    nameless = load(Enterprise, enterprise())
    with pytest.raises(InvalidInput) as info:
        match_results(INSTITUTE, [SENSOR], [*firms, nameless])
    assert info.value.paths == ("enterprises[4].id",)
    with pytest.raises(InvalidInput):
        match_results(INSTITUTE, [SENSOR], firms, as_of=dt.datetime(2026, 1, 1))


def test_sample_city_runs() -> None:
    path = Path(__file__).resolve().parents[1] / "src/kejiservice/sample/activity_2026.json"
    if not path.exists():
        pytest.skip("no sample activity log")
    log = load_activity(json.loads(path.read_text(encoding="utf-8")))
    firms = {e.id: e for e in ledger()}
    rd = [n for n in log.needs if n.category is NeedCategory.TECHNOLOGY_RD][:20]
    matched = 0
    for item in rd:
        found = match_need(item, log.experts, log.institutions, enterprise=firms[item.enterprise])
        matched += bool(found)
        assert len(found) <= 10
    assert matched
    results = match_results(log.institutions[0], log.achievements, firms.values(), limit=3)
    assert results
    assert len({(m.achievement, m.enterprise) for m in results}) == len(results)


# --------------------------------------------------------------------------- vocabulary


def test_bundled_vocabulary_covers_every_category_and_field() -> None:
    vocab = default_vocabulary()
    assert set(vocab.categories) == set(NeedCategory)
    assert set(vocab.fields) == set(TechField) - {TechField.NONE}
    assert vocab.field_for_industry("C3581") == (TechField.BIOMEDICINE, "C358")
    assert vocab.field_for_industry("C3511") == (TechField.ADVANCED_MANUFACTURING, "C35")
    assert vocab.field_for_industry("K7010") is None


def _vocab_text() -> str:
    path = Path(__file__).resolve().parents[1] / "src/kejiservice/matching/vocabulary.toml"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "where", "reason"),
    [
        ('ngram = "4"', 'ngram = "-4"', "weights.ngram", "negative"),
        ('ngram = "4"', 'ngramm = "4"', "weights.ngramm", "unknown key"),
        (
            "[categories.talent]",
            "[categories.talents]",
            "categories.talents",
            "not a need category",
        ),
        (
            'industries = ["C374"]',
            'industries = ["C99"]',
            "fields.aerospace.industries[0]",
            "division",
        ),
        (
            'leading_kinds = ["hnte",',
            'leading_kinds = ["hnt",',
            "weights.leading_kinds[0]",
            "unknown",
        ),
    ],
)
def test_bad_vocabulary_is_refused_with_file_and_key(
    tmp_path: Path, old: str, new: str, where: str, reason: str
) -> None:
    text = _vocab_text()
    assert old in text
    path = tmp_path / "vocab.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary(path)
    assert isinstance(info.value, ParameterError)
    assert any(p.startswith(f"vocab.toml: {where}") and reason in p for p in info.value.problems), (
        info.value.problems
    )


def test_a_missing_category_is_named(tmp_path: Path) -> None:
    text = _vocab_text().replace("[categories.talent]", "[categories_removed.talent]")
    path = tmp_path / "vocab.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary(path)
    assert "vocab.toml: categories.talent: missing (every need category is needed)" in str(
        info.value
    )


def _placeholders(text: str) -> set[str]:
    names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    return {n.removesuffix("_zh").removesuffix("_en") for n in names}


def test_messages_have_the_same_placeholders_in_both_languages() -> None:
    for key, pair in templates().items():
        assert _placeholders(pair["zh"]) == _placeholders(pair["en"]), key


@given(order=st.permutations(range(4)), with_day=st.booleans())
def test_match_results_independent_of_enterprise_order(order: list[int], with_day: bool) -> None:
    firms = ledger_firms()
    day = dt.date(2026, 6, 30) if with_day else None
    expected = [m.to_dict() for m in match_results(INSTITUTE, [SENSOR], firms, as_of=day)]
    shuffled = [firms[i] for i in order]
    found = match_results(INSTITUTE, [SENSOR], shuffled, as_of=day)
    assert [m.to_dict() for m in found] == expected
