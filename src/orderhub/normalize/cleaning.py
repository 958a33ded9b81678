"""What cleaning decides for one order: its receiver normalised, its lines mapped to our SKUs
(bundles expanded), and the reasons it must wait. Pure: facts in, decision out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from orderhub.normalize.intl import check_address
from orderhub.normalize.phones import normalize_phone
from orderhub.normalize.sku_mapping import SkuCatalog, expand_bundle, resolve_line
from orderhub.orders.domain import Address, LineDraft

ADDRESS_UNRESOLVED = "ADDRESS_UNRESOLVED"
SKU_UNMAPPED = "SKU_UNMAPPED"
# Place-holders of the statistics tables some platforms send as a district (抖店: 呼和浩特 市辖区).
STATISTICS_FILLERS = ("市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True, slots=True)
class CnAddress:
    """The part of `normalize.address.NormalizedAddress` cleaning needs."""

    province: str
    city: str
    district: str
    street: str
    code: str
    confidence: float
    notes: tuple[str, ...]


CnNormalizer = Callable[[Address], CnAddress]


@dataclass(frozen=True, slots=True)
class OrderFacts:
    order_id: int
    shop_code: str
    receiver: Address
    lines: tuple[LineDraft, ...]
    channel: str = ""
    platform_order_id: str = ""
    buyer_id: str | None = None
    buyer_email: str = ""
    total: Decimal = Decimal(0)
    currency: str = "CNY"
    placed_at: datetime | None = None
    line_nos: tuple[int, ...] = ()  # the stored numbers of `lines` (default 1, 2, …)


@dataclass(slots=True)
class CleanDecision:
    order_id: int
    receiver: Address
    division_code: str
    address_confidence: int | None  # percent
    phone_kind: str
    phone_key: str
    lines: tuple[LineDraft, ...] | None  # None: lines unchanged (some unmapped)
    bundles: dict[int, str] = field(default_factory=dict)  # new line index -> bundle code
    # With `lines`: None when the lines must be written anew (a bundle expanded), else
    # (line number, new SKU code) of each line mapped in place; the others stay as stored.
    changed_lines: tuple[tuple[int, str], ...] | None = None
    holds: list[tuple[str, str]] = field(default_factory=list)  # (code, detail)
    notes: list[str] = field(default_factory=list)


def clean_order(
    facts: OrderFacts, catalog: SkuCatalog, normalize_cn: CnNormalizer, *, min_confidence: float
) -> CleanDecision:
    receiver, code, confidence, notes, hold = _receiver(
        facts.receiver, normalize_cn, min_confidence
    )
    phone = normalize_phone(facts.receiver.phone, default_country=receiver.country or "CN")
    decision = CleanDecision(
        order_id=facts.order_id,
        receiver=receiver,
        division_code=code,
        address_confidence=confidence,
        phone_kind=phone.kind.value,
        phone_key=phone.match_key,
        lines=None,
        notes=notes,
    )
    if hold:
        decision.holds.append((ADDRESS_UNRESOLVED, hold))
    if phone.reason:
        decision.notes.append(f"phone: {phone.reason}")
    _map_lines(decision, facts, catalog)
    return decision


def _map_lines(decision: CleanDecision, facts: OrderFacts, catalog: SkuCatalog) -> None:
    """Every line on one of our SKUs (bundles expanded), or a hold naming each unmapped line."""
    lines: list[LineDraft] = []
    for line in facts.lines:
        found = resolve_line(line, facts.shop_code, catalog)
        if found.sku_code is None:
            decision.holds.append((SKU_UNMAPPED, found.reason.removeprefix(f"{SKU_UNMAPPED}: ")))
            continue
        sku = catalog.skus[found.sku_code]
        if not sku.is_bundle:
            lines.append(line if line.sku_code == sku.code else replace(line, sku_code=sku.code))
            continue
        start = len(lines)
        lines += expand_bundle(line, sku, catalog)
        decision.bundles.update(dict.fromkeys(range(start, len(lines)), sku.code))
        decision.notes.append(f"bundle {sku.code} expanded into {len(lines) - start} lines")
    if not any(code == SKU_UNMAPPED for code, _ in decision.holds):
        decision.lines = tuple(lines)
        if not decision.bundles:  # same lines, same order: only re-mapped ones are written
            numbers = facts.line_nos or range(1, len(lines) + 1)
            decision.changed_lines = tuple(
                (no, b.sku_code or "")
                for no, a, b in zip(numbers, facts.lines, lines, strict=True)
                if a is not b
            )


def _receiver(
    r: Address, normalize_cn: CnNormalizer, min_confidence: float
) -> tuple[Address, str, int | None, list[str], str]:
    """(normalised receiver, division code, confidence %, notes, hold detail or "")."""
    if r.country.upper() != "CN":
        check = check_address(r.country, r.province, r.postcode, r.city)
        fixed = Address(
            name=r.name,
            phone=r.phone,
            country=check.country or r.country,
            province=check.region or r.province,
            city=r.city,
            district=r.district,
            street=r.street,
            postcode=check.postcode or r.postcode,
        )
        problems = "; ".join(check.problems)
        return fixed, "", None, list(check.problems), "" if check.ok else problems
    found = normalize_cn(r)
    street = found.street or r.street
    for filler in STATISTICS_FILLERS:
        street = street.removeprefix(filler)
    fixed = Address(
        name=r.name,
        phone=r.phone,
        country="CN",
        province=found.province or r.province,
        city=found.city or r.city,
        district=found.district or ("" if r.district in STATISTICS_FILLERS else r.district),
        street=street,
        postcode=r.postcode,
    )
    confidence = round(found.confidence * 100)
    hold = ""
    if found.confidence < min_confidence:
        hold = f"address resolved with confidence {confidence}%: {'; '.join(found.notes)}"
    return fixed, found.code, confidence, list(found.notes), hold
