"""Turn the rows of one order into an `OrderDraft`, or a rejection saying why not. Pure.

Judgement calls:
- Order-level fields (receiver, buyer, times, currency; and the money figures under the
  `order_level` rule) come from the first row that states them; a later row that states a
  *different* value rejects the order with IMPORT_INCONSISTENT_ORDER. Empty cells on
  continuation rows are fine (some exports only fill the first row of an order).
- Notes are not checked: per-item remarks are joined ("; ") instead.
- Status: rows of one order may differ (one 子订单 refunded, the others shipped). Closed rows
  are ignored when others are still active; a refund request wins; otherwise the least
  advanced state is taken, since the order still needs work. An after-sale column saying
  退款中 turns a paid (not yet shipped) order into REFUND_REQUESTED. Unknown status text is
  refused (IMPORT_UNKNOWN_STATUS) rather than guessed; an empty status means paid.
- Money and line prices: see `lines.py`.
- `raw_payload` / `RejectedGroup.raw`: {"source": file, "rows": [{"row": n, "cells": {header:
  text}}]} with every non-empty cell of the order's rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from orderhub.channels.fileimport.address import split_address
from orderhub.channels.fileimport.cells import (
    CellError,
    is_scientific,
    parse_amount,
    parse_time,
    zone_named,
)
from orderhub.channels.fileimport.lines import (
    ZERO,
    GroupError,
    LineReader,
    StatedMoney,
    cell_error,
    conflict,
    reconcile,
)
from orderhub.channels.fileimport.profiles import (
    ORDER_AMOUNT_FIELDS,
    ORDER_TEXT_FIELDS,
    AmountRule,
    ColumnMap,
    Profile,
)
from orderhub.channels.fileimport.reader import Row
from orderhub.channels.fileimport.status import UnknownStatus, order_state
from orderhub.orders.domain import Address, OrderDraft, Problem, validate_order
from orderhub.orders.lifecycle import PaymentStatus

_ID_FIELDS = ("order_no", "line_id", "platform_sku_id", "sku_code", "phone", "buyer_id")
_TIME_FIELDS = frozenset({"placed_at", "paid_at"})
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
_COUNTRIES = {"中国": "CN", "中国大陆": "CN", "china": "CN", "prc": "CN"}


@dataclass(frozen=True, slots=True)
class RejectedGroup:
    """Rows that could not become an order; `raw` (JSON of the rows) goes to quarantine."""

    raw: str
    platform_order_id: str | None
    code: str
    message: str
    field: str
    row_numbers: tuple[int, ...]
    problems: tuple[Problem, ...] = ()


ImportItem = OrderDraft | RejectedGroup


class OrderBuilder:
    """Builds drafts for one file: the column map is resolved once, not per row."""

    def __init__(self, profile: Profile, columns: ColumnMap, source_name: str) -> None:
        self.profile, self.columns, self.source_name = profile, columns, source_name
        self.zone = zone_named(profile.timezone)
        self.key = {name: keys[0] for name, keys in columns.keys.items()}
        self.order_fields = [(f, self.key[f]) for f in ORDER_TEXT_FIELDS if f in self.key]
        self.id_keys = frozenset(self.key[f] for f in _ID_FIELDS if f in self.key)
        self.line_reader = LineReader(self.key)

    # -- entry points ---------------------------------------------------------------------------

    def build(self, rows: Sequence[Row]) -> ImportItem:
        try:
            draft = self._draft(rows)
        except GroupError as exc:
            return self.reject(rows, exc.code, exc.message, exc.field)
        problems = validate_order(draft)
        if problems:
            code, field, message = problems[0]
            return self.reject(rows, code, message, field, tuple(problems))
        return draft

    def reject(
        self,
        rows: Sequence[Row],
        code: str,
        message: str,
        field: str = "",
        problems: tuple[Problem, ...] = (),
    ) -> RejectedGroup:
        order_no = rows[0].get(self.key["order_no"], "") or None
        numbers = tuple(row.number for row in rows)
        where = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {_span(numbers)}"
        return RejectedGroup(
            raw=self.raw_payload(rows),
            platform_order_id=order_no,
            code=code,
            message=f"{where}: {message}",
            field=field,
            row_numbers=numbers,
            problems=problems or ((code, field, message),),
        )

    def raw_payload(self, rows: Sequence[Row]) -> str:
        """The rows as JSON: header → text of every non-empty cell, with the row numbers."""
        payload = {
            "source": self.source_name,
            "rows": [{"row": row.number, "cells": _non_empty(row)} for row in rows],
        }
        return _JSON.encode(payload)

    # -- the draft ------------------------------------------------------------------------------

    def _draft(self, rows: Sequence[Row]) -> OrderDraft:
        order_no = self._order_no(rows)
        fields = self._order_fields(rows)
        lines = self.line_reader.lines(rows)
        placed, paid = self._times(fields)
        try:
            state, payment, status_text = order_state(self.profile, rows, self.key, paid)
        except UnknownStatus as exc:
            raise GroupError("IMPORT_UNKNOWN_STATUS", str(exc), "platform_status") from None
        money = reconcile(lines, self._money(rows), unpaid=payment is PaymentStatus.UNPAID)
        extra = {"import_source": self.source_name, "import_rows": _span(r.number for r in rows)}
        if money.inferred:
            extra["discount_inferred"] = str(money.inferred)
        return OrderDraft(
            platform_order_id=order_no,
            currency=(fields.get("currency") or self.profile.currency).upper(),
            lines=lines,
            receiver=self._receiver(fields),
            placed_at=placed,
            total=money.total,
            shipping_fee=money.shipping,
            order_discount=money.discount,
            paid_at=paid,
            platform_updated_at=self._updated(rows),
            payment_status=payment,
            channel_state=state,
            platform_status=status_text,
            buyer_id=fields.get("buyer_id") or None,
            buyer_nick=fields.get("buyer_nick") or None,
            buyer_note=self._note(rows, "buyer_note"),
            seller_note=self._note(rows, "seller_note"),
            raw_payload=self.raw_payload(rows),
            extra=extra,
        )

    def _order_no(self, rows: Sequence[Row]) -> str:
        order_no = rows[0][self.key["order_no"]]
        for row in rows:
            lost = row.lossy & self.id_keys
            if lost:
                header = sorted(lost)[0]
                raise GroupError(
                    "IMPORT_BAD_NUMBER",
                    f"{header} {row[header]!r} was stored as a number and has lost digits "
                    "(spreadsheets keep 15); export this column as text (or as CSV) and import again",
                    header,
                )
        if is_scientific(order_no):
            raise GroupError(
                "IMPORT_BAD_NUMBER",
                f"order number {order_no!r} is in scientific notation, its last digits are lost; "
                "export the file again without opening it in Excel, or as XLSX with text cells",
                "platform_order_id",
            )
        return order_no

    def _order_fields(self, rows: Sequence[Row]) -> dict[str, str]:
        fields: dict[str, str] = {}
        for name, key in self.order_fields:
            first_row, value = None, ""
            for row in rows:
                text = row[key]
                if not text:
                    continue
                if first_row is None:
                    first_row, value = row, text
                elif text != value and not self._same(name, text, value):
                    raise conflict(key, first_row, value, row, text)
            fields[name] = value
        return fields

    def _same(self, name: str, a: str, b: str) -> bool:
        if name not in _TIME_FIELDS:
            return False
        try:
            return parse_time(a, self.zone) == parse_time(b, self.zone)
        except CellError:
            return False

    def _times(self, fields: dict[str, str]) -> tuple[datetime, datetime | None]:
        paid = self._time(fields, "paid_at")
        placed = self._time(fields, "placed_at") or paid
        if placed is None:
            raise GroupError(
                "IMPORT_BAD_DATE", "the order has no placed (or paid) time", "placed_at"
            )
        return placed, paid

    def _time(self, fields: dict[str, str], name: str) -> datetime | None:
        text = fields.get(name, "")
        try:
            return parse_time(text, self.zone) if text else None
        except CellError as exc:
            raise GroupError(exc.code, f"{self.key[name]}: {exc.message}", name) from None

    def _updated(self, rows: Sequence[Row]) -> datetime | None:
        key = self.key.get("updated_at")
        if key is None:
            return None
        times = [self._time({"updated_at": row[key]}, "updated_at") for row in rows if row[key]]
        return max((t for t in times if t is not None), default=None)

    def _note(self, rows: Sequence[Row], name: str) -> str:
        key = self.key.get(name)
        if key is None:
            return ""
        notes = dict.fromkeys(row[key] for row in rows if row[key])
        return "; ".join(notes)

    def _receiver(self, fields: dict[str, str]) -> Address:
        province, city = fields.get("province", ""), fields.get("city", "")
        district, postcode = fields.get("district", ""), fields.get("postcode", "")
        street = _join_street(fields.get("town", ""), fields.get("street", ""))
        full = fields.get("address", "")
        if full and not (street and province):
            parts = split_address(full)
            province, city = province or parts.province, city or parts.city
            district, postcode = district or parts.district, postcode or parts.postcode
            street = street or parts.street
        country = fields.get("country", "") or self.profile.country
        return Address(
            name=fields.get("receiver_name", ""),
            phone=fields.get("phone", ""),
            country=_COUNTRIES.get(country.lower(), country.upper()),
            province=province,
            city=city,
            district=district,
            street=street,
            postcode=postcode,
        )

    # -- money ----------------------------------------------------------------------------------

    def _money(self, rows: Sequence[Row]) -> StatedMoney:
        values = {name: self._amount(rows, name) for name in ORDER_AMOUNT_FIELDS}
        return StatedMoney(
            values["total"],
            values["shipping_fee"] or ZERO,
            values["order_discount"] or ZERO,
            values["payable"],
        )

    def _amount(self, rows: Sequence[Row], name: str) -> Decimal | None:
        keys = self.columns.keys.get(name)
        if not keys:
            return None
        if self.profile.amount_rule is AmountRule.ORDER_LEVEL:
            if len(keys) == 1 and _all_same(rows, keys[0]):
                return self._row_amount(rows[0], keys, name)
            rows = _distinct_amount_rows(rows, keys)
        per_row = [(row, self._row_amount(row, keys, name)) for row in rows]
        stated = [(row, value) for row, value in per_row if value is not None]
        if not stated:
            return None
        if self.profile.amount_rule is AmountRule.ROW_SHARES:
            return sum((value for _, value in stated), ZERO)
        first_row, first = stated[0]
        for row, value in stated[1:]:
            if value != first:
                raise conflict(keys[0], first_row, str(first), row, str(value))
        return first

    def _row_amount(self, row: Row, keys: tuple[str, ...], name: str) -> Decimal | None:
        total: Decimal | None = None
        for key in keys:
            try:
                value = parse_amount(row[key])
            except CellError as exc:
                raise cell_error(exc, row, key, name) from None
            if value is not None:
                total = value if total is None else total + value
        return total


def _all_same(rows: Sequence[Row], key: str) -> bool:
    first = rows[0][key]
    return all(row[key] == first for row in rows)


def _distinct_amount_rows(rows: Sequence[Row], keys: tuple[str, ...]) -> list[Row]:
    """One row per distinct text of the amount columns (order figures repeat on every row)."""
    seen: dict[tuple[str, ...], Row] = {}
    for row in rows:
        seen.setdefault(tuple(row[key] for key in keys), row)
    return list(seen.values())


def _non_empty(row: Row) -> dict[str, str]:
    return {key: value for key, value in row.items() if value}


def _join_street(town: str, street: str) -> str:
    if town and not street.startswith(town):
        return town + street
    return street


def _span(numbers: Iterable[int]) -> str:
    return ",".join(str(n) for n in numbers)
