"""Cycle counts: bins chosen, on_hand snapshotted, what is there scanned, a supervisor approves."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, Versioned, utcnow
from oms_desktop.model.location import Location
from oms_desktop.model.user import AuditEvent
from oms_desktop.model.workflow import Actor, table


class CountStatus(enum.StrEnum):
    open = "open"
    approved = "approved"
    cancelled = "cancelled"


_C = CountStatus
COUNT_FLOW = table("cycle count", {
    "approve": ((_C.open,), _C.approved),
    "cancel": ((_C.open,), _C.cancelled),
})


class CycleCount(Versioned, Base):
    __tablename__ = "cycle_counts"
    MACHINE = COUNT_FLOW

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[CountStatus] = mapped_column(default=CountStatus.open, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(sa.String(64))
    note: Mapped[str | None] = mapped_column(sa.Text)

    bins: Mapped[list["CountBin"]] = relationship(
        back_populates="count", cascade="all, delete-orphan", order_by="CountBin.id")
    lines: Mapped[list["CountLine"]] = relationship(
        back_populates="count", cascade="all, delete-orphan", order_by="CountLine.id")

    @property
    def label(self) -> str:
        return f"COUNT-{self.id}"

    def _go(self, verb: str, by: Actor, detail: dict | None = None) -> AuditEvent:
        """Change state and return the audit event for the caller's session to keep."""
        target = COUNT_FLOW.target(verb, self.status, self.label, entity_id=self.id)
        before, self.status = self.status, target
        self.closed_at, self.closed_by = utcnow(), by.name
        return AuditEvent.of(by, entity="cycle_count", entity_id=self.id, action=verb,
                             from_state=before.value, to_state=target.value, detail=detail)

    def approve(self, *, by: Actor, detail: dict | None = None) -> AuditEvent:
        return self._go("approve", by, detail)

    def cancel(self, *, by: Actor) -> AuditEvent:
        return self._go("cancel", by)


class CountBin(Base):
    """A location in the count; `counted_at` is set once someone scanned the bin itself, so
    an empty bin can be told apart from one nobody looked at."""

    __tablename__ = "cycle_count_bins"
    __table_args__ = (sa.UniqueConstraint("count_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(sa.ForeignKey("cycle_counts.id"), index=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    counted_at: Mapped[datetime | None]
    counted_by: Mapped[str | None] = mapped_column(sa.String(64))

    count: Mapped[CycleCount] = relationship(back_populates="bins")
    location: Mapped[Location] = relationship()


class CountLine(Base):
    """One product in one bin: on_hand when the count started, units counted, and the
    adjustment posted at approval."""

    __tablename__ = "cycle_count_lines"
    __table_args__ = (sa.UniqueConstraint("count_id", "location_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(sa.ForeignKey("cycle_counts.id"), index=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    expected: Mapped[int] = mapped_column(default=0)
    counted: Mapped[int] = mapped_column(default=0)
    posted: Mapped[int | None]

    count: Mapped[CycleCount] = relationship(back_populates="lines")

    @property
    def variance(self) -> int:
        return self.counted - self.expected
