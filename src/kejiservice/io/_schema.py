"""A JSON Schema (draft 2020-12) of the enterprise format, built from the models.

Apps in other languages validate with it before calling. Cross-field invariants
(tech staff <= employees, the USCC check character, ...) are described in the field
descriptions; only the library checks them.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from decimal import Decimal
from typing import Any

import attrs

from ..models import Enterprise

__all__ = ["enterprise_schema"]

_MONEY = {
    "type": "string",
    "pattern": r"^\s*[+]?(\d+(\.\d*)?|\.\d+)\s*$",
    "description": (
        "a non-negative decimal number of yuan, as a string: at most 10^15 yuan, "
        "at most 8 decimal places"
    ),
}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_RENAMES = {"start": "from", "end": "to"}
_DESCRIPTIONS = {
    "uscc": "统一社会信用代码, 18 characters, check character per GB 32100-2015",
    "region": "6-digit administrative division code (GB/T 2260)",
    "industry": "GB/T 4754-2017 code: section letter + 0, 2, 3 or 4 digits",
    "tech_staff": "科技人员, at most employees",
    "rd_expense_domestic": "境内研究开发费用, at most rd_expense",
    "rd_other_related": "其他相关费用 included in rd_expense",
    "non_taxable_income": "不征税收入, at most total_income",
    "extra": "free-form, kept and round-tripped untouched",
}


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        return _type_schema(inner[0], defs) if len(inner) == 1 else {}
    if tp is Decimal:
        return dict(_MONEY)
    if tp is dt.date:
        return dict(_DATE)
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer", "minimum": 0}
    if tp is str:
        return {"type": "string"}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if origin is dict:
        if args and args[1] is int:
            return {
                "type": "object",
                "propertyNames": {"pattern": r"^\d{4}$"},
                "additionalProperties": {"type": "integer", "minimum": 0},
            }
        return {"type": "object"}
    if isinstance(tp, type) and attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}
            defs[name] = _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    return {}


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        key = _RENAMES.get(field.name, field.name)
        schema = _type_schema(hints[field.name], defs)
        if field.name in _DESCRIPTIONS:
            schema["description"] = _DESCRIPTIONS[field.name]
        if field.default is attrs.NOTHING:
            required.append(key)
        elif field.default is None:
            # an optional field may be given as null, which means absent
            schema = {"anyOf": [schema, {"type": "null"}]}
            if field.name in _DESCRIPTIONS:
                schema["description"] = _DESCRIPTIONS[field.name]
        props[key] = schema
    return {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def enterprise_schema() -> dict[str, Any]:
    """The JSON Schema of ``kejiservice/enterprise@1``."""
    defs: dict[str, Any] = {}
    root = _class_schema(Enterprise, defs)
    root["properties"]["schema"] = {"const": "kejiservice/enterprise@1"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "kejiservice/enterprise@1",
        "title": "kejiservice enterprise",
        **root,
        "$defs": defs,
    }
