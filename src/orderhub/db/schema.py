"""The tables. Hot tables are keyed so they could be distributed (orders/lines/events by order id)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from orderhub.db.types import Amount, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_N_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BIGINT ids on PostgreSQL; SQLite needs plain INTEGER for its rowid alias to autoincrement.
Id = BigInteger().with_variant(Integer(), "sqlite")

shops = Table(
    "shops",
    metadata,
    Column("id", Id, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("platform", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("home_province", String(64), nullable=False, server_default=""),
    Column("credentials", JSON, nullable=True),  # never listed, logged or returned by the API
    Column("settings", JSON, nullable=True),
    Column("pull_enabled", Boolean, nullable=False, server_default="0"),
    Column("pull_interval_minutes", Integer, nullable=False, server_default="15"),
    Column("created_at", UTCDateTime, nullable=False),
)

customers = Table(
    "customers",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(128), nullable=False, server_default=""),
    Column("phone", String(64), nullable=False, server_default=""),
    Column("email", String(254), nullable=False, server_default=""),
    Column("blacklisted", Boolean, nullable=False, server_default="0"),
    Column("blacklist_reason", Text, nullable=False, server_default=""),
    Column("customer_type", String(16), nullable=False, server_default="retail"),
    Column("credit_rating", String(8), nullable=False, server_default=""),
    Column("credit_limit", Amount, nullable=True),  # wholesale: unpaid orders may not exceed it
    Column("created_at", UTCDateTime, nullable=False),
)

customer_identities = Table(
    "customer_identities",
    metadata,
    Column("id", Id, primary_key=True),
    Column("customer_id", Id, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),  # e.g. "buyer:taobao", "phone", "email"
    Column("value", String(254), nullable=False),
    UniqueConstraint("kind", "value"),
    Index(None, "customer_id"),
)

skus = Table(
    "skus",
    metadata,
    Column("id", Id, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("title", String(255), nullable=False),
    Column("product_code", String(64), nullable=False, server_default=""),  # variants share it
    Column("category", String(64), nullable=False, server_default=""),
    Column("attributes", JSON, nullable=False),
    Column("price", Amount, nullable=False),
    Column("cost", Amount, nullable=True),
    Column("currency", String(3), nullable=False, server_default="CNY"),
    Column("weight_g", Integer, nullable=False, server_default="0"),
    Column("barcode", String(32), nullable=True),
    Column("is_bundle", Boolean, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
)

bundle_components = Table(
    "bundle_components",
    metadata,
    Column("bundle_sku_id", Id, ForeignKey("skus.id", ondelete="CASCADE"), primary_key=True),
    Column("component_sku_id", Id, ForeignKey("skus.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

warehouses = Table(
    "warehouses",
    metadata,
    Column("id", Id, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("region", String(32), nullable=False, server_default=""),
    Column("province", String(64), nullable=False),
    Column("city", String(64), nullable=False),
    Column("district", String(64), nullable=False, server_default=""),
    Column("street", String(512), nullable=False, server_default=""),
    Column("active", Boolean, nullable=False, server_default="1"),
)

stock = Table(
    "stock",
    metadata,
    Column("warehouse_id", Id, ForeignKey("warehouses.id"), primary_key=True),
    Column("sku_id", Id, ForeignKey("skus.id"), primary_key=True),
    Column("on_hand", Integer, nullable=False, server_default="0"),
    Column("reserved", Integer, nullable=False, server_default="0"),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True),
    Column("shop_id", Id, ForeignKey("shops.id"), nullable=False),
    Column("platform_order_id", String(64), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("order_type", String(16), nullable=False),
    Column("status", String(20), nullable=False),
    Column("payment_status", String(20), nullable=False),
    Column("channel_state", String(20), nullable=False, server_default="paid"),
    Column("platform_status", String(128), nullable=False, server_default=""),
    Column("currency", String(3), nullable=False),
    Column("goods_amount", Amount, nullable=False),
    Column("discount_amount", Amount, nullable=False),
    Column("shipping_fee", Amount, nullable=False),
    Column("tax_amount", Amount, nullable=False, server_default="0"),
    Column("total_amount", Amount, nullable=False),
    Column("buyer_id", String(128), nullable=True),
    Column("buyer_nick", String(128), nullable=True),
    Column("buyer_email", String(254), nullable=True),
    Column("buyer_note", Text, nullable=False, server_default=""),
    Column("seller_note", Text, nullable=False, server_default=""),
    Column("receiver_name", String(128), nullable=False),
    Column("receiver_phone", String(64), nullable=False),
    Column("receiver_country", String(2), nullable=False),
    Column("receiver_province", String(64), nullable=False),
    Column("receiver_city", String(64), nullable=False),
    Column("receiver_district", String(64), nullable=False),
    Column("receiver_street", String(512), nullable=False),
    Column("receiver_postcode", String(32), nullable=False),
    Column("customer_id", Id, ForeignKey("customers.id"), nullable=True),
    Column("receiver_division_code", String(12), nullable=False, server_default=""),
    Column("address_confidence", Integer, nullable=True),  # percent, set by cleaning
    Column("phone_kind", String(16), nullable=False, server_default=""),
    Column("phone_key", String(64), nullable=False, server_default=""),
    Column("cleaned_at", UTCDateTime, nullable=True),
    Column("do_not_merge", Boolean, nullable=False, server_default="0"),
    # No FK: SQLite would have to rebuild the orders table (and every table pointing at it).
    Column("merged_into_id", Id, nullable=True),
    Column("is_presale", Boolean, nullable=False, server_default="0"),
    Column("seller_flags", JSON, nullable=True),  # flags the seller set (platform flag, manual)
    Column("tags", JSON, nullable=True),  # tags added by review rules
    Column("priority", Integer, nullable=False, server_default="0"),
    Column("preferred_warehouse", String(64), nullable=False, server_default=""),
    Column("preferred_carrier", String(64), nullable=False, server_default=""),
    Column("reviewed_at", UTCDateTime, nullable=True),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("paid_at", UTCDateTime, nullable=True),
    Column("platform_updated_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("shop_id", "platform_order_id"),
    Index(None, "placed_at", "id"),
    Index(None, "status", "placed_at"),
    Index(None, "shop_id", "placed_at"),
    Index(None, "receiver_phone"),
    Index(None, "receiver_name"),
    Index(None, "platform_order_id"),
    Index(None, "customer_id"),
    Index(None, "phone_key"),  # same-buyer checks: duplicates, merge candidates
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku_id", Id, ForeignKey("skus.id"), nullable=True),
    Column("sku_code", String(64), nullable=True),
    Column("platform_sku_id", String(64), nullable=True),
    Column("title", String(255), nullable=False),
    Column("spec", String(255), nullable=False, server_default=""),
    Column("bundle_sku_code", String(64), nullable=True),  # set on lines expanded from a bundle
    Column("origin_order_id", Id, nullable=True),  # the order a merged or split line came from
    Column("origin_line_no", Integer, nullable=True),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Amount, nullable=False),
    Column("discount", Amount, nullable=False),
    Column("is_gift", Boolean, nullable=False, server_default="0"),  # added by a review rule
    UniqueConstraint("order_id", "line_no"),
    Index(None, "sku_code"),  # gifts still promised, lines of a SKU (analytics, returns)
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

order_events = Table(
    "order_events",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("from_status", String(20), nullable=True),
    Column("to_status", String(20), nullable=True),
    Column("actor", String(128), nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("data", JSON, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "order_id", "id"),
)

channel_orders = Table(
    "channel_orders",
    metadata,
    Column("id", Id, primary_key=True),
    Column("shop_id", Id, ForeignKey("shops.id"), nullable=False),
    Column("platform_order_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # verbatim, never edited
    Column("payload_sha256", String(64), nullable=False),
    Column("platform_updated_at", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=True),
    UniqueConstraint("shop_id", "platform_order_id"),
    Index(None, "order_id"),
)

# Payloads that could not become orders: kept verbatim with the reason, until replayed or discarded.
quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Id, primary_key=True),
    Column("shop_id", Id, ForeignKey("shops.id"), nullable=True),
    Column("source", String(16), nullable=False),  # webhook | pull | import | api
    Column("source_ref", String(255), nullable=False, server_default=""),
    Column("platform_order_id", String(64), nullable=True),
    Column("raw", LargeBinary, nullable=False),
    Column("error_code", String(64), nullable=False),
    Column("error_field", String(128), nullable=False, server_default=""),
    Column("error_message", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="open"),
    Column("attempts", Integer, nullable=False, server_default="1"),
    Column("received_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("resolved_by", String(128), nullable=True),
    Column("resolution_note", Text, nullable=False, server_default=""),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=True),
    Index(None, "status", "received_at"),
    Index(None, "shop_id", "status"),
)

# Refused webhooks and other security-relevant happenings; never holds the refused body's data.
security_events = Table(
    "security_events",
    metadata,
    Column("id", Id, primary_key=True),
    Column("shop_id", Id, ForeignKey("shops.id"), nullable=True),
    Column("kind", String(64), nullable=False),
    Column("remote_addr", String(64), nullable=False, server_default=""),
    Column("detail", JSON, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "created_at"),
)

# Where each shop's incremental pull stands; saved in the same transaction as the page's orders.
pull_cursors = Table(
    "pull_cursors",
    metadata,
    Column("shop_id", Id, ForeignKey("shops.id"), primary_key=True),
    Column("synced_until", UTCDateTime, nullable=True),  # every update before this is in
    Column("window_start", UTCDateTime, nullable=True),  # the window being pulled, if any
    Column("window_end", UTCDateTime, nullable=True),
    Column("page_token", Text, nullable=True),
    Column("pages", Integer, nullable=False, server_default="0"),
    Column("last_run_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("locked_by", String(128), nullable=True),
    Column("locked_until", UTCDateTime, nullable=True),
)

# Platform SKU ids mapped by the seller to our SKUs; scope is a shop code or "*" for every shop.
sku_mappings = Table(
    "sku_mappings",
    metadata,
    Column("id", Id, primary_key=True),
    Column("scope", String(64), nullable=False),
    Column("platform_sku_id", String(64), nullable=False),
    Column("sku_id", Id, ForeignKey("skus.id"), nullable=True),
    # …or a product: the variant is then chosen from the line's spec text (spec aliases).
    Column("product_code", String(64), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(128), nullable=False),
    UniqueConstraint("scope", "platform_sku_id"),
)

# Why an order waits (an order can wait for several reasons at once); released ones stay as history.
order_holds = Table(
    "order_holds",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(32), nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("released_at", UTCDateTime, nullable=True),
    Column("released_by", String(128), nullable=True),
    Index(None, "order_id"),
    Index(None, "code", "released_at"),
)

# Seller-editable settings as JSON documents by key (spec aliases, grade rules, merge policy …).
settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(128), nullable=False),
)


# Tables of later capabilities live in their own modules on the same metadata.
from orderhub.db import schema_inventory, schema_review  # noqa: E402, F401
