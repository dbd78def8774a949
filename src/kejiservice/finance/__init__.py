"""Finance: bank S&T loan products and the risk-compensation schemes behind them.

* Loan products (科技信贷产品) are data packs: :func:`load_products` reads them,
  :func:`eligible_products` says which ones an enterprise can get on a day, with the
  criteria explained like a rule verdict.
* Risk-compensation and interest-subsidy schemes (风险补偿资金池, 贴息贴保) are data packs
  too, with their sources and how sure each number is: :func:`compensate` computes what
  a scheme pays for a loss, :func:`subsidise` the subsidy for interest and fees paid,
  each step explained and the caps applied.

Money is ``Decimal`` yuan (never float); packs write 万元 and are converted on load;
results are rounded down to the fen. The bundled packs are in ``finance/products`` and
``finance/schemes``; :func:`bundled_products` and :func:`bundled_schemes` load them.
"""

from ._common import ROUNDING, FinancePackError, Provenance, ProvenanceTag
from ._compensation import (
    AmountCap,
    Bonus,
    Compensation,
    FeeSubsidy,
    InterestPayment,
    InterestRate,
    InterestSubsidy,
    LossShare,
    RatioCap,
    RiskCompensationScheme,
    SchemeError,
    ShareMode,
    Step,
    bundled_schemes,
    compensate,
    compensate_modes,
    load_schemes,
    parse_scheme,
    subsidise,
)
from ._products import (
    LISTED_TAG,
    UNLISTED_TAG,
    Collateral,
    CreditRecord,
    Limit,
    LoanProduct,
    ProductError,
    ProductVerdict,
    Qualification,
    bundled_products,
    eligible_products,
    load_products,
    parse_products,
)

__all__ = [
    "LISTED_TAG",
    "ROUNDING",
    "UNLISTED_TAG",
    "AmountCap",
    "Bonus",
    "Collateral",
    "Compensation",
    "CreditRecord",
    "FeeSubsidy",
    "FinancePackError",
    "InterestPayment",
    "InterestRate",
    "InterestSubsidy",
    "Limit",
    "LoanProduct",
    "LossShare",
    "ProductError",
    "ProductVerdict",
    "Provenance",
    "ProvenanceTag",
    "Qualification",
    "RatioCap",
    "RiskCompensationScheme",
    "SchemeError",
    "ShareMode",
    "Step",
    "bundled_products",
    "bundled_schemes",
    "compensate",
    "compensate_modes",
    "eligible_products",
    "load_products",
    "load_schemes",
    "parse_products",
    "parse_scheme",
    "subsidise",
]
