"""first day: products flagged for review (created from an order line or a store), the unit
cost of a receipt on its stock move

Revision ID: firstday_1
Revises: b2b_1
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "firstday_1"
down_revision = "b2b_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("needs_review", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("review_note", sa.String(length=255), nullable=True))
    with op.batch_alter_table("stock_moves") as batch:
        batch.add_column(sa.Column("unit_cost", oms_desktop.model.base.Money(precision=18, scale=4),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stock_moves") as batch:
        batch.drop_column("unit_cost")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("review_note")
        batch.drop_column("needs_review")
