"""Quarterly report of the sample city 青山市: Markdown, JSON and (optionally) charts.

Run it with ``uv run examples/quarterly_report.py`` (``--period 2026H1``, ``--lang en``,
``--out DIR``, ``--format svg``). It writes ``report.md`` and ``report.json`` to the
output folder and, when matplotlib is installed (the ``plot`` extra:
``uv run --extra plot examples/quarterly_report.py``), three charts:

* ``trend``: visits, needs collected and loans granted in each quarter of the year (the
  sample log covers the whole of 2026, so all four quarters have data);
* ``funnel``: the cultivation funnels of HNTE and tech-based SMEs in the period;
* ``needs``: needs collected, resolved and open at the period's end, by category.

Chart labels are in English, so that no CJK font is needed. Without matplotlib the
script writes the report, says so and skips the charts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from kejiservice.activity import Period, load_activity, parse_period
from kejiservice.indicators import Figures, Portfolio, Report, build_report, catalog, figures
from kejiservice.sample import ledger


def _charts(report: Report, portfolio: Portfolio, out: Path, fmt: str) -> list[Path]:
    """Draw the three charts with matplotlib (imported here: it is an optional extra)."""
    import matplotlib  # type: ignore[import-not-found,unused-ignore]

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # type: ignore[import-not-found,unused-ignore]

    words = catalog("en")
    written: list[Path] = []

    def save(fig: Any, name: str) -> None:
        path = out / f"{name}.{fmt}"
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
        written.append(path)

    quarters = Period.year(report.period.start.year).split()
    per_quarter: list[Figures] = [figures(portfolio, q) for q in quarters]
    series = {
        words["indicator"]["visits"]: [f.visits.visits for f in per_quarter],
        words["indicator"]["needs_collected"]: [f.needs.total.collected for f in per_quarter],
        words["indicator"]["loans_granted"]: [f.financing.granted for f in per_quarter],
    }
    fig, ax = plt.subplots(figsize=(9, 4))
    for label, values in series.items():
        ax.plot([q.label for q in quarters], values, marker="o", label=label)
    ax.set_title(f"Quarterly trend, {report.period.start.year}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    save(fig, "trend")

    fig, ax = plt.subplots(figsize=(7, 4))
    funnels = list(report.current.funnels.items())
    steps = [name for name, _ in funnels[0][1].steps]
    width = 0.8 / len(funnels)
    for index, (kind, funnel) in enumerate(funnels):
        xs = [i + index * width for i in range(len(steps))]
        ax.bar(xs, [n for _, n in funnel.steps], width, label=words["certification"][kind.value])
    ax.set_xticks([i + width / 2 for i in range(len(steps))])
    ax.set_xticklabels([words["funnel"][s] for s in steps])
    ax.set_title(f"Cultivation funnel, {report.period.label}")
    ax.legend()
    save(fig, "funnel")

    fig, ax = plt.subplots(figsize=(8, 4))
    needs = report.current.needs.by_category
    labels = [words["need_category"][c.value] for c in needs]
    columns = {
        words["column"]["collected"]: [n.collected for n in needs.values()],
        words["column"]["resolved"]: [n.resolved for n in needs.values()],
        words["column"]["open_at_end"]: [n.open_at_end for n in needs.values()],
    }
    for index, (label, values) in enumerate(columns.items()):
        ax.bar([i + index * 0.27 for i in range(len(labels))], values, 0.27, label=label)
    ax.set_xticks([i + 0.27 for i in range(len(labels))])
    ax.set_xticklabels(labels, rotation=15)
    ax.set_title(f"Needs by category, {report.period.label}")
    ax.legend()
    save(fig, "needs")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--period", default="2026Q1")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--out", type=Path, default=Path("quarterly-report"))
    parser.add_argument("--format", choices=["png", "svg"], default="png")
    args = parser.parse_args()

    enterprises = ledger()
    text = (files("kejiservice.sample") / "activity_2026.json").read_text("utf-8")
    log = load_activity(json.loads(text), enterprises=enterprises)
    report = build_report(enterprises, log, parse_period(args.period))

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(report.to_markdown(args.lang), encoding="utf-8")
    (args.out / "report.json").write_text(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out / 'report.md'} and {args.out / 'report.json'}")
    print(f"excluded records: {len(report.excluded)}")

    if importlib.util.find_spec("matplotlib") is None:
        print("matplotlib is not installed: charts skipped (install the 'plot' extra)")
        return
    for path in _charts(report, Portfolio.build(enterprises, log), args.out, args.format):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
