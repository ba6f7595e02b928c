"""Click-and-collect at a store: packed pickup orders are marked ready (a pickup code is
made and "shipment.ready_for_pickup" published for the notification to the customer), and
handed over by scanning the pickup code or the order number, with the collector's name."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    Actor, Location, LocationKind, Order, Reservation, ReservationStatus, ScanResult, Shipment,
    ShipmentStatus,
)
from oms_desktop.policies.permissions import require
from oms_desktop.policies.scan import ScanKind, parse_scan
from oms_desktop.services import events, messagebus
from oms_desktop.services.floor.picking import record_scan
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import (
    location_by_code, locked_shipment, order_by_ref, virtual_location,
)
from oms_desktop.storage import Database

_CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes
WAITING = (ShipmentStatus.packed, ShipmentStatus.ready_for_pickup)
HANDED = (ShipmentStatus.ready_for_pickup, ShipmentStatus.picked_up)


@dataclass(frozen=True)
class PickupView:
    shipment_id: int
    order_id: int
    order_number: str
    customer: str | None
    status: str
    pickup_code: str | None
    packed_at: datetime | None
    collected_by: str | None


def _view(shipment: Shipment) -> PickupView:
    order = shipment.order
    return PickupView(shipment.id, order.id, order.number, order.ship_name,
                      shipment.status.value, shipment.pickup_code, shipment.packed_at,
                      shipment.collected_by)


def stores(db: Database) -> list[str]:
    """Codes of the active stores, for the pickup screen's store choice."""
    with db.uow(readonly=True) as uow:
        return list(uow.session.scalars(sa.select(Location.code).where(
            Location.kind == LocationKind.store, Location.active.is_(True))
            .order_by(Location.code)))


def _for_store(session: Session, store: str):
    here = location_by_code(session, store)
    return (sa.select(Shipment).join(Order, Order.id == Shipment.order_id)
            .where(Order.pickup_location_id == here.id))


def waiting(db: Database, *, store: str) -> list[PickupView]:
    """The store's pickup orders that are packed or ready, oldest first."""
    with db.uow(readonly=True) as uow:
        query = _for_store(uow.session, store).where(Shipment.status.in_(WAITING))
        return [_view(s) for s in uow.session.scalars(query.order_by(Shipment.id))]


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        if not session.scalar(sa.select(Shipment.id).where(Shipment.pickup_code == code)):
            return code


def mark_ready(db: Database, *, actor: Actor, shipment_id: int) -> PickupView:
    require(actor, "floor.pack")
    with db.uow() as uow:
        s = uow.session
        shipment = locked_shipment(s, shipment_id)
        if shipment is None:
            raise NotFound(f"No shipment SHP-{shipment_id}")
        if shipment.order.pickup_location_id is None:
            raise ValidationError(f"Order {shipment.order.number} is not a pickup order")
        shipment.ready_for_pickup(by=actor)
        shipment.pickup_code = shipment.pickup_code or _new_code(s)
        messagebus.publish(s, events.ShipmentReadyForPickup(
            actor=actor, order_id=shipment.order_id, shipment_id=shipment.id,
            pickup_code=shipment.pickup_code))
        uow.commit()
        return _view(shipment)


def find_ready(session: Session, store: str, value: str) -> Shipment:
    """The ready shipment a scan names at this store: pickup code, ORD-<id> or order number,
    locked with its order. One already collected is found too (ready ones first), so that
    handing it over again is refused naming who handed it over."""
    text = value.strip()
    query = (_for_store(session, store).where(Shipment.status.in_(HANDED))
             .order_by(Shipment.status == ShipmentStatus.picked_up, Shipment.id))
    shipment = session.scalar(query.where(Shipment.pickup_code == text.upper()).limit(1))
    if shipment is None:
        parsed = parse_scan(text)
        ref = f"ORD-{parsed.number}" if parsed.kind == ScanKind.order else text
        try:
            order = order_by_ref(session, ref)
        except NotFound:
            raise NotFound(f"No order ready for pickup with code or number {text!r}") from None
        shipment = session.scalar(query.where(Shipment.order_id == order.id).limit(1))
    if shipment is None:
        raise NotFound(f"Nothing ready for pickup at {store} for {text!r}")
    return locked_shipment(session, shipment.id)


def hand_over(db: Database, *, actor: Actor, store: str, value: str,
              collected_by: str) -> PickupView:
    """Give the parcel to the collector: shipment picked_up, name and scan recorded."""
    require(actor, "floor.pack")
    if not collected_by.strip():
        raise ValidationError("Enter the name of the person collecting")
    with db.uow() as uow:
        s = uow.session
        shipment = find_ready(s, store, value)
        shipment.hand_over(by=actor, collected_by=collected_by.strip())
        moved = _give_out(s, shipment, actor)
        record_scan(s, actor, context="pickup", value=value, kind="pickup",
                    result=ScanResult.ok, message=f"Handed to {collected_by.strip()}",
                    order_id=shipment.order_id, shipment_id=shipment.id)
        messagebus.publish(s, events.ShipmentPickedUp(
            actor=actor, order_id=shipment.order_id, shipment_id=shipment.id,
            collected_by=collected_by.strip()))
        if moved:
            messagebus.publish(s, events.StockChanged(actor=actor, order_id=shipment.order_id,
                                                      product_ids=moved))
        uow.commit()
        return _view(shipment)


def _give_out(session: Session, shipment: Shipment, actor: Actor) -> tuple[int, ...]:
    """The collected units leave the store's stock for the customer: the shipment's
    reservations are consumed, as a shipped parcel's are."""
    customer = virtual_location(session, LocationKind.customer)
    reservations = session.scalars(sa.select(Reservation).where(
        Reservation.shipment_line_id.in_([l.id for l in shipment.lines]),
        Reservation.status == ReservationStatus.active)
        .order_by(Reservation.stock_level_id, Reservation.id)).all() if shipment.lines else []
    for reservation in reservations:
        stock_ops.consume(session, reservation, target=customer, by=actor,
                          reference=shipment.pickup_code)
    return tuple(sorted({r.product_id for r in reservations}))
