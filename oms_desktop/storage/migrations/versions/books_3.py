"""the books, wave 3: a posting may wait for another to be posted first (a business
customer's payment for its invoice), and the fees a channel charged us

Revision ID: books_3
Revises: books_2
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "books_3"
down_revision = "books_2"
branch_labels = None
depends_on = None

Money = oms_desktop.model.base.Money
Utc = oms_desktop.model.base.UtcDateTime


def upgrade() -> None:
    with op.batch_alter_table("book_postings") as batch:
        batch.add_column(sa.Column("waits_for", sa.String(length=128), nullable=True))
    op.create_table(
        "channel_fees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("what", sa.String(length=128), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", Utc(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"],
                                name=op.f("fk_channel_fees_channel_id_channels")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_channel_fees_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_fees")),
        sa.UniqueConstraint("channel_id", "reference",
                            name=op.f("uq_channel_fees_channel_id_reference")),
    )


def downgrade() -> None:
    op.drop_table("channel_fees")
    with op.batch_alter_table("book_postings") as batch:
        batch.drop_column("waits_for")
