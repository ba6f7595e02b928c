from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, Versioned, utcnow
from oms_desktop.model.location import Location
from oms_desktop.model.order import Order, OrderLine
from oms_desktop.model.user import AuditEvent
from oms_desktop.model.workflow import Actor, table


class ShipmentStatus(enum.StrEnum):
    waiting = "waiting"
    assigned = "assigned"
    picking = "picking"
    picked = "picked"
    packed = "packed"
    shipped = "shipped"
    delivered = "delivered"
    ready_for_pickup = "ready_for_pickup"
    picked_up = "picked_up"
    cancelled = "cancelled"


_S = ShipmentStatus
SHIPMENT_FLOW = table("shipment", {
    "assign": ((_S.waiting,), _S.assigned),
    "unassign": ((_S.assigned,), _S.waiting),
    "start_picking": ((_S.assigned,), _S.picking),
    "finish_picking": ((_S.picking,), _S.picked),
    # A single-order pack station packs straight from the shelf: assigned → packed is allowed.
    "pack": ((_S.assigned, _S.picking, _S.picked), _S.packed),
    "ship": ((_S.packed,), _S.shipped),
    "deliver": ((_S.shipped,), _S.delivered),
    "ready_for_pickup": ((_S.packed,), _S.ready_for_pickup),
    "hand_over": ((_S.ready_for_pickup,), _S.picked_up),
    "cancel": ((_S.waiting, _S.assigned, _S.picking, _S.picked, _S.packed), _S.cancelled),
})
SHIPPED_STATES = frozenset({_S.shipped, _S.delivered, _S.picked_up})


class Shipment(Versioned, Base):
    __tablename__ = "shipments"
    __table_args__ = (sa.Index("ix_shipments_status_location", "status", "location_id"),)
    MACHINE = SHIPMENT_FLOW

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    status: Mapped[ShipmentStatus] = mapped_column(default=ShipmentStatus.waiting)
    carrier: Mapped[str | None] = mapped_column(sa.String(64))  # the plugin: manual, easypost…
    provider: Mapped[str | None] = mapped_column(sa.String(64))  # the real carrier: USPS, UPS…
    service: Mapped[str | None] = mapped_column(sa.String(64))
    tracking_number: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    tracking_url: Mapped[str | None] = mapped_column(sa.String(1024))
    shipping_cost: Mapped[Decimal | None]
    pickup_code: Mapped[str | None] = mapped_column(sa.String(32))
    collected_by: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    packed_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    rate_choice: Mapped[dict | None]  # chosen rate and the alternatives (rate shopping)
    tracking_status: Mapped[str | None] = mapped_column(sa.String(32))

    order: Mapped[Order] = relationship()
    location: Mapped[Location | None] = relationship()
    lines: Mapped[list["ShipmentLine"]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="ShipmentLine.id")
    packages: Mapped[list["Package"]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="Package.number")

    @property
    def label(self) -> str:
        return f"SHP-{self.id}"

    def _go(self, verb: str, by: Actor, detail: dict | None = None) -> None:
        target = SHIPMENT_FLOW.target(verb, self.status, self.label, entity_id=self.id)
        before, self.status = self.status, target
        self.order.audit.add(AuditEvent.of(
            by, entity="shipment", entity_id=self.id, order_id=self.order_id, action=verb,
            from_state=before.value, to_state=target.value, detail=detail))

    def assign(self, location: Location, *, by: Actor) -> None:
        self.location = location
        self._go("assign", by, {"location": location.code})

    def unassign(self, *, by: Actor) -> None:
        self._go("unassign", by)

    def start_picking(self, *, by: Actor) -> None:
        self._go("start_picking", by)

    def finish_picking(self, *, by: Actor) -> None:
        self._go("finish_picking", by)

    def pack(self, *, by: Actor) -> None:
        self._go("pack", by)
        self.packed_at = utcnow()

    def ship(self, *, by: Actor, tracking_number: str | None = None) -> None:
        self._go("ship", by, {"tracking_number": tracking_number} if tracking_number else None)
        if tracking_number:
            self.tracking_number = tracking_number
        self.shipped_at = utcnow()

    def deliver(self, *, by: Actor) -> None:
        self._go("deliver", by)
        self.delivered_at = utcnow()

    def ready_for_pickup(self, *, by: Actor) -> None:
        self._go("ready_for_pickup", by)

    def hand_over(self, *, by: Actor, collected_by: str) -> None:
        self._go("hand_over", by, {"collected_by": collected_by})
        self.collected_by = collected_by

    def cancel(self, *, by: Actor) -> None:
        self._go("cancel", by)


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    quantity: Mapped[int]
    picked_qty: Mapped[int] = mapped_column(default=0)
    packed_qty: Mapped[int] = mapped_column(default=0)

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class Package(Base):
    __tablename__ = "packages"
    __table_args__ = (sa.Index("uq_packages_shipment_id_number", "shipment_id", "number",
                               unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    sscc: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    box_code: Mapped[str | None] = mapped_column(sa.String(32))
    weight_g: Mapped[int | None]
    length_mm: Mapped[int | None]
    width_mm: Mapped[int | None]
    height_mm: Mapped[int | None]
    tracking_number: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    contents: Mapped[dict | None]  # {"SKU": qty} packed into this package

    shipment: Mapped[Shipment] = relationship(back_populates="packages")
