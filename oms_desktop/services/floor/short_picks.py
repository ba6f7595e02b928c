"""The short-pick exception list: units a picker did not find. A supervisor re-allocates
them (the missing units are written off the bin as lost, the shipment keeps what was picked,
and the order is allocated again: from another bin or site when stock is there — "rerouted"
— else a waiting backorder) or marks them found (nothing changes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    Actor, Location, LocationKind, MoveReason, Product, Reservation, ReservationStatus,
    Shipment, ShipmentLine, ShipmentStatus, ShortPick, ShortPickStatus, utcnow,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import virtual_location
from oms_desktop.services.orders.allocation import allocate_in_session
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import Change, lock, told

RESOLUTIONS = ("reallocate", "found")


@dataclass(frozen=True)
class ShortPickView:
    id: int
    pick_list: str
    shipment_id: int
    order_id: int
    sku: str
    bin: str
    quantity: int
    reason: str
    status: str
    reported_by: str
    reported_at: datetime


def exceptions(db: Database, *, status: str = "open") -> list[ShortPickView]:
    with db.uow(readonly=True) as uow:
        rows = uow.session.execute(
            sa.select(ShortPick, Product.sku, Location.code, Shipment.order_id)
            .join(Product, Product.id == ShortPick.product_id)
            .join(Location, Location.id == ShortPick.bin_id)
            .join(Shipment, Shipment.id == ShortPick.shipment_id)
            .where(ShortPick.status == ShortPickStatus(status)).order_by(ShortPick.id))
        return [ShortPickView(sp.id, f"PL-{sp.pick_list_id}", sp.shipment_id, order_id, sku,
                              code, sp.quantity, sp.reason, sp.status.value, sp.reported_by,
                              sp.reported_at) for sp, sku, code, order_id in rows]


def resolve(db: Database, *, actor: Actor, short_pick_id: int, resolution: str) -> str:
    """"reallocate" or "found"; returns the status the short pick ends in."""
    require(actor, "orders.allocate")
    if resolution not in RESOLUTIONS:
        raise ValidationError(f"Resolve a short pick by {' or '.join(RESOLUTIONS)}")
    with db.uow() as uow:
        s = uow.session
        short = lock(s, ShortPick, short_pick_id)
        if short is None:
            raise NotFound(f"No short pick {short_pick_id}")
        if short.status != ShortPickStatus.open:
            raise told(f"Short pick {short_pick_id} ({short.status.value})",
                       Change("resolve", short.resolved_by, None, short.resolved_at))
        short.status = (ShortPickStatus.found if resolution == "found"
                        else _reallocate(s, actor, short))
        short.resolved_by, short.resolved_at = actor.name, utcnow()
        uow.commit()
        return short.status.value


def _reallocate(s: Session, actor: Actor, short: ShortPick) -> ShortPickStatus:
    line = s.get(ShipmentLine, short.shipment_line_id)
    _write_off(s, actor, short)
    line.quantity -= short.quantity
    shipment = line.shipment
    if shipment.status == ShipmentStatus.picking and all(
            l.picked_qty >= l.quantity for l in shipment.lines):
        shipment.finish_picking(by=actor)
    s.flush()
    [result] = allocate_in_session(s, actor, [shipment.order_id])
    return ShortPickStatus.rerouted if not result.backordered else ShortPickStatus.backordered


def _write_off(s: Session, actor: Actor, short: ShortPick) -> None:
    """The units are not on the shelf: they leave the bin (and its reservation) as lost."""
    reservation = s.scalar(sa.select(Reservation).where(
        Reservation.shipment_line_id == short.shipment_line_id,
        Reservation.location_id == short.bin_id,
        Reservation.status == ReservationStatus.active).limit(1))
    if reservation is None or reservation.quantity < short.quantity:
        raise ValidationError("The short units are no longer reserved at that bin")
    stock_ops.move(s, product_id=short.product_id, source=s.get(Location, short.bin_id),
                   target=virtual_location(s, LocationKind.inventory), quantity=short.quantity,
                   reason=MoveReason.adjustment, reason_code="short_pick", by=actor,
                   reference=f"PL-{short.pick_list_id}", from_reserved=True)
    if reservation.quantity == short.quantity:
        reservation.status, reservation.closed_at = ReservationStatus.consumed, utcnow()
    else:
        reservation.quantity -= short.quantity
