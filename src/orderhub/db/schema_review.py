"""Review tables: versioned rule sets, each order's review decision, and the staged review queue."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from orderhub.db.schema import Id, metadata
from orderhub.db.types import UTCDateTime

# A saved rule set never changes; a new version is saved instead. One version is active.
rule_sets = Table(
    "rule_sets",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("status", String(16), nullable=False),  # draft | active | retired
    Column("note", Text, nullable=False, server_default=""),
    Column("document", JSON, nullable=False),  # {"rules": [...]} as the seller wrote it
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("activated_at", UTCDateTime, nullable=True),
    Column("activated_by", String(128), nullable=True),
)

# What review decided for an order and why; the latest row per order is the current one.
order_reviews = Table(
    "order_reviews",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("rule_set_version", Integer, nullable=True),  # None: no rule set was active
    Column("outcome", String(16), nullable=False),  # approve | review | hold | cancel
    Column("stages", JSON, nullable=False),
    Column("explanation", JSON, nullable=False),  # matched rules, facts read, actions, findings
    Column("actor", String(128), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "order_id", "id"),
)

# One row per order and stage it must pass (客审 → 财审 …); the lowest seq still open is current.
review_tasks = Table(
    "review_tasks",
    metadata,
    Column("id", Id, primary_key=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("review_id", Id, ForeignKey("order_reviews.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # waiting | pending | approved | rejected | void
    Column("why", Text, nullable=False, server_default=""),  # the rules that sent it here
    Column("rule_set_version", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", String(128), nullable=True),
    Column("decision_reason", Text, nullable=False, server_default=""),
    Index(None, "stage", "status", "order_id"),
    Index(None, "order_id", "seq"),
)
