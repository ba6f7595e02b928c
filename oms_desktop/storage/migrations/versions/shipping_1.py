"""shipping: labels, print jobs, tracking events, manifests, rate choice and promised date

Revision ID: shipping_1
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "shipping_1"
down_revision = "0001"
branch_labels = None
depends_on = None

_state = sa.Enum("queued", "sent", "failed", name="printjobstate", native_enum=False,
                 length=32)


def upgrade() -> None:
    money = oms_desktop.model.base.Money(precision=18, scale=4)
    utc = oms_desktop.model.base.UtcDateTime
    op.create_table(
        "manifests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("ship_day", sa.Date(), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("total_cost", money, nullable=False),
        sa.Column("carrier_ref", sa.String(length=128), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=False),
        sa.Column("closed_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manifests")),
    )
    op.create_index("ix_manifests_carrier_day", "manifests", ["carrier", "ship_day"])
    op.create_table(
        "shipping_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("tracking_number", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("cost", money, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("carrier_ref", sa.String(length=128), nullable=True),
        sa.Column("sscc", sa.JSON(), nullable=True),
        sa.Column("ship_day", sa.Date(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("voided_at", utc(), nullable=True),
        sa.Column("manifest_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["manifest_id"], ["manifests.id"],
                                name=op.f("fk_shipping_labels_manifest_id_manifests")),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"],
                                name=op.f("fk_shipping_labels_shipment_id_shipments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_labels")),
    )
    op.create_index("ix_shipping_labels_carrier_day", "shipping_labels", ["carrier", "ship_day"])
    op.create_index(op.f("ix_shipping_labels_shipment_id"), "shipping_labels", ["shipment_id"])
    op.create_index(op.f("ix_shipping_labels_tracking_number"), "shipping_labels",
                    ["tracking_number"])
    op.create_index(op.f("ix_shipping_labels_manifest_id"), "shipping_labels", ["manifest_id"])
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("printer", sa.JSON(), nullable=False),
        sa.Column("state", _state, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("station", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("sent_at", utc(), nullable=True),
        sa.ForeignKeyConstraint(["label_id"], ["shipping_labels.id"],
                                name=op.f("fk_print_jobs_label_id_shipping_labels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
    )
    op.create_index("ix_print_jobs_state", "print_jobs", ["state", "id"])
    op.create_table(
        "tracking_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column("occurred_at", utc(), nullable=False),
        sa.Column("exception", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"],
                                name=op.f("fk_tracking_events_shipment_id_shipments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_events")),
        sa.UniqueConstraint("tracking_number", "status", "occurred_at",
                            name=op.f("uq_tracking_events_tracking_number_status_occurred_at")),
    )
    op.create_index(op.f("ix_tracking_events_shipment_id"), "tracking_events", ["shipment_id"])
    with op.batch_alter_table("shipments") as batch_op:
        batch_op.add_column(sa.Column("rate_choice", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("tracking_status", sa.String(length=32), nullable=True))
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("deliver_by", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("deliver_by")
    with op.batch_alter_table("shipments") as batch_op:
        batch_op.drop_column("tracking_status")
        batch_op.drop_column("rate_choice")
    op.drop_table("tracking_events")
    op.drop_table("print_jobs")
    op.drop_table("shipping_labels")
    op.drop_table("manifests")
