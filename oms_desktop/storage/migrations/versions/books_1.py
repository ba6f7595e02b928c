"""the books: postings owed to accounting targets (an outbox with leases) and the mappings
of SKUs, channels, countries and accounts to the targets' ids

Revision ID: books_1
Revises: managers_1
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "books_1"
down_revision = "managers_1"
branch_labels = None
depends_on = None

Money = oms_desktop.model.base.Money
Utc = oms_desktop.model.base.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "book_postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=128), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("status", sa.Enum("pending", "sending", "posted", "blocked", "failed",
                                    name="postingstatus", native_enum=False, length=32,
                                    create_constraint=False), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Utc(), nullable=True),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", Utc(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("remote_id", sa.String(length=64), nullable=True),
        sa.Column("remote_number", sa.String(length=64), nullable=True),
        sa.Column("remote_total", Money(), nullable=True),
        sa.Column("created_at", Utc(), nullable=False),
        sa.Column("posted_at", Utc(), nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"],
                                name=op.f("fk_book_postings_channel_id_channels")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_book_postings_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_postings")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_book_postings_idempotency_key")),
        sa.UniqueConstraint("target", "source_key",
                            name=op.f("uq_book_postings_target_source_key")),
    )
    op.create_index("ix_book_postings_target_status", "book_postings", ["target", "status"])
    op.create_index(op.f("ix_book_postings_order_id"), "book_postings", ["order_id"])
    op.create_table(
        "book_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", Utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_mappings")),
        sa.UniqueConstraint("target", "kind", "key",
                            name=op.f("uq_book_mappings_target_kind_key")),
    )


def downgrade() -> None:
    op.drop_table("book_mappings")
    op.drop_index(op.f("ix_book_postings_order_id"), table_name="book_postings")
    op.drop_index("ix_book_postings_target_status", table_name="book_postings")
    op.drop_table("book_postings")
