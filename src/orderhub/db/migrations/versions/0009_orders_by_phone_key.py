"""orders by phone key

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 14:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The duplicate check of every cleaning batch looks up the buyers' recent orders by phone
    # key; without this index it read the whole day's orders in the time window.
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_phone_key"), ["phone_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_phone_key"))
