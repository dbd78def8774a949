"""The quarterly report: JSON keys, Markdown in both languages, exclusions, the CLI."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import string
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kejiservice import Enterprise, InvalidInput, load
from kejiservice.activity import ActivityLog, load_activity, parse_period
from kejiservice.indicators import LANGUAGES, Report, add_report_parser, build_report, catalog
from kejiservice.sample import ledger, ledger_text
from kejiservice.sample._activity import activity_text

from .test_activity import hand_ledger, hand_ledger_data, hand_log, hand_log_data
from .test_indicators import logs

D = dt.date

# The documented top-level keys of the report JSON (docs/reference/activity-format.md).
REPORT_KEYS = [
    "schema", "period", "as_of", "cut", "figures_year", "comparison_period", "enterprises",
    "visits", "needs", "financing", "certifications", "funnels", "platforms", "achievements",
    "candidates", "indicators", "previous", "targets", "classification", "top_innovators",
    "diagnostics", "records", "excluded_count", "excluded",
]  # fmt: skip


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(hand_ledger(), hand_log(), "2026Q1")


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _walk(v)]
    if isinstance(value, list):
        return [x for v in value for x in _walk(v)]
    return [value]


def test_json_keys_are_the_documented_ones(report: Report) -> None:
    data = report.to_dict()
    assert list(data) == REPORT_KEYS
    assert data["schema"] == "kejiservice/report@1"
    assert data["period"] == {"label": "2026Q1", "kind": "quarter", "start": "2026-01-01",
                              "end": "2026-03-31"}  # fmt: skip
    assert data["comparison_period"]["label"] == "2025Q1"
    assert data["figures_year"] == 2025
    assert json.loads(json.dumps(data)) == data  # plain JSON: no Decimal, no date
    assert not any(isinstance(v, float) for v in _walk(data))
    doc = (Path(__file__).parents[1] / "docs/reference/activity-format.md").read_text("utf-8")
    for key in REPORT_KEYS:
        assert f"`{key}`" in doc, key


def test_json_figures_match_the_hand_computation(report: Report) -> None:
    data = report.to_dict()
    assert data["visits"]["visits"] == 6
    assert data["visits"]["coverage"] == "0.666666"
    assert data["needs"]["total"]["median_days_to_resolve"] == "40"
    assert data["financing"]["amount_requested"] == "9800000.50"
    assert data["financing"]["conversion_rate"] == "0.250000"
    assert data["certifications"]["tech_sme"] == {"valid_at_end": 1, "new": 1, "lapsed": 1}
    assert data["funnels"]["hnte"] == {
        "surveyed": 1, "intending": 1, "trained": 3, "applied": 0, "recognised": 0,
    }  # fmt: skip
    visits = data["indicators"]["visits"]
    assert visits == {"value": "6", "previous": "0", "change": "6", "change_rate": None,
                      "additive": True, "money": False}  # fmt: skip
    hnte = data["indicators"]["hnte_valid"]  # 2025-03-31: QS0001 and QS0002
    assert (hnte["value"], hnte["previous"], hnte["change_rate"]) == ("1", "2", "-0.500000")
    assert [t["indicator"] for t in data["targets"]] == [
        "achievements_transformed", "loans_granted_amount", "visits",
    ]  # fmt: skip
    classes = {c["id"]: c["members"] for c in data["classification"]["classes"]}
    assert classes == {"leading": ["QS0001"], "innovative": ["QS0002"],
                       "traditional": ["QS0003"]}  # fmt: skip
    assert data["classification"]["missing"]["QS0003"] == ["rd_intensity"]
    assert data["top_innovators"]["ineligible"] == ["QS0003"]
    assert data["excluded"] == []
    assert data["excluded_count"] == 0


def test_every_record_is_accounted_for(report: Report) -> None:
    records = report.to_dict()["records"]
    log = hand_log()
    assert records["visits"] == {"total": 7, "counted": 6, "outside": 1, "excluded": 0}
    assert records["needs"]["counted"] == 5  # N5 was collected in 2025 but open in Q1
    assert records["financing_requests"] == {"total": 5, "counted": 5, "outside": 0,
                                             "excluded": 0}  # fmt: skip
    assert records["applications"] == {"total": 3, "counted": 2, "outside": 1, "excluded": 0}
    assert records["targets"] == {"total": 3, "counted": 3, "outside": 0, "excluded": 0}
    for name, counts in records.items():
        assert counts["total"] == counts["counted"] + counts["outside"] + counts["excluded"]
        if name != "ledger":
            assert counts["total"] == len(getattr(log, name))


def test_excluded_records_are_counted_and_named() -> None:
    data = hand_log_data()
    data["visits"].append({"id": "V8", "enterprise": "QS0404", "officer": "O1",
                           "date": "2026-02-02", "kind": "survey"})  # fmt: skip
    data["financing_requests"].append({"id": "F9", "enterprise": "QS0404",
                                       "requested_on": "2026-01-05", "amount": "1"})  # fmt: skip
    data["officers"][1]["assigned"].append("QS0404")
    data["achievements"][1]["licensed_to"] = "QS0404"
    nameless = {"name": "无编号有限公司", "registered_on": "2020-01-01", "industry": "C3911"}
    ents = [*hand_ledger(), load(Enterprise, nameless)]
    report = build_report(ents, load_activity(data), "2026Q1", as_of=D(2026, 3, 15))
    out = report.to_dict()
    named = {(e["records"], e["id"], e["reason"], e["detail"]) for e in out["excluded"]}
    assert named == {
        ("visits", "V8", "unknown_enterprise", "QS0404"),
        ("financing_requests", "F9", "unknown_enterprise", "QS0404"),
        ("officers", "O2", "unknown_enterprise", "QS0404"),
        ("achievements", "R2", "unknown_enterprise", "QS0404"),
        ("ledger", "无编号有限公司", "enterprise_without_id", "ledger[3]"),
        ("visits", "V7", "after_as_of", "2026-03-20"),
        ("needs", "N4", "after_as_of", "2026-03-20"),
        ("financing_requests", "F5", "after_as_of", "2026-03-25"),
    }
    assert out["excluded_count"] == 8
    assert out["records"]["visits"] == {"total": 8, "counted": 5, "outside": 1, "excluded": 2}
    assert out["records"]["ledger"] == {"total": 4, "counted": 3, "outside": 0, "excluded": 1}
    assert out["visits"]["visits"] == 5
    assert out["cut"] == "2026-03-15"
    for lang in LANGUAGES:
        text = report.to_markdown(lang)
        assert "V8" in text
        assert "QS0404" in text
        assert "无编号有限公司" in text


def test_bad_inputs_raise_with_paths() -> None:
    duplicate = [*hand_ledger(), hand_ledger()[0]]
    with pytest.raises(InvalidInput) as info:
        build_report(duplicate, hand_log(), "2026Q1")
    assert info.value.paths == ("ledger[3].id",)
    with pytest.raises(InvalidInput) as info:
        build_report(hand_ledger(), hand_log(), "2026Q1", as_of=D(2025, 12, 31))
    assert info.value.paths == ("as_of",)
    with pytest.raises(InvalidInput) as info:
        build_report(hand_ledger(), hand_log(), "2026Q1", as_of=dt.datetime(2026, 3, 1))
    assert info.value.paths == ("as_of",)
    with pytest.raises(InvalidInput) as info:
        build_report(hand_ledger(), hand_log(), "2026Q9")
    assert info.value.paths == ("period",)
    broken = attrs.evolve(hand_log(), visits=(*hand_log().visits, hand_log().visits[0]))
    with pytest.raises(InvalidInput) as info:
        build_report(hand_ledger(), broken, "2026Q1")
    assert info.value.paths == ("$.visits[7].id",)


def test_targets_can_be_replaced(report: Report) -> None:
    other = build_report(hand_ledger(), hand_log(), "2026Q1", targets=())
    assert other.targets == ()
    assert len(report.targets) == 3


def test_markdown_in_both_languages(report: Report) -> None:
    zh, en = report.to_markdown(), report.to_markdown("en")
    assert zh.startswith("# 科技服务工作报告（2026Q1）")
    assert en.startswith("# Science and technology services report (2026Q1)")
    assert "| 走访及活动记录数 | 6 | 0 | 6 | — |" in zh
    assert "| Loans granted (10k yuan) | 600.00 | 0.00 | 600.00 | — |" in en
    assert "| O1 | 5 | 2 | 2 | 100.0% |" in en
    with pytest.raises(InvalidInput):
        report.to_markdown("fr")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    zh, en = catalog("zh"), catalog("en")
    assert zh.keys() == en.keys()
    for section in zh:
        assert zh[section].keys() == en[section].keys(), section
        for key, text in zh[section].items():
            assert _placeholders(text) == _placeholders(en[section][key]), (section, key)


def test_markdown_uses_no_missing_words(report: Report) -> None:
    for lang in LANGUAGES:
        text = report.to_markdown(lang)
        assert not re.search(r"\| (?:technology_rd|survey|rd_centre|hnte_valid) \|", text)


@given(logs(), st.randoms(use_true_random=False))
def test_report_does_not_depend_on_input_order(log: ActivityLog, rnd: random.Random) -> None:
    def shuffled(items: Any) -> tuple[Any, ...]:
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    other = attrs.evolve(
        log, visits=shuffled(log.visits), needs=shuffled(log.needs),
        financing_requests=shuffled(log.financing_requests), platforms=shuffled(log.platforms),
    )  # fmt: skip
    ents = hand_ledger()
    a = build_report(ents, log, "2026Q1").to_dict()
    b = build_report(shuffled(ents), other, "2026Q1").to_dict()
    assert json.dumps(a, sort_keys=False) == json.dumps(b, sort_keys=False)


# --------------------------------------------------------------------------- the sample city


@pytest.fixture(scope="module")
def sample_report() -> Report:
    ents = ledger()
    log = load_activity(json.loads(activity_text()), enterprises=ents)
    return build_report(ents, log, parse_period("2026Q1"))


def test_sample_city_quarter(sample_report: Report) -> None:
    data = sample_report.to_dict()
    assert data["enterprises"] == 300
    assert data["excluded_count"] == 0
    assert 200 <= data["visits"]["visits"] <= 400
    assert 90 <= data["financing"]["requests"] <= 110
    assert data["certifications"]["hnte"]["valid_at_end"] == 40  # certificates of 2023-2025
    assert len(data["top_innovators"]["entries"]) == 50
    assert sum(c["count"] for c in data["classification"]["classes"]) == 300
    assert data["records"]["visits"]["total"] == len(json.loads(activity_text())["visits"])
    assert "科创50强" in sample_report.to_markdown()


# --------------------------------------------------------------------------- the CLI


def _run(argv: list[str]) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="kejiservice")
    add_report_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out = io.StringIO()
    code: int = args.run(args, out)
    return code, out.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"ledger": tmp_path / "l.jsonl", "activity": tmp_path / "a.json",
             "targets": tmp_path / "t.json"}  # fmt: skip
    lines = [json.dumps(doc, ensure_ascii=False) for doc in hand_ledger_data()]
    paths["ledger"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths["activity"].write_text(json.dumps(hand_log_data(), ensure_ascii=False), "utf-8")
    targets = {"targets": [{"indicator": "visits", "period": "2026Q1", "value": 4}]}
    paths["targets"].write_text(json.dumps(targets), encoding="utf-8")
    return paths


def _base(files: dict[str, Path]) -> list[str]:
    return ["report", "--ledger", str(files["ledger"]), "--activity", str(files["activity"]),
            "--period", "2026Q1"]  # fmt: skip


def test_cli_json_markdown_and_targets(files: dict[str, Path], tmp_path: Path) -> None:
    code, out = _run([*_base(files), "--json"])
    assert code == 0
    assert json.loads(out)["visits"]["visits"] == 6
    code, out = _run([*_base(files), "--lang", "en"])
    assert out.startswith("# Science and technology services report (2026Q1)")
    md = tmp_path / "report.md"
    code, out = _run([*_base(files), "--md", str(md)])
    assert md.read_text("utf-8").startswith("# 科技服务工作报告")
    assert "wrote" in out
    code, out = _run([*_base(files), "--json", "--targets", str(files["targets"])])
    targets = json.loads(out)["targets"]
    assert [(t["indicator"], t["target"], t["progress"]) for t in targets] == [
        ("visits", "4", "1.500000")
    ]
    code, out = _run([*_base(files), "--json", "--as-of", "2026-03-15"])
    assert json.loads(out)["cut"] == "2026-03-15"


def test_cli_bad_input_raises_with_file_and_path(files: dict[str, Path]) -> None:
    data = hand_log_data()
    data["needs"][0]["resolved_on"] = "2026-01-01"
    files["activity"].write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        _run(_base(files))
    assert info.value.paths == (f"{files['activity']} $.needs[0].resolved_on",)
    files["ledger"].write_text('{"name": 1}\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        _run(_base(files))
    assert all(p.startswith(f"{files['ledger']} line 1: $") for p in info.value.paths)


def test_cli_strict_refuses_unknown_enterprises(files: dict[str, Path]) -> None:
    data = hand_log_data()
    data["visits"][1]["enterprise"] = "QS0404"
    files["activity"].write_text(json.dumps(data), encoding="utf-8")
    _code, out = _run([*_base(files), "--json"])
    assert json.loads(out)["excluded_count"] == 1
    with pytest.raises(InvalidInput) as info:
        _run([*_base(files), "--strict"])
    assert info.value.paths == (f"{files['activity']} $.visits[1].enterprise",)


def test_cli_missing_file(files: dict[str, Path]) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        _run([*_base(files)[:-4], "--activity", "/nonexistent.json", "--period", "2026Q1"])


def test_cli_on_the_sample_files(tmp_path: Path) -> None:
    (tmp_path / "l.jsonl").write_text(ledger_text(), encoding="utf-8")
    (tmp_path / "a.json").write_text(activity_text(), encoding="utf-8")
    code, out = _run(["report", "--ledger", str(tmp_path / "l.jsonl"), "--activity",
                      str(tmp_path / "a.json"), "--period", "2026Q1", "--json"])  # fmt: skip
    assert code == 0
    assert json.loads(out)["enterprises"] == 300
