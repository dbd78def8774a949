"""Domain models: frozen attrs classes for enterprises and what they hold."""

from ._codes import region_code_problem, uscc_check_character, uscc_problem
from ._enterprise import (
    CLASS_I_IP,
    CLASS_II_IP,
    Acquisition,
    Award,
    Certification,
    CertificationKind,
    Enterprise,
    Incident,
    IncidentKind,
    IntellectualProperty,
    IpKind,
    Listing,
    ListingKind,
    StandardLed,
    TechField,
    YearFigures,
)
from ._money import ceil_fen, floor_fen, from_wan, from_yi, to_wan, to_yi, yuan
from ._validate import enterprise_problems, year_problems

__all__ = [
    "CLASS_II_IP",
    "CLASS_I_IP",
    "Acquisition",
    "Award",
    "Certification",
    "CertificationKind",
    "Enterprise",
    "Incident",
    "IncidentKind",
    "IntellectualProperty",
    "IpKind",
    "Listing",
    "ListingKind",
    "StandardLed",
    "TechField",
    "YearFigures",
    "ceil_fen",
    "enterprise_problems",
    "floor_fen",
    "from_wan",
    "from_yi",
    "region_code_problem",
    "to_wan",
    "to_yi",
    "uscc_check_character",
    "uscc_problem",
    "year_problems",
    "yuan",
]
