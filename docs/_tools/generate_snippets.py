"""Regenerate the example outputs that the documentation includes.

Run from the repository root, after any change that can alter an output:

    uv run python docs/_tools/generate_snippets.py

Every output shown in the docs comes from a real run: Python fragments
(``docs/_snippets/*.py``) are executed, and shell commands are run, and their output is
written to ``docs/_snippets/*.out.txt`` (Python) and ``docs/_snippets/*.sh.txt``
(commands with their output). The pages include them with pymdownx.snippets
(``--8<-- "name"``). Parameter tables are generated from the national TOML pack.
Needs ``jq`` on PATH for the commands that filter JSON. This folder and ``_snippets``
are excluded from the built site (``exclude_docs`` in mkdocs.yml).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent
ROOT = DOCS.parent
ASSETS = DOCS / "files"
EXAMPLES = ASSETS / "examples"
OUT = DOCS / "_snippets"
NATIONAL = ROOT / "src" / "kejiservice" / "params" / "national"

# --------------------------------------------------------------------------- Python fragments
# (session, [fragment names]): fragments of one session share their namespace, in order.
PY_SESSIONS: list[tuple[Path, list[str]]] = [
    (
        ASSETS,
        [
            "tutorial-load",
            "tutorial-evaluate",
            "tutorial-criteria",
            "tutorial-criterion",
            "tutorial-proposals",
            "tutorial-score",
            "tutorial-whatif",
            "tutorial-explain",
            "tutorial-dump",
            "tutorial-all",
            "tutorial-extras",
            "tutorial-many",
            "tutorial-many-hnte",
        ],
    ),
    (
        ASSETS,
        [
            "validate-load",
            "validate-paths",
            "validate-bad2",
            "validate-array",
            "validate-ledger",
            "validate-evaluate",
        ],
    ),
    (ASSETS, ["overlay-python", "overlay-lookup", "overlay-elsewhere"]),
]

# --------------------------------------------------------------------------- shell commands
# name -> (working directory, commands). A command "echo exit status" prints the
# previous command's exit status, as `echo "exit status: $?"` would.
EXIT = 'echo "exit status: $?"'
HNTE_H2B = (
    "{status, failed, rd: (.criteria[4] | {actual, required, gap, detail}), "
    "proposals: [.proposals[]? | {input, change, target, verified}]}"
)
SD = "{status, path, failed, missing, amounts, notes: [.notes[]?.en]}"
SHELL: dict[str, tuple[Path, list[str]]] = {
    # tutorial
    "tutorial-cli-validate": (ASSETS, ["kejiservice validate enterprise.json"]),
    "tutorial-cli-text": (
        ASSETS,
        ["kejiservice evaluate --rule hnte --as-of 2025-06-30 enterprise.json | head -12"],
    ),
    "tutorial-cli-json": (
        ASSETS,
        [
            "kejiservice evaluate --rule hnte --as-of 2025-06-30 enterprise.json "
            "--input innovation_score=76 --json | jq '{status, failed, score}'"
        ],
    ),
    "tutorial-cli-all": (
        ASSETS,
        [
            "kejiservice evaluate --all --rule hnte --input innovation_score=76 "
            "--as-of 2025-06-30 enterprise.json --json "
            "| jq -c '.qualifies_for, (.verdicts | map_values(.status))'"
        ],
    ),
    "tutorial-cli-ledger": (
        ROOT,
        [
            "kejiservice evaluate --rule tech_sme --as-of 2026-06-30 "
            "src/kejiservice/sample/ledger.jsonl --json "
            '| jq -r \'.[] | [.enterprise, .status, (.path // "-"), (.score // "-")] | @tsv\' '
            "| head -8"
        ],
    ),
    # validate how-to
    "validate-cli-ok": (ASSETS, ["kejiservice validate enterprise.json"]),
    "validate-cli-bad": (
        ASSETS,
        [
            "kejiservice validate two.json",
            EXIT,
            "cat bad.json | kejiservice validate -",
            "kejiservice validate ledger.jsonl",
        ],
    ),
    "validate-cli-inputs": (
        ASSETS,
        [
            "kejiservice evaluate --rule hnte --as-of 2025-06-30 enterprise.json "
            "--input innovation_score=high --input tax_year=2024"
        ],
    ),
    "validate-cli-schema": (
        ASSETS,
        [
            'kejiservice schema enterprise | jq \'{"$schema", "$id", title, required, '
            "additionalProperties}'",
            "kejiservice schema enterprise | jq '.\"$defs\".YearFigures.properties.rd_expense'",
        ],
    ),
    # overlay how-to
    "overlay-lint-ok": (
        ASSETS,
        ["kejiservice params lint qingshan-pack", "kejiservice params lint"],
    ),
    "overlay-lint-bad": (ASSETS, ["kejiservice params lint broken-pack", EXIT]),
    "overlay-evaluate": (
        ASSETS,
        [
            "kejiservice evaluate --rule hnte --as-of 2025-06-30 enterprise.json "
            "--pack qingshan-pack --input innovation_score=76 --json | jq '{status, failed, "
            'rd: (.criteria[] | select(.code == "hnte.rd_expense_ratio") | '
            "{status, actual, required}), params: (.params | "
            'with_entries(select(.value.layer != "national")))}\''
        ],
    ),
    "overlay-show": (
        ASSETS,
        [
            "kejiservice params show --name hnte.rd_band1_ratio_min --as-of 2025-06-30 "
            "--region 441200 --pack qingshan-pack",
            "kejiservice params show --name hnte.rd_band1_ratio_min --as-of 2024-12-31 "
            "--region 441200 --pack qingshan-pack | jq -c '{value, layer}'",
        ],
    ),
    "overlay-evaluate-bad": (
        ASSETS,
        [
            "kejiservice evaluate --rule hnte --as-of 2025-06-30 enterprise.json "
            "--pack broken-pack",
            EXIT,
        ],
    ),
    # reference
    "verdict-above-scale": (
        ASSETS,
        ["kejiservice evaluate --rule above_scale --as-of 2025-06-30 above-scale.json --json"],
    ),
    "cli-stdin": (
        ASSETS,
        [
            'echo \'{"name": "甲公司", "registered_on": "2020-01-01", '
            '"industry": "M7320", "years": [{"year": 2024, "employees": 120}]}\' '
            "| kejiservice evaluate --rule sme_size --as-of 2025-06-30 - --lang en"
        ],
    ),
    "cli-params-show": (
        ASSETS,
        [
            "kejiservice params show --name super_deduction.rate_general --as-of 2020-06-30",
            "kejiservice params show --name super_deduction.rate_ic_machine --as-of 2020-01-01",
            EXIT,
        ],
    ),
    "help-main": (ASSETS, ["kejiservice --help"]),
    "help-validate": (ASSETS, ["kejiservice validate --help"]),
    "help-schema": (ASSETS, ["kejiservice schema --help"]),
    "help-evaluate": (ASSETS, ["kejiservice evaluate --help"]),
    "help-params": (ASSETS, ["kejiservice params --help"]),
    # rule pages: HNTE
    "hnte-h1": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule hnte --as-of 2025-06-30 hnte-h1.json "
            "--input innovation_score=72 --lang en"
        ],
    ),
    "hnte-h2b": (
        EXAMPLES,
        [
            f"kejiservice evaluate --rule hnte --as-of 2025-06-30 hnte-h2b.json --json | jq -c '{HNTE_H2B}'"
        ],
    ),
    "hnte-h2a": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule hnte --as-of 2025-06-30 hnte-h2a.json "
            "--input innovation_score=80 --json "
            "| jq -c '{status, failed, rd: (.criteria[4] | {actual, required, detail})}'"
        ],
    ),
    "hnte-h5": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule hnte --as-of 2024-02-29 hnte-h5-leap.json "
            "--input innovation_score=72 --json "
            "| jq -c '{status, c: .criteria[0] | {actual, required}}'",
            "kejiservice evaluate --rule hnte --as-of 2024-02-28 hnte-h5-leap.json "
            "--input innovation_score=72 --json | jq -c '{status, failed, c: .criteria[0] "
            "| {actual, required, gap, proposals: [.proposals[] | {input, on_date, adjustable}]}}'",
        ],
    ),
    "hnte-h6": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule hnte --as-of 2025-06-30 hnte-h6.json "
            "--input innovation_score=72 --lang en | grep -A4 no_major"
        ],
    ),
    "hnte-h8": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule hnte --as-of 2025-06-30 hnte-h8.json --json "
            "| jq -c '{status, failed, missing, score_min, score_max}, "
            "(.criteria[7].detail.items[])'"
        ],
    ),
    # tech SME
    "tsme-t1": (
        EXAMPLES,
        ["kejiservice evaluate --rule tech_sme --as-of 2025-07-15 tsme-t1.json --lang en"],
    ),
    "tsme-t2": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule tech_sme --as-of 2025-07-15 tsme-t2.json --json "
            "| jq -c '{status, failed, score}, (.criteria[7] | {status, actual, gap, "
            "en: .message.en}), (.proposals[]? | {criterion, input, change, target, "
            "en: .message.en})'"
        ],
    ),
    "tsme-t3": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule tech_sme --as-of 2025-07-15 tsme-t3.json --json "
            "| jq -c '{status, failed, score}, (.criteria[6] | .detail), (.proposals[]? "
            "| {criterion, input, change, target, verified, en: .message.en})'"
        ],
    ),
    "tsme-t4b": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule tech_sme --as-of 2025-07-15 tsme-t4b.json --json "
            "| jq -c '{status, failed, path, c: (.criteria[2] | {actual, required, gap})}, "
            "[.paths[] | {path, status}]'"
        ],
    ),
    "tsme-t5": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule tech_sme --as-of 2025-07-15 tsme-t5.json --json "
            "| jq -c '{status, path, score, failed}, (.criteria[6] | {code, status, actual}), "
            "(.paths[] | {path, status, en: .message.en})'"
        ],
    ),
    # super deduction
    "sd-s1": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2025-05-31 sd-s1.json "
            f"--input tax_year=2024 --json | jq '{SD}'"
        ],
    ),
    "sd-s1-hnte": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2025-05-31 sd-s1-hnte.json "
            "--input tax_year=2024 --json | jq -c '.amounts | {cit_rate, tax_saving}'"
        ],
    ),
    "sd-s2": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2025-05-31 sd-s2.json "
            "--input tax_year=2024 --json | jq -c '.amounts'"
        ],
    ),
    "sd-s3": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2026-05-31 sd-s3.json "
            "--input tax_year=2025 --input ic_or_machine=true --input capitalised_cost=10000000 "
            "--json | jq -c '{status, path, amounts}'"
        ],
    ),
    "sd-s4": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2025-05-31 sd-s4.json "
            "--input tax_year=2024 --lang en"
        ],
    ),
    "sd-trade": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2025-05-31 sd-trade.json "
            "--json | jq -c '{status, missing, en: .criteria[0].message.en}'",
            "kejiservice evaluate --rule super_deduction --as-of 2025-05-31 sd-trade.json "
            "--input negative_list_share=0.5 --json | jq -c '{status, en: "
            ".criteria[0].message.en, extra: .amounts.extra_deduction}'",
            "kejiservice evaluate --rule super_deduction --as-of 2025-05-31 sd-trade.json "
            "--input negative_list_share=0.6 --json | jq -c '{status, en: "
            ".criteria[0].message.en, extra: .amounts.extra_deduction}'",
        ],
    ),
    "sd-s5": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2020-05-31 sd-s5.json "
            "--input tax_year=2019 --json | jq -c '{status, path, rule_version, amounts, "
            "notes: [.notes[]?.en]}'"
        ],
    ),
    "sd-q4": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2023-05-31 sd-q4.json "
            "--json | jq -c '{status, path, amounts, notes: [.notes[]?.en]}'"
        ],
    ),
    "sd-q4-actual": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2023-05-31 sd-q4.json "
            "--input q4_rd_expense=1500000 --json "
            "| jq -c '.amounts | {q4_base, q4_rate, extra_deduction}'"
        ],
    ),
    "sd-q4-new": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule super_deduction --as-of 2023-05-31 sd-q4-new.json "
            "--json | jq -c '.amounts | {q4_base, extra_deduction}'"
        ],
    ),
    # SME size
    "size-c2": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule sme_size --as-of 2025-06-30 size-c2.json --lang en",
            "kejiservice evaluate --rule sme_size --as-of 2025-06-30 size-c2.json --json "
            "| jq -c '{status, size, industry_class, detail: .criteria[0].detail}'",
        ],
    ),
    "size-c4": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule sme_size --as-of 2025-06-30 size-c4.json --json "
            "| jq -c '{status, eligible, failed, size, c: .criteria[0] | {actual, required}}'"
        ],
    ),
    # above scale
    "scale-1": (
        EXAMPLES,
        ["kejiservice evaluate --rule above_scale --as-of 2025-06-30 scale-1.json --lang en"],
    ),
    "scale-2": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule above_scale --as-of 2025-06-30 scale-2.json --json "
            "| jq -c '{status, failed, c: .criteria[0] | {actual, required, gap}, "
            "proposals: [.proposals[]? | {input, change, target, verified}]}'"
        ],
    ),
    "scale-3": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule above_scale --as-of 2025-06-30 scale-3.json --json "
            "| jq -c '{status, eligible, failed, c: .criteria[0] | {status, actual, required, "
            "en: .message.en}}'"
        ],
    ),
    "scale-hist": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule above_scale --as-of 2010-06-30 scale-hist.json --json "
            "| jq -c '{rule_version, status, c: .criteria[0] | {actual, required}}'",
            "kejiservice evaluate --rule above_scale --as-of 2011-03-31 scale-hist.json --json "
            "| jq -c '{rule_version, status, c: .criteria[0] | {actual, required, detail}}'",
        ],
    ),
    # innovative SME
    "innov-i1": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule innovative_sme --as-of 2025-06-30 innov-i1.json "
            "--input strategic_emerging_field=true --lang en",
            "kejiservice evaluate --rule innovative_sme --as-of 2025-06-30 innov-i1.json "
            "--input strategic_emerging_field=true --json "
            "| jq -c '.criteria[0].detail.indicators[]'",
        ],
    ),
    "innov-nofield": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule innovative_sme --as-of 2025-06-30 innov-i1.json "
            "--json | jq -c '{status, path, score, score_min, score_max, missing}, "
            "(.criteria[] | {code, status, actual})'"
        ],
    ),
    "innov-i2": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule innovative_sme --as-of 2025-06-30 innov-i2.json "
            "--input strategic_emerging_field=true --json | jq -c '{status, score, failed}, "
            "(.criteria[] | {code, status, actual}), (.proposals[]? | {criterion, input, "
            "change, target, verified, en: .message.en})'"
        ],
    ),
    "innov-i3": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule innovative_sme --as-of 2025-06-30 innov-i3.json "
            "--input strategic_emerging_field=true --json "
            "| jq -c '{status, path, score, failed}, (.paths[] | {path, status})'"
        ],
    ),
    "innov-equity": (
        EXAMPLES,
        [
            "kejiservice evaluate --rule innovative_sme --as-of 2025-06-30 innov-i2.json "
            "--input strategic_emerging_field=true --input equity_financing_3y=5000000 "
            "--json | jq -c '{status, path, failed}'"
        ],
    ),
}

# Outputs written without the "$ command" lines (the page shows the command itself).
RAW = {
    "verdict-above-scale",
    "help-main",
    "help-validate",
    "help-schema",
    "help-evaluate",
    "help-params",
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "80"
    env.pop("NO_COLOR", None)
    return env


def _write(name: str, text: str) -> None:
    (OUT / name).write_text(text.rstrip("\n"), encoding="utf-8")


def run_python() -> None:
    for cwd, names in PY_SESSIONS:
        namespace: dict[str, object] = {"__name__": "__docs__"}
        old = Path.cwd()
        os.chdir(cwd)
        try:
            for name in names:
                code = (OUT / f"{name}.py").read_text(encoding="utf-8")
                buffer = io.StringIO()
                with contextlib.redirect_stdout(buffer):
                    exec(compile(code, f"{name}.py", "exec"), namespace)  # noqa: S102
                _write(f"{name}.out.txt", buffer.getvalue())
        finally:
            os.chdir(old)


def run_shell() -> None:
    env = _env()
    for name, (cwd, commands) in SHELL.items():
        lines: list[str] = []
        status = 0
        for command in commands:
            if command == EXIT:
                lines.append(f"$ {command}")
                lines.append(f"exit status: {status}")
                continue
            done = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command],
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
            )
            status = done.returncode
            if name not in RAW:
                lines.append(f"$ {command}")
            lines.append(done.stdout.rstrip("\n"))
        _write(f"{name}.sh.txt", "\n".join(lines))


def run_quickstart() -> None:
    done = subprocess.run(
        [sys.executable, "examples/quickstart.py", "--rows", "5"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    _write("quickstart.out.txt", "\n".join(done.stdout.splitlines()[:9]))


# --------------------------------------------------------------------------- parameter tables
_SYM = {"at_least": "≥", "above": ">", "at_most": "≤", "below": "<"}
_SIZE = {"employees": "X persons", "revenue_wan": "Y 万元", "assets_wan": "Z 万元"}


def _walk(table: dict[str, object], prefix: str = ""):  # type: ignore[no-untyped-def]
    for key, value in table.items():
        if not isinstance(value, dict):
            continue
        name = f"{prefix}.{key}" if prefix else key
        if "versions" in value:
            yield name, value
        else:
            yield from _walk(value, name)


def _show(unit: str, value: object) -> str:
    if unit == "bands":
        rows = []
        for band in value:  # type: ignore[attr-defined]
            test = next((f"{_SYM[k]} {band[k]}" for k in _SYM if k in band), "otherwise")
            points = (
                band["points"]
                if "points" in band
                else (f"{band['points_min']}–{band['points_max']}")
            )
            rows.append(f"{band.get('label', '')} {test} → {points}")
        return "<br>".join(rows)
    if unit == "size_table":
        return "<br>".join(
            f"{_SIZE[k]}: SME if < {r[0]}; medium ≥ {r[1]}; small ≥ {r[2]}"
            for k, r in value.items()  # type: ignore[attr-defined]
        )
    if unit == "codes":
        return ", ".join(f"`{c}`" for c in value)  # type: ignore[attr-defined]
    if unit == "bool":
        return "true" if value else "false"
    if unit == "wan_yuan":
        return f"{value} 万元"
    if unit == "yi_yuan":
        return f"{value} 亿元"
    if unit == "text":
        return f'"{value}"'
    if unit in ("days", "years", "months", "persons", "points", "count"):
        return f"{value} {unit}"
    return str(value)


def param_tables() -> None:
    for path in sorted(NATIONAL.glob("*.toml")):
        doc = tomllib.loads(path.read_text("utf-8"), parse_float=Decimal)
        lines = ["| parameter | value | in force | source |", "|---|---|---|---|"]
        body = {k: v for k, v in doc.items() if k != "meta"}
        for name, table in _walk(body):
            for version in table["versions"]:
                end = version.get("effective_to")
                span = f"{version['effective_from']} → {end if end else '(open)'}"
                note = f"<br>*Note: {version['note']}*" if version.get("note") else ""
                value = _show(table["unit"], version["value"])
                lines.append(f"| `{name}` | {value} | {span} | {version['source']}{note} |")
        _write(f"params-{path.stem}.md", "\n".join(lines) + "\n")


def size_table() -> None:
    import json

    lines = [
        "| case | file | industry | X employees | Y 营业收入 (万元) | Z 资产总额 (万元) "
        "| industry_class | size | status |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i in range(1, 10):
        name = f"size-c{i}.json"
        ent = json.loads((EXAMPLES / name).read_text("utf-8"))
        done = subprocess.run(
            [
                "kejiservice",
                "evaluate",
                "--rule",
                "sme_size",
                "--as-of",
                "2025-06-30",
                name,
                "--json",
            ],
            cwd=EXAMPLES,
            env=_env(),
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        verdict = json.loads(done.stdout)
        year = ent["years"][0]
        lines.append(
            f"| C{i} | [{name}](../files/examples/{name}) | `{ent['industry']}` "
            f"| {year['employees']} | {Decimal(year['sales_revenue']) / 10000:f} "
            f"| {Decimal(year['total_assets']) / 10000:f} | `{verdict['industry_class']}` "
            f"| **{verdict['size']}** | {verdict['status']} |"
        )
    _write("size-table.md", "\n".join(lines) + "\n")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    run_python()
    run_shell()
    run_quickstart()
    param_tables()
    size_table()
    print(f"snippets written to {OUT}")


if __name__ == "__main__":
    main()
