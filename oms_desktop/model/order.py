from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from oms_desktop.model.base import Base, Versioned, utcnow
from oms_desktop.model.party import Channel, Customer
from oms_desktop.model.text import fold
from oms_desktop.model.user import AuditEvent
from oms_desktop.model.workflow import Actor, table


class OrderStatus(enum.StrEnum):
    new = "new"
    verified = "verified"
    on_hold = "on_hold"
    in_fulfilment = "in_fulfilment"
    completed = "completed"
    cancelled = "cancelled"


class FinancialStatus(enum.StrEnum):
    pending = "pending"
    authorized = "authorized"
    paid = "paid"
    partially_refunded = "partially_refunded"
    refunded = "refunded"


class FulfilmentStatus(enum.StrEnum):
    unfulfilled = "unfulfilled"
    partial = "partial"
    fulfilled = "fulfilled"


class HoldReason(enum.StrEnum):
    payment_pending = "payment_pending"
    address_invalid = "address_invalid"
    fraud_review = "fraud_review"
    credit_limit = "credit_limit"
    out_of_stock = "out_of_stock"
    duplicate = "duplicate"
    shipping_restricted = "shipping_restricted"
    channel_change = "channel_change"
    rule = "rule"
    manual = "manual"


_S = OrderStatus
ORDER_FLOW = table("order", {
    "verify": ((_S.new,), _S.verified),
    "hold": ((_S.new, _S.verified), _S.on_hold),
    "release": ((_S.on_hold,), _S.verified),
    "start_fulfilment": ((_S.verified,), _S.in_fulfilment),
    "complete": ((_S.in_fulfilment,), _S.completed),
    "cancel": ((_S.new, _S.verified, _S.on_hold, _S.in_fulfilment), _S.cancelled),
})


class Order(Versioned, Base):
    __tablename__ = "orders"
    __table_args__ = (
        sa.UniqueConstraint("channel_id", "external_id"),
        sa.Index("ix_orders_status_ship_by", "status", "ship_by", "id"),
        sa.Index("ix_orders_status_placed", "status", "placed_at", "id"),
        sa.Index("ix_orders_ship_by", "ship_by", "id"),
        sa.Index("ix_orders_placed", "placed_at", "id"),
        # queue screen: every sort under a status filter, and the free-text search
        sa.Index("ix_orders_status_id", "status", "id"),
        sa.Index("ix_orders_status_number", "status", "number", "id"),
        sa.Index("ix_orders_status_total", "status", "total", "id"),
        sa.Index("ix_orders_external_id", "external_id"),
        sa.Index("ix_orders_email", "email"),
        # the last guard on money: whatever the services decide, an order never gives back
        # more than it took (refunds and store credit alike)
        sa.CheckConstraint("refunded_total <= total", name="refunds_within_total"),
    )
    MACHINE = ORDER_FLOW

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(64), index=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    external_id: Mapped[str] = mapped_column(sa.String(128))
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(default=OrderStatus.new)
    financial_status: Mapped[FinancialStatus] = mapped_column(default=FinancialStatus.pending)
    fulfilment_status: Mapped[FulfilmentStatus] = mapped_column(
        default=FulfilmentStatus.unfulfilled)
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    subtotal: Mapped[Decimal] = mapped_column(default=Decimal(0))
    shipping_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    tax_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    discount_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    refunded_total: Mapped[Decimal] = mapped_column(default=Decimal(0), server_default="0")
    email: Mapped[str | None] = mapped_column(sa.String(255))
    ship_name: Mapped[str | None]
    ship_company: Mapped[str | None]
    ship_line1: Mapped[str | None]
    ship_line2: Mapped[str | None]
    ship_city: Mapped[str | None] = mapped_column(sa.String(128))
    ship_region: Mapped[str | None] = mapped_column(sa.String(64))
    ship_postal_code: Mapped[str | None] = mapped_column(sa.String(32))
    ship_country: Mapped[str | None] = mapped_column(sa.String(2))
    ship_phone: Mapped[str | None] = mapped_column(sa.String(64))
    billing_country: Mapped[str | None] = mapped_column(sa.String(2))
    requested_service: Mapped[str | None] = mapped_column(sa.String(64))
    carrier: Mapped[str | None] = mapped_column(sa.String(64))
    service: Mapped[str | None] = mapped_column(sa.String(64))
    ship_by: Mapped[date | None]
    deliver_by: Mapped[date | None]  # promised delivery date
    customer_po: Mapped[str | None] = mapped_column(sa.String(64))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    pickup_location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    # A location forced by a manager or an automation rule; routing then ships from it only.
    preferred_location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    priority: Mapped[int] = mapped_column(default=0)
    risk_level: Mapped[str | None] = mapped_column(sa.String(16))
    fraud_score: Mapped[int | None]
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    channel: Mapped[Channel] = relationship()
    customer: Mapped[Customer | None] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.line_no")
    holds: Mapped[list["OrderHold"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderHold.id")
    tags: Mapped[list["OrderTag"]] = relationship(cascade="all, delete-orphan")
    audit: WriteOnlyMapped[AuditEvent] = relationship(passive_deletes=True)

    # -- state machine: one method per verb ------------------------------------------------
    def _go(self, verb: str, by: Actor, detail: dict | None = None) -> None:
        target = ORDER_FLOW.target(verb, self.status, self.number, entity_id=self.id,
                                   subject=self.label)
        before, self.status = self.status, target
        self.audit.add(AuditEvent.of(by, entity="order", entity_id=self.id, order_id=self.id,
                                     action=verb, from_state=before.value,
                                     to_state=target.value, detail=detail))

    def verify(self, *, by: Actor) -> None:
        self._go("verify", by)

    def hold(self, reason: HoldReason, *, by: Actor, note: str | None = None) -> None:
        """Put on hold (or add another reason to an order already held)."""
        if self.status != OrderStatus.on_hold:
            self._go("hold", by, {"reason": reason.value, "note": note})
        else:
            self.audit.add(AuditEvent.of(by, entity="order", entity_id=self.id,
                                         order_id=self.id, action="hold",
                                         detail={"reason": reason.value, "note": note}))
        self.holds.append(OrderHold(reason=reason, note=note, placed_by=by.name,
                                    manual=reason == HoldReason.manual))

    def release(self, *, by: Actor, reasons: set[HoldReason] | None = None) -> None:
        """Lift the given hold reasons (all when None); verified again once none is left."""
        for h in self.active_holds:
            if reasons is None or h.reason in reasons:
                h.released_at, h.released_by = utcnow(), by.name
        if not self.active_holds and self.status == OrderStatus.on_hold:
            self._go("release", by)

    def start_fulfilment(self, *, by: Actor) -> None:
        self._go("start_fulfilment", by)

    def complete(self, *, by: Actor) -> None:
        self._go("complete", by)

    def cancel(self, *, by: Actor, reason: str | None = None) -> None:
        self._go("cancel", by, {"reason": reason} if reason else None)

    @property
    def label(self) -> str:
        return f"Order {self.number}"

    @property
    def active_holds(self) -> list["OrderHold"]:
        return [h for h in self.holds if h.released_at is None]

    @property
    def tag_names(self) -> list[str]:
        return sorted(t.tag for t in self.tags)


_ORDERS = Order.__table__.c
sa.Index("ix_orders_status_customer", _ORDERS.status, fold(_ORDERS.ship_name), _ORDERS.id)
sa.Index("ix_orders_customer_prefix", fold(_ORDERS.ship_name).label("ship_name_folded"),
         postgresql_ops={"ship_name_folded": "text_pattern_ops"})
sa.Index("ix_orders_number_prefix", fold(_ORDERS.number).label("number_folded"),
         postgresql_ops={"number_folded": "text_pattern_ops"})


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (sa.Index("ix_order_lines_sku", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    line_no: Mapped[int]
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str]
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(default=Decimal(0))
    tax: Mapped[Decimal] = mapped_column(default=Decimal(0))
    discount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    external_id: Mapped[str | None] = mapped_column(sa.String(128))

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderHold(Base):
    """A reason an order waits. One active hold per reason (rule and channel-change holds
    stack: one per rule, one per change): the database refuses a second."""

    __tablename__ = "order_holds"
    __table_args__ = (
        sa.Index("uq_order_holds_active_reason", "order_id", "reason", unique=True,
                 sqlite_where=sa.text("released_at IS NULL AND reason NOT IN "
                                      "('rule', 'channel_change')"),
                 postgresql_where=sa.text("released_at IS NULL AND reason NOT IN "
                                          "('rule', 'channel_change')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    reason: Mapped[HoldReason]
    note: Mapped[str | None] = mapped_column(sa.Text)
    manual: Mapped[bool] = mapped_column(default=False)
    placed_by: Mapped[str] = mapped_column(sa.String(64))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    released_by: Mapped[str | None] = mapped_column(sa.String(64))
    released_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="holds")


class OrderTag(Base):
    __tablename__ = "order_tags"
    __table_args__ = (sa.Index("ix_order_tags_tag", "tag", "order_id"),)

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


# The word index follows every order and line: its listeners come with the order area.
import oms_desktop.model.search  # noqa: E402,F401
