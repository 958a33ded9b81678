"""Platform SKUs to our SKUs, and bundles (组合装) into their component lines. Pure.

Resolution of a line, first match wins: the seller's own code on the platform (商家编码 /
outer SKU id) when it is one of our SKU codes; a mapping for this shop's platform SKU id; a
mapping for that platform SKU id in any shop. A line that matches nothing is unmapped
(`SKU_UNMAPPED`), never guessed.

Bundle price rule (stated, exact): the bundle line's gross amount (unit price × quantity) and
its discount are each shared among the components in proportion to the components' list
value (list price × component quantity); shares are cut to the cent and the cents left over go
to the components with the largest remainders (ties: the first listed). So the component lines
always add up to the bundle line to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from orderhub.normalize.specs import SpecAliases, default_aliases, match_variant
from orderhub.orders.domain import LineDraft

CENT = Decimal("0.01")
UNIT = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class SkuInfo:
    code: str
    title: str
    price: Decimal
    components: tuple[tuple[str, int], ...] = ()  # a bundle's (component code, quantity)
    product: str = ""  # variants of one product share it
    attributes: tuple[tuple[str, str], ...] = ()  # e.g. (("colour", "黑色"), ("size", "XL"))

    @property
    def is_bundle(self) -> bool:
        return bool(self.components)


@dataclass(slots=True)
class SkuCatalog:
    skus: dict[str, SkuInfo] = field(default_factory=dict)
    mappings: dict[tuple[str | None, str], str] = field(default_factory=dict)  # (shop, id) -> code
    product_mappings: dict[tuple[str | None, str], str] = field(default_factory=dict)
    aliases: SpecAliases = field(default_factory=default_aliases)

    def variants(self, product: str) -> dict[str, dict[str, str]]:
        return {s.code: dict(s.attributes) for s in self.skus.values() if s.product == product}

    def map(self, platform_sku_id: str, sku_code: str, *, shop: str | None = None) -> None:
        if sku_code not in self.skus:
            raise KeyError(f"unknown SKU {sku_code!r}")
        self.mappings[(shop, platform_sku_id)] = sku_code


@dataclass(frozen=True, slots=True)
class Resolution:
    sku_code: str | None
    reason: str


def resolve_line(line: LineDraft, shop: str, catalog: SkuCatalog) -> Resolution:
    """Which of our SKUs a platform line is, and why."""
    if line.sku_code and line.sku_code in catalog.skus:
        return Resolution(line.sku_code, f"seller code {line.sku_code} is our SKU")
    pid = line.platform_sku_id
    if pid:
        for key, where in (((shop, pid), f"shop {shop}"), ((None, pid), "all shops")):
            code = catalog.mappings.get(key)
            if code is not None:
                return Resolution(code, f"platform SKU {pid} is mapped to {code} ({where})")
        for key in ((shop, pid), (None, pid)):
            product = catalog.product_mappings.get(key)
            if product is not None:
                return _variant(line, product, catalog)
    what = f"platform SKU {pid}" if pid else "a line without a platform SKU id"
    code_text = f" and seller code {line.sku_code}" if line.sku_code else ""
    return Resolution(None, f"SKU_UNMAPPED: {what}{code_text} ({line.title}) is not mapped")


def _variant(line: LineDraft, product: str, catalog: SkuCatalog) -> Resolution:
    """Pick the product's variant named by the line's spec text (through the alias tables)."""
    found = match_variant(line.spec, catalog.variants(product), catalog.aliases)
    if found.sku_code is not None:
        return Resolution(found.sku_code, f"spec '{line.spec}' is {found.sku_code} of {product}")
    return Resolution(
        None, f"SKU_UNMAPPED: spec '{line.spec}' of product {product}: {found.reason}"
    )


def expand_bundle(line: LineDraft, bundle: SkuInfo, catalog: SkuCatalog) -> list[LineDraft]:
    """The bundle line as component lines whose amounts add up exactly to the bundle line's."""
    parts = [(catalog.skus[code], qty) for code, qty in bundle.components]
    weights = [part.price * qty for part, qty in parts]
    gross = line.unit_price * line.quantity
    gross_shares = share(gross, weights)
    discount_shares = share(line.discount, weights)
    lines = []
    for (part, qty), gross_share, discount in zip(
        parts, gross_shares, discount_shares, strict=True
    ):
        quantity = qty * line.quantity
        unit, excess = _unit_price(gross_share, quantity)
        lines.append(
            LineDraft(
                title=part.title,
                quantity=quantity,
                unit_price=unit,
                discount=discount + excess,
                sku_code=part.code,
                platform_sku_id=line.platform_sku_id,
                spec=f"{bundle.code}: {line.spec}".rstrip(": ") if line.spec else bundle.code,
            )
        )
    return lines


def share(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` split by `weights` to the cent (largest remainder); the parts sum to `amount`."""
    total = sum(weights, Decimal(0))
    if total <= 0:
        weights, total = [Decimal(1)] * len(weights), Decimal(len(weights))
    exact = [amount * w / total for w in weights]
    cut = [x.quantize(CENT, rounding=ROUND_FLOOR) for x in exact]
    left = int(((amount - sum(cut, Decimal(0))) / CENT).to_integral_value())
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - cut[i]), i))
    for i in order[:left]:
        cut[i] += CENT
    return cut


def _unit_price(gross: Decimal, quantity: int) -> tuple[Decimal, Decimal]:
    """Unit price (4 places, rounded up) and the excess that goes into the line discount."""
    unit = (gross / quantity).quantize(UNIT, rounding=ROUND_CEILING)
    return unit, unit * quantity - gross


def resolve_lines(
    lines: Sequence[LineDraft], shop: str, catalog: SkuCatalog
) -> tuple[list[LineDraft], list[str]]:
    """All lines resolved (bundles expanded), or the reasons some could not be."""
    resolved: list[LineDraft] = []
    problems: list[str] = []
    for line in lines:
        found = resolve_line(line, shop, catalog)
        if found.sku_code is None:
            problems.append(found.reason)
            continue
        sku = catalog.skus[found.sku_code]
        if sku.is_bundle:
            resolved += expand_bundle(line, sku, catalog)
        else:
            resolved.append(_with_code(line, sku.code))
    return resolved, problems


def _with_code(line: LineDraft, code: str) -> LineDraft:
    return LineDraft(
        title=line.title,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount=line.discount,
        sku_code=code,
        platform_sku_id=line.platform_sku_id,
        spec=line.spec,
    )


def catalog_of(
    skus: Sequence[SkuInfo], mappings: Mapping[tuple[str | None, str], str]
) -> SkuCatalog:
    return SkuCatalog(skus={s.code: s for s in skus}, mappings=dict(mappings))
