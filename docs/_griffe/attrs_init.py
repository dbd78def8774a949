"""A small griffe extension for the API pages: signatures for attrs classes.

kejiservice's models are ``@attrs.frozen`` classes whose ``__init__`` attrs generates at
import time, so static analysis does not see it. This extension re-creates that
``__init__`` from the annotated class attributes (in source order, with their defaults),
the way griffe's built-in dataclasses extension does for ``@dataclass``. It only affects
the documentation build; it is excluded from the built site (``exclude_docs``).
"""

from __future__ import annotations

from typing import Any

import griffe

_ATTRS_DECORATORS = {
    "attrs.frozen",
    "attrs.define",
    "attrs.mutable",
    "attr.frozen",
    "attr.define",
    "attr.mutable",
    "attr.s",
    "attr.attrs",
}
_FIELD_CALLS = {"attrs.field", "attr.field", "attr.ib", "attr.attrib"}


def _is_attrs(cls: griffe.Class) -> bool:
    for decorator in cls.decorators:
        value = decorator.value
        if isinstance(value, griffe.ExprCall):
            value = value.function
        path = getattr(value, "canonical_path", str(value))
        if path in _ATTRS_DECORATORS:
            return True
    return False


def _field_args(attribute: griffe.Attribute) -> dict[str, Any] | None:
    value = attribute.value
    if isinstance(value, griffe.ExprCall) and value.canonical_path in _FIELD_CALLS:
        args: dict[str, Any] = {}
        for argument in value.arguments:
            name = getattr(argument, "name", None)
            if name is not None:
                args[name] = argument.value
        return args
    return None


def _parameters(cls: griffe.Class) -> list[griffe.Parameter]:
    params: list[griffe.Parameter] = []
    for member in cls.members.values():
        if not isinstance(member, griffe.Attribute) or member.annotation is None:
            continue
        if "property" in member.labels:
            continue
        args = _field_args(member)
        if args is not None and str(args.get("init", "True")) == "False":
            continue
        if args is None:
            default = member.value
        elif "factory" in args:
            default = griffe.ExprCall(function=args["factory"], arguments=[])
        else:
            default = args.get("default")
        name = member.name.lstrip("_")
        if args is not None and "alias" in args:
            name = str(args["alias"]).strip("'\"")
        params.append(
            griffe.Parameter(
                name,
                annotation=member.annotation,
                kind=griffe.ParameterKind.positional_or_keyword,
                default=default,
                docstring=member.docstring,
            )
        )
    return params


def _apply(obj: griffe.Module | griffe.Class, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if isinstance(obj, griffe.Class) and "__init__" not in obj.members and _is_attrs(obj):
        init = griffe.Function(
            "__init__",
            lineno=0,
            endlineno=0,
            parent=obj,
            parameters=griffe.Parameters(
                griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword),
                *_parameters(obj),
            ),
            returns="None",
        )
        obj.set_member("__init__", init)
    for member in list(obj.members.values()):
        if not member.is_alias and (member.is_module or member.is_class):
            _apply(member, seen)  # type: ignore[arg-type]


class AttrsInit(griffe.Extension):
    """Give ``@attrs.frozen`` / ``@attrs.define`` classes their generated ``__init__``."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        _apply(pkg, set())
