"""guards: refunds within the order's total, received units within the expected, one active
label per shipment, and label purchases recorded before the carrier is called

Data the old program could leave behind is kept and made visible: an order already refunded
above its total counts as fully refunded (its refunds stay as they were) and gets a timeline
entry; of two active labels for one shipment the newer stays active, the older is marked void
with a timeline entry naming it, so it can be claimed back from the carrier.

Revision ID: guards_1
Revises: stations_1
"""
from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import oms_desktop.model.base

revision = "guards_1"
down_revision = "stations_1"
branch_labels = None
depends_on = None

REFUNDS_CHECK = "refunded_total <= total"
UNITS_CHECK = "unexpected OR received_qty <= quantity"
ACTIVE = "voided_at IS NULL"
OPEN = "status = 'buying'"
_audit = sa.table("audit_events", sa.column("at", sa.DateTime()), sa.column("entity"),
                  sa.column("entity_id"), sa.column("order_id"), sa.column("action"),
                  sa.column("actor_name"), sa.column("detail", sa.JSON()))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _money(value, sqlite: bool) -> str:
    amount = Decimal(value) / 10_000 if sqlite else Decimal(value)
    return str(amount.quantize(Decimal("0.01")))


def _note(bind, *, entity: str, entity_id: int, order_id: int, action: str,
          detail: dict) -> None:
    bind.execute(_audit.insert().values(at=_now(), entity=entity, entity_id=entity_id,
                                        order_id=order_id, action=action,
                                        actor_name="upgrade", detail=detail))


def _refunded_totals(bind, sqlite: bool) -> None:
    sums = bind.execute(sa.text(
        "SELECT o.id, o.total, SUM(r.amount) FROM orders o JOIN refunds r ON r.order_id = o.id"
        " GROUP BY o.id, o.total")).all()
    for order_id, total, refunded in sums:
        bind.execute(sa.text("UPDATE orders SET refunded_total = :v WHERE id = :id"),
                     {"v": min(total, refunded), "id": order_id})
        if refunded > total:
            _note(bind, entity="order", entity_id=order_id, order_id=order_id,
                  action="refunds_above_total",
                  detail={"refunded": _money(refunded, sqlite), "total": _money(total, sqlite)})


def _one_active_label(bind) -> None:
    rows = bind.execute(sa.text(
        "SELECT l.id, l.shipment_id, l.tracking_number, l.carrier, s.order_id "
        "FROM shipping_labels l JOIN shipments s ON s.id = l.shipment_id "
        f"WHERE l.{ACTIVE} ORDER BY l.shipment_id, l.id DESC")).all()
    kept: dict[int, str] = {}
    for label_id, shipment_id, tracking, carrier, order_id in rows:
        if shipment_id not in kept:
            kept[shipment_id] = tracking
            continue
        bind.execute(sa.text("UPDATE shipping_labels SET voided_at = :at WHERE id = :id"),
                     {"at": _now(), "id": label_id})
        _note(bind, entity="shipment", entity_id=shipment_id, order_id=order_id,
              action="duplicate_label", detail={"tracking_number": tracking,
                                                "carrier": carrier,
                                                "kept": kept[shipment_id]})


def _add_refunded_total(sqlite: bool) -> None:
    if sqlite:  # ADD COLUMN may carry a CHECK on SQLite; rebuilding orders is not needed
        op.execute("ALTER TABLE orders ADD COLUMN refunded_total BIGINT DEFAULT '0' NOT NULL "
                   f"CONSTRAINT ck_orders_refunds_within_total CHECK ({REFUNDS_CHECK})")
        return
    money = oms_desktop.model.base.Money(precision=18, scale=4)
    op.add_column("orders", sa.Column("refunded_total", money, server_default="0",
                                      nullable=False))
    op.create_check_constraint(op.f("ck_orders_refunds_within_total"), "orders", REFUNDS_CHECK)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    _add_refunded_total(sqlite)
    _refunded_totals(bind, sqlite)
    with op.batch_alter_table("return_lines") as batch_op:
        batch_op.create_check_constraint(op.f("ck_return_lines_units_within_expected"),
                                         UNITS_CHECK)
    _one_active_label(bind)
    op.create_index("uq_shipping_labels_active", "shipping_labels", ["shipment_id"],
                    unique=True, sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    _create_label_purchases()


def _create_label_purchases() -> None:
    money = oms_desktop.model.base.Money(precision=18, scale=4)
    utc = oms_desktop.model.base.UtcDateTime
    status = sa.Enum("buying", "stored", "not_bought", "voided", name="purchasestatus",
                     native_enum=False, length=32)
    op.create_table(
        "label_purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("rate_id", sa.String(length=128), nullable=False),
        sa.Column("rate_ref", sa.String(length=128), nullable=True),
        sa.Column("amount", money, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("choice", sa.JSON(), nullable=True),
        sa.Column("buyer", sa.String(length=64), nullable=False),
        sa.Column("station", sa.String(length=64), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("finished_at", utc(), nullable=True),
        sa.Column("label_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["label_id"], ["shipping_labels.id"],
                                name=op.f("fk_label_purchases_label_id_shipping_labels")),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"],
                                name=op.f("fk_label_purchases_shipment_id_shipments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_purchases")),
        sa.UniqueConstraint("key", name=op.f("uq_label_purchases_key")),
    )
    op.create_index(op.f("ix_label_purchases_shipment_id"), "label_purchases", ["shipment_id"])
    op.create_index("uq_label_purchases_open", "label_purchases", ["shipment_id"],
                    unique=True, sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_table("label_purchases")
    op.drop_index("uq_shipping_labels_active", table_name="shipping_labels")
    with op.batch_alter_table("return_lines") as batch_op:
        batch_op.drop_constraint(op.f("ck_return_lines_units_within_expected"), type_="check")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_refunds_within_total"), type_="check")
        batch_op.drop_column("refunded_total")
