"""Screen a large ledger on a Dask LocalCluster, each worker reading its own partition.

    uv run --group dask examples/dask_screen.py [LEDGER.jsonl] [--rule hnte]
        [--as-of 2026-06-30] [--partitions 8] [--workers 2] [--rows 30000]

Without LEDGER a synthetic one is written first (the bundled sample ledger repeated
with new ids, ``--rows`` lines). The ledger is split into ``--partitions`` files; the
client sends each task only a partition's *path* and first line number, and the worker
reads, validates and screens that file itself (``kejiservice.columnar``), returning a
few small arrays: line numbers, verdict status, failed and criteria masks, gaps, plus
its read/rejected counts. The gathered result is then checked against the same screen
run in this process over the whole file: it must be equal, row by row.

On a real cluster the partitions would already sit on shared storage (S3, HDFS, NFS)
and the same ``screen_partition`` function would run unchanged; see the how-to page
"Screen a province" for Spark and Ray. Dask is not a dependency of kejiservice: the
``dask`` dependency group holds it (``uv run --group dask ...``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    from dask.distributed import Client, LocalCluster
except ImportError:  # pragma: no cover - depends on the environment
    sys.stderr.write(
        "This example needs Dask (dask[distributed]), which kejiservice does not depend on.\n"
        "Run it with the dask dependency group:\n\n"
        "    uv run --group dask examples/dask_screen.py\n\n"
        "or install it yourself: pip install 'dask[distributed]' 'kejiservice[columnar]'\n"
    )
    sys.exit(0)

import numpy as np

from kejiservice.columnar import LedgerReader, ScreenResult, screen
from kejiservice.sample import ledger_text

KEYS = ("lines", "status", "failed_mask", "criteria_mask", "gap")


def screen_partition(path: str, first_line: int, rule: str, as_of: dt.date) -> dict[str, Any]:
    """Read one partition file and screen it (runs on a worker; pure, no shared state).

    Returns the per-row arrays (line numbers made global with ``first_line``) and the
    partition's counts. Rejected lines are returned with their global line numbers.
    """
    reader = LedgerReader(path, chunk_size=5_000, keep_objects=False)
    parts: list[ScreenResult] = []
    rejects: list[dict[str, Any]] = []
    for chunk in reader:
        for reject in chunk.rejects:
            item = reject.to_dict()
            item["line"] += first_line - 1
            rejects.append(item)
        if len(chunk.ledger):
            parts.append(screen(rule, chunk.ledger, as_of))
    out: dict[str, Any] = {"summary": reader.summary.to_dict(), "rejects": rejects}
    if parts:
        result = ScreenResult.concat(parts)
        out.update(_arrays(result))
        out["lines"] = out["lines"] + (first_line - 1)
    return out


def _arrays(result: ScreenResult) -> dict[str, np.ndarray[Any, Any]]:
    return {
        "lines": result.ledger.lines.copy(),
        "status": result.status.copy(),
        "failed_mask": result.failed_mask,
        "criteria_mask": result.criteria_mask,
        "gap": result.gap.copy(),
    }


def split(ledger: Path, folder: Path, partitions: int) -> list[tuple[str, int]]:
    """Cut ``ledger`` into ``partitions`` files of whole lines: (path, first line number)."""
    lines = ledger.read_bytes().splitlines(keepends=True)
    size = max(1, -(-len(lines) // partitions))
    out = []
    for index, start in enumerate(range(0, len(lines), size)):
        path = folder / f"part-{index:04d}.jsonl"
        path.write_bytes(b"".join(lines[start : start + size]))
        out.append((str(path), start + 1))
    return out


def synthetic(path: Path, rows: int) -> None:
    """The sample ledger repeated with fresh ids until ``rows`` lines."""
    base = [json.loads(line) for line in ledger_text().splitlines() if line.strip()]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(rows):
            doc = dict(base[i % len(base)])
            doc["id"] = f"{doc.get('id', 'E')}-{i // len(base)}"
            doc.pop("uscc", None)
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")


def single_process(path: Path, rule: str, as_of: dt.date) -> dict[str, Any]:
    """The same screen in this process, chunk by chunk over the whole file."""
    parts = [
        screen(rule, chunk.ledger, as_of)
        for chunk in LedgerReader(path, chunk_size=5_000, keep_objects=False)
        if len(chunk.ledger)
    ]
    return _arrays(ScreenResult.concat(parts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", nargs="?", help="a JSON Lines ledger (default: synthetic)")
    parser.add_argument("--rule", default="hnte")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows", type=int, default=30_000, help="synthetic ledger size")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ledger = Path(args.ledger) if args.ledger else folder / "ledger.jsonl"
        if not args.ledger:
            synthetic(ledger, args.rows)
        parts = split(ledger, folder, args.partitions)
        print(f"{ledger.name}: {len(parts)} partitions, rule {args.rule}, as of {args.as_of}")

        with (
            LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            start = time.perf_counter()
            futures = client.map(
                screen_partition,
                [p for p, _ in parts],
                [first for _, first in parts],
                rule=args.rule,
                as_of=args.as_of,
                pure=False,
            )
            results = client.gather(futures)
            took = time.perf_counter() - start
        read = sum(r["summary"]["read"] for r in results)
        rejected = sum(r["summary"]["rejected"] for r in results)
        print(f"dask: {read} read, {rejected} rejected in {took:.1f} s on {args.workers} workers")
        distributed = {key: np.concatenate([r[key] for r in results if key in r]) for key in KEYS}

        start = time.perf_counter()
        local = single_process(ledger, args.rule, args.as_of)
        print(f"single process: {len(local['status'])} rows in {time.perf_counter() - start:.1f} s")

    same = all(np.array_equal(distributed[key], local[key]) for key in KEYS)
    counts = np.bincount(distributed["status"].astype(np.int64), minlength=4)
    names = ("eligible", "ineligible", "undetermined", "not_applicable")
    print(", ".join(f"{name} {int(c)}" for name, c in zip(names, counts, strict=True)))
    print("equal to the single-process run:", "yes" if same else "NO")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
