"""The reason texts of matching, from ``messages.toml`` beside this module."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from ..errors import ParameterError
from ..rules import Message

__all__ = ["message", "templates"]

_LANGS = ("zh", "en")


@functools.cache
def templates() -> dict[str, dict[str, str]]:
    """Every message key with its ``{"zh": ..., "en": ...}`` templates."""
    raw = tomllib.loads((files("kejiservice.matching") / "messages.toml").read_text("utf-8"))
    out: dict[str, dict[str, str]] = {}

    def walk(table: Mapping[str, Any], prefix: str) -> None:
        if set(table) & set(_LANGS):
            if set(table) != set(_LANGS) or not all(isinstance(table[k], str) for k in _LANGS):
                raise ParameterError(f"messages.toml: {prefix}: needs exactly zh and en strings")
            out[prefix] = {lang: table[lang] for lang in _LANGS}
            return
        for key, value in table.items():
            if not isinstance(value, dict):
                raise ParameterError(f"messages.toml: {prefix}.{key}: must be a table")
            walk(value, f"{prefix}.{key}" if prefix else key)

    walk(raw, "")
    return out


def message(key: str, **args: object) -> Message:
    """The message ``key`` with ``args`` (shown with ``str``)."""
    found = templates().get(key)
    if found is None:  # pragma: no cover - a programming error caught by the tests
        raise ParameterError(f"messages.toml: no message {key!r}")
    return Message(f"matching.{key}", {k: str(v) for k, v in args.items()}, templates=found)
