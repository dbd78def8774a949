"""Money helpers: amounts are ``Decimal`` yuan; 万元 and 亿元 only at the edges."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

__all__ = ["FEN", "ceil_fen", "floor_fen", "from_wan", "from_yi", "to_wan", "to_yi", "yuan"]

FEN = Decimal("0.01")
_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


def yuan(value: str | int | Decimal) -> Decimal:
    """An amount in yuan from a string, an int or a Decimal (never a float)."""
    if isinstance(value, float):  # pragma: no cover - guarded for callers without mypy
        raise TypeError("money must not be a float; pass a string or a Decimal")
    return Decimal(value)


def from_wan(value: str | int | Decimal) -> Decimal:
    """Yuan from an amount in 万元 (ten thousand yuan): ``from_wan("5000") == 50_000_000``."""
    return yuan(value) * _WAN


def from_yi(value: str | int | Decimal) -> Decimal:
    """Yuan from an amount in 亿元 (hundred million yuan)."""
    return yuan(value) * _YI


def to_wan(amount: Decimal) -> Decimal:
    """The amount in 万元, exact (no rounding)."""
    return amount / _WAN


def to_yi(amount: Decimal) -> Decimal:
    """The amount in 亿元, exact (no rounding)."""
    return amount / _YI


def ceil_fen(amount: Decimal) -> Decimal:
    """Round up to the fen (0.01 yuan): the smallest payable amount not below ``amount``."""
    return amount.quantize(FEN, rounding=ROUND_CEILING)


def floor_fen(amount: Decimal) -> Decimal:
    """Round down to the fen."""
    return amount.quantize(FEN, rounding=ROUND_FLOOR)
