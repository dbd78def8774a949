"""Finance and matching for the sample city 青山市: loan products, risk compensation,
and "double entry" stage 2 (needs to experts, results to enterprises).

Run it with ``uv run examples/finance_and_matching.py`` (``--lang en`` for English,
``--as-of 2026-06-30`` for another day). It prints:

1. how many enterprises of the sample ledger each bundled loan product accepts, and the
   full explanation for one enterprise;
2. the POLICIES worked examples L1-L3: Jiangmen 邑科贷 (30%-40% by mode), the Anhui pool
   (first-loan bonus, 80% cap), the Shenzhen interest subsidy (capped at 100万 a year);
3. the experts and institutions best matched to a few R&D needs, and the enterprises
   best matched to a university's results.

The matching part uses the sample activity log when it is bundled
(``kejiservice/sample/activity_2026.json``) and a few inline experts otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from importlib.resources import files

from kejiservice.activity import (
    ActivityLog,
    Expert,
    Institution,
    InstitutionKind,
    Need,
    NeedCategory,
    load_activity,
)
from kejiservice.finance import (
    InterestPayment,
    bundled_products,
    bundled_schemes,
    compensate,
    compensate_modes,
    eligible_products,
    subsidise,
)
from kejiservice.matching import match_need, match_results
from kejiservice.models import Enterprise, TechField, from_wan, to_wan
from kejiservice.sample import ledger


def wan(amount: Decimal) -> str:
    """An amount of yuan shown in 万元."""
    return f"{format(to_wan(amount).normalize(), 'f')}万"


def products_demo(firms: list[Enterprise], as_of: dt.date, lang: str) -> None:
    """Count the answers of each product over the ledger and explain one."""
    catalogue = bundled_products()
    counts: Counter[tuple[str, str]] = Counter()
    for ent in firms:
        for verdict in eligible_products(ent, catalogue, as_of):
            counts[(verdict.product.id, verdict.status.value)] += 1
    print("== loan products over the sample ledger")
    for product in catalogue:
        row = {s: counts[(product.id, s)] for s in ("eligible", "undetermined", "ineligible")}
        print(f"  {product.id:24} {row}")
    holder = next(e for e in firms if e.holds("hnte", as_of))
    (verdict,) = eligible_products(
        holder,
        [p for p in catalogue if p.id == "qingshan_gaoqidai"],
        as_of,
        amount=from_wan(800),
        collateral="credit",
    )
    print()
    print(verdict.explain(lang))


def compensation_demo(lang: str) -> None:
    """The worked examples L1-L3 of POLICIES.md §7.6."""
    schemes = bundled_schemes()
    print("\n== L1 Jiangmen 邑科贷: 400万 of principal lost")
    for mode, result in compensate_modes(schemes["jiangmen_yikedai"], from_wan(400)).items():
        print(f"  {mode:10} {wan(result.amount)}")
    print("\n== L2 Anhui: first-ever credit loan, NPL principal 400万")
    anhui = compensate(
        schemes["anhui_tech_loan_pool"], from_wan(400), first_loan=True, collateral="credit"
    )
    print(anhui.explain(lang))
    print("\n== L3 Shenzhen: interest 60万 (first loan) and 120万")
    shenzhen = subsidise(
        schemes["shenzhen_interest_subsidy"],
        [
            InterestPayment("A", from_wan(60), first_loan=True),
            InterestPayment("B", from_wan(120)),
        ],
    )
    print(shenzhen.explain(lang))


def activity() -> ActivityLog:
    """The sample activity log, or a few inline experts and institutions."""
    bundled = files("kejiservice.sample") / "activity_2026.json"
    if bundled.is_file():
        return load_activity(json.loads(bundled.read_text("utf-8")))
    return ActivityLog(
        experts=(
            Expert(id="e01", name="李建国", fields=(TechField.NEW_MATERIALS,),
                   keywords=("复合材料", "涂层"), industries=("C29",)),
            Expert(id="e02", name="罗雪梅", fields=(TechField.ELECTRONIC_INFORMATION,),
                   keywords=("传感器", "人工智能"), industries=("C39",)),
        ),
        institutions=(
            Institution(id="i01", name="青山大学", kind=InstitutionKind.UNIVERSITY,
                        fields=(TechField.ELECTRONIC_INFORMATION,),
                        keywords=("人工智能", "传感器"), industries=("C39", "I65")),
        ),
        needs=(
            Need(id="N1", enterprise="QS0097", category=NeedCategory.TECHNOLOGY_RD,
                 collected_on=dt.date(2026, 3, 2), description="传感器智能化改造"),
        ),
    )  # fmt: skip


def matching_demo(firms: list[Enterprise], as_of: dt.date, lang: str) -> None:
    """Match a few R&D needs, then push the first institution's results."""
    log = activity()
    by_id = {e.id: e for e in firms}
    print("\n== needs to experts and institutions")
    needs = [n for n in log.needs if n.category is NeedCategory.TECHNOLOGY_RD]
    shown = 0
    for need in needs:
        found = match_need(
            need, log.experts, log.institutions, enterprise=by_id.get(need.enterprise), limit=3
        )
        if not found:
            continue
        print(f"-- {need.id} {need.description} ({need.enterprise})")
        for match in found:
            print(f"   {match.score:>8} {match.kind.value:11} {match.id} {match.name}")
            for reason in match.reasons[1:]:
                print(f"            {reason.text(lang)}")
        shown += 1
        if shown == 3:
            break
    if not log.institutions:
        return
    institution = sorted(log.institutions, key=lambda i: i.id)[0]
    print(f"\n== results of {institution.name} to enterprises")
    pushed = match_results(institution, log.achievements, firms, as_of=as_of, limit=2)
    for item in pushed[:6]:
        target = f"{item.enterprise} {item.enterprise_name}"
        print(f"   {item.score:>8} {item.achievement} -> {target}")
        if item is pushed[0]:
            for reason in item.reasons:
                print(f"            {reason.text(lang)}")


def main() -> None:
    """Parse the options and run the three demonstrations."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    args = parser.parse_args()
    firms = ledger()
    products_demo(firms, args.as_of, args.lang)
    compensation_demo(args.lang)
    matching_demo(firms, args.as_of, args.lang)


if __name__ == "__main__":
    main()
