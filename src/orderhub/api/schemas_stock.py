"""API (and CLI) shapes of stock and allocation, and the checks and storage of the allocation
settings both of them edit: carriers, the rate table, carrier rules and a shop's strategy.

The settings use-cases live here because no service module owns them yet (they belong next to
`pipeline.allocate_inputs`, which reads the same keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection, Row, select, update

from orderhub.allocation import (
    AllocationConfig,
    AllocationConfigError,
    Carrier,
    RateTable,
    RateTableError,
    parse_carrier_rules,
)
from orderhub.db import allocation_repo, orders_repo, settings_repo, shops_repo, stock_repo
from orderhub.db.schema import shops
from orderhub.errors import BusinessError, ErrorCode
from orderhub.inventory import queries
from orderhub.inventory.actions import SkuNotFound
from orderhub.inventory.errors import StockError
from orderhub.inventory.ledger import Balance
from orderhub.orders.domain import utc_now
from orderhub.orders.errors import OrderNotFound, ShopNotFound
from orderhub.pipeline.allocate import AllocateResult
from orderhub.pipeline.allocate_inputs import CARRIER_RULES, CARRIERS, RATES

Code = Annotated[str, Field(min_length=1, max_length=64)]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]
Reason = Annotated[str, Field(max_length=2000)]  # blank: the service says STOCK_REASON_REQUIRED
Reference = Annotated[str, Field(max_length=128)]
_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReceiptIn(BaseModel):
    model_config = _STRICT
    warehouse: Code
    sku: Code
    quantity: Quantity
    reference: Reference = ""
    reason: Reason = ""


class AdjustmentIn(BaseModel):
    model_config = _STRICT
    warehouse: Code
    sku: Code
    delta: int = Field(ge=-1_000_000, le=1_000_000, description="signed: -3 writes off 3 units")
    reason: Reason


class CountIn(BaseModel):
    model_config = _STRICT
    warehouse: Code
    sku: Code
    counted: int = Field(ge=0, le=1_000_000)
    reason: Reason


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)
    source: Code = Field(alias="from")
    target: Code = Field(alias="to")
    sku: Code
    quantity: Quantity
    reason: Reason

    @model_validator(mode="after")
    def _two_warehouses(self) -> TransferIn:
        if self.source == self.target:
            raise ValueError("from and to must be different warehouses")
        return self


class SafetyIn(BaseModel):
    model_config = _STRICT
    sku: Code
    minimum: int = Field(ge=0, le=1_000_000)
    warehouse: Code | None = None
    lead_time_days: int | None = Field(default=None, ge=0, le=365)


class ExpectedReceiptIn(BaseModel):
    model_config = _STRICT
    warehouse: Code
    sku: Code
    quantity: Quantity
    arrival_date: date
    reference: Annotated[str, Field(min_length=1, max_length=128)]


class AllocationConfigInvalid(BusinessError):
    code = ErrorCode.ALLOCATION_CONFIG_INVALID


class CarrierRatesInvalid(BusinessError):
    code = ErrorCode.CARRIER_RATES_INVALID


class StockAdviceRefused(BusinessError):
    """A stock query refused its input or a stored setting (`STOCK_*` from the pure code)."""

    def __init__(self, error: StockError) -> None:
        super().__init__(error.message, **error.details)
        self.code = ErrorCode(str(error.code))


def balance_out(warehouse: str, sku: str, balance: Balance) -> dict[str, Any]:
    return {
        "warehouse": warehouse,
        "sku": sku,
        "on_hand": balance.on_hand,
        "reserved": balance.reserved,
        "available": balance.available,
    }


def settings_error(exc: AllocationConfigError | RateTableError) -> BusinessError:
    """A refused allocation setting as the business error a seller sees (field or CSV line)."""
    if isinstance(exc, RateTableError):
        return CarrierRatesInvalid(str(exc), line=exc.line, column=exc.column)
    return AllocationConfigInvalid(str(exc), field=exc.field, problem=exc.code.value)


def check_carriers(document: Any) -> list[dict[str, Any]]:
    """A JSON list of carriers, validated and normalised; codes must be unique."""
    if not isinstance(document, list):
        raise AllocationConfigInvalid("carriers: must be a list of carriers", field="carriers")
    out: list[dict[str, Any]] = []
    for item in document:
        if not isinstance(item, Mapping):
            raise AllocationConfigInvalid("carriers: each carrier is an object", field="carriers")
        try:
            carrier = Carrier.from_dict(item)
        except AllocationConfigError as exc:
            raise settings_error(exc) from None
        if any(c["code"] == carrier.code for c in out):
            field = f"carriers[{carrier.code}].code"
            raise AllocationConfigInvalid(f"{field}: listed twice", field=field)
        out.append(carrier.to_dict())
    return out


def check_rates(text: str) -> RateTable:
    try:
        return RateTable.from_csv(text)
    except RateTableError as exc:
        raise settings_error(exc) from None
    except ValueError as exc:  # the table as a whole (checked row by row first)
        raise CarrierRatesInvalid(str(exc)) from None


def check_rules(document: Any) -> list[dict[str, Any]]:
    try:
        return [rule.to_dict() for rule in parse_carrier_rules(document)]
    except AllocationConfigError as exc:
        raise settings_error(exc) from None


def check_allocation(document: Any) -> AllocationConfig:
    try:
        return AllocationConfig.from_dict(document)
    except AllocationConfigError as exc:
        raise settings_error(exc) from None


def rates_summary(table: RateTable) -> dict[str, Any]:
    return {"rows": len(table), "carriers": sorted(table.carriers), "currency": table.currency}


def carriers_view(conn: Connection) -> dict[str, Any]:
    """The stored carriers, a summary of the rate table and the carrier rules."""
    text = settings_repo.get_setting(conn, RATES)
    return {
        "carriers": settings_repo.get_setting(conn, CARRIERS) or [],
        "rates": rates_summary(check_rates(text)) if text else None,
        "rules": settings_repo.get_setting(conn, CARRIER_RULES) or [],
    }


def store_setting(conn: Connection, key: str, value: Any, *, actor: str) -> None:
    settings_repo.put_setting(conn, key, value, actor=actor, now=utc_now())


def _shop_settings(conn: Connection, code: str) -> tuple[int, dict[str, Any]]:
    shop = shops_repo.shop_by_code(conn, code)
    if shop is None:
        raise ShopNotFound(code)
    stored = conn.execute(select(shops.c.settings).where(shops.c.id == shop.id)).scalar()
    return shop.id, dict(stored or {})


def shop_allocation(conn: Connection, code: str) -> dict[str, Any]:
    """The shop's allocation settings (the defaults when it never set them)."""
    _, stored = _shop_settings(conn, code)
    return {"shop": code, **check_allocation(stored.get("allocation") or {}).to_dict()}


def store_shop_allocation(conn: Connection, code: str, document: Any) -> dict[str, Any]:
    """Validate and store `settings.allocation`, keeping the shop's other settings."""
    config = check_allocation(document)
    shop_id, stored = _shop_settings(conn, code)
    stored["allocation"] = config.to_dict()
    conn.execute(update(shops).where(shops.c.id == shop_id).values(settings=stored))
    return {"shop": code, **config.to_dict()}


def sku_atp(conn: Connection, sku: str) -> dict[str, Any]:
    """ATP of a SKU that exists (`SKU_NOT_FOUND` otherwise, not a row of zeros)."""
    if not stock_repo.sku_ids(conn, [sku]):
        raise SkuNotFound(f"there is no SKU {sku}", sku=sku)
    return queries.available_to_promise(conn, sku)


def allocation_result(result: AllocateResult) -> dict[str, int]:
    return {
        "allocated": result.allocated,
        "presale": result.presale,
        "out_of_stock": result.out_of_stock,
        "lines_reserved": result.lines_reserved,
    }


def order_allocation(conn: Connection, order_id: int) -> dict[str, Any] | None:
    """The order's current allocation (None when it has none; `ORDER_NOT_FOUND`)."""
    if not orders_repo.statuses_of(conn, [order_id]):
        raise OrderNotFound(order_id)
    row = allocation_repo.current_allocation(conn, order_id)
    return allocation_view(row) if row is not None else None


def allocation_view(row: Row[Any]) -> dict[str, Any]:
    """An order's current allocation: parcels with warehouse, lines, carrier, cost and reasons,
    and the warehouses and carriers that were considered."""
    explanation = row.explanation or {}
    return {
        "order_id": row.order_id,
        "strategy": row.strategy,
        "reason": row.reason,
        "allocated_at": row.created_at.isoformat(),
        "shipments": [
            {
                "warehouse": s["warehouse"],
                "lines": [
                    {"line_no": no, "sku": sku, "quantity": qty} for no, sku, qty in s["lines"]
                ],
                "carrier": s.get("carrier"),
                "cost": s.get("cost"),
                "carrier_reason": s.get("carrier_reason", ""),
            }
            for s in row.shipments
        ],
        "warehouses_considered": explanation.get("warehouses", []),
        "carriers_considered": explanation.get("carriers", []),
    }
