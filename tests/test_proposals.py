"""What would make it eligible: every proposal, applied to the JSON, passes its criterion."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

import kejiservice
from kejiservice.rules import RULES
from kejiservice.sample import ledger_text

from .builders import apply_proposal

AS_OF = dt.date(2026, 6, 30)
DOCS = [json.loads(line) for line in ledger_text().splitlines()]


@pytest.mark.parametrize("rule", [r for r in RULES if r != "super_deduction"])
def test_year_figure_proposals_pass_when_applied(rule: str) -> None:
    checked = 0
    for doc in DOCS:
        verdict = kejiservice.evaluate(rule, doc, AS_OF)
        for criterion in verdict.criteria:
            for proposal in criterion.proposals:
                if not proposal.input.startswith("years["):
                    continue
                assert proposal.verified
                fixed = apply_proposal(doc, proposal.input, _json(proposal.target))
                for path, value in proposal.linked.items():
                    fixed = apply_proposal(fixed, path, _json(value))
                again = kejiservice.evaluate(rule, fixed, AS_OF).criterion(criterion.code)
                assert again.status.value == "pass", (doc["id"], criterion.code, proposal)
                checked += 1
                if isinstance(proposal.target, Decimal) and proposal.change:
                    # a fen (or one person) less than the smallest change does not pass
                    less = proposal.target - (Decimal("0.01") if proposal.unit == "yuan" else 1)
                    if proposal.change > 0 and "band" not in proposal.message.key:
                        short = apply_proposal(doc, proposal.input, _json(less))
                        for path, value in proposal.linked.items():
                            short = apply_proposal(short, path, _json(value))
                        status = (
                            kejiservice.evaluate(rule, short, AS_OF)
                            .criterion(criterion.code)
                            .status.value
                        )
                        assert status != "pass", (doc["id"], criterion.code, proposal)
    if rule in ("hnte", "tech_sme"):
        assert checked > 0


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def test_ip_proposals_lift_the_tech_sme_score() -> None:
    found = 0
    for doc in DOCS:
        verdict = kejiservice.evaluate("tech_sme", doc, AS_OF)
        criterion = verdict.criterion("tech_sme.score")
        for proposal in criterion.proposals:
            if proposal.input != "ip":
                continue
            found += 1
            assert proposal.verified
            kind = "invention_patent" if "Class I " in proposal.unit else "utility_model"
            assert isinstance(proposal.change, int)
            extra = [
                {"kind": kind, "granted_on": AS_OF.isoformat(), "core": True}
                for _ in range(proposal.change)
            ]
            fixed = {**doc, "ip": [*doc.get("ip", []), *extra]}
            again = kejiservice.evaluate("tech_sme", fixed, AS_OF).criterion("tech_sme.score")
            assert again.status.value == "pass"
    assert found > 0
