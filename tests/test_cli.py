"""The command line: exit codes, JSON verdicts, explanations, validation errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from kejiservice.cli import main

from .builders import enterprise


def run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(args, out=out)
    return code, out.getvalue()


@pytest.fixture
def ent_file(tmp_path: Path) -> Path:
    path = tmp_path / "e.json"
    path.write_text(json.dumps(enterprise(), ensure_ascii=False), encoding="utf-8")
    return path


def test_evaluate_json(ent_file: Path) -> None:
    code, out = run(
        [
            "evaluate",
            "--rule",
            "hnte",
            "--as-of",
            "2025-06-30",
            str(ent_file),
            "--input",
            "innovation_score=72",
            "--json",
        ]
    )
    assert code == 0
    verdict = json.loads(out)
    assert verdict["status"] == "eligible"
    assert verdict["score"] == 72


def test_evaluate_array_gives_array(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([enterprise(), enterprise()]), encoding="utf-8")
    code, out = run(
        ["evaluate", "--rule", "sme_size", "--as-of", "2025-06-30", str(path), "--json"]
    )
    assert code == 0
    assert len(json.loads(out)) == 2


def test_evaluate_text_in_both_languages(ent_file: Path) -> None:
    _, zh = run(["evaluate", "--rule", "hnte", "--as-of", "2025-06-30", str(ent_file)])
    _, en = run(
        ["evaluate", "--rule", "hnte", "--as-of", "2025-06-30", str(ent_file), "--lang", "en"]
    )
    assert "科技人员" in zh
    assert "tech staff" in en


def test_evaluate_all(ent_file: Path) -> None:
    code, out = run(["evaluate", "--all", "--as-of", "2025-06-30", str(ent_file), "--json"])
    data: Any = json.loads(out)
    assert code == 0
    assert set(data["verdicts"]) >= {"hnte", "tech_sme", "sme_size"}
    assert "tech_sme" in data["qualifies_for"]


def test_bad_input_exits_2_with_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = enterprise()
    doc["years"][0]["rd_expense"] = 5
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, _ = run(["evaluate", "--rule", "hnte", "--as-of", "2025-06-30", str(path), "--json"])
    assert code == 2
    assert "$.years[0].rd_expense" in capsys.readouterr().err
    code, _ = run(["validate", str(path)])
    assert code == 2


def test_bad_rule_input_exits_2(ent_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(
        [
            "evaluate",
            "--rule",
            "hnte",
            "--as-of",
            "2025-06-30",
            str(ent_file),
            "--input",
            "nonsense=1",
        ]
    )
    assert code == 2
    assert "inputs.nonsense" in capsys.readouterr().err


def test_validate_jsonl_reports_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = enterprise()
    bad["uscc"] = "91441200MA4W1K2P00"
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps(enterprise()) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    code, _ = run(["validate", str(path)])
    assert code == 2
    assert "line 2: $.uscc" in capsys.readouterr().err


def test_schema_and_params() -> None:
    code, out = run(["schema", "enterprise"])
    assert code == 0
    assert json.loads(out)["$id"] == "kejiservice/enterprise@1"
    code, out = run(["params", "lint"])
    assert code == 0
    assert out.startswith("ok")
    code, out = run(
        ["params", "show", "--name", "hnte.innovation_score_pass", "--as-of", "2025-01-01"]
    )
    assert code == 0
    assert json.loads(out)["value"] == 71


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["validate", "/nonexistent/file.json"])
    assert code == 2
    assert "cannot read" in capsys.readouterr().err
