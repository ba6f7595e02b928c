"""brands: each brand's sender, address, logo, e-mail sender and templates; a channel's
brand; the sender on the notification outbox; stock transfers between sites (both sides
confirm)

Revision ID: brands_1
Revises: books_3
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "brands_1"
down_revision = "books_3"
branch_labels = None
depends_on = None

_status = sa.Enum("proposed", "dispatched", "received", "cancelled", name="transferstatus",
                  native_enum=False, length=32)


def _brands() -> None:
    op.create_table(
        "brands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("sender_name", sa.String(length=255), nullable=False),
        sa.Column("address_line1", sa.String(length=255), nullable=True),
        sa.Column("address_line2", sa.String(length=255), nullable=True),
        sa.Column("city", sa.String(length=128), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("postal_code", sa.String(length=32), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("logo_path", sa.String(length=1024), nullable=True),
        sa.Column("email_sender", sa.String(length=255), nullable=True),
        sa.Column("return_instructions", sa.Text(), nullable=True),
        sa.Column("templates", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", oms_desktop.model.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"],
                                name=op.f("fk_brands_location_id_locations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brands")),
        sa.UniqueConstraint("code", name=op.f("uq_brands_code")),
        sa.UniqueConstraint("location_id", name=op.f("uq_brands_location_id")),
    )
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("brand_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_channels_brand_id_brands"), "brands",
                                 ["brand_id"], ["id"])
        batch.create_index(op.f("ix_channels_brand_id"), ["brand_id"])
    with op.batch_alter_table("notification_outbox") as batch:
        batch.add_column(sa.Column("sender", sa.String(length=255), nullable=True))


def _transfers() -> None:
    utc = oms_desktop.model.base.UtcDateTime
    op.create_table(
        "stock_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_site_id", sa.Integer(), nullable=False),
        sa.Column("to_site_id", sa.Integer(), nullable=False),
        sa.Column("transit_location_id", sa.Integer(), nullable=False),
        sa.Column("status", _status, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("proposed_at", utc(), nullable=False),
        sa.Column("dispatched_by", sa.String(length=64), nullable=True),
        sa.Column("dispatched_at", utc(), nullable=True),
        sa.Column("received_by", sa.String(length=64), nullable=True),
        sa.Column("received_at", utc(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint("from_site_id <> to_site_id",
                           name=op.f("ck_stock_transfers_two_sites")),
        sa.ForeignKeyConstraint(["from_site_id"], ["locations.id"],
                                name=op.f("fk_stock_transfers_from_site_id_locations")),
        sa.ForeignKeyConstraint(["to_site_id"], ["locations.id"],
                                name=op.f("fk_stock_transfers_to_site_id_locations")),
        sa.ForeignKeyConstraint(["transit_location_id"], ["locations.id"],
                                name=op.f("fk_stock_transfers_transit_location_id_locations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_transfers")),
    )
    for column in ("from_site_id", "to_site_id", "status"):
        op.create_index(op.f(f"ix_stock_transfers_{column}"), "stock_transfers", [column])
    op.create_table(
        "stock_transfer_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_transfer_lines_quantity_positive")),
        sa.ForeignKeyConstraint(["transfer_id"], ["stock_transfers.id"], ondelete="CASCADE",
                                name=op.f("fk_stock_transfer_lines_transfer_id_stock_transfers")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_stock_transfer_lines_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_transfer_lines")),
        sa.UniqueConstraint("transfer_id", "product_id",
                            name=op.f("uq_stock_transfer_lines_transfer_id_product_id")),
    )
    op.create_index(op.f("ix_stock_transfer_lines_transfer_id"), "stock_transfer_lines",
                    ["transfer_id"])


def upgrade() -> None:
    _brands()
    _transfers()


def downgrade() -> None:
    op.drop_table("stock_transfer_lines")
    op.drop_table("stock_transfers")
    with op.batch_alter_table("notification_outbox") as batch:
        batch.drop_column("sender")
    with op.batch_alter_table("channels") as batch:
        batch.drop_index(op.f("ix_channels_brand_id"))
        batch.drop_constraint(op.f("fk_channels_brand_id_brands"), type_="foreignkey")
        batch.drop_column("brand_id")
    op.drop_table("brands")
