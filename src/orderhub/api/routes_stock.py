"""`/api/v1/stock…`: levels, movements (receipts, adjustments, counts, transfers), the ledger
check, ATP, safety stock, alerts, suggestions and purchase orders on their way; and allocation:
running it, an order's allocation, carriers, rates, carrier rules and each shop's strategy.

Every change to stock runs in `writer(engine)` so SQLite takes the write lock at BEGIN."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from orderhub.allocation import AllocationConfigError, RateTableError
from orderhub.api.deps import ActorDep, EngineDep
from orderhub.api.schemas_stock import (
    AdjustmentIn,
    CarrierRatesInvalid,
    CountIn,
    ExpectedReceiptIn,
    ReceiptIn,
    SafetyIn,
    StockAdviceRefused,
    TransferIn,
    allocation_result,
    balance_out,
    carriers_view,
    check_carriers,
    check_rates,
    check_rules,
    order_allocation,
    rates_summary,
    settings_error,
    shop_allocation,
    sku_atp,
    store_setting,
    store_shop_allocation,
)
from orderhub.db.engine import writer
from orderhub.inventory import actions, queries
from orderhub.inventory.errors import StockError
from orderhub.inventory.ledger import MovementKind
from orderhub.pipeline.allocate import run_allocation
from orderhub.pipeline.allocate_inputs import CARRIER_RULES, CARRIERS, RATES

router = APIRouter(prefix="/api/v1", tags=["stock"])
Days = Annotated[int, Query(ge=1, le=365)]


@router.get("/stock")
def stock_levels(
    engine: EngineDep,
    sku: Annotated[str | None, Query(max_length=64)] = None,
    warehouse: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    """On hand, reserved and available per warehouse and SKU."""
    with engine.connect() as conn:
        return queries.levels(conn, sku=sku, warehouse=warehouse)


@router.post("/stock/receipts", status_code=201)
def receive(body: ReceiptIn, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Goods received (e.g. a purchase order); the new balance."""
    with writer(engine).begin() as conn:
        key = actions.resolve(conn, body.warehouse, body.sku)
        after = actions.move(
            conn,
            key,
            MovementKind.RECEIPT,
            body.quantity,
            actor=actor,
            reason=body.reason,
            reference=body.reference,
        )
    return balance_out(body.warehouse, body.sku, after)


@router.post("/stock/adjustments", status_code=201)
def adjust(body: AdjustmentIn, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Damage, loss or found units (signed `delta`); 422 `STOCK_REASON_REQUIRED` without a
    reason, 409 `STOCK_INSUFFICIENT` below zero or below what is reserved."""
    with writer(engine).begin() as conn:
        key = actions.resolve(conn, body.warehouse, body.sku)
        after = actions.move(
            conn, key, MovementKind.ADJUSTMENT, body.delta, actor=actor, reason=body.reason
        )
    return balance_out(body.warehouse, body.sku, after)


@router.post("/stock/counts", status_code=201)
def count(body: CountIn, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """A stock count: on hand becomes `counted`; the difference is recorded."""
    with writer(engine).begin() as conn:
        key = actions.resolve(conn, body.warehouse, body.sku)
        after = actions.count(conn, key, body.counted, actor=actor, reason=body.reason)
    return balance_out(body.warehouse, body.sku, after)


@router.post("/stock/transfers", status_code=201)
def transfer(body: TransferIn, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Units from one warehouse to another in one transaction; both new balances."""
    with writer(engine).begin() as conn:
        source = actions.resolve(conn, body.source, body.sku)
        target = actions.resolve(conn, body.target, body.sku)
        out, into = actions.transfer(
            conn, source, target, body.quantity, actor=actor, reason=body.reason
        )
    return {
        "from": balance_out(body.source, body.sku, out),
        "to": balance_out(body.target, body.sku, into),
    }


@router.get("/stock/verify")
def verify(engine: EngineDep) -> dict[str, Any]:
    """Rows where stock differs from its ledger or reservations (`ok` when there are none)."""
    with engine.connect() as conn:
        problems = actions.verify(conn)
    return {"ok": not problems, "problems": problems}


@router.get("/stock/atp/{sku}")
def available_to_promise(sku: str, engine: EngineDep) -> dict[str, Any]:
    """Units promisable now and by each expected arrival date."""
    with engine.connect() as conn:
        try:
            return sku_atp(conn, sku)
        except StockError as exc:
            raise StockAdviceRefused(exc) from None


@router.put("/stock/safety")
def set_safety(body: SafetyIn, engine: EngineDep) -> dict[str, Any]:
    """Safety stock of a SKU (in one warehouse, or all together) and its purchase lead time."""
    with engine.begin() as conn:
        queries.set_safety(
            conn,
            body.sku,
            body.minimum,
            warehouse=body.warehouse,
            lead_time_days=body.lead_time_days,
        )
    return body.model_dump()


@router.get("/stock/alerts")
def alerts(engine: EngineDep) -> list[dict[str, Any]]:
    """Every safety stock threshold that available stock is under."""
    with engine.connect() as conn:
        try:
            return queries.alerts(conn)
        except StockError as exc:
            raise StockAdviceRefused(exc) from None


@router.get("/stock/suggestions")
def suggestions(engine: EngineDep, days: Days = 14, cover_days: Days = 14) -> dict[str, Any]:
    """Transfers towards warehouses short of `cover_days` of recent demand (shipments of the
    last `days` full days), and purchases for SKUs with a lead time."""
    with engine.connect() as conn:
        try:
            return queries.suggestions(conn, days=days, cover_days=cover_days)
        except StockError as exc:
            raise StockAdviceRefused(exc) from None


@router.post("/stock/expected-receipts", status_code=201)
def expect(body: ExpectedReceiptIn, engine: EngineDep) -> dict[str, Any]:
    """A purchase order line on its way; presale orders can be promised against it."""
    with engine.begin() as conn:
        receipt_id = queries.expect(
            conn,
            body.warehouse,
            body.sku,
            body.quantity,
            arrival=body.arrival_date,
            reference=body.reference,
        )
    return {"id": receipt_id, **body.model_dump(mode="json"), "status": "open"}


@router.post("/stock/expected-receipts/{reference}/arrive")
def arrive(reference: str, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """The purchase order arrived: its open lines become receipts (404
    `PURCHASE_ORDER_NOT_FOUND` when nothing of it is still on its way)."""
    with writer(engine).begin() as conn:
        received = queries.arrive(conn, reference, actor=actor)
    return {"reference": reference, "received": received}


@router.post("/allocation/run", tags=["allocation"])
def allocate(engine: EngineDep) -> dict[str, int]:
    """Give every order waiting for it a warehouse and carrier and reserve its stock."""
    try:
        result = run_allocation(engine)
    except (AllocationConfigError, RateTableError) as exc:
        raise settings_error(exc) from None
    return allocation_result(result)


@router.get("/orders/{order_id}/allocation", tags=["allocation"])
def get_order_allocation(order_id: int, engine: EngineDep) -> dict[str, Any]:
    """The order's current allocation with its reasons; `allocation` null when there is none."""
    with engine.connect() as conn:
        return {"allocation": order_allocation(conn, order_id)}


@router.get("/carriers", tags=["allocation"])
def carriers(engine: EngineDep) -> dict[str, Any]:
    """The carriers, a summary of the rate table and the carrier rules."""
    with engine.connect() as conn:
        return carriers_view(conn)


@router.put("/carriers", tags=["allocation"])
def put_carriers(body: list[Any], engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Replace the carriers (422 `ALLOCATION_CONFIG_INVALID` naming the bad field)."""
    with engine.begin() as conn:
        store_setting(conn, CARRIERS, check_carriers(body), actor=actor)
        return carriers_view(conn)


_CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"csv": {"type": "string"}},
                    "required": ["csv"],
                }
            },
        },
    }
}


async def _csv_text(request: Request) -> str:
    """The CSV of a text/csv body, or the `csv` member of a JSON body."""
    text: object = None
    try:
        text = (await request.body()).decode("utf-8-sig")
        if request.headers.get("content-type", "").startswith("application/json"):
            document = json.loads(str(text))
            text = document.get("csv") if isinstance(document, dict) else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        text = None
    if not isinstance(text, str):
        raise CarrierRatesInvalid('send the rate table as text/csv or as JSON {"csv": "..."}')
    return text


@router.put("/carrier-rates", tags=["allocation"], openapi_extra=_CSV_BODY)
async def put_rates(request: Request, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    """Replace the rate table (422 `CARRIER_RATES_INVALID` with the CSV line and column)."""
    text = await _csv_text(request)
    table = check_rates(text)

    def store() -> None:
        with engine.begin() as conn:
            store_setting(conn, RATES, text, actor=actor)

    await run_in_threadpool(store)
    return rates_summary(table)


@router.put("/carrier-rules", tags=["allocation"])
def put_rules(body: list[Any], engine: EngineDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Replace the seller's carrier rules (422 naming the rule and key that is wrong)."""
    rules = check_rules(body)
    with engine.begin() as conn:
        store_setting(conn, CARRIER_RULES, rules, actor=actor)
    return rules


@router.get("/shops/{code}/allocation", tags=["allocation"])
def get_shop_allocation(code: str, engine: EngineDep) -> dict[str, Any]:
    """The shop's warehouse strategy (the defaults until it is set)."""
    with engine.connect() as conn:
        return shop_allocation(conn, code)


@router.put("/shops/{code}/allocation", tags=["allocation"])
def put_shop_allocation(code: str, body: dict[str, Any], engine: EngineDep) -> dict[str, Any]:
    """Set the shop's warehouse strategy (422 `ALLOCATION_CONFIG_INVALID` naming the field)."""
    with engine.begin() as conn:
        return store_shop_allocation(conn, code, body)
