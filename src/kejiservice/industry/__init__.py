"""Industry codes of GB/T 4754-2017 and the industry classes of the SME size standard.

See :mod:`kejiservice.industry._gbt4754` for the references and limitations.
"""

from kejiservice.industry._gbt4754 import (
    IndustryInfo,
    SmeIndustryClass,
    classify_industry,
    industry_code_problem,
    prefix_coverage,
)

__all__ = [
    "IndustryInfo",
    "SmeIndustryClass",
    "classify_industry",
    "industry_code_problem",
    "prefix_coverage",
]
