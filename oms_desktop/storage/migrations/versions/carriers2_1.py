"""carriers and files: the real carrier and tracking URL of a label and its shipment; the
report files a file channel has read

Revision ID: carriers2_1
Revises: access_1
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "carriers2_1"
down_revision = "access_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("shipments", "shipping_labels"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("provider", sa.String(length=64), nullable=True))
            batch.add_column(sa.Column("tracking_url", sa.String(length=1024), nullable=True))
    with op.batch_alter_table("label_purchases") as batch:
        batch.add_column(sa.Column("provider", sa.String(length=64), nullable=True))
    op.create_table(
        "report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=True),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("started_at", oms_desktop.model.base.UtcDateTime(), nullable=False),
        sa.Column("finished_at", oms_desktop.model.base.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"],
                                name=op.f("fk_report_files_channel_id_channels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_files")),
        sa.UniqueConstraint("channel_id", "sha256", "size",
                            name=op.f("uq_report_files_channel_id_sha256_size")),
    )


def downgrade() -> None:
    op.drop_table("report_files")
    with op.batch_alter_table("label_purchases") as batch:
        batch.drop_column("provider")
    for table in ("shipping_labels", "shipments"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("tracking_url")
            batch.drop_column("provider")
