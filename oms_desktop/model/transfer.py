"""Stock transfers between two sites (franchise stores), confirmed by both sides: proposed by
either, dispatched by the sender (the units leave its shelves for a transit location) and
received by the receiver (they arrive on its shelves)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, Versioned, utcnow
from oms_desktop.model.user import AuditEvent
from oms_desktop.model.workflow import Actor, table


class TransferStatus(enum.StrEnum):
    proposed = "proposed"
    dispatched = "dispatched"
    received = "received"
    cancelled = "cancelled"


_T = TransferStatus
TRANSFER_FLOW = table("stock transfer", {
    "dispatch": ((_T.proposed,), _T.dispatched),
    "receive": ((_T.dispatched,), _T.received),
    "cancel": ((_T.proposed,), _T.cancelled),
})


class StockTransfer(Versioned, Base):
    __tablename__ = "stock_transfers"
    __table_args__ = (sa.CheckConstraint("from_site_id <> to_site_id", name="two_sites"),)
    MACHINE = TRANSFER_FLOW

    id: Mapped[int] = mapped_column(primary_key=True)
    from_site_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"), index=True)
    to_site_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"), index=True)
    transit_location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    status: Mapped[TransferStatus] = mapped_column(default=TransferStatus.proposed, index=True)
    note: Mapped[str | None] = mapped_column(sa.Text)
    proposed_by: Mapped[str] = mapped_column(sa.String(64))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_by: Mapped[str | None] = mapped_column(sa.String(64))
    dispatched_at: Mapped[datetime | None]
    received_by: Mapped[str | None] = mapped_column(sa.String(64))
    received_at: Mapped[datetime | None]

    lines: Mapped[list["StockTransferLine"]] = relationship(
        back_populates="transfer", cascade="all, delete-orphan", order_by="StockTransferLine.id")

    @property
    def label(self) -> str:
        return f"TR-{self.id}"

    def _go(self, verb: str, by: Actor) -> AuditEvent:
        target = TRANSFER_FLOW.target(verb, self.status, self.label, entity_id=self.id)
        before, self.status = self.status, target
        return AuditEvent.of(by, entity="stock_transfer", entity_id=self.id, action=verb,
                             from_state=before.value, to_state=target.value)

    def dispatch(self, *, by: Actor) -> AuditEvent:
        event = self._go("dispatch", by)
        self.dispatched_by, self.dispatched_at = by.name, utcnow()
        return event

    def receive(self, *, by: Actor) -> AuditEvent:
        event = self._go("receive", by)
        self.received_by, self.received_at = by.name, utcnow()
        return event

    def cancel(self, *, by: Actor) -> AuditEvent:
        return self._go("cancel", by)


class StockTransferLine(Base):
    __tablename__ = "stock_transfer_lines"
    __table_args__ = (sa.UniqueConstraint("transfer_id", "product_id"),
                      sa.CheckConstraint("quantity > 0", name="quantity_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_transfers.id",
                                                           ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    quantity: Mapped[int]

    transfer: Mapped[StockTransfer] = relationship(back_populates="lines")
