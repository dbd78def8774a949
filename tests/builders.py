"""Small builders for rule tests: an enterprise document that passes everything, and
helpers to change one figure."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import kejiservice
from kejiservice.rules import Verdict

AS_OF = dt.date(2025, 6, 30)


def year(y: int, **figures: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "year": y,
        "sales_revenue": "40000000",
        "total_income": "40000000",
        "non_taxable_income": "0",
        "high_tech_income": "32000000",
        "rd_expense": "2400000",
        "rd_expense_domestic": "2400000",
        "total_assets": "30000000",
        "total_liabilities": "12000000",
        "employees": 100,
        "tech_staff": 20,
    }
    base.update({k: str(v) if isinstance(v, Decimal) else v for k, v in figures.items()})
    return base


def enterprise(**fields: Any) -> dict[str, Any]:
    """An enterprise that meets every HNTE and tech-SME condition in 2025 (score aside)."""
    doc: dict[str, Any] = {
        "name": "测试科技有限公司",
        "registered_on": "2015-01-01",
        "region": "441200",
        "industry": "C3911",
        "resident": True,
        "tech_field": "electronic_information",
        "restricted_industry": False,
        "core_ip_owned": True,
        "years": [year(2022), year(2023), year(2024)],
        "ip": [
            {
                "kind": "invention_patent",
                "granted_on": "2020-01-01",
                "acquired": "own",
                "core": True,
            }
        ],
    }
    doc.update(copy.deepcopy(fields))
    return doc


def set_figure(doc: dict[str, Any], y: int, name: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    for row in out["years"]:
        if row["year"] == y:
            row[name] = str(value) if isinstance(value, Decimal) else value
    return out


def verdict(rule: str, doc: dict[str, Any], as_of: dt.date = AS_OF, **inputs: Any) -> Verdict:
    return kejiservice.evaluate(rule, doc, as_of, **inputs)


def status_of(v: Verdict, code: str) -> str:
    return v.criterion(code).status.value


def apply_proposal(doc: dict[str, Any], path: str, target: Any) -> dict[str, Any]:
    """Set ``years[Y].field`` (a proposal's input path) to ``target``."""
    head, field = path.rsplit(".", 1)
    y = int(head[len("years[") : -1])
    return set_figure(doc, y, field, target)
