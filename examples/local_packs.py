"""Local incentive packs: load the four illustrative packs of the fictional 青山市, register
them, evaluate the sample city, share each budget pool and print a table of awards.

Run it with ``uv run examples/local_packs.py`` (``--as-of 2026-06-30`` for another day,
``--lang en`` for English, ``--explain QS0002`` to explain one enterprise's verdicts).
The packs are illustrative: each models the kind of notice a city issues, with numbers
that are not from a real notice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import kejiservice
from kejiservice import packs
from kejiservice.rules import Outcome
from kejiservice.sample import ledger

PACKS = Path(__file__).resolve().parent / "packs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--explain", metavar="ID", help="explain the verdicts of one enterprise")
    args = parser.parse_args()
    as_of: dt.date = args.as_of
    zh = args.lang == "zh"

    loaded = packs.load_packs(PACKS)  # every pack checked; a bad one raises PackError
    packs.register_packs(loaded)  # now kejiservice.evaluate(pack.id, ...) knows them
    enterprises = ledger()
    print(f"青山市 sample ledger: {len(enterprises)} enterprises; as of {as_of}\n")

    grand = Decimal(0)
    for pack in loaded:
        start = time.perf_counter()
        verdicts = list(kejiservice.evaluate_many(pack.id, enterprises, as_of))
        elapsed = time.perf_counter() - start
        allocations = packs.allocate_pool(pack, verdicts)
        counts = Counter(v.status for v in verdicts)
        requested = sum((a.requested or Decimal(0) for a in allocations), Decimal(0))
        granted = sum((a.granted or Decimal(0) for a in allocations), Decimal(0))
        grand += granted
        print(pack.name_zh if zh else pack.name_en)
        print(
            f"  {'符合' if zh else 'eligible'} {counts[Outcome.ELIGIBLE]:>3}   "
            f"{'不符合' if zh else 'ineligible'} {counts[Outcome.INELIGIBLE]:>3}   "
            f"{'待定' if zh else 'undetermined'} {counts[Outcome.UNDETERMINED]:>3}   "
            f"{'不适用' if zh else 'n/a'} {counts[Outcome.NOT_APPLICABLE]:>3}   "
            f"({elapsed * 1000:.0f} ms)"
        )
        pool = pack.award.pool
        print(
            f"  {'申请' if zh else 'requested'} {requested:>14,.2f}   "
            f"{'资金池' if zh else 'pool'} {'-' if pool is None else f'{pool:,.2f}':>14}   "
            f"{'核定' if zh else 'granted'} {granted:>14,.2f}"
        )
        paid = sorted(
            ((a, v) for a, v in zip(allocations, verdicts, strict=True) if a.granted),
            key=lambda pair: (-(pair[0].granted or 0), pair[1].enterprise_id or ""),
        )
        for allocation, verdict in paid[:5]:
            name = next(e.name for e in enterprises if e.id == verdict.enterprise_id)
            print(
                f"    {verdict.enterprise_id}  {name:<18} "
                f"{allocation.requested:>14,.2f} → {allocation.granted:>14,.2f}"
            )
        if len(paid) > 5:
            print(f"    ... {len(paid) - 5} {'家' if zh else 'more'}")
        print()
    print(f"{'合计核定' if zh else 'total granted'}: {grand:,.2f}")

    if args.explain:
        enterprise = next(e for e in enterprises if e.id == args.explain)
        for pack in loaded:
            print()
            print(kejiservice.evaluate(pack.id, enterprise, as_of).explain(args.lang))


if __name__ == "__main__":
    main()
