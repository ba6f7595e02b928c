"""Stock use cases: receive, adjust, move, reserve, release, ship, and read levels."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.errors import InsufficientStock, NotFound, ValidationError
from oms_desktop.model import (
    Actor, Location, LocationKind, MoveReason, Product, Reservation, StockLevel, StockMove,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services.events import StockChanged
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import location_by_code, product_by_code, virtual_location
from oms_desktop.services.messagebus import publish
from oms_desktop.storage import Database


class Quantities:
    """`available` for any view that has `on_hand` and `reserved`."""

    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class StockRow(Quantities):
    sku: str
    location: str
    on_hand: int
    reserved: int


@dataclass(frozen=True)
class ReserveResult:
    ok: bool
    message: str
    reservation_id: int | None = None


def receive(db: Database, *, actor: Actor, sku: str, location: str, quantity: int,
            reference: str | None = None, request_id: str | None = None) -> StockRow:
    """Goods in from the supplier to a location (backorders waiting for it are filled in the
    same transaction, through the "stock.changed" event). `request_id`, the caller's key for
    this one receipt, makes sending it again (a retry, a double click) a ConcurrentChange."""
    require(actor, "stock.receive")
    with db.uow() as uow:
        product, target = product_by_code(uow.session, sku), location_by_code(uow.session, location)
        _ours(uow.session, actor, target, "receive stock at")
        receive_in(uow.session, actor=actor, product=product, target=target, quantity=quantity,
                   reference=reference, request_id=request_id)
        uow.commit()
        return _row(uow.session, product, target)


def receive_in(session, *, actor: Actor, product: Product, target: Location, quantity: int,
               reference: str | None = None, request_id: str | None = None,
               unit_cost: Decimal | None = None) -> None:
    """Receipt inside the caller's transaction, announced to the subscribers."""
    source = virtual_location(session, LocationKind.supplier)
    record = stock_ops.move(session, product_id=product.id, source=source, target=target,
                            quantity=quantity, reason=MoveReason.receipt, by=actor,
                            reference=reference, request_id=request_id)
    record.unit_cost = unit_cost
    _announce(session, actor, product.id)


def _announce(session, actor: Actor, product_id: int) -> None:
    publish(session, StockChanged(actor=actor, product_ids=(product_id,)))


def adjust(db: Database, *, actor: Actor, sku: str, location: str, delta: int,
           reason_code: str, request_id: str | None = None) -> StockRow:
    """Correct on_hand by `delta` with a reason code (damaged, found, count…)."""
    require(actor, "stock.adjust")
    if delta == 0:
        raise ValidationError("An adjustment needs a non-zero quantity")
    if not reason_code:
        raise ValidationError("An adjustment needs a reason code")
    with db.uow() as uow:
        product, here = product_by_code(uow.session, sku), location_by_code(uow.session, location)
        _ours(uow.session, actor, here, "adjust stock at")
        inventory = virtual_location(uow.session, LocationKind.inventory)
        source, target = (inventory, here) if delta > 0 else (here, inventory)
        stock_ops.move(uow.session, product_id=product.id, source=source, target=target,
                       quantity=abs(delta), reason=MoveReason.adjustment, by=actor,
                       reason_code=reason_code, request_id=request_id)
        _announce(uow.session, actor, product.id)
        uow.commit()
        return _row(uow.session, product, here)


def move(db: Database, *, actor: Actor, sku: str, source: str, target: str, quantity: int,
         reference: str | None = None, request_id: str | None = None) -> list[StockRow]:
    """Move available units between bins or locations."""
    require(actor, "stock.move")
    with db.uow() as uow:
        s = uow.session
        product = product_by_code(s, sku)
        src, dst = location_by_code(s, source), location_by_code(s, target)
        for place in (src, dst):
            _ours(s, actor, place, "move stock at")
        stock_ops.move(s, product_id=product.id, source=src, target=dst, quantity=quantity,
                       reason=MoveReason.transfer, by=actor, reference=reference,
                       request_id=request_id)
        _announce(s, actor, product.id)
        uow.commit()
        return [_row(s, product, src), _row(s, product, dst)]


def reserve(db: Database, *, actor: Actor, sku: str, location: str, quantity: int,
            reference: str | None = None, shipment_line_id: int | None = None) -> ReserveResult:
    """Reserve units at one location. Running out is an expected outcome, not an error."""
    require(actor, "stock.reserve")
    with db.uow() as uow:
        product, here = product_by_code(uow.session, sku), location_by_code(uow.session, location)
        got = stock_ops.try_reserve(uow.session, product_id=product.id, location=here,
                                    quantity=quantity, reference=reference,
                                    shipment_line_id=shipment_line_id)
        if got is None:
            return ReserveResult(False, f"Insufficient stock: {quantity} x {sku} not available"
                                        f" at {location}")
        uow.commit()
        return ReserveResult(True, f"Reserved {quantity} x {sku} at {location}", got.reservation_id)


def release(db: Database, *, actor: Actor, reservation_id: int) -> None:
    require(actor, "stock.reserve")
    with db.uow() as uow:
        reservation = _reservation(uow.session, reservation_id)
        stock_ops.release(uow.session, reservation)
        _announce(uow.session, actor, reservation.product_id)
        uow.commit()


def consume(db: Database, *, actor: Actor, reservation_id: int,
            reference: str | None = None) -> None:
    """Ship the units of a reservation to the customer."""
    require(actor, "floor.pack")
    with db.uow() as uow:
        reservation = _reservation(uow.session, reservation_id)
        customer = virtual_location(uow.session, LocationKind.customer)
        stock_ops.consume(uow.session, reservation, target=customer, by=actor, reference=reference)
        uow.commit()


def levels(db: Database, *, sku: str | None = None, location: str | None = None,
           actor: Actor | None = None) -> list[StockRow]:
    """on_hand, reserved and available per (product, location), where `actor` may see."""
    from oms_desktop.services.users import scope

    with db.uow(readonly=True) as uow:
        query = (sa.select(Product.sku, Location.code, StockLevel.on_hand, StockLevel.reserved)
                 .join(Product, Product.id == StockLevel.product_id)
                 .join(Location, Location.id == StockLevel.location_id)
                 .where(*scope.stock_where(scope.of(uow.session, actor)))
                 .order_by(Product.sku, Location.code))
        if sku:
            query = query.where(Product.sku == product_by_code(uow.session, sku).sku)
        if location:
            here = location_by_code(uow.session, location)
            query = query.where(sa.or_(StockLevel.location_id == here.id,
                                       StockLevel.site_id == here.id))
        return [StockRow(*row) for row in uow.session.execute(query)]


def reconcile(db: Database) -> list[str]:
    """Every StockLevel against the ledger and the active reservations: the list of
    differences (empty when the books are right)."""
    with db.uow(readonly=True) as uow:
        return ledger_differences(uow.session)


def ledger_differences(session) -> list[str]:
    moves = StockMove.__table__.c
    inflow = (sa.select(moves.product_id, moves.to_location_id.label("loc"), moves.quantity))
    outflow = (sa.select(moves.product_id, moves.from_location_id.label("loc"),
                         (-moves.quantity).label("quantity")))
    flows = sa.union_all(inflow, outflow).subquery()
    ledger = dict(((p, l), q) for p, l, q in session.execute(
        sa.select(flows.c.product_id, flows.c.loc, sa.func.sum(flows.c.quantity))
        .group_by(flows.c.product_id, flows.c.loc)))
    held = dict((lvl, q) for lvl, q in session.execute(
        sa.select(Reservation.stock_level_id, sa.func.sum(Reservation.quantity))
        .where(Reservation.status == "active").group_by(Reservation.stock_level_id)))
    problems = []
    for level in session.scalars(sa.select(StockLevel)):
        expected = ledger.pop((level.product_id, level.location_id), 0)
        if level.on_hand != expected:
            problems.append(f"level {level.id}: on_hand {level.on_hand} but ledger {expected}")
        if level.reserved != held.get(level.id, 0):
            problems.append(f"level {level.id}: reserved {level.reserved} but reservations"
                            f" {held.get(level.id, 0)}")
    stocked = {loc.id for loc in session.scalars(sa.select(Location)) if loc.holds_stock}
    problems += [f"ledger has {q} of product {p} at location {l} without a level"
                 for (p, l), q in ledger.items() if l in stocked and q]
    return problems


def _ours(session, actor: Actor, location: Location, doing: str) -> None:
    """A person limited to sites works only at theirs (services.users.scope)."""
    from oms_desktop.services.users import scope

    if location.site_id is not None or location.holds_stock:
        scope.check_site(session, actor, location.site_id, doing=doing)


def _reservation(session, reservation_id: int) -> Reservation:
    reservation = session.get(Reservation, reservation_id)
    if reservation is None:
        raise NotFound(f"No reservation {reservation_id}")
    return reservation


def _row(session, product: Product, location: Location) -> StockRow:
    level = session.execute(sa.select(StockLevel.on_hand, StockLevel.reserved).where(
        StockLevel.product_id == product.id, StockLevel.location_id == location.id)).first()
    on_hand, reserved = level if level else (0, 0)
    return StockRow(product.sku, location.code, on_hand, reserved)


__all__ = ["InsufficientStock", "ReserveResult", "StockRow", "adjust", "consume", "levels",
           "move", "receive", "reconcile", "release", "reserve"]
