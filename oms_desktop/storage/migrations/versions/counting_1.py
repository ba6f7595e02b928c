"""counting: cycle counts with their bins and lines

Revision ID: counting_1
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "counting_1"
down_revision = "0001"
branch_labels = None
depends_on = None

_status = sa.Enum("open", "approved", "cancelled", name="countstatus", native_enum=False,
                  length=32)


def upgrade() -> None:
    utc = oms_desktop.model.base.UtcDateTime
    op.create_table(
        "cycle_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", _status, nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("closed_at", utc(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_counts")),
    )
    op.create_index(op.f("ix_cycle_counts_status"), "cycle_counts", ["status"])
    op.create_table(
        "cycle_count_bins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("counted_at", utc(), nullable=True),
        sa.Column("counted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["count_id"], ["cycle_counts.id"],
                                name=op.f("fk_cycle_count_bins_count_id_cycle_counts")),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"],
                                name=op.f("fk_cycle_count_bins_location_id_locations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_count_bins")),
        sa.UniqueConstraint("count_id", "location_id",
                            name=op.f("uq_cycle_count_bins_count_id_location_id")),
    )
    op.create_index(op.f("ix_cycle_count_bins_count_id"), "cycle_count_bins", ["count_id"])
    op.create_table(
        "cycle_count_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("posted", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["count_id"], ["cycle_counts.id"],
                                name=op.f("fk_cycle_count_lines_count_id_cycle_counts")),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"],
                                name=op.f("fk_cycle_count_lines_location_id_locations")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_cycle_count_lines_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_count_lines")),
        sa.UniqueConstraint("count_id", "location_id", "product_id",
                            name=op.f("uq_cycle_count_lines_count_id_location_id_product_id")),
    )
    op.create_index(op.f("ix_cycle_count_lines_count_id"), "cycle_count_lines", ["count_id"])


def downgrade() -> None:
    op.drop_table("cycle_count_lines")
    op.drop_table("cycle_count_bins")
    op.drop_table("cycle_counts")
