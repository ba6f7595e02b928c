"""channels: per-order sync state, per-SKU available-to-sell state and log, push outbox

Revision ID: channels_1
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "channels_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def _utc():
    return oms_desktop.model.base.UtcDateTime()


def _channel_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["channel_id"], ["channels.id"],
                                   name=op.f(f"fk_{table}_channel_id_channels"))


def upgrade() -> None:
    op.create_table(
        "channel_order_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("remote_updated_at", _utc(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("synced_at", _utc(), nullable=False),
        _channel_fk("channel_order_states"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_channel_order_states_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_order_states")),
        sa.UniqueConstraint("channel_id", "external_id",
                            name=op.f("uq_channel_order_states_channel_id_external_id")),
    )
    with op.batch_alter_table("channel_order_states") as batch_op:
        batch_op.create_index(batch_op.f("ix_channel_order_states_order_id"), ["order_id"])
    op.create_table(
        "channel_sku_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("ours", sa.Integer(), nullable=False),
        sa.Column("pushed", sa.Integer(), nullable=True),
        sa.Column("channel_quantity", sa.Integer(), nullable=True),
        sa.Column("pushed_at", _utc(), nullable=True),
        sa.Column("checked_at", _utc(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _channel_fk("channel_sku_levels"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_sku_levels")),
        sa.UniqueConstraint("channel_id", "sku", name=op.f("uq_channel_sku_levels_channel_id_sku")),
    )
    op.create_table(
        "inventory_sync_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("ours", sa.Integer(), nullable=False),
        sa.Column("channel_before", sa.Integer(), nullable=True),
        sa.Column("sent", sa.Integer(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("at", _utc(), nullable=False),
        _channel_fk("inventory_sync_log"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_sync_log")),
    )
    op.create_index("ix_inventory_sync_log_channel_sku", "inventory_sync_log",
                    ["channel_id", "sku", "at"])
    op.create_table(
        "channel_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=128), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("done_at", _utc(), nullable=True),
        _channel_fk("channel_outbox"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_channel_outbox_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_channel_outbox_dedupe_key")),
    )
    op.create_index("ix_channel_outbox_channel_status", "channel_outbox",
                    ["channel_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_channel_outbox_channel_status", table_name="channel_outbox")
    op.drop_table("channel_outbox")
    op.drop_index("ix_inventory_sync_log_channel_sku", table_name="inventory_sync_log")
    op.drop_table("inventory_sync_log")
    with op.batch_alter_table("channel_order_states") as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_order_states_order_id"))
    op.drop_table("channel_order_states")
    op.drop_table("channel_sku_levels")
