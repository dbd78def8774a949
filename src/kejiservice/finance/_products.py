"""Bank S&T loan products (科技信贷产品) as data packs, and which ones an enterprise can get.

A product is a TOML document (one per file, or several as ``[[product]]`` tables of one
catalogue file), validated on load: every problem is reported with its file and key in
one :class:`ProductError`. The format is documented in
``docs/reference/finance-packs.md``; in short::

    id = "qingshan_kejidai"
    name_zh = "青山科技贷（示例）"
    name_en = "Qingshan tech loan (illustrative)"
    bank = "青山农商银行（虚构）"
    tag = "illustrative"                 # confirmed | unverified | assumed | illustrative
    source = "..."
    region = "4499"                      # region code prefix; absent: anywhere
    effective_from = 2026-01-01          # optional window, inclusive
    scheme = "..."                       # optional: the risk-compensation scheme behind it

    [eligibility]
    qualifications = ["hnte", "tech_sme", "ip_holder"]   # any one is enough
    revenue_cap_wan = 50000              # 5亿, converted to yuan on load
    revenue_cap_inclusive = true         # ≤ (true, the default) or < (false)
    staff_cap = 500
    non_listed = true

    [eligibility.credit_record]
    listing_years = 3                    # 0: only listings in force on as_of
    incident_years = 3

    [terms]
    max_credit_per_firm_wan = 1000
    max_single_loan_wan = 500
    term_months_max = 12
    collateral = ["credit", "ip_pledge"]

:func:`eligible_products` answers for one enterprise with a :class:`ProductVerdict` per
product, whose criteria pass, fail or stay unknown with the actual and required values,
the gap and a message in Chinese and English, like the rule verdicts.

Facts the enterprise model does not hold are read from its ``tags``: ``listed`` /
``unlisted`` for ``non_listed``, and ``talent_founded``, ``incubated``,
``contest_winner`` for those qualifications. A fact that is not tagged is unknown, never
assumed.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..errors import InvalidInput
from ..models import (
    CLASS_I_IP,
    Enterprise,
    IncidentKind,
    ListingKind,
)
from ..params import national
from ..rules import Criterion, Message, Outcome, Status, Verdict, evaluate
from ..rules._core import Ctx, combine
from ._common import (
    FinancePackError,
    Out,
    ProvenanceTag,
    boolean,
    count,
    date,
    join,
    members,
    message,
    money,
    read_toml,
    region_prefix,
    table,
    text,
    unknown_keys,
    wan,
)
from ._common import amount as check_amount

__all__ = [
    "LISTED_TAG",
    "UNLISTED_TAG",
    "Collateral",
    "CreditRecord",
    "Limit",
    "LoanProduct",
    "ProductError",
    "ProductVerdict",
    "Qualification",
    "bundled_products",
    "eligible_products",
    "load_products",
    "parse_products",
]

LISTED_TAG = "listed"
"""The enterprise tag saying it is listed on a stock exchange (上市企业)."""
UNLISTED_TAG = "unlisted"
"""The enterprise tag saying it is not listed."""


class ProductError(FinancePackError):
    """A loan-product pack that fails validation; ``problems`` lists every one."""

    kind = "loan product pack"


class Qualification(enum.StrEnum):
    """Qualifications a product may accept (any one of those it lists is enough)."""

    HNTE = "hnte"
    TECH_SME = "tech_sme"
    INNOVATIVE_SME = "innovative_sme"
    SPECIALIZED_SME = "specialized_sme"
    LITTLE_GIANT = "little_giant"
    IP_HOLDER = "ip_holder"
    TALENT_FOUNDED = "talent_founded"
    INCUBATED = "incubated"
    CONTEST_WINNER = "contest_winner"


_CERTIFIED = frozenset(
    {
        Qualification.HNTE,
        Qualification.TECH_SME,
        Qualification.INNOVATIVE_SME,
        Qualification.SPECIALIZED_SME,
        Qualification.LITTLE_GIANT,
    }
)
_TAGGED = frozenset(
    {Qualification.TALENT_FOUNDED, Qualification.INCUBATED, Qualification.CONTEST_WINNER}
)
# The rule families that tell whether a firm could obtain a certified qualification.
_RULE_OF = {
    Qualification.HNTE: "hnte",
    Qualification.TECH_SME: "tech_sme",
    Qualification.INNOVATIVE_SME: "innovative_sme",
}


class Collateral(enum.StrEnum):
    """Forms of security (担保方式) a loan may take."""

    CREDIT = "credit"  # 信用
    IP_PLEDGE = "ip_pledge"  # 知识产权质押
    EQUITY_PLEDGE = "equity_pledge"  # 股权质押
    RECEIVABLES_PLEDGE = "receivables_pledge"  # 应收账款质押
    INVENTORY_PLEDGE = "inventory_pledge"  # 存货质押
    INSURANCE = "insurance"  # 保证保险
    GUARANTEE = "guarantee"  # 第三方担保
    REAL_ESTATE = "real_estate"  # 不动产抵押


@attrs.frozen
class Limit:
    """An upper limit and whether it is reached inclusively (≤) or not (<)."""

    value: Decimal
    inclusive: bool = True

    def allows(self, actual: Decimal | int) -> bool:
        """Whether ``actual`` is within the limit."""
        return actual <= self.value if self.inclusive else actual < self.value

    def excess(self, actual: Decimal | int, step: Decimal) -> Decimal:
        """How much ``actual`` must drop to be within the limit (on the grid ``step``)."""
        over = Decimal(actual) - self.value
        return over if self.inclusive else over + step

    @property
    def op(self) -> tuple[str, str]:
        """The operator in words, Chinese and English."""
        return ("不超过", "at most") if self.inclusive else ("低于", "below")


@attrs.frozen
class CreditRecord:
    """The credit-record conditions: no listings and no incidents in a look-back window.

    ``listing_years`` 0 looks only at listings in force on ``as_of``; N looks at any
    listing in force on a day of the N years up to ``as_of``. ``incident_years`` N looks
    at incidents in the N years up to ``as_of`` (0: not checked).
    """

    listings: tuple[ListingKind, ...] = tuple(ListingKind)
    listing_years: int = 0
    incidents: tuple[IncidentKind, ...] = tuple(IncidentKind)
    incident_years: int = 3


@attrs.frozen
class LoanProduct:
    """A loan product, validated; amounts in yuan.

    Attributes:
        id: A unique id (lower case, digits, underscores).
        name_zh: The product's name in Chinese.
        name_en: The product's name in English.
        bank: The lending bank.
        tag: How sure the parameters are (``illustrative`` for invented products).
        source: Where the parameters come from.
        region: The region code prefix the product serves ("" for anywhere).
        effective_from: First day the product is offered (inclusive), if known.
        effective_to: Last day the product is offered (inclusive), if known.
        scheme: The id of the risk-compensation scheme behind the product, if any.
        qualifications: Accepted qualifications, any one of which is enough (empty:
            none needed).
        ip_classes: For ``ip_holder``: the IP classes that count (1, 2).
        ip_core_only: For ``ip_holder``: only IP marked ``core`` counts.
        revenue_cap: The cap on last year's revenue (销售收入), in yuan.
        staff_cap: The cap on last year's employees.
        credit_record: The credit-record conditions, if any.
        non_listed: Whether only non-listed enterprises qualify.
        max_credit_per_firm: The per-firm credit line cap, in yuan.
        max_single_loan: The single-loan cap, in yuan.
        term_months_max: The longest term, in months.
        collateral: The forms of security accepted.
        assumptions: Readings of the source the pack makes, as (Chinese, English) pairs
            (shown as notes; the English is the Chinese when the pack gives none).
        note: Free text.
        origin: The file the product was read from.
    """

    id: str
    name_zh: str
    name_en: str
    bank: str
    tag: ProvenanceTag
    source: str
    region: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    scheme: str | None = None
    qualifications: tuple[Qualification, ...] = ()
    ip_classes: tuple[int, ...] = (1, 2)
    ip_core_only: bool = False
    revenue_cap: Limit | None = None
    staff_cap: Limit | None = None
    credit_record: CreditRecord | None = None
    non_listed: bool = False
    max_credit_per_firm: Decimal | None = None
    max_single_loan: Decimal | None = None
    term_months_max: int | None = None
    collateral: tuple[Collateral, ...] = ()
    assumptions: tuple[tuple[str, str], ...] = ()
    note: str = ""
    origin: str = ""

    def in_force(self, day: dt.date) -> bool:
        """Whether the product is offered on ``day``."""
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def window(self) -> str:
        """The offer window as text (``2025-03-17..`` when open-ended)."""
        start = self.effective_from.isoformat() if self.effective_from else ""
        end = self.effective_to.isoformat() if self.effective_to else ""
        return f"{start}..{end}"

    def to_dict(self) -> dict[str, Any]:
        """The product as JSON-ready data (amounts as decimal strings of yuan)."""

        def limit(value: Limit | None) -> dict[str, Any] | None:
            if value is None:
                return None
            return {"value": format(value.value, "f"), "inclusive": value.inclusive}

        record = self.credit_record
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "bank": self.bank,
            "tag": self.tag.value,
            "source": self.source,
            "region": self.region,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "scheme": self.scheme,
            "qualifications": [q.value for q in self.qualifications],
            "ip_classes": list(self.ip_classes),
            "ip_core_only": self.ip_core_only,
            "revenue_cap": limit(self.revenue_cap),
            "staff_cap": limit(self.staff_cap),
            "credit_record": None
            if record is None
            else {
                "listings": [k.value for k in record.listings],
                "listing_years": record.listing_years,
                "incidents": [k.value for k in record.incidents],
                "incident_years": record.incident_years,
            },
            "non_listed": self.non_listed,
            "max_credit_per_firm": _opt(self.max_credit_per_firm),
            "max_single_loan": _opt(self.max_single_loan),
            "term_months_max": self.term_months_max,
            "collateral": [c.value for c in self.collateral],
            "assumptions": [{"zh": zh, "en": en} for zh, en in self.assumptions],
            "note": self.note,
        }


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


# --------------------------------------------------------------------------- loading

_TOP = frozenset(
    {
        "id",
        "name_zh",
        "name_en",
        "bank",
        "tag",
        "source",
        "region",
        "effective_from",
        "effective_to",
        "scheme",
        "eligibility",
        "terms",
        "assumptions",
        "note",
    }
)
_ELIGIBILITY = frozenset(
    {
        "qualifications",
        "ip_classes",
        "ip_core_only",
        "revenue_cap_wan",
        "revenue_cap_inclusive",
        "staff_cap",
        "staff_cap_inclusive",
        "credit_record",
        "non_listed",
    }
)
_CREDIT = frozenset({"listings", "listing_years", "incidents", "incident_years"})
_TERMS = frozenset(
    {"max_credit_per_firm_wan", "max_single_loan_wan", "term_months_max", "collateral"}
)


def _is_id(value: str) -> bool:
    return (
        bool(value)
        and value[0].isascii()
        and value[0].isalpha()
        and value[0].islower()
        and all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in value)
    )


def _credit(raw: Any, key: str, out: Out) -> CreditRecord:
    body = table(raw, key, out)
    unknown_keys(body, _CREDIT, key, out)
    default = CreditRecord()
    listings = (
        members(body["listings"], join(key, "listings"), out, ListingKind)
        if "listings" in body
        else default.listings
    )
    incidents = (
        members(body["incidents"], join(key, "incidents"), out, IncidentKind)
        if "incidents" in body
        else default.incidents
    )
    listing_years = count(body.get("listing_years", 0), join(key, "listing_years"), out)
    incident_years = count(
        body.get("incident_years", default.incident_years), join(key, "incident_years"), out
    )
    return CreditRecord(
        listings=listings,
        listing_years=listing_years or 0,
        incidents=incidents,
        incident_years=incident_years or 0,
    )


def _assumptions(raw: Any, key: str, out: Out) -> tuple[tuple[str, str], ...]:
    """Strings, or ``{zh = "...", en = "..."}`` tables (``en`` optional)."""
    if not isinstance(raw, list):
        out.add(key, "must be an array of strings or of {zh, en} tables")
        return ()
    found: list[tuple[str, str]] = []
    for index, item in enumerate(raw):
        here = f"{key}[{index}]"
        if isinstance(item, dict):
            unknown_keys(item, frozenset({"zh", "en"}), here, out)
            zh = text(item.get("zh"), join(here, "zh"), out)
            en = text(item.get("en"), join(here, "en"), out, required=False)
            found.append((zh, en or zh))
        else:
            zh = text(item, here, out)
            found.append((zh, zh))
    return tuple(found)


def _limit(body: Mapping[str, Any], name: str, key: str, out: Out, money_: bool) -> Limit | None:
    raw_key = f"{name}_wan" if money_ else name
    if raw_key not in body:
        if f"{name}_inclusive" in body:
            out.add(join(key, f"{name}_inclusive"), f"given without {raw_key}")
        return None
    here = join(key, raw_key)
    value: Decimal | None
    if money_:
        value = wan(body[raw_key], here, out)
    else:
        number = count(body[raw_key], here, out, positive=True)
        value = None if number is None else Decimal(number)
    inclusive = boolean(body.get(f"{name}_inclusive"), join(key, f"{name}_inclusive"), out, True)
    return None if value is None else Limit(value, inclusive)


def _product(doc: Mapping[str, Any], key: str, out: Out) -> LoanProduct | None:
    start = len(out.problems)
    unknown_keys(doc, _TOP, key, out)
    ident = text(doc.get("id"), join(key, "id"), out)
    if ident and not _is_id(ident):
        out.add(join(key, "id"), "an id is lower case letters, digits and underscores")
    try:
        tag = ProvenanceTag(str(doc.get("tag")))
    except ValueError:
        choices = ", ".join(t.value for t in ProvenanceTag)
        out.add(join(key, "tag"), f"every product needs a tag; one of {choices}")
        tag = ProvenanceTag.ASSUMED
    first = date(doc.get("effective_from"), join(key, "effective_from"), out)
    last = date(doc.get("effective_to"), join(key, "effective_to"), out)
    if first and last and last < first:
        out.add(join(key, "effective_to"), "ends before it starts")
    scheme = doc.get("scheme")
    if scheme is not None:
        scheme = text(scheme, join(key, "scheme"), out)

    here = join(key, "eligibility")
    elig = table(doc.get("eligibility", {}), here, out)
    unknown_keys(elig, _ELIGIBILITY, here, out)
    quals = members(
        elig.get("qualifications", []), join(here, "qualifications"), out, Qualification
    )
    classes_raw = elig.get("ip_classes", [1, 2])
    if not isinstance(classes_raw, list) or not classes_raw or set(classes_raw) - {1, 2}:
        out.add(join(here, "ip_classes"), "must be a non-empty array of 1 and/or 2")
        classes_raw = [1, 2]
    ip_keys = {"ip_classes", "ip_core_only"} & set(elig)
    if ip_keys and Qualification.IP_HOLDER not in quals:
        out.add(join(here, sorted(ip_keys)[0]), "only used with the ip_holder qualification")
    core_only = boolean(elig.get("ip_core_only"), join(here, "ip_core_only"), out, False)
    revenue_cap = _limit(elig, "revenue_cap", here, out, True)
    staff_cap = _limit(elig, "staff_cap", here, out, False)
    credit = (
        _credit(elig["credit_record"], join(here, "credit_record"), out)
        if "credit_record" in elig
        else None
    )
    non_listed = boolean(elig.get("non_listed"), join(here, "non_listed"), out, False)

    terms_key = join(key, "terms")
    terms = table(doc.get("terms", {}), terms_key, out)
    unknown_keys(terms, _TERMS, terms_key, out)
    firm = (
        wan(terms["max_credit_per_firm_wan"], join(terms_key, "max_credit_per_firm_wan"), out)
        if "max_credit_per_firm_wan" in terms
        else None
    )
    single = (
        wan(terms["max_single_loan_wan"], join(terms_key, "max_single_loan_wan"), out)
        if "max_single_loan_wan" in terms
        else None
    )
    if firm is not None and single is not None and single > firm:
        out.add(
            join(terms_key, "max_single_loan_wan"),
            "the single-loan cap exceeds the per-firm credit cap",
        )
    term = (
        count(terms["term_months_max"], join(terms_key, "term_months_max"), out, positive=True)
        if "term_months_max" in terms
        else None
    )
    collateral = members(
        terms.get("collateral", []), join(terms_key, "collateral"), out, Collateral
    )
    assumptions = _assumptions(doc.get("assumptions", []), join(key, "assumptions"), out)
    product = LoanProduct(
        id=ident,
        name_zh=text(doc.get("name_zh"), join(key, "name_zh"), out),
        name_en=text(doc.get("name_en"), join(key, "name_en"), out),
        bank=text(doc.get("bank"), join(key, "bank"), out),
        tag=tag,
        source=text(doc.get("source"), join(key, "source"), out),
        region=region_prefix(doc.get("region"), join(key, "region"), out),
        effective_from=first,
        effective_to=last,
        scheme=scheme or None,
        qualifications=quals,
        ip_classes=tuple(sorted(set(classes_raw))),
        ip_core_only=core_only,
        revenue_cap=revenue_cap,
        staff_cap=staff_cap,
        credit_record=credit,
        non_listed=non_listed,
        max_credit_per_firm=firm,
        max_single_loan=single,
        term_months_max=term,
        collateral=collateral,
        assumptions=assumptions,
        note=text(doc.get("note"), join(key, "note"), out, required=False),
        origin=out.origin,
    )
    return product if len(out.problems) == start else None


def parse_products(doc: Mapping[str, Any], origin: str = "<memory>") -> list[LoanProduct]:
    """The products of one parsed TOML document (a product, or ``[[product]]`` tables).

    Raises:
        ProductError: Every problem, each with ``origin`` and the key.
    """
    out = Out(origin)
    found = _parse(doc, out)
    if out.problems:
        raise ProductError(out.problems)
    return found


def _parse(doc: Mapping[str, Any], out: Out) -> list[LoanProduct]:
    if "product" in doc:
        unknown_keys(doc, frozenset({"product"}), "", out)
        items = doc["product"]
        if not isinstance(items, list) or not items:
            out.add("product", "a catalogue holds one or more [[product]] tables")
            return []
        found = []
        for index, item in enumerate(items):
            key = f"product[{index}]"
            if not isinstance(item, dict):
                out.add(key, "must be a table")
                continue
            product = _product(item, key, out)
            if product is not None:
                found.append(product)
        return found
    product = _product(doc, "", out)
    return [] if product is None else [product]


def load_products(path: str | Path) -> list[LoanProduct]:
    """Load a product file, a catalogue file, or every ``*.toml`` file of a directory.

    Returns the products sorted by id. Ids must be unique across the files.

    Raises:
        ProductError: Every problem of every file, each with its file and key.
    """
    where = Path(path)
    if where.is_dir():
        paths = sorted(where.glob("*.toml"))
        if not paths:
            raise ProductError([f"{where}: no .toml files"])
    else:
        paths = [where]
    problems: list[str] = []
    found: list[LoanProduct] = []
    seen: dict[str, str] = {}
    for file in paths:
        out = Out(file.name)
        doc = read_toml(file, out)
        if not out.problems:
            for product in _parse(doc, out):
                if product.id in seen:
                    out.add(
                        "id", f"duplicate product id {product.id!r} (also in {seen[product.id]})"
                    )
                    continue
                seen[product.id] = file.name
                found.append(product)
        problems.extend(out.problems)
    if problems:
        raise ProductError(problems)
    return sorted(found, key=lambda p: p.id)


def bundled_products() -> list[LoanProduct]:
    """The example products shipped in ``finance/products/`` (see their ``tag``)."""
    return load_products(Path(__file__).with_name("products"))


# --------------------------------------------------------------------------- verdicts

_ORDER = {
    Outcome.ELIGIBLE: 0,
    Outcome.UNDETERMINED: 1,
    Outcome.INELIGIBLE: 2,
    Outcome.NOT_APPLICABLE: 3,
}


@attrs.frozen
class ProductVerdict:
    """Whether an enterprise can get one product on one day, with the criteria.

    ``status`` combines the criteria like a rule verdict: any fail makes it
    ineligible, else any unknown undetermined; a product not offered on ``as_of`` is
    not applicable.
    """

    product: LoanProduct
    as_of: dt.date
    status: Outcome
    criteria: tuple[Criterion, ...]
    failed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    notes: tuple[Message, ...] = ()
    enterprise_id: str | None = None

    @property
    def eligible(self) -> bool | None:
        """True / False, or ``None`` when undetermined or not applicable."""
        if self.status is Outcome.ELIGIBLE:
            return True
        if self.status is Outcome.INELIGIBLE:
            return False
        return None

    @property
    def max_loan(self) -> Decimal | None:
        """The most one loan can be under the product (the smaller cap), if capped."""
        caps = [c for c in (self.product.max_single_loan, self.product.max_credit_per_firm) if c]
        return min(caps) if caps else None

    def criterion(self, code: str) -> Criterion:
        """The criterion with ``code`` (``KeyError`` if there is none)."""
        for item in self.criteria:
            if item.code == code:
                return item
        raise KeyError(code)

    def to_verdict(self) -> Verdict:
        """The same answer as a rule :class:`~kejiservice.rules.Verdict`
        (rule id ``loan_product:<id>``), with the product's terms as extras."""
        product = self.product
        return Verdict(
            rule=f"loan_product:{product.id}",
            rule_version=product.window,
            as_of=self.as_of,
            status=self.status,
            criteria=self.criteria,
            failed=self.failed,
            missing=self.missing,
            extras={
                "product": product.id,
                "bank": product.bank,
                "name": {"zh": product.name_zh, "en": product.name_en},
                "tag": product.tag.value,
                "max_credit_per_firm": product.max_credit_per_firm,
                "max_single_loan": product.max_single_loan,
                "term_months_max": product.term_months_max,
                "collateral": [c.value for c in product.collateral],
                "scheme": product.scheme,
            },
            notes=self.notes,
            enterprise_id=self.enterprise_id,
        )

    def to_dict(self) -> dict[str, Any]:
        """The verdict JSON (as for rules), with the product's terms."""
        return self.to_verdict().to_dict()

    def explain(self, lang: str = "zh") -> str:
        """A readable table of the criteria in ``lang`` ("zh" or "en"), headed by the
        product's name and bank."""
        product = self.product
        name = product.name_zh if lang == "zh" else product.name_en
        head = f"{'产品' if lang == 'zh' else 'product'}: {name} — {product.bank}"
        return f"{head}\n{self.to_verdict().explain(lang)}"


def _names(group: str, items: Iterable[enum.Enum], lang: str, sep: str | None = None) -> str:
    sep = sep if sep is not None else "、" if lang == "zh" else ", "
    return sep.join(message(f"names.{group}.{item.value}").text(lang) for item in items)


def _criterion(
    code: str,
    status: Status,
    product: LoanProduct,
    key: str,
    args: Mapping[str, object],
    *,
    actual: str | None = None,
    required: str | None = None,
    gap: str | None = None,
    gap_unit: str | None = None,
    missing: tuple[str, ...] = (),
    detail: Mapping[str, Any] | None = None,
) -> Criterion:
    return Criterion(
        code=code,
        status=status,
        source=product.source,
        message=message(key, **args),
        actual=actual,
        required=required,
        gap=gap,
        gap_unit=gap_unit,
        missing=missing,
        detail=dict(detail or {}),
    )


def _region(ent: Enterprise, product: LoanProduct) -> Criterion:
    prefix = product.region
    if ent.region is None:
        return _criterion(
            "region",
            Status.UNKNOWN,
            product,
            "product.region.unknown",
            {"missing": "region", "prefix": prefix},
            required=f"{prefix}*",
            missing=("region",),
        )
    ok = ent.region.startswith(prefix)
    return _criterion(
        "region",
        Status.PASS if ok else Status.FAIL,
        product,
        f"product.region.{'pass' if ok else 'fail'}",
        {"region": ent.region, "prefix": prefix},
        actual=ent.region,
        required=f"{prefix}*",
    )


def _ip_status(ent: Enterprise, product: LoanProduct, as_of: dt.date) -> Status:
    items = [
        i for i in ent.valid_ip(as_of) if (1 if i.kind in CLASS_I_IP else 2) in product.ip_classes
    ]
    if not product.ip_core_only:
        return Status.PASS if items else Status.FAIL
    if any(i.core for i in items):
        return Status.PASS
    return Status.UNKNOWN if any(i.core is None for i in items) else Status.FAIL


def _qualification(ent: Enterprise, product: LoanProduct, as_of: dt.date, ctx: Ctx) -> Criterion:
    statuses: dict[Qualification, Status] = {}
    for qual in product.qualifications:
        if qual in _CERTIFIED:
            statuses[qual] = Status.PASS if ctx.holds(qual.value) else Status.FAIL
        elif qual is Qualification.IP_HOLDER:
            statuses[qual] = _ip_status(ent, product, as_of)
        else:
            statuses[qual] = Status.PASS if ent.has_tag(qual.value) else Status.UNKNOWN
    held = [q for q, s in statuses.items() if s is Status.PASS]
    unknown = [q for q, s in statuses.items() if s is Status.UNKNOWN]
    args: dict[str, object] = {
        "day": as_of.isoformat(),
        "accepted_zh": _names("qualification", product.qualifications, "zh"),
        "accepted_en": _names("qualification", product.qualifications, "en"),
    }
    missing: tuple[str, ...] = ()
    if held:
        status, key = Status.PASS, "product.qualification.pass"
        args |= {"held_zh": _names("qualification", held, "zh")}
        args |= {"held_en": _names("qualification", held, "en")}
    elif unknown:
        status, key = Status.UNKNOWN, "product.qualification.unknown"
        args |= {"unknown_zh": _names("qualification", unknown, "zh")}
        args |= {"unknown_en": _names("qualification", unknown, "en")}
        args |= {"tags": ", ".join(q.value for q in unknown)}
        missing = tuple(f"tags: {q.value}" for q in unknown)
    else:
        status, key = Status.FAIL, "product.qualification.fail"
    return Criterion(
        code="qualification",
        status=status,
        source=product.source,
        message=message(key, **args),
        actual=", ".join(q.value for q in held) or "none",
        required="any of: " + ", ".join(q.value for q in product.qualifications),
        missing=missing,
        detail={q.value: s.value for q, s in statuses.items()},
    )


def _cap(
    code: str,
    ent: Enterprise,
    product: LoanProduct,
    as_of: dt.date,
    limit: Limit,
    figure: str,
    unit: str,
) -> Criterion:
    year = as_of.year - 1
    row = ent.year(year)
    value = None if row is None else getattr(row, figure)
    op_zh, op_en = limit.op
    is_money = unit == "yuan"
    shown_limit = money(limit.value) if is_money else str(int(limit.value))
    required = f"{'<=' if limit.inclusive else '<'} {shown_limit}"
    base: dict[str, object] = {"op_zh": op_zh, "op_en": op_en, "limit": shown_limit, "year": year}
    if value is None:
        path = f"years[{year}].{figure}"
        return _criterion(
            code,
            Status.UNKNOWN,
            product,
            f"product.{code}.unknown",
            {**base, "missing": path},
            required=required,
            missing=(path,),
        )
    step = Decimal("0.01") if is_money else Decimal(1)
    shown = money(Decimal(value)) if is_money else str(value)
    gap = limit.excess(value, step)
    shown_gap = money(gap) if is_money else str(int(gap))
    ok = limit.allows(value)
    return _criterion(
        code,
        Status.PASS if ok else Status.FAIL,
        product,
        f"product.{code}.{'pass' if ok else 'fail'}",
        {**base, "actual": shown, "gap": shown_gap},
        actual=shown,
        required=required,
        gap=shown_gap,
        gap_unit=unit,
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    """The first day of the ``years`` years that end on ``day``."""
    try:
        start = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - years, day=28)
    return start + dt.timedelta(days=1)


def _credit_record(ent: Enterprise, product: LoanProduct, as_of: dt.date) -> Criterion:
    record = product.credit_record
    assert record is not None
    found_zh: list[str] = []
    found_en: list[str] = []
    if record.listing_years:
        since = _years_before(as_of, record.listing_years)
        listings = [
            item
            for item in ent.listings
            if item.kind in record.listings
            and item.start <= as_of
            and (item.end is None or item.end >= since)
        ]
        phrase = message(
            "names.credit.listings_window",
            start=since.isoformat(),
            kinds_zh=_names("listing", record.listings, "zh"),
            kinds_en=_names("listing", record.listings, "en", " or the "),
        )
    else:
        listings = [i for i in ent.listings if i.kind in record.listings and i.active_on(as_of)]
        phrase = message(
            "names.credit.listings_asof",
            kinds_zh=_names("listing", record.listings, "zh"),
            kinds_en=_names("listing", record.listings, "en", " or the "),
        )
    for item in sorted(listings, key=lambda i: (i.start, i.kind.value)):
        active = item.active_on(as_of)
        found = message(
            "names.credit.listing_found",
            start=item.start.isoformat(),
            kind_zh=message(f"names.listing.{item.kind.value}").zh,
            kind_en=message(f"names.listing.{item.kind.value}").en,
            active_zh="（评价日仍在名录中）" if active else "",
            active_en=" (still listed)" if active else "",
        )
        found_zh.append(found.zh)
        found_en.append(found.en)
    if record.incident_years:
        start = _years_before(as_of, record.incident_years)
        incidents = [
            i for i in ent.incidents if i.kind in record.incidents and start <= i.on <= as_of
        ]
        incident_phrase = message(
            "names.credit.incidents",
            start=start.isoformat(),
            kinds_zh=_names("incident", record.incidents, "zh"),
            kinds_en=_names("incident", record.incidents, "en", ", or "),
        )
    else:
        incidents = []
        incident_phrase = message("names.credit.incidents_unchecked")
    for incident in sorted(incidents, key=lambda i: (i.on, i.kind.value)):
        found = message(
            "names.credit.incident_found",
            on=incident.on.isoformat(),
            kind_zh=message(f"names.incident.{incident.kind.value}").zh,
            kind_en=message(f"names.incident.{incident.kind.value}").en,
        )
        found_zh.append(found.zh)
        found_en.append(found.en)
    count_found = len(listings) + len(incidents)
    if count_found:
        msg = message(
            "product.credit_record.fail", found_zh="；".join(found_zh), found_en="; ".join(found_en)
        )
    else:
        msg = message(
            "product.credit_record.pass",
            listings_zh=phrase.zh,
            listings_en=phrase.en,
            incidents_zh=incident_phrase.zh,
            incidents_en=incident_phrase.en,
        )
    return Criterion(
        code="credit_record",
        status=Status.FAIL if count_found else Status.PASS,
        source=product.source,
        message=msg,
        actual=f"{len(listings)} listing(s), {len(incidents)} incident(s)",
        required="0 listings, 0 incidents",
        gap=str(count_found) if count_found else None,
        gap_unit="records" if count_found else None,
    )


def _non_listed(ent: Enterprise, product: LoanProduct) -> Criterion:
    if ent.has_tag(LISTED_TAG):
        status, key, actual = Status.FAIL, "product.non_listed.fail", "listed"
    elif ent.has_tag(UNLISTED_TAG):
        status, key, actual = Status.PASS, "product.non_listed.pass", "unlisted"
    else:
        return _criterion(
            "non_listed",
            Status.UNKNOWN,
            product,
            "product.non_listed.unknown",
            {"listed": LISTED_TAG, "unlisted": UNLISTED_TAG},
            required="not listed",
            missing=(f"tags: {LISTED_TAG} | {UNLISTED_TAG}",),
        )
    tag = LISTED_TAG if status is Status.FAIL else UNLISTED_TAG
    return _criterion(
        "non_listed", status, product, key, {"tag": tag}, actual=actual, required="not listed"
    )


def _amount(product: LoanProduct, amount: Decimal) -> Criterion | None:
    caps = [
        (value, zh, en)
        for value, zh, en in (
            (product.max_single_loan, "单笔贷款上限", "single-loan cap"),
            (product.max_credit_per_firm, "单户授信上限", "per-firm credit cap"),
        )
        if value is not None
    ]
    if not caps:
        return None
    limit, which_zh, which_en = min(caps, key=lambda c: c[0])
    shown = money(amount)
    if amount <= limit:
        return _criterion(
            "amount",
            Status.PASS,
            product,
            "product.amount.pass",
            {
                "actual": shown,
                "caps_zh": "和".join(f"{zh} {money(value)} 元" for value, zh, _ in caps),
                "caps_en": " and the ".join(
                    f"{en} of {money(value)} yuan" for value, _, en in caps
                ),
            },
            actual=shown,
            required=f"<= {money(limit)}",
        )
    gap = money(amount - limit)
    return _criterion(
        "amount",
        Status.FAIL,
        product,
        "product.amount.fail",
        {
            "actual": shown,
            "limit": money(limit),
            "which_zh": which_zh,
            "which_en": which_en,
            "gap": gap,
        },
        actual=shown,
        required=f"<= {money(limit)}",
        gap=gap,
        gap_unit="yuan",
    )


def _term(product: LoanProduct, months: int) -> Criterion | None:
    if product.term_months_max is None:
        return None
    limit = product.term_months_max
    ok = months <= limit
    return _criterion(
        "term",
        Status.PASS if ok else Status.FAIL,
        product,
        f"product.term.{'pass' if ok else 'fail'}",
        {"actual": months, "limit": limit},
        actual=str(months),
        required=f"<= {limit}",
        gap=None if ok else str(months - limit),
        gap_unit=None if ok else "months",
    )


def _collateral(product: LoanProduct, collateral: Collateral) -> Criterion | None:
    if not product.collateral:
        return None
    ok = collateral in product.collateral
    return _criterion(
        "collateral",
        Status.PASS if ok else Status.FAIL,
        product,
        f"product.collateral.{'pass' if ok else 'fail'}",
        {
            "actual_zh": _names("collateral", [collateral], "zh"),
            "actual_en": _names("collateral", [collateral], "en"),
            "accepted_zh": _names("collateral", product.collateral, "zh"),
            "accepted_en": _names("collateral", product.collateral, "en"),
        },
        actual=collateral.value,
        required="one of: " + ", ".join(c.value for c in product.collateral),
    )


def _notes(
    ent: Enterprise,
    product: LoanProduct,
    as_of: dt.date,
    qualification: Criterion | None,
    hints: bool,
) -> tuple[Message, ...]:
    notes: list[Message] = []
    if product.tag is ProvenanceTag.ILLUSTRATIVE:
        notes.append(message("product.note.illustrative"))
    notes.extend(
        message("names.free_text", text_zh=zh, text_en=en) for zh, en in product.assumptions
    )
    if hints and qualification is not None and qualification.status is not Status.PASS:
        could = [
            rule
            for qual, rule in _RULE_OF.items()
            if qual in product.qualifications and evaluate(rule, ent, as_of).eligible
        ]
        if could:
            notes.append(message("product.note.hint", rules=", ".join(could)))
    return tuple(notes)


def _check_day(as_of: Any) -> dt.date:
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise InvalidInput("as_of must be a datetime.date (not a datetime)", path="as_of")
    return as_of


def _verdict(
    ent: Enterprise,
    product: LoanProduct,
    as_of: dt.date,
    ctx: Ctx,
    amount: Decimal | None,
    term_months: int | None,
    collateral: Collateral | None,
    hints: bool,
) -> ProductVerdict:
    if not product.in_force(as_of):
        msg = message(
            "product.in_force.not_applicable",
            product=product.name_zh,
            day=as_of.isoformat(),
            window=product.window,
        )
        crit = Criterion(
            code="in_force",
            status=Status.NOT_APPLICABLE,
            source=product.source,
            message=msg,
            actual=as_of.isoformat(),
            required=product.window,
        )
        return ProductVerdict(
            product, as_of, Outcome.NOT_APPLICABLE, (crit,), notes=(msg,), enterprise_id=ent.id
        )
    criteria: list[Criterion] = []
    if product.region:
        criteria.append(_region(ent, product))
    qualification = None
    if product.qualifications:
        qualification = _qualification(ent, product, as_of, ctx)
        criteria.append(qualification)
    if product.revenue_cap is not None:
        criteria.append(
            _cap("revenue_cap", ent, product, as_of, product.revenue_cap, "sales_revenue", "yuan")
        )
    if product.staff_cap is not None:
        criteria.append(
            _cap("staff_cap", ent, product, as_of, product.staff_cap, "employees", "persons")
        )
    if product.credit_record is not None:
        criteria.append(_credit_record(ent, product, as_of))
    if product.non_listed:
        criteria.append(_non_listed(ent, product))
    optional = [
        _amount(product, amount) if amount is not None else None,
        _term(product, term_months) if term_months is not None else None,
        _collateral(product, collateral) if collateral is not None else None,
    ]
    criteria.extend(c for c in optional if c is not None)
    return ProductVerdict(
        product=product,
        as_of=as_of,
        status=combine(criteria),
        criteria=tuple(criteria),
        failed=tuple(c.code for c in criteria if c.status is Status.FAIL),
        missing=tuple(m for c in criteria if c.status is Status.UNKNOWN for m in c.missing),
        notes=_notes(ent, product, as_of, qualification, hints),
        enterprise_id=ent.id,
    )


def eligible_products(
    enterprise: Enterprise,
    catalogue: Iterable[LoanProduct],
    as_of: dt.date,
    *,
    amount: Decimal | int | str | None = None,
    term_months: int | None = None,
    collateral: Collateral | str | None = None,
    hints: bool = False,
) -> list[ProductVerdict]:
    """Which products of ``catalogue`` ``enterprise`` can get on ``as_of``, and why.

    Args:
        enterprise: The enterprise.
        catalogue: The products (e.g. :func:`load_products` or :func:`bundled_products`).
        as_of: The day of the answer: certificates and IP must be valid then, the
            revenue and staff caps look at the accounting year before, the credit
            record at the look-back window ending then.
        amount: A loan amount in yuan to check against the single-loan and per-firm caps.
        term_months: A term to check against the product's longest term.
        collateral: A form of security to check against those the product accepts.
        hints: When a certified qualification is missing, run the HNTE / tech-SME /
            innovative-SME rules and add a note if the enterprise meets one of them.

    Returns:
        One verdict per product: eligible first, then undetermined, ineligible and not
        applicable (not offered on ``as_of``); by product id within each.

    Raises:
        kejiservice.errors.InvalidInput: A bad ``as_of``, amount, term or collateral,
            or two products with the same id.
    """
    day = _check_day(as_of)
    money_ = None if amount is None else check_amount(amount, "amount")
    if term_months is not None and (
        isinstance(term_months, bool) or not isinstance(term_months, int) or term_months <= 0
    ):
        raise InvalidInput("term_months must be a positive integer", path="term_months")
    security: Collateral | None = None
    if collateral is not None:
        try:
            security = Collateral(collateral)
        except ValueError:
            choices = ", ".join(c.value for c in Collateral)
            raise InvalidInput(
                f"unknown collateral {collateral!r}; one of {choices}", path="collateral"
            ) from None
    products = list(catalogue)
    ids = [p.id for p in products]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidInput(f"duplicate product ids: {', '.join(duplicates)}", path="catalogue")
    ctx = Ctx(enterprise, day, national(), {})
    verdicts = [
        _verdict(enterprise, p, day, ctx, money_, term_months, security, hints) for p in products
    ]
    verdicts.sort(key=lambda v: (_ORDER[v.status], v.product.id))
    return verdicts
