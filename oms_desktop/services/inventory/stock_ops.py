"""Stock operations inside a caller's transaction. Every change of on_hand is a StockMove;
`reserved` changes only together with a Reservation row. Quantities are changed by guarded
UPDATEs (`… WHERE on_hand - reserved >= :qty`), so the row lock the UPDATE takes (PostgreSQL)
or the write lock BEGIN IMMEDIATE took (SQLite) makes the check and the change one step: two
workstations can never both take the last unit."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ConcurrentChange, InsufficientStock, ValidationError
from oms_desktop.model import (
    Actor, Location, MoveReason, Reservation, ReservationStatus, StockLevel, StockMove, utcnow,
)
from oms_desktop.storage.concurrency import Change, claim, insert_unless_there, told

LEVEL = StockLevel.__table__
RESERVATION = Reservation.__table__


@dataclass(frozen=True)
class Reserved:
    reservation_id: int
    location_id: int
    quantity: int


def _positive(quantity: int) -> None:
    if quantity <= 0:
        raise ValidationError(f"Quantity must be positive, not {quantity}")


def ensure_level(session: Session, product_id: int, location: Location) -> int:
    """The id of the StockLevel row for (product, location), created if missing."""
    if not location.holds_stock:
        raise ValidationError(f"{location.code} ({location.kind.value}) does not hold stock")
    insert_unless_there(session, LEVEL, ["product_id", "location_id"], product_id=product_id,
                        location_id=location.id, site_id=location.site_id, on_hand=0,
                        reserved=0)
    return session.scalar(sa.select(LEVEL.c.id).where(
        LEVEL.c.product_id == product_id, LEVEL.c.location_id == location.id))


def _take(session: Session, level_id: int, quantity: int, *, from_reserved: bool) -> bool:
    """Lower on_hand (and reserved, when consuming a reservation) if enough is there."""
    c = LEVEL.c
    guard = (c.reserved >= quantity) if from_reserved else (c.on_hand - c.reserved >= quantity)
    values = {"on_hand": c.on_hand - quantity}
    if from_reserved:
        values["reserved"] = c.reserved - quantity
    result = session.execute(sa.update(LEVEL).where(c.id == level_id, guard).values(**values))
    return result.rowcount == 1


def _give(session: Session, level_id: int, quantity: int) -> None:
    session.execute(sa.update(LEVEL).where(LEVEL.c.id == level_id)
                    .values(on_hand=LEVEL.c.on_hand + quantity))


def move(session: Session, *, product_id: int, source: Location, target: Location,
         quantity: int, reason: MoveReason, by: Actor, reference: str | None = None,
         reason_code: str | None = None, from_reserved: bool = False,
         request_id: str | None = None) -> StockMove:
    """Move units between two locations; the stock-holding ends are updated, the ledger
    gets one row. Raises InsufficientStock when the source has too few available units, and
    ConcurrentChange when `request_id` (the caller's key for this one move) was moved before."""
    _positive(quantity)
    if request_id is not None:
        _once(session, request_id)
    if source.id == target.id:
        raise ValidationError("A move needs two different locations")
    if source.holds_stock:
        level_id = ensure_level(session, product_id, source)
        if not _take(session, level_id, quantity, from_reserved=from_reserved):
            raise InsufficientStock(
                f"Insufficient stock at {source.code}: {quantity} needed, "
                f"{available(session, product_id, source.id)} available")
    if target.holds_stock:
        _give(session, ensure_level(session, product_id, target), quantity)
    record = StockMove(product_id=product_id, from_location_id=source.id,
                       to_location_id=target.id, quantity=quantity, reason=reason,
                       reason_code=reason_code, reference=reference, actor_name=by.name,
                       actor_id=by.user_id, at=utcnow(), request_id=request_id)
    session.add(record)
    return record


DONE = {MoveReason.receipt: "received", MoveReason.adjustment: "posted",
        MoveReason.transfer: "moved"}


def _once(session: Session, request_id: str) -> None:
    """Refuse a request already moved, naming who moved it and when."""
    claim(session, f"stock-request:{request_id}")
    seen = session.execute(sa.select(StockMove.reason, StockMove.actor_name, StockMove.at)
                           .where(StockMove.request_id == request_id)).first()
    if seen is not None:
        reason, actor, at = seen
        raise told(f"Request {request_id}", Change("move", actor, None, at),
                   DONE.get(reason, "recorded"))


def available(session: Session, product_id: int, location_id: int) -> int:
    row = session.execute(sa.select(LEVEL.c.on_hand - LEVEL.c.reserved).where(
        LEVEL.c.product_id == product_id, LEVEL.c.location_id == location_id)).first()
    return row[0] if row else 0


# Built once: reserving is the hottest path of allocation, and building a statement costs more
# than running it.
_TAKE = (sa.update(LEVEL)
         .where(LEVEL.c.product_id == sa.bindparam("product"),
                LEVEL.c.location_id == sa.bindparam("location"),
                LEVEL.c.on_hand - LEVEL.c.reserved >= sa.bindparam("units"))
         .values(reserved=LEVEL.c.reserved + sa.bindparam("units"))
         .returning(LEVEL.c.id))
_RECORD = sa.insert(RESERVATION).returning(RESERVATION.c.id)


def try_reserve(session: Session, *, product_id: int, location: Location, quantity: int,
                shipment_line_id: int | None = None,
                reference: str | None = None) -> Reserved | None:
    """Reserve units at one location, or None (and nothing changed) if too few are available.
    Two statements: the guarded UPDATE that takes the units, and the Reservation row."""
    _positive(quantity)
    conn = session.connection()
    level_id = conn.execute(_TAKE, {"product": product_id, "location": location.id,
                                    "units": quantity}).scalar()
    if level_id is None:
        return None
    reservation_id = conn.execute(_RECORD, {
        "stock_level_id": level_id, "product_id": product_id, "location_id": location.id,
        "shipment_line_id": shipment_line_id, "reference": reference, "quantity": quantity,
        "status": ReservationStatus.active}).scalar_one()
    return Reserved(reservation_id, location.id, quantity)


def release(session: Session, reservation: Reservation) -> None:
    """Give reserved units back to available."""
    _close(session, reservation, ReservationStatus.released)
    c = LEVEL.c
    session.execute(sa.update(LEVEL).where(c.id == reservation.stock_level_id)
                    .values(reserved=c.reserved - reservation.quantity))


def consume(session: Session, reservation: Reservation, *, target: Location, by: Actor,
            reference: str | None = None) -> StockMove:
    """Ship reserved units: they leave on_hand and reserved together."""
    _close(session, reservation, ReservationStatus.consumed)
    source = session.get(Location, reservation.location_id)
    return move(session, product_id=reservation.product_id, source=source, target=target,
                quantity=reservation.quantity, reason=MoveReason.shipment, by=by,
                reference=reference or reservation.reference, from_reserved=True)


_CLOSE = (sa.update(RESERVATION)
          .where(RESERVATION.c.id == sa.bindparam("rid"),
                 RESERVATION.c.status == ReservationStatus.active)
          .values(status=sa.bindparam("new"), closed_at=sa.bindparam("at")))


def _close(session: Session, reservation: Reservation, status: ReservationStatus) -> None:
    """A guarded write: only an active reservation is released or consumed, once."""
    session.flush()
    moved = session.execute(_CLOSE, {"rid": reservation.id, "new": status,
                                     "at": utcnow()}).rowcount
    session.expire(reservation, ["status", "closed_at"])
    if moved != 1:
        raise ConcurrentChange(f"Reservation {reservation.id} is {reservation.status.value}"
                               " already (another station took it meanwhile); nothing was "
                               "saved")
