"""The enterprise model: CONTRACT.md §1 as frozen attrs classes.

Shape checks (types, required fields, unknown keys, money as strings) happen in the
converter (:mod:`kejiservice.io`), which knows the JSON path of every field;
cross-field invariants are checked by :func:`kejiservice.models.enterprise_problems`,
also with paths. The classes themselves stay plain data.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import attrs

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
]

SCHEMA_ID = "kejiservice/enterprise@1"


class TechField(enum.StrEnum):
    """The eight key fields of 《国家重点支持的高新技术领域》, plus ``none`` (outside them)."""

    ELECTRONIC_INFORMATION = "electronic_information"
    BIOMEDICINE = "biomedicine"
    AEROSPACE = "aerospace"
    NEW_MATERIALS = "new_materials"
    HIGH_TECH_SERVICES = "high_tech_services"
    NEW_ENERGY_EFFICIENCY = "new_energy_efficiency"
    RESOURCES_ENVIRONMENT = "resources_environment"
    ADVANCED_MANUFACTURING = "advanced_manufacturing"
    NONE = "none"


class IpKind(enum.StrEnum):
    """Kinds of intellectual property (Class I first, then Class II)."""

    INVENTION_PATENT = "invention_patent"
    DEFENSE_PATENT = "defense_patent"
    PLANT_VARIETY = "plant_variety"
    NATIONAL_CROP_VARIETY = "national_crop_variety"
    NATIONAL_NEW_DRUG = "national_new_drug"
    TCM_PROTECTED_VARIETY = "tcm_protected_variety"
    IC_LAYOUT = "ic_layout"
    UTILITY_MODEL = "utility_model"
    DESIGN_PATENT = "design_patent"
    SOFTWARE_COPYRIGHT = "software_copyright"


CLASS_I_IP = frozenset(
    {
        IpKind.INVENTION_PATENT,
        IpKind.DEFENSE_PATENT,
        IpKind.PLANT_VARIETY,
        IpKind.NATIONAL_CROP_VARIETY,
        IpKind.NATIONAL_NEW_DRUG,
        IpKind.TCM_PROTECTED_VARIETY,
        IpKind.IC_LAYOUT,
    }
)
CLASS_II_IP = frozenset({IpKind.UTILITY_MODEL, IpKind.DESIGN_PATENT, IpKind.SOFTWARE_COPYRIGHT})


class Acquisition(enum.StrEnum):
    """How an IP item was obtained."""

    OWN = "own"
    TRANSFER = "transfer"
    GIFT = "gift"
    MERGER = "merger"


class CertificationKind(enum.StrEnum):
    """Qualifications and recognitions an enterprise can hold."""

    HNTE = "hnte"
    TECH_SME = "tech_sme"
    INNOVATIVE_SME = "innovative_sme"
    SPECIALIZED_SME = "specialized_sme"
    LITTLE_GIANT = "little_giant"
    RD_INSTITUTION_PROVINCIAL = "rd_institution_provincial"
    RD_INSTITUTION_NATIONAL = "rd_institution_national"


class IncidentKind(enum.StrEnum):
    """Incidents that bar HNTE and tech-SME status for a period."""

    MAJOR_SAFETY = "major_safety"
    MAJOR_QUALITY = "major_quality"
    SERIOUS_ENVIRONMENTAL = "serious_environmental"
    SERIOUS_RESEARCH_MISCONDUCT = "serious_research_misconduct"
    SERIOUS_FRAUD = "serious_fraud"


class ListingKind(enum.StrEnum):
    """Credit listings (经营异常名录, 严重失信主体名单)."""

    ABNORMAL_OPERATION = "abnormal_operation"
    SERIOUS_DISHONEST = "serious_dishonest"


@attrs.frozen
class YearFigures:
    """One accounting year's figures. Money in yuan; ``None`` means not reported (unknown)."""

    year: int
    sales_revenue: Decimal | None = None
    main_business_revenue: Decimal | None = None
    total_income: Decimal | None = None
    non_taxable_income: Decimal | None = None
    high_tech_income: Decimal | None = None
    rd_expense: Decimal | None = None
    rd_expense_domestic: Decimal | None = None
    cost_and_expense: Decimal | None = None
    rd_other_related: Decimal | None = None
    total_assets: Decimal | None = None
    total_liabilities: Decimal | None = None
    employees: int | None = None
    tech_staff: int | None = None

    @property
    def net_assets(self) -> Decimal | None:
        """净资产 = 资产总额 − 负债总额 (year end); ``None`` if either is unknown."""
        if self.total_assets is None or self.total_liabilities is None:
            return None
        return self.total_assets - self.total_liabilities

    @property
    def hnte_total_income(self) -> Decimal | None:
        """HNTE 总收入 = 收入总额 − 不征税收入 (国科发火〔2016〕195号)."""
        if self.total_income is None or self.non_taxable_income is None:
            return None
        return self.total_income - self.non_taxable_income

    @property
    def debt_ratio(self) -> Decimal | None:
        """资产负债率 = liabilities / assets; ``None`` if unknown or assets are zero."""
        if self.total_assets is None or self.total_liabilities is None or not self.total_assets:
            return None
        return self.total_liabilities / self.total_assets


@attrs.frozen
class IntellectualProperty:
    """One IP item. It counts while valid: granted, not expired and not disputed."""

    kind: IpKind
    granted_on: dt.date
    expires_on: dt.date | None = None
    core: bool | None = None
    acquired: Acquisition | None = None
    disputed: bool = False
    high_value: bool = False

    @property
    def ip_class(self) -> int:
        """1 for Class I IP (invention patents and the like), 2 for Class II."""
        return 1 if self.kind in CLASS_I_IP else 2

    def valid_on(self, day: dt.date) -> bool:
        """Granted on or before ``day``, not yet expired, and not disputed."""
        if self.disputed or self.granted_on > day:
            return False
        return self.expires_on is None or day <= self.expires_on


@attrs.frozen
class Certification:
    """A certificate or recognition, valid from ``issued_on`` to ``expires_on`` inclusive."""

    kind: CertificationKind
    issued_on: dt.date
    expires_on: dt.date | None = None
    number: str | None = None

    def valid_on(self, day: dt.date) -> bool:
        """Issued on or before ``day`` and not expired (an open end never expires)."""
        return self.issued_on <= day and (self.expires_on is None or day <= self.expires_on)


@attrs.frozen
class Incident:
    """A major accident or serious violation on a given day."""

    kind: IncidentKind
    on: dt.date


@attrs.frozen
class Listing:
    """A credit listing, active from ``start`` (JSON ``from``) to ``end`` (JSON ``to``)."""

    kind: ListingKind
    start: dt.date
    end: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        """Whether the listing is in force on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@attrs.frozen
class Award:
    """A science-and-technology award (``level``: national, provincial, ...)."""

    level: str
    year: int
    rank: int | None = None


@attrs.frozen
class StandardLed:
    """A standard whose drafting the enterprise took part in, with its rank if known."""

    level: str
    year: int
    rank: int | None = None


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


def _frozen_map(value: Any) -> dict[str, int]:
    return dict(value)


@attrs.frozen
class Enterprise:
    """An enterprise as CONTRACT.md §1 describes it.

    Lists are stored as tuples so that the object is immutable and hashable where
    its contents are; ``extra`` is kept exactly as given and round-tripped untouched.
    """

    name: str
    registered_on: dt.date
    industry: str
    resident: bool | None = None
    id: str | None = None
    uscc: str | None = None
    region: str | None = None
    tech_field: TechField | None = None
    restricted_industry: bool | None = None
    core_ip_owned: bool | None = None
    years: tuple[YearFigures, ...] = attrs.field(default=(), converter=_tuple)
    ip: tuple[IntellectualProperty, ...] = attrs.field(default=(), converter=_tuple)
    certifications: tuple[Certification, ...] = attrs.field(default=(), converter=_tuple)
    incidents: tuple[Incident, ...] = attrs.field(default=(), converter=_tuple)
    listings: tuple[Listing, ...] = attrs.field(default=(), converter=_tuple)
    awards: tuple[Award, ...] = attrs.field(default=(), converter=_tuple)
    standards_led: tuple[StandardLed, ...] = attrs.field(default=(), converter=_tuple)
    achievements_transformed: dict[str, int] = attrs.field(
        factory=dict, converter=_frozen_map, eq=True, hash=False
    )
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    extra: dict[str, Any] = attrs.field(factory=dict, hash=False)
    schema: str | None = None

    def year(self, year: int) -> YearFigures | None:
        """The figures of accounting year ``year``, or ``None`` when not reported."""
        for y in self.years:
            if y.year == year:
                return y
        return None

    @property
    def last_year(self) -> YearFigures | None:
        """The latest accounting year reported."""
        return max(self.years, key=lambda y: y.year) if self.years else None

    def valid_ip(self, day: dt.date) -> tuple[IntellectualProperty, ...]:
        """The IP items valid on ``day``."""
        return tuple(item for item in self.ip if item.valid_on(day))

    def holds(self, kind: CertificationKind | str, day: dt.date) -> bool:
        """Whether a certification of ``kind`` is valid on ``day``."""
        return any(c.kind == kind and c.valid_on(day) for c in self.certifications)

    def has_tag(self, tag: str) -> bool:
        """Whether the enterprise carries the free-form label ``tag``."""
        return tag in self.tags
