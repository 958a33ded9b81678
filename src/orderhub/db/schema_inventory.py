"""Inventory tables: the append-only stock ledger, reservations, expected receipts, allocations,
safety stock and what was last published to each channel."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from orderhub.db.schema import Id, metadata
from orderhub.db.types import UTCDateTime

# Every change to `stock` is one row here, written in the same transaction as the change:
# `stock.on_hand` and `stock.reserved` always equal the sums of the deltas (`orderhub stock verify`).
stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", Id, primary_key=True),
    Column("warehouse_id", Id, ForeignKey("warehouses.id"), nullable=False),
    Column("sku_id", Id, ForeignKey("skus.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # inventory.ledger.MovementKind
    Column("on_hand_delta", Integer, nullable=False),
    Column("reserved_delta", Integer, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("reference", String(128), nullable=False, server_default=""),  # order:12, PO-…
    Column("actor", String(128), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "warehouse_id", "sku_id", "id"),
    Index(None, "reference"),
)

# Units of a SKU held in a warehouse for an order line, until shipped or released.
stock_reservations = Table(
    "stock_reservations",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("warehouse_id", Id, ForeignKey("warehouses.id"), nullable=False),
    Column("sku_id", Id, ForeignKey("skus.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # active | released | shipped
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index(None, "order_id", "status"),
    Index(None, "warehouse_id", "sku_id", "status"),
)

# Purchase orders on their way: presale orders are promised against them.
expected_receipts = Table(
    "expected_receipts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("warehouse_id", Id, ForeignKey("warehouses.id"), nullable=False),
    Column("sku_id", Id, ForeignKey("skus.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("arrival_date", Date, nullable=False),
    Column("reference", String(128), nullable=False),  # the purchase order number
    Column("status", String(16), nullable=False),  # open | received | cancelled
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index(None, "sku_id", "status"),
)

# Where each order ships from and with whom, and why (the latest row per order is current).
order_allocations = Table(
    "order_allocations",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("shipments", JSON, nullable=False),  # [{warehouse, lines, carrier, cost, reason}]
    Column("strategy", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("explanation", JSON, nullable=False),  # warehouses and carriers considered
    Column("status", String(16), nullable=False),  # current | undone
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "order_id", "id"),
)

# Safety stock: an alert when available falls under `minimum` (warehouse NULL = all warehouses).
safety_stock = Table(
    "safety_stock",
    metadata,
    Column("id", Id, primary_key=True),
    Column("sku_id", Id, ForeignKey("skus.id", ondelete="CASCADE"), nullable=False),
    Column("warehouse_id", Id, ForeignKey("warehouses.id"), nullable=True),
    Column("minimum", Integer, nullable=False),
    Column("lead_time_days", Integer, nullable=True),
    UniqueConstraint("sku_id", "warehouse_id"),
)

# A shop's listing of one of our SKUs, and the quantity last published to it.
channel_listings = Table(
    "channel_listings",
    metadata,
    Column("id", Id, primary_key=True),
    Column("shop_id", Id, ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("sku_id", Id, ForeignKey("skus.id", ondelete="CASCADE"), nullable=False),
    Column("listing_id", String(128), nullable=False),  # the platform's item/variant id
    Column("last_pushed", Integer, nullable=True),
    Column("last_pushed_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("first_changed_at", UTCDateTime, nullable=True),  # stock changed since the last push
    Column("changed_at", UTCDateTime, nullable=True),
    UniqueConstraint("shop_id", "sku_id"),
    Index(None, "sku_id"),
)
