"""Message catalogs agree; the sample ledger loads; every rule runs on every sample."""

from __future__ import annotations

import datetime as dt

import pytest

import kejiservice
from kejiservice.rules import RULES, Outcome
from kejiservice.rules._core import catalog_keys
from kejiservice.sample import ledger


def test_zh_and_en_have_the_same_keys_and_placeholders() -> None:
    zh, en = catalog_keys("zh"), catalog_keys("en")
    assert set(zh) == set(en)
    different = {k for k in zh if zh[k] != en[k]}
    assert not different, different


def test_every_criterion_code_has_its_messages() -> None:
    zh = catalog_keys("zh")
    for spec in RULES.values():
        for code in spec.codes:
            assert any(k.startswith(code + ".") for k in zh), code


def test_sample_ledger() -> None:
    ents = ledger()
    assert len(ents) == 300
    assert len({e.id for e in ents}) == 300


@pytest.mark.parametrize(
    "as_of", [dt.date(2024, 6, 30), dt.date(2025, 6, 30), dt.date(2026, 6, 30)]
)
def test_every_rule_runs_on_every_sample_and_renders(as_of: dt.date) -> None:
    statuses: dict[str, set[Outcome]] = {r: set() for r in RULES}
    for ent in ledger():
        summary = kejiservice.evaluate_all(ent, as_of)
        for rule, verdict in summary.verdicts.items():
            statuses[rule].add(verdict.status)
            dumped = kejiservice.dump(verdict)
            assert dumped["rule"] == rule
            for criterion in dumped["criteria"]:
                assert criterion["message"]["zh"]
                assert criterion["message"]["en"]
            for proposal in verdict.proposals:
                assert proposal.verified or not proposal.adjustable
    assert Outcome.INELIGIBLE in statuses["hnte"]
    assert Outcome.ELIGIBLE in statuses["tech_sme"]
