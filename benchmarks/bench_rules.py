"""Benchmark: evaluating enterprises with full explanations.

    uv run python benchmarks/bench_rules.py [--repeat 5] [--rule hnte]

Reports the mean time per enterprise for each rule family over the sample ledger
(verdict objects only, and verdict + JSON dump with both languages rendered). The
target (issue "Eligibility rules") is under 1 ms per enterprise with full explanation.
Not part of the test suite: timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import kejiservice
from kejiservice.rules import RULES
from kejiservice.sample import ledger

AS_OF = dt.date(2026, 6, 30)


def _time(fn: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rule", action="append", choices=sorted(RULES))
    args = parser.parse_args()
    ents = ledger()
    n = len(ents)
    print(f"{n} enterprises, as of {AS_OF}, best of {args.repeat} runs")
    print(f"{'rule':<16}{'verdict µs/ent':>16}{'verdict+dump µs/ent':>22}")
    for rule in args.rule or list(RULES):

        def verdicts(rule: str = rule) -> None:
            for e in ents:
                kejiservice.evaluate(rule, e, AS_OF)

        def dumped(rule: str = rule) -> None:
            for e in ents:
                kejiservice.dump(kejiservice.evaluate(rule, e, AS_OF))

        a = _time(verdicts, args.repeat) / n * 1e6
        b = _time(dumped, args.repeat) / n * 1e6
        print(f"{rule:<16}{a:>16.1f}{b:>22.1f}")

    def everything() -> None:
        for e in ents:
            kejiservice.dump(kejiservice.evaluate_all(e, AS_OF))

    c = _time(everything, args.repeat) / n * 1e6
    print(f"{'evaluate_all':<16}{'':>16}{c:>22.1f}")


if __name__ == "__main__":
    main()
