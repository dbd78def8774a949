"""Quick start: load the bundled sample ledger, validate it, and print what the library
can say about its enterprises (a table with Chinese and English column names).

Run it with ``uv run examples/quickstart.py`` (add ``--as-of 2026-06-30`` for another day).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter

import kejiservice
from kejiservice.rules import Outcome
from kejiservice.sample import ledger

RULES = ("hnte", "tech_sme", "innovative_sme", "sme_size", "above_scale", "super_deduction")
MARK = {
    Outcome.ELIGIBLE: "✔",
    Outcome.INELIGIBLE: "✘",
    Outcome.UNDETERMINED: "?",
    Outcome.NOT_APPLICABLE: "-",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    parser.add_argument("--rows", type=int, default=15, help="how many enterprises to list")
    args = parser.parse_args()
    as_of: dt.date = args.as_of

    enterprises = ledger()  # loaded and validated: a bad record would raise InvalidInput
    print(f"样例台账 sample ledger: {len(enterprises)} enterprises valid; as of {as_of}\n")

    summaries = [kejiservice.evaluate_all(e, as_of) for e in enterprises]
    header = (
        f"{'企业 enterprise':<26}{'规模 size':<10}{'高企 HNTE':<11}{'科小 tech SME':<15}"
        f"{'创新 innov.':<13}{'规上 above':<11}{'加计扣除 super ded. (yuan)'}"
    )
    print(header)
    print("-" * len(header.encode("gbk", "replace")))
    for ent, summary in list(zip(enterprises, summaries, strict=True))[: args.rows]:
        v = summary.verdicts
        size = v["sme_size"].extras.get("size") or "?"
        amounts = v["super_deduction"].extras.get("amounts", {})
        saving = amounts.get("extra_deduction", "?")
        name = ent.name if len(ent.name) <= 11 else ent.name[:10] + "…"
        print(
            f"{name:<{26 - _wide(name)}}{size:<10}"
            f"{MARK[v['hnte'].status]:<11}{MARK[v['tech_sme'].status]:<15}"
            f"{MARK[v['innovative_sme'].status]:<13}{MARK[v['above_scale'].status]:<11}{saving}"
        )

    print("\n全部企业 all enterprises (✔ eligible / ✘ ineligible / ? undetermined / - n/a):")
    for rule in RULES:
        counts = Counter(s.verdicts[rule].status for s in summaries)
        print(f"  {rule:<16}" + "  ".join(f"{MARK[o]} {counts.get(o, 0):>3}" for o in Outcome))

    # "What would make it eligible": the HNTE candidates closest to passing.
    near = []
    for ent, summary in zip(enterprises, summaries, strict=True):
        verdict = summary.verdicts["hnte"]
        if verdict.status is Outcome.INELIGIBLE and len(verdict.failed) == 1:
            near.append((ent, verdict))
    print(f"\n小升高 cultivation pool: {len(near)} enterprises fail HNTE on one condition only")
    for ent, verdict in near[:5]:
        criterion = verdict.criterion(verdict.failed[0])
        print(f"  {ent.id} {ent.name}: {criterion.message.zh}")
        for proposal in criterion.proposals:
            print(f"      → {proposal.message.en}")


def _wide(text: str) -> int:
    """How many extra columns wide characters take (CJK characters are two columns)."""
    return sum(1 for ch in text if ord(ch) > 0x2E80)


if __name__ == "__main__":
    main()
