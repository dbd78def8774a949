"""Exact unsigned 128-bit integer arithmetic over numpy arrays, as (high, low) uint64 pairs.

The HNTE growth rate compares ``S2/S1 + S3/S2`` with a band edge, which after
cross-multiplying needs products of two amounts (up to 2**106 for amounts below
2**53 fen) times a small factor. int64 cannot hold them and floats would round, so
these few operations work on two uint64 limbs. Only what the kernels need is here:
the product of two uint64 arrays, the product by a small Python int, sum, difference
(of a larger and a smaller number), comparison and a right shift by 64.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

__all__ = ["U128", "add", "ge", "gt", "mul", "mul_small", "shr64", "sub", "to_ints"]

U64 = NDArray[np.uint64]
_M32: Final = np.uint64(0xFFFFFFFF)
_S32: Final = np.uint64(32)


class U128:
    """Arrays of unsigned 128-bit integers: ``hi * 2**64 + lo``."""

    __slots__ = ("hi", "lo")

    def __init__(self, hi: U64, lo: U64) -> None:
        self.hi = hi
        self.lo = lo

    def take(self, index: NDArray[Any]) -> U128:
        """The values at ``index``."""
        return U128(self.hi[index], self.lo[index])

    @classmethod
    def of(cls, values: NDArray[np.int64]) -> U128:
        """Non-negative int64 values as 128-bit numbers."""
        lo = values.astype(np.uint64)
        return cls(np.zeros_like(lo), lo)


def mul(a: U64, b: U64) -> U128:
    """The exact products ``a * b`` of two uint64 arrays."""
    a0, a1 = a & _M32, a >> _S32
    b0, b1 = b & _M32, b >> _S32
    p00 = a0 * b0
    p01 = a0 * b1
    p10 = a1 * b0
    p11 = a1 * b1
    mid = (p00 >> _S32) + (p01 & _M32) + (p10 & _M32)
    lo = (p00 & _M32) | (mid << _S32)
    hi = p11 + (p01 >> _S32) + (p10 >> _S32) + (mid >> _S32)
    return U128(hi, lo)


def mul_small(a: U128, k: int) -> U128:
    """``a * k`` for ``0 <= k < 2**32``; the caller keeps the result below 2**128."""
    if not 0 <= k < 2**32:
        raise ValueError("mul_small takes a factor below 2**32")
    factor = np.uint64(k)
    p0 = (a.lo & _M32) * factor
    p1 = (a.lo >> _S32) * factor
    mid = (p0 >> _S32) + (p1 & _M32)
    lo = (p0 & _M32) | (mid << _S32)
    return U128(a.hi * factor + (p1 >> _S32) + (mid >> _S32), lo)


def add(a: U128, b: U128) -> U128:
    """``a + b``; the caller keeps the result below 2**128."""
    lo = a.lo + b.lo
    carry = (lo < a.lo).astype(np.uint64)
    return U128(a.hi + b.hi + carry, lo)


def sub(a: U128, b: U128) -> U128:
    """``a - b`` where ``a >= b`` elementwise."""
    borrow = (a.lo < b.lo).astype(np.uint64)
    return U128(a.hi - b.hi - borrow, a.lo - b.lo)


def gt(a: U128, b: U128) -> NDArray[np.bool_]:
    """``a > b`` elementwise."""
    return np.asarray((a.hi > b.hi) | ((a.hi == b.hi) & (a.lo > b.lo)), dtype=bool)


def ge(a: U128, b: U128) -> NDArray[np.bool_]:
    """``a >= b`` elementwise."""
    return np.asarray((a.hi > b.hi) | ((a.hi == b.hi) & (a.lo >= b.lo)), dtype=bool)


def shr64(a: U128) -> U128:
    """``a >> 64``."""
    return U128(np.zeros_like(a.hi), a.hi.copy())


def to_ints(a: U128) -> list[int]:
    """The values as Python ints (for tests and diagnostics)."""
    return [(int(h) << 64) | int(lo) for h, lo in zip(a.hi.tolist(), a.lo.tolist(), strict=True)]
