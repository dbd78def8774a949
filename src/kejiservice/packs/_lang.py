"""The closed expression language of pack tests: tokenizer, parser and type checker.

A pack writes each condition as a string (``test = "rd_intensity(last_year) 不低于 3%"``).
The string is read by a hand-written tokenizer and a recursive-descent parser (never
``eval``), then type-checked against the fact catalogue when the pack is loaded, so a
bad test is refused with the column where it goes wrong and the reason.

Grammar (EBNF; ``|`` alternatives, ``{ }`` repetition, ``[ ]`` option)::

    test        = or_expr ;
    or_expr     = and_expr , { ( "or" | "或" | "或者" ) , and_expr } ;
    and_expr    = not_expr , { ( "and" | "且" | "并且" ) , not_expr } ;
    not_expr    = ( "not" | "非" ) , not_expr | primary ;
    primary     = "(" , or_expr , ")" | comparison ;
    comparison  = operand , [ operator , operand       (* infix:  x 不低于 3%  *)
                            | operand , word ] ;       (* suffix: x 3%以上     *)
    operand     = literal | fact ;
    fact        = NAME , [ "(" , [ argument , { "," , argument } ] , ")" ] ;
    argument    = NAME | NUMBER , [ unit ] | STRING ;
    literal     = NUMBER , [ unit ] | STRING | "true" | "false" ;
    operator    = ">=" | "≥" | ">" | "<=" | "≤" | "<" | "==" | "!=" | "≠" | word ;
    unit        = "%" | "元" | "万元" | "万" | "亿元" | "亿" | "人" | "名"
                | "件" | "项" | "个" | "天" | "日" | "年" | "分" ;
    NUMBER      = [ "-" ] , digit , { digit } , [ "." , digit , { digit } ] ;
    NAME        = ( letter | "_" ) , { letter | digit | "_" } ;
    STRING      = '"' , { char } , '"' | "'" , { char } , "'" ;

``not`` binds tighter than ``and``, which binds tighter than ``or``; a comparison does
not chain (write ``3% <= x and x < 5%``). Full-width parentheses group like ASCII ones.

Operator words (POLICIES.md §0.2; the word means the same before or after the number):

=========================================================  ======
``以上`` ``及以上`` ``(含)以上`` ``以上(含)`` ``不低于`` ``不少于``   ``>=``
``以上(不含)`` ``超过`` ``高于`` ``大于`` ``多于``                    ``>``
``以下`` ``以内`` ``(含)以下`` ``以下(含)`` ``不超过`` ``不高于``      ``<=``
``不多于``
``以下(不含)`` ``不满`` ``未满`` ``不足`` ``低于`` ``少于`` ``小于``     ``<``
``等于`` / ``不等于``                                                ``==`` / ``!=``
=========================================================  ======

Parentheses in the words may be ASCII or full-width. Any other Chinese word is
refused ("unknown operator word").

Types: ``money`` (yuan), ``ratio``, ``persons``, ``count`` (items), ``days``, ``years``,
``points``, ``bool``, ``text``. A literal's unit gives its type: ``3%`` is the ratio
0.03; ``500元``, ``20万元`` / ``20万`` and ``1.5亿元`` / ``1.5亿`` are money, converted
to yuan here (whole fen only); ``50人`` persons; ``3件`` / ``3项`` / ``3个`` a count;
``365天`` days; ``3年`` years; ``60分`` points. A bare number is allowed only against
persons, counts and points. Both sides of a comparison must have the same type (money
is never compared with a ratio); ``bool`` and ``text`` take only ``==`` and ``!=``.
"""

from __future__ import annotations

import difflib
import enum
import functools
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from ..industry import industry_code_problem
from ..models import CertificationKind, ListingKind, TechField

__all__ = [
    "And",
    "Arg",
    "Compare",
    "ExprError",
    "Fact",
    "Lit",
    "Node",
    "Not",
    "Or",
    "Param",
    "Scope",
    "Signature",
    "Type",
    "YearSel",
    "check",
    "parse",
    "parse_literal",
    "region_prefix",
    "unparse",
]


class Type(enum.StrEnum):
    """The type of an expression or a fact."""

    MONEY = "money"
    RATIO = "ratio"
    PERSONS = "persons"
    COUNT = "count"
    DAYS = "days"
    YEARS = "years"
    POINTS = "points"
    NUMBER = "number"
    BOOL = "bool"
    TEXT = "text"


INTEGRAL = frozenset({Type.PERSONS, Type.COUNT, Type.DAYS, Type.YEARS, Type.POINTS})
NUMERIC = frozenset({Type.MONEY, Type.RATIO, *INTEGRAL})
# a bare number may stand for these
_BARE_OK = frozenset({Type.PERSONS, Type.COUNT, Type.POINTS})

UNITS: dict[str, tuple[Type, Decimal]] = {
    "%": (Type.RATIO, Decimal("0.01")),
    "％": (Type.RATIO, Decimal("0.01")),
    "元": (Type.MONEY, Decimal(1)),
    "万元": (Type.MONEY, Decimal(10_000)),
    "万": (Type.MONEY, Decimal(10_000)),
    "亿元": (Type.MONEY, Decimal(100_000_000)),
    "亿": (Type.MONEY, Decimal(100_000_000)),
    "人": (Type.PERSONS, Decimal(1)),
    "名": (Type.PERSONS, Decimal(1)),
    "件": (Type.COUNT, Decimal(1)),
    "项": (Type.COUNT, Decimal(1)),
    "个": (Type.COUNT, Decimal(1)),
    "天": (Type.DAYS, Decimal(1)),
    "日": (Type.DAYS, Decimal(1)),
    "年": (Type.YEARS, Decimal(1)),
    "分": (Type.POINTS, Decimal(1)),
}
_UNITS_LONGEST = sorted(UNITS, key=len, reverse=True)

_WORDS_BY_OP: dict[str, tuple[str, ...]] = {
    ">=": ("以上", "及以上", "(含)以上", "以上(含)", "不低于", "不少于"),
    ">": ("以上(不含)", "超过", "高于", "大于", "多于"),
    "<=": ("以下", "以内", "(含)以下", "以下(含)", "不超过", "不高于", "不多于"),
    "<": ("以下(不含)", "不满", "未满", "不足", "低于", "少于", "小于"),
    "==": ("等于",),
    "!=": ("不等于",),
}


def _variants(word: str) -> list[str]:
    return [word, word.replace("(", "（").replace(")", "）")]


OP_WORDS: dict[str, str] = {
    variant: op for op, words in _WORDS_BY_OP.items() for w in words for variant in _variants(w)
}
_SYMBOLS = {
    ">=": ">=",
    "≥": ">=",
    ">": ">",
    "<=": "<=",
    "≤": "<=",
    "<": "<",
    "==": "==",
    "!=": "!=",
}
_SYMBOLS["≠"] = "!="
_LOGIC_WORDS = {"且": "and", "并且": "and", "或": "or", "或者": "or", "非": "not"}
_KEYWORDS = {"and": "and", "or": "or", "not": "not"}
_LONG_WORDS = sorted([*OP_WORDS, *_LOGIC_WORDS], key=len, reverse=True)
FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


class ExprError(Exception):
    """A test that does not parse or type-check: ``column`` (1-based) and the reason."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# --------------------------------------------------------------------------- tokens


@attrs.frozen
class Token:
    """One token: its kind, its text as written, its value, and its 1-based column."""

    kind: str  # NUM STR NAME OP AND OR NOT LP RP COMMA EOF
    text: str
    col: int
    value: Any = None
    unit: str | None = None
    word: bool = False


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; :class:`ExprError` at the first character that fits none."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        col = i + 1
        if ch.isspace():
            i += 1
            continue
        word = next((w for w in _LONG_WORDS if text.startswith(w, i)), None)
        if word is not None:
            if word in OP_WORDS:
                out.append(Token("OP", word, col, OP_WORDS[word], word=True))
            else:
                kind = _LOGIC_WORDS[word].upper()
                out.append(Token(kind, word, col))
            i += len(word)
            continue
        if ch in "(（":
            out.append(Token("LP", ch, col))
            i += 1
            continue
        if ch in ")）":
            out.append(Token("RP", ch, col))
            i += 1
            continue
        if ch in ",，":
            out.append(Token("COMMA", ch, col))
            i += 1
            continue
        two = text[i : i + 2]
        if two in _SYMBOLS:
            out.append(Token("OP", two, col, _SYMBOLS[two]))
            i += 2
            continue
        if ch in _SYMBOLS:
            out.append(Token("OP", ch, col, _SYMBOLS[ch]))
            i += 1
            continue
        if ch == "=":
            raise ExprError("'=' is not an operator; write '==' for equality or '>=' / '<='", col)
        if ch in _DIGITS or (ch == "-" and i + 1 < n and text[i + 1] in _DIGITS):
            i = _number(text, i, out)
            continue
        if ch in "\"'":
            end = text.find(ch, i + 1)
            if end < 0:
                raise ExprError("unterminated string", col)
            out.append(Token("STR", text[i : end + 1], col, text[i + 1 : end]))
            i = end + 1
            continue
        if ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
                j += 1
            name = text[i:j]
            if name in _KEYWORDS:
                out.append(Token(_KEYWORDS[name].upper(), name, col))
            else:
                out.append(Token("NAME", name, col, name))
            i = j
            continue
        if _is_cjk(ch):
            j = i
            while j < n and _is_cjk(text[j]) and text[j] not in "（），":
                j += 1
            bad = text[i:j] or ch
            if not out or out[-1].kind not in ("NAME", "NUM", "STR", "RP"):
                raise ExprError(
                    f"unknown word {bad!r}: facts and their arguments are ASCII names "
                    "(rd_intensity, holds(hnte)); quote other text ('...')",
                    col,
                )
            known = "、".join(dict.fromkeys(w for w in OP_WORDS if "(" not in w and "（" not in w))
            raise ExprError(
                f"unknown operator word {bad!r}; use one of {known} (or >= > <= < == !=)", col
            )
        raise ExprError(f"unexpected character {ch!r}", col)
    out.append(Token("EOF", "", n + 1))
    return out


_DIGITS = frozenset("0123456789")
"""Digits of a number: ASCII only (``str.isdigit`` also accepts ❶, ² and ١)."""


def _number(text: str, i: int, out: list[Token]) -> int:
    start = i
    if text[i] == "-":
        i += 1
    while i < len(text) and text[i] in _DIGITS:
        i += 1
    if i < len(text) and text[i] == "." and i + 1 < len(text) and text[i + 1] in _DIGITS:
        i += 1
        while i < len(text) and text[i] in _DIGITS:
            i += 1
    raw = text[start:i]
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    unit = next((u for u in _UNITS_LONGEST if text.startswith(u, j)), None)
    if unit is not None:
        i = j + len(unit)
    out.append(Token("NUM", text[start:i], start + 1, Decimal(raw), unit))
    return i


# --------------------------------------------------------------------------- the tree


@attrs.frozen(cache_hash=True)
class YearSel:
    """An accounting-year selector: ``last_year`` (as_of's year − 1), ``year_before``
    (− 2), or a fixed year."""

    kind: str  # last_year | year_before | fixed
    year: int | None = None

    def resolve(self, as_of_year: int) -> int:
        """The accounting year meant when evaluating in ``as_of_year``."""
        if self.kind == "fixed" and self.year is not None:
            return self.year
        return as_of_year - (1 if self.kind == "last_year" else 2)

    @property
    def text(self) -> str:
        """The selector as written in a test."""
        return str(self.year) if self.kind == "fixed" else self.kind


LAST_YEAR = YearSel("last_year")


@attrs.frozen
class Arg:
    """A raw argument of a fact call, before checking."""

    kind: str  # NAME NUM STR
    text: str
    col: int
    value: Any = None
    unit: str | None = None


@attrs.frozen(cache_hash=True)
class Lit:
    """A literal: a number in base units (yuan, ratio, persons...), a string or a bool."""

    value: Any
    type: Type
    text: str
    col: int
    end: int


@attrs.frozen(cache_hash=True)
class Fact:
    """A named fact with its arguments (checked: years, codes, kinds...)."""

    name: str
    args: tuple[Any, ...]
    col: int
    end: int
    type: Type | None = None

    @property
    def year(self) -> YearSel | None:
        """The year selector among the arguments, if any."""
        return next((a for a in self.args if isinstance(a, YearSel)), None)


@attrs.frozen(cache_hash=True)
class Compare:
    """``left op right``; after checking the fact (if any) is on the left."""

    op: str
    left: Lit | Fact
    right: Lit | Fact
    word: str
    col: int
    end: int


@attrs.frozen(cache_hash=True)
class And:
    """All parts hold (Kleene: false wins over unknown)."""

    parts: tuple[Node, ...]
    col: int
    end: int


@attrs.frozen(cache_hash=True)
class Or:
    """Some part holds (Kleene: true wins over unknown)."""

    parts: tuple[Node, ...]
    col: int
    end: int


@attrs.frozen(cache_hash=True)
class Not:
    """The operand does not hold (unknown stays unknown)."""

    operand: Node
    col: int
    end: int


Node = Lit | Fact | Compare | And | Or | Not


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, kind: str, what: str) -> Token:
        if self.tok.kind != kind:
            raise ExprError(f"expected {what}, found {self._show(self.tok)}", self.tok.col)
        return self.take()

    @staticmethod
    def _show(tok: Token) -> str:
        return "the end of the test" if tok.kind == "EOF" else repr(tok.text)

    def parse(self) -> Node:
        if self.tok.kind == "EOF":
            raise ExprError("the test is empty", 1)
        node = self.or_expr()
        if self.tok.kind != "EOF":
            hint = ""
            if self.tok.kind == "OP":
                hint = " (comparisons do not chain: write 'a <= x and x < b')"
            elif self.tok.kind in ("NAME", "NUM", "STR", "LP"):
                hint = " (join conditions with and / or)"
            raise ExprError(f"unexpected {self._show(self.tok)}{hint}", self.tok.col)
        return node

    def or_expr(self) -> Node:
        first = self.and_expr()
        parts = [first]
        while self.tok.kind == "OR":
            self.take()
            parts.append(self.and_expr())
        if len(parts) == 1:
            return first
        return Or(tuple(parts), _col(parts[0]), _end(parts[-1]))

    def and_expr(self) -> Node:
        first = self.not_expr()
        parts = [first]
        while self.tok.kind == "AND":
            self.take()
            parts.append(self.not_expr())
        if len(parts) == 1:
            return first
        return And(tuple(parts), _col(parts[0]), _end(parts[-1]))

    def not_expr(self) -> Node:
        if self.tok.kind == "NOT":
            tok = self.take()
            operand = self.not_expr()
            return Not(operand, tok.col, _end(operand))
        return self.primary()

    def primary(self) -> Node:
        if self.tok.kind == "LP":
            self.take()
            node = self.or_expr()
            self.expect("RP", "')'")
            return node
        left = self.operand()
        if self.tok.kind == "OP":
            op_tok = self.take()
            right = self.operand()
            return Compare(op_tok.value, left, right, op_tok.text, _col(left), _end(right))
        if self.tok.kind in ("NUM", "STR", "NAME"):
            right = self.operand()
            if self.tok.kind == "OP" and self.tok.word:
                op_tok = self.take()
                return Compare(
                    op_tok.value,
                    left,
                    right,
                    op_tok.text,
                    _col(left),
                    op_tok.col + len(op_tok.text),
                )
            shown = right.text if isinstance(right, Lit) else right.name
            raise ExprError(
                f"expected an operator word after {shown!r}"
                f" (以上, 以下, 不满, ...), found {self._show(self.tok)}",
                self.tok.col,
            )
        return left

    def operand(self) -> Lit | Fact:
        tok = self.tok
        if tok.kind == "NUM":
            self.take()
            return _literal(tok)
        if tok.kind == "STR":
            self.take()
            return Lit(tok.value, Type.TEXT, tok.text, tok.col, tok.col + len(tok.text))
        if tok.kind == "NAME":
            self.take()
            if tok.text in ("true", "false"):
                return Lit(
                    tok.text == "true", Type.BOOL, tok.text, tok.col, tok.col + len(tok.text)
                )
            args: list[Arg] = []
            end = tok.col + len(tok.text)
            if self.tok.kind == "LP":
                self.take()
                if self.tok.kind != "RP":
                    args.append(self.argument())
                    while self.tok.kind == "COMMA":
                        self.take()
                        args.append(self.argument())
                close = self.expect("RP", "',' or ')' in the argument list")
                end = close.col + 1
            return Fact(tok.text, tuple(args), tok.col, end)
        raise ExprError(f"expected a fact or a value, found {self._show(tok)}", tok.col)

    def argument(self) -> Arg:
        tok = self.tok
        if tok.kind in ("NAME", "NUM", "STR"):
            self.take()
            return Arg(tok.kind, tok.text, tok.col, tok.value, tok.unit)
        raise ExprError(f"expected an argument, found {self._show(tok)}", tok.col)


def _col(node: Node) -> int:
    return node.col


def _end(node: Node) -> int:
    return node.end


def _literal(tok: Token) -> Lit:
    raw: Decimal = tok.value
    end = tok.col + len(tok.text)
    if tok.unit is None:
        return Lit(raw, Type.NUMBER, tok.text, tok.col, end)
    kind, scale = UNITS[tok.unit]
    value = raw * scale
    if kind in INTEGRAL and value != value.to_integral_value():
        raise ExprError(f"{tok.text!r}: a number of {kind.value} is a whole number", tok.col)
    if kind in INTEGRAL:
        return Lit(int(value), kind, tok.text, tok.col, end)
    if kind is Type.MONEY:
        if value != value.quantize(Decimal("0.01")):
            raise ExprError(f"{tok.text!r}: money is in whole fen (0.01 yuan)", tok.col)
        value = value.quantize(Decimal("0.01"))
    return Lit(value, kind, tok.text, tok.col, end)


def parse(text: str) -> Node:
    """The syntax tree of ``text`` (unchecked); :class:`ExprError` if it does not parse."""
    return _Parser(text).parse()


def parse_literal(text: str) -> Lit:
    """A single literal such as ``"20万元"`` or ``"10%"`` (award amounts and rates)."""
    tokens = tokenize(text)
    if len(tokens) != 2 or tokens[0].kind != "NUM":
        col = tokens[1].col if len(tokens) > 2 else 1
        raise ExprError('expected one number with its unit, e.g. "20万元" or "10%"', col)
    return _literal(tokens[0])


# --------------------------------------------------------------------------- checking


@attrs.frozen
class Param:
    """One parameter of a fact: its kind, whether optional, whether it repeats."""

    kind: str  # year cert tag regions industries rule input listing days
    optional: bool = False
    many: bool = False


@attrs.frozen
class Signature:
    """How a fact is called: its result type and parameters (``None``: set by an input)."""

    type: Type | None
    params: tuple[Param, ...] = ()


@attrs.frozen
class Scope:
    """What a pack's tests may refer to besides the fact catalogue."""

    rules: frozenset[str] = frozenset()
    inputs: Mapping[str, Type] = attrs.field(factory=dict)
    has_score: bool = False
    self_id: str = ""


def region_prefix(code: str) -> str:
    """The prefix an administrative code stands for: trailing ``00`` pairs dropped
    (``449900`` -> ``4499``, ``440000`` -> ``44``, ``449901`` stays)."""
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _arg_value(param: Param, arg: Arg, scope: Scope, fact: str) -> Any:
    kind = param.kind
    text = arg.value if arg.kind == "STR" else arg.text
    if kind == "year":
        if arg.kind == "NAME" and arg.text in ("last_year", "year_before"):
            return YearSel(arg.text)
        if arg.kind == "NUM" and arg.unit in (None, "年"):
            year = arg.value
            if year == year.to_integral_value() and 1949 <= year <= 2200:
                return YearSel("fixed", int(year))
        raise ExprError(
            f"{fact}: a year is last_year, year_before or a year such as 2025, not {arg.text!r}",
            arg.col,
        )
    if kind == "cert":
        known = [k.value for k in CertificationKind]
        if text not in known:
            raise ExprError(
                f"{fact}: unknown certification {text!r}{_suggest(str(text), known)}; "
                f"one of {', '.join(known)}",
                arg.col,
            )
        return text
    if kind == "listing":
        known = [k.value for k in ListingKind]
        if text not in known:
            raise ExprError(f"{fact}: unknown listing {text!r}; one of {', '.join(known)}", arg.col)
        return text
    if kind == "tag":
        if arg.kind not in ("NAME", "STR") or not text:
            raise ExprError(f"{fact}: a tag is a name such as key_cultivation", arg.col)
        return text
    if kind == "regions":
        code = str(text)
        if (
            arg.unit is not None
            or not (code.isascii() and code.isdigit())
            or len(code) not in (2, 4, 6)
        ):
            raise ExprError(
                f"{fact}: a region is an administrative code of 2, 4 or 6 digits, not {arg.text!r}",
                arg.col,
            )
        return region_prefix(code)
    if kind == "industries":
        code = str(text)
        problem = industry_code_problem(code)
        if problem is not None:
            raise ExprError(f"{fact}: {code!r}: {problem}", arg.col)
        return code
    if kind == "rule":
        if text == scope.self_id:
            raise ExprError(f"{fact}: a pack cannot depend on its own verdict", arg.col)
        if text not in scope.rules:
            known = sorted(scope.rules)
            raise ExprError(
                f"{fact}: unknown rule {text!r}{_suggest(str(text), known)}; "
                f"known: {', '.join(known)}",
                arg.col,
            )
        return text
    if kind == "input":
        if text not in scope.inputs:
            known = sorted(scope.inputs)
            raise ExprError(
                f"{fact}: {text!r} is not an input this pack declares"
                f" ([[inputs]]: {', '.join(known) or 'none'})",
                arg.col,
            )
        return text
    if kind == "days":
        if arg.kind == "NUM" and arg.unit in ("天", "日"):
            days = arg.value
            if days == days.to_integral_value() and days > 0:
                return int(days)
        raise ExprError(f"{fact}: expected a number of days such as 365天", arg.col)
    raise ExprError(f"{fact}: unsupported parameter kind {kind}", arg.col)  # pragma: no cover


def _check_fact(
    node: Fact, resolve: Callable[[str], Signature | None], names: list[str], scope: Scope
) -> Fact:
    sig = resolve(node.name)
    if sig is None:
        raise ExprError(f"unknown fact {node.name!r}{_suggest(node.name, names)}", node.col)
    if node.name == "score" and not scope.has_score:
        raise ExprError(
            "score is not available here: the pack has no [[scoring]] items, "
            "or this is a scoring row (rows cannot use the total)",
            node.col,
        )
    args = list(node.args)
    out: list[Any] = []
    for index, param in enumerate(sig.params):
        if param.many:
            rest = args[index:]
            if not rest:
                raise ExprError(f"{node.name}: needs at least one {param.kind[:-1]}", node.col)
            out.append(tuple(_arg_value(param, a, scope, node.name) for a in rest))
            args = args[:index]
            break
        if index < len(args):
            out.append(_arg_value(param, args[index], scope, node.name))
        elif param.optional:
            out.append(LAST_YEAR if param.kind == "year" else None)
        else:
            raise ExprError(
                f"{node.name}: expects {_describe(sig)}, got {len(node.args)} argument(s)",
                node.col,
            )
    else:
        if len(args) > len(sig.params):
            extra = args[len(sig.params)]
            raise ExprError(
                f"{node.name}: expects {_describe(sig)}, got {len(node.args)} argument(s)",
                extra.col,
            )
    kind = sig.type
    if kind is None:  # input(name): the declared type
        kind = scope.inputs[out[0]]
    return Fact(node.name, tuple(out), node.col, node.end, kind)


def _describe(sig: Signature) -> str:
    if not sig.params:
        return "no arguments"
    parts = []
    for p in sig.params:
        label = p.kind + ("..." if p.many else "")
        parts.append(f"[{label}]" if p.optional else label)
    return "(" + ", ".join(parts) + ")"


def _compatible(a: Type, b: Type) -> bool:
    if a == b:
        return a is not Type.NUMBER
    pair = {a, b}
    return Type.NUMBER in pair and bool(pair & _BARE_OK)


def _unit_hint(kind: Type) -> str:
    return {
        Type.MONEY: "write money with its unit: 500元, 20万元, 1.5亿元",
        Type.RATIO: "write a ratio as a percentage: 3%",
        Type.DAYS: "write days as 365天",
        Type.YEARS: "write years as 3年",
    }.get(kind, "")


def check(
    node: Node,
    resolve: Callable[[str], Signature | None],
    names: list[str],
    scope: Scope,
    want: Type | None = Type.BOOL,
) -> Node:
    """Type-check ``node``: facts resolved, arguments converted, units matched.

    ``want`` is the type the whole expression must have (a test is ``bool``; an award
    base is ``money``). Returns the checked tree; raises :class:`ExprError`.
    """
    checked = _check(node, resolve, names, scope)
    kind = type_of(checked)
    if want is not None and kind != want:
        if want is Type.BOOL:
            raise ExprError(
                f"a test must be true or false, but this is a {kind.value}; "
                "compare it with a threshold (e.g. '>= 3%')",
                node.col,
            )
        raise ExprError(f"expected a {want.value} here, got a {kind.value}", node.col)
    return checked


def type_of(node: Node) -> Type:
    """The type of a checked node."""
    if isinstance(node, Lit):
        return node.type
    if isinstance(node, Fact):
        assert node.type is not None
        return node.type
    return Type.BOOL


def _check(
    node: Node, resolve: Callable[[str], Signature | None], names: list[str], scope: Scope
) -> Node:
    if isinstance(node, Lit):
        return node
    if isinstance(node, Fact):
        return _check_fact(node, resolve, names, scope)
    if isinstance(node, Not):
        inner = _check(node.operand, resolve, names, scope)
        _need_bool(inner, "not")
        return Not(inner, node.col, node.end)
    if isinstance(node, And | Or):
        parts = tuple(_check(p, resolve, names, scope) for p in node.parts)
        word = "and" if isinstance(node, And) else "or"
        for part in parts:
            _need_bool(part, word)
        return type(node)(parts, node.col, node.end)
    left = _check(node.left, resolve, names, scope)
    right = _check(node.right, resolve, names, scope)
    assert isinstance(left, Lit | Fact)
    assert isinstance(right, Lit | Fact)
    lt, rt = type_of(left), type_of(right)
    if isinstance(left, Lit) and isinstance(right, Lit):
        raise ExprError("this compares two constants; one side must be a fact", node.col)
    op = node.op
    if isinstance(left, Lit):
        left, right, op = right, left, FLIP[op]
        lt, rt = rt, lt
    if not _compatible(lt, rt):
        hint = _unit_hint(lt) if rt is Type.NUMBER else ""
        what = f"{lt.value} with {'a bare number' if rt is Type.NUMBER else rt.value}"
        raise ExprError(
            f"unit mismatch: cannot compare {what}" + (f"; {hint}" if hint else ""), right.col
        )
    if lt in (Type.BOOL, Type.TEXT) and op not in ("==", "!="):
        raise ExprError(f"a {lt.value} value takes only == or != (got {node.word!r})", node.col)
    if (
        lt is Type.TEXT
        and isinstance(left, Fact)
        and left.name == "tech_field"
        and isinstance(right, Lit)
        and right.value not in {f.value for f in TechField}
    ):
        known = ", ".join(f.value for f in TechField)
        raise ExprError(f"unknown tech field {right.value!r}; one of {known}", right.col)
    if isinstance(right, Lit) and right.type is Type.NUMBER:
        number: Decimal = right.value
        if number != number.to_integral_value():
            raise ExprError(f"{right.text!r}: a count is a whole number", right.col)
        right = Lit(int(number), lt, right.text, right.col, right.end)
    return Compare(op, left, right, node.word, node.col, node.end)


def _need_bool(node: Node, word: str) -> None:
    kind = type_of(node)
    if kind is not Type.BOOL:
        raise ExprError(
            f"'{word}' joins conditions, but this is a {kind.value}; compare it with a threshold",
            node.col,
        )


# --------------------------------------------------------------------------- printing

_OP_TEXT = {">=": ">=", ">": ">", "<=": "<=", "<": "<", "==": "==", "!=": "!="}


@functools.lru_cache(maxsize=4096)
def unparse(node: Node) -> str:
    """A checked or unchecked tree back as canonical text (symbols, not words)."""
    if isinstance(node, Lit):
        return node.text
    if isinstance(node, Fact):
        if not node.args:
            return node.name
        return f"{node.name}({', '.join(_arg_text(a) for a in node.args if a is not None)})"
    if isinstance(node, Compare):
        return f"{unparse(node.left)} {_OP_TEXT[node.op]} {unparse(node.right)}"
    if isinstance(node, Not):
        inner = unparse(node.operand)
        return f"not ({inner})" if isinstance(node.operand, And | Or) else f"not {inner}"
    word = " and " if isinstance(node, And) else " or "
    return word.join(
        f"({unparse(p)})" if isinstance(p, And | Or) else unparse(p) for p in node.parts
    )


def _arg_text(arg: Any) -> str:
    if isinstance(arg, YearSel):
        return arg.text
    if isinstance(arg, Arg):
        return arg.text
    if isinstance(arg, tuple):
        return ", ".join(str(a) for a in arg)
    return str(arg)


def decimal_or_none(text: str) -> Decimal | None:
    """``Decimal(text)`` or ``None`` (for callers checking user numbers)."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
