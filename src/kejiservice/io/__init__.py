"""Interchange: JSON-ready dicts <-> models, JSON Lines ledgers, the JSON Schema."""

from ._converter import converter, dump, load
from ._files import read_enterprises, read_text
from ._jsonl import LedgerLine, read_ledger
from ._schema import enterprise_schema

__all__ = [
    "LedgerLine",
    "converter",
    "dump",
    "enterprise_schema",
    "load",
    "read_enterprises",
    "read_ledger",
    "read_text",
]
