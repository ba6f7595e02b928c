"""Restock triggers: reorder points per product and site, and the suggestions they raise."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, Versioned, utcnow
from oms_desktop.model.user import AuditEvent
from oms_desktop.model.workflow import Actor, table


class ReorderPoint(Base):
    """Below `reorder_point` available units at the site (the "min"), suggest restocking up
    to `max_qty`."""

    __tablename__ = "reorder_points"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "location_id"),
        sa.CheckConstraint("max_qty >= reorder_point", name="max_not_below_point"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"), index=True)
    reorder_point: Mapped[int]
    max_qty: Mapped[int]


class SuggestionKind(enum.StrEnum):
    transfer = "transfer"
    purchase = "purchase"


class SuggestionStatus(enum.StrEnum):
    open = "open"
    accepted = "accepted"
    dismissed = "dismissed"
    received = "received"


_S = SuggestionStatus
SUGGESTION_FLOW = table("replenishment", {
    "accept": ((_S.open,), _S.accepted),
    "dismiss": ((_S.open,), _S.dismissed),
    "receive": ((_S.accepted,), _S.received),
})


class ReplenishmentSuggestion(Versioned, Base):
    """A transfer from a site with surplus, or a draft purchase from the supplier. Accepted
    transfers are in transit (moved to TRANSIT) until received."""

    __tablename__ = "replenishment_suggestions"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.Index("ix_replenishment_suggestions_open", "status", "product_id", "location_id"),
    )
    MACHINE = SUGGESTION_FLOW

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SuggestionKind]
    status: Mapped[SuggestionStatus] = mapped_column(default=SuggestionStatus.open)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    source_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    quantity: Mapped[int]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(sa.String(64))
    decided_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]

    @property
    def reference(self) -> str:
        return f"RPL-{self.id}"

    @property
    def label(self) -> str:
        return self.reference

    def _go(self, verb: str, by: Actor) -> AuditEvent:
        """Change state and return the audit event for the caller's session to keep."""
        target = SUGGESTION_FLOW.target(verb, self.status, self.reference, entity_id=self.id)
        before, self.status = self.status, target
        return AuditEvent.of(by, entity=SUGGESTION_FLOW.audit_entity, entity_id=self.id,
                             action=verb, from_state=before.value, to_state=target.value)

    def accept(self, *, by: Actor) -> AuditEvent:
        self.decided_by, self.decided_at = by.name, utcnow()
        return self._go("accept", by)

    def dismiss(self, *, by: Actor) -> AuditEvent:
        self.decided_by, self.decided_at = by.name, utcnow()
        return self._go("dismiss", by)

    def receive(self, *, by: Actor) -> AuditEvent:
        self.received_at = utcnow()
        return self._go("receive", by)
