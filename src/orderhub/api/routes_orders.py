"""`/api/v1/orders`: list and search, one order with its events, manual orders, status changes."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response

from orderhub.api.deps import ActorDep, EngineDep
from orderhub.api.schemas import (
    ManualOrderIn,
    OrderOut,
    OrderPageOut,
    OrderSummaryOut,
    TransitionIn,
    TransitionOut,
)
from orderhub.db import orders_repo
from orderhub.orders.actions import transition_audited
from orderhub.orders.domain import Address, LineDraft, OrderDraft, utc_now
from orderhub.orders.errors import OrderNotFound
from orderhub.orders.lifecycle import OrderStatus
from orderhub.orders.manual import create_manual_order, new_order_no
from orderhub.orders.views import OrderFilter
from orderhub.pipeline.allocate import allocation_view
from orderhub.pipeline.review_actions import explanation

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.get("/orders", response_model=OrderPageOut)
def list_orders(
    engine: EngineDep,
    status: Annotated[list[OrderStatus] | None, Query(description="one or more statuses")] = None,
    shop: Annotated[str | None, Query(max_length=64, description="shop code")] = None,
    placed_from: Annotated[datetime | None, Query(description="inclusive, ISO 8601")] = None,
    placed_to: Annotated[datetime | None, Query(description="exclusive, ISO 8601")] = None,
    q: Annotated[
        str | None, Query(max_length=128, description="order number, phone or name")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> OrderPageOut:
    filters = OrderFilter(
        statuses=tuple(s.value for s in status or ()),
        shop_code=shop,
        placed_from=placed_from,
        placed_to=placed_to,
        text=q,
    )
    with engine.connect() as conn:
        page = orders_repo.list_orders(conn, filters, limit=limit, cursor=cursor)
    return OrderPageOut(
        items=[OrderSummaryOut.of(s) for s in page.items], next_cursor=page.next_cursor
    )


@router.get("/orders/{order_id}", response_model=OrderOut)
def get_order(order_id: int, engine: EngineDep) -> OrderOut:
    with engine.connect() as conn:
        detail = orders_repo.get_order(conn, order_id)
        review = explanation(conn, order_id) if detail is not None else None
        allocation = allocation_view(conn, order_id) if detail is not None else None
    if detail is None:
        raise OrderNotFound(order_id)
    return OrderOut.of_detail(detail).model_copy(
        update={"review": review, "allocation": allocation}
    )


@router.post(
    "/orders",
    response_model=OrderOut,
    status_code=201,
    responses={200: {"description": "an order with this order_no already exists"}},
)
def create_order(
    body: ManualOrderIn, engine: EngineDep, actor: ActorDep, response: Response
) -> OrderOut:
    """Create a manual order (phone, wholesale, POS). Sending the same `order_no` again is safe."""
    now = utc_now()
    draft = _draft_of(body, now)
    with engine.begin() as conn:
        order_id, created = create_manual_order(conn, body.shop, draft, actor=actor)
        detail = orders_repo.get_order(conn, order_id)
    if not created:
        response.status_code = 200
    assert detail is not None
    return OrderOut.of_detail(detail)


@router.post("/orders/{order_id}/transitions", response_model=TransitionOut)
def change_status(
    order_id: int, body: TransitionIn, engine: EngineDep, actor: ActorDep
) -> TransitionOut:
    previous = transition_audited(engine, order_id, body.status, actor=actor, reason=body.reason)
    return TransitionOut(order_id=order_id, from_status=previous, to_status=body.status.value)


def _draft_of(body: ManualOrderIn, now: datetime) -> OrderDraft:
    lines = tuple(
        LineDraft(
            title=ln.title or ln.sku_code or "",
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            discount=ln.discount,
            sku_code=ln.sku_code,
            spec=ln.spec,
        )
        for ln in body.lines
    )
    goods = sum((ln.amount for ln in lines), start=Decimal(0))
    payload = json.loads(body.model_dump_json(exclude={"placed_at"}))
    return OrderDraft(
        platform_order_id=body.order_no or new_order_no(now),
        currency=body.currency.upper(),
        lines=lines,
        receiver=Address(**body.receiver.model_dump()),
        placed_at=body.placed_at or now,
        total=goods - body.order_discount + body.shipping_fee,
        shipping_fee=body.shipping_fee,
        order_discount=body.order_discount,
        paid_at=now if body.payment_status.value != "unpaid" else None,
        platform_updated_at=now,
        payment_status=body.payment_status,
        order_type=body.order_type,
        buyer_email=body.buyer_email,
        buyer_note=body.buyer_note,
        seller_note=body.seller_note,
        raw_payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
    )
