"""Local incentive packs: city and district rules written as TOML, without Python.

A pack declares a local incentive (a new-HNTE award, an R&D post-subsidy, a registry
bonus, a demonstration fund): its region, effective window and source, its criteria as
tests in a closed expression language (:mod:`kejiservice.packs._lang`), an optional
scoring rubric, and its award (fixed, rate × base, or tiers; floor, cap and a shared
pool). A pack compiles into the same rules the national families are, so verdicts are
four-state, explained in Chinese and English, with gaps, proposals and provenance.

    >>> from kejiservice import packs, evaluate
    >>> pack = packs.load_pack("examples/packs/qingshan_new_hnte_award.toml")  # doctest: +SKIP
    >>> packs.register_pack(pack)                                               # doctest: +SKIP
    >>> evaluate(pack.id, enterprise, as_of)                                    # doctest: +SKIP
"""

from ._award import Allocation, allocate_pool, prorate
from ._compile import (
    compile_pack,
    compile_packs,
    register_pack,
    register_packs,
    registered_packs,
    unregister_pack,
)
from ._explain import explain_pack
from ._facts import FACTS, FactDef
from ._load import PackError, PackProblem, lint_packs, load_pack, load_packs
from ._model import (
    AwardDef,
    CriterionDef,
    InputDef,
    Pack,
    ReferencePeriod,
    ScoreItem,
    ScoreRow,
    Tier,
)

__all__ = [
    "FACTS",
    "Allocation",
    "AwardDef",
    "CriterionDef",
    "FactDef",
    "InputDef",
    "Pack",
    "PackError",
    "PackProblem",
    "ReferencePeriod",
    "ScoreItem",
    "ScoreRow",
    "Tier",
    "allocate_pool",
    "compile_pack",
    "compile_packs",
    "explain_pack",
    "lint_packs",
    "load_pack",
    "load_packs",
    "prorate",
    "register_pack",
    "register_packs",
    "registered_packs",
    "unregister_pack",
]
