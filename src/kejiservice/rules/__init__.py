"""Eligibility rules: explained, dated verdicts.

``evaluate(rule_id, enterprise, as_of, **inputs)`` answers for one enterprise;
``evaluate_many`` for a ledger; ``evaluate_all`` runs every family. A rule with a fast
kernel (HNTE) decides from the numbers and builds the explanation when it is read
(:class:`Deferred`).
"""

from ._core import Criterion, Deferred, Message, Outcome, PathOption, Proposal, Status, Verdict
from ._registry import (
    RULES,
    RuleSpec,
    Summary,
    evaluate,
    evaluate_all,
    evaluate_many,
    get_rule,
    local_rules,
    register_rule,
    rule_ids,
    unregister_rule,
)

__all__ = [
    "RULES",
    "Criterion",
    "Deferred",
    "Message",
    "Outcome",
    "PathOption",
    "Proposal",
    "RuleSpec",
    "Status",
    "Summary",
    "Verdict",
    "evaluate",
    "evaluate_all",
    "evaluate_many",
    "get_rule",
    "local_rules",
    "register_rule",
    "rule_ids",
    "unregister_rule",
]
