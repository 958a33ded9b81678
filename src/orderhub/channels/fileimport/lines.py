"""Lines and money of an imported order: prices, discounts and the stated total. Pure.

Judgement calls:
- A line's unit price is the unit-price column; without one it is the line total (price ×
  quantity) or the line amount (after its discount) divided by the quantity. When that does
  not divide evenly (拼多多 states only 商品总价, e.g. 10.00 for 3) the unit price is rounded up
  to the cent and the excess becomes a line discount, so the line still adds up exactly.
- A line discount is the line-discount column, or price × quantity − line amount.
- The export's stated paid amount is the order total. lines − discounts + shipping is computed;
  when the stated amount is lower, the difference is an order discount the export did not
  itemise (coupons, platform subsidies) and goes into `order_discount` (and is reported as
  `inferred`); nothing is spread over lines. When it is higher no rule explains it: the stated
  total is kept so `validate_order` reports AMOUNT_MISMATCH. An unpaid order stating 0 paid
  takes the stated amount due (淘宝 总金额) as its total, or the computed one without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from orderhub.channels.fileimport.cells import CellError, parse_amount, parse_quantity
from orderhub.channels.fileimport.reader import Row
from orderhub.orders.domain import LineDraft

ZERO = Decimal(0)
CENT = Decimal("0.01")


class GroupError(Exception):
    """Why the rows of one order cannot become a draft (code, message, field)."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@dataclass(frozen=True, slots=True)
class StatedMoney:
    """What the export says about the order's money (None: the total is not stated)."""

    total: Decimal | None
    shipping: Decimal
    discount: Decimal
    payable: Decimal | None = None


class LineReader:
    """Reads line items from rows, with the column keys resolved once per file."""

    def __init__(self, key: Mapping[str, str]) -> None:
        self.key = key
        # "" is never a header key (blank headers are named "column N"): a missing column.
        self.line_keys = tuple(
            key.get(f, "") for f in ("title", "spec", "sku_code", "platform_sku_id")
        )

    def lines(self, rows: Sequence[Row]) -> tuple[LineDraft, ...]:
        """One line per row; a row repeated verbatim (overlapping exports) counts once."""
        lines: list[LineDraft] = []
        seen: dict[str, Row] = {}
        line_key = self.key.get("line_id")
        for row in rows:
            if line_key is not None and row[line_key]:
                earlier = seen.get(row[line_key])
                if earlier is not None:
                    if dict(earlier) == dict(row):
                        continue  # the same row twice (overlapping exports): keep one
                    raise conflict(line_key, earlier, "", row, "", duplicate=True)
                seen[row[line_key]] = row
            lines.append(self._line(row, len(lines)))
        return tuple(lines)

    def _line(self, row: Row, index: int) -> LineDraft:
        quantity = self._quantity(row, index)
        price, discount = self._price(row, quantity, index)
        title, spec, sku, sku_id = self.line_keys
        return LineDraft(
            title=row.get(title, ""),
            quantity=quantity,
            unit_price=price,
            discount=discount,
            sku_code=row.get(sku) or None,
            platform_sku_id=row.get(sku_id) or None,
            spec=row.get(spec, ""),
        )

    def _quantity(self, row: Row, index: int) -> int:
        key = self.key["quantity"]
        try:
            quantity = parse_quantity(row[key])
        except CellError as exc:
            raise cell_error(exc, row, key, f"lines[{index}].quantity") from None
        if quantity is None:
            raise GroupError(
                "IMPORT_BAD_NUMBER", f"row {row.number}: {key} is empty", f"lines[{index}].quantity"
            )
        return quantity

    def _line_amount(self, row: Row, name: str, index: int) -> Decimal | None:
        key = self.key.get(name)
        if key is None:
            return None
        try:
            return parse_amount(row[key])
        except CellError as exc:
            raise cell_error(exc, row, key, f"lines[{index}].{name}") from None

    def _price(self, row: Row, quantity: int, index: int) -> tuple[Decimal, Decimal]:
        unit = self._line_amount(row, "unit_price", index)
        discount = self._line_amount(row, "line_discount", index)
        if unit is None:
            gross = self._line_amount(row, "line_total", index)
            if gross is None:
                net = self._line_amount(row, "line_amount", index)
                gross = None if net is None else net + (discount or ZERO)
            if gross is None:
                where = f"lines[{index}].unit_price"
                raise GroupError("IMPORT_BAD_NUMBER", f"row {row.number}: no price", where)
            unit, rounding = unit_from_gross(gross, quantity)
            discount = (discount or ZERO) + rounding
        if discount is None:
            net = self._line_amount(row, "line_amount", index)
            discount = ZERO if net is None else unit * quantity - net
        return unit, discount


@dataclass(frozen=True, slots=True)
class Reconciled:
    total: Decimal
    shipping: Decimal
    discount: Decimal
    inferred: Decimal


def reconcile(lines: Sequence[LineDraft], money: StatedMoney, *, unpaid: bool) -> Reconciled:
    """The order's total, shipping and discount from what the export states (see module doc)."""
    goods = sum((line.amount for line in lines), ZERO)
    computed = goods - money.discount + money.shipping
    stated = money.total
    if unpaid and not stated:
        stated = money.payable  # nothing paid yet: the amount due is what the order is worth
    if stated is None or (unpaid and stated == ZERO):
        return Reconciled(computed, money.shipping, money.discount, ZERO)
    if stated < computed:
        inferred = computed - stated
        return Reconciled(stated, money.shipping, money.discount + inferred, inferred)
    return Reconciled(stated, money.shipping, money.discount, ZERO)


def unit_from_gross(gross: Decimal, quantity: int) -> tuple[Decimal, Decimal]:
    if quantity <= 0:
        return gross, ZERO
    unit = gross / quantity
    if unit * quantity == gross:
        return unit, ZERO
    unit = unit.quantize(CENT, rounding=ROUND_CEILING)
    return unit, unit * quantity - gross


def cell_error(exc: CellError, row: Row, key: str, field: str) -> GroupError:
    return GroupError(exc.code, f"row {row.number}, column {key}: {exc.message}", field)


def conflict(
    key: str, first: Row, a: str, other: Row, b: str, *, duplicate: bool = False
) -> GroupError:
    if duplicate:
        message = f"rows {first.number} and {other.number} repeat {key} {other[key]!r} with different values"
    else:
        message = f"rows {first.number} and {other.number} disagree on {key}: {a!r} vs {b!r}"
    return GroupError("IMPORT_INCONSISTENT_ORDER", message, key)
