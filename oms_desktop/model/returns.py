from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, Versioned, utcnow
from oms_desktop.model.catalog import Product
from oms_desktop.model.order import Order, OrderLine
from oms_desktop.model.user import AuditEvent
from oms_desktop.model.workflow import Actor, table


class ReturnStatus(enum.StrEnum):
    requested = "requested"
    authorized = "authorized"
    received = "received"
    inspected = "inspected"
    refunded = "refunded"
    rejected = "rejected"
    closed = "closed"


_R = ReturnStatus
RETURN_FLOW = table("return", {
    "authorize": ((_R.requested,), _R.authorized),
    "receive": ((_R.authorized,), _R.received),
    "inspect": ((_R.received,), _R.inspected),
    "refund": ((_R.inspected,), _R.refunded),
    "reject": ((_R.requested, _R.authorized, _R.received, _R.inspected), _R.rejected),
    "close": ((_R.inspected, _R.refunded), _R.closed),
})


class Return(Versioned, Base):
    """A return merchandise authorisation (RMA)."""

    __tablename__ = "returns"
    MACHINE = RETURN_FLOW

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    status: Mapped[ReturnStatus] = mapped_column(default=ReturnStatus.requested)
    resolution: Mapped[str] = mapped_column(sa.String(16), default="refund")
    method: Mapped[str] = mapped_column(sa.String(32), default="customer_arranged")
    tracking_number: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship()
    lines: Mapped[list["ReturnLine"]] = relationship(
        back_populates="rma", cascade="all, delete-orphan", order_by="ReturnLine.id")

    @property
    def label(self) -> str:
        return self.rma_number

    def _go(self, verb: str, by: Actor, detail: dict | None = None) -> None:
        target = RETURN_FLOW.target(verb, self.status, self.rma_number, entity_id=self.id)
        before, self.status = self.status, target
        self.order.audit.add(AuditEvent.of(
            by, entity="return", entity_id=self.id, order_id=self.order_id, action=verb,
            from_state=before.value, to_state=target.value, detail=detail))

    def authorize(self, *, by: Actor, approved_by: Actor | None = None) -> None:
        self._go("authorize", by, {"approved_by": approved_by.name} if approved_by else None)

    def receive(self, *, by: Actor) -> None:
        self._go("receive", by)
        self.received_at = utcnow()

    def inspect(self, *, by: Actor) -> None:
        self._go("inspect", by)

    def refund(self, *, by: Actor) -> None:
        self._go("refund", by)

    def reject(self, *, by: Actor, reason: str | None = None) -> None:
        self._go("reject", by, {"reason": reason} if reason else None)

    def close(self, *, by: Actor) -> None:
        self._go("close", by)


class ReturnLine(Base):
    __tablename__ = "return_lines"
    # one unit received per unit expected; what else comes back is on an unexpected line
    __table_args__ = (sa.CheckConstraint("unexpected OR received_qty <= quantity",
                                         name="units_within_expected"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("returns.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_lines.id"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    quantity: Mapped[int]
    reason_code: Mapped[str] = mapped_column(sa.String(64))
    sub_reason: Mapped[str | None] = mapped_column(sa.String(64))
    received_qty: Mapped[int] = mapped_column(default=0)
    unexpected: Mapped[bool] = mapped_column(default=False)

    rma: Mapped[Return] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine | None] = relationship()
    product: Mapped[Product | None] = relationship()
    units: Mapped[list["ReturnUnit"]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="ReturnUnit.id")


class ReturnUnit(Base):
    """One unit scanned at intake: its grade, what was done with it, who received it where."""

    __tablename__ = "return_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_line_id: Mapped[int] = mapped_column(sa.ForeignKey("return_lines.id"), index=True)
    condition: Mapped[str] = mapped_column(sa.String(32))
    disposition: Mapped[str] = mapped_column(sa.String(32))
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    stock_move_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_moves.id"))
    refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refunds.id"))
    received_by: Mapped[str] = mapped_column(sa.String(64))
    station: Mapped[str | None] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    line: Mapped[ReturnLine] = relationship(back_populates="units")


class RefundStatus(enum.StrEnum):
    pending_approval = "pending_approval"
    approved = "approved"
    issued = "issued"
    issued_outside = "issued_outside"
    failed = "failed"


class Refund(Base):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    return_id: Mapped[int | None] = mapped_column(sa.ForeignKey("returns.id"), index=True)
    status: Mapped[RefundStatus] = mapped_column(default=RefundStatus.pending_approval)
    currency: Mapped[str] = mapped_column(sa.String(3))
    items_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    tax_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    shipping_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    restocking_fee: Mapped[Decimal] = mapped_column(default=Decimal(0))
    amount: Mapped[Decimal]
    explanation: Mapped[list | None]
    kind: Mapped[str] = mapped_column(sa.String(16), default="refund")  # refund | store_credit
    external_id: Mapped[str | None] = mapped_column(sa.String(128))
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    approved_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[datetime | None]
