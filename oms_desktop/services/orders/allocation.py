"""The order pipeline, second half: routing verified orders to sites, creating shipments in
`assigned` with reservations on concrete bins (walk order), backorders as `waiting` shipments
without a location, and cancelling shipments (their reservations released).

A batch reserves with one guarded UPDATE per bin (`… WHERE on_hand - reserved >= :qty`, the
same guard as stock_ops.try_reserve); if any guard fails (another workstation took the stock
meanwhile) the whole batch rolls back and its orders are redone one by one through
stock_ops.try_reserve. Overselling is impossible either way."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import InsufficientStock, ValidationError
from oms_desktop.model import (
    SHIPPED_STATES, Actor, Location, Order, OrderStatus, Reservation, ReservationStatus,
    Shipment, ShipmentLine, ShipmentStatus, StockLevel, utcnow,
)
from oms_desktop.policies import routing
from oms_desktop.policies.permissions import require
from oms_desktop.services.events import OrderAllocated, OrderChanged, StockChanged
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import locked_shipment
from oms_desktop.services.messagebus import publish
from oms_desktop.services.orders import snapshots as data
from oms_desktop.services.orders import stages
from oms_desktop.services.orders.batch import ids_in, run_batches
from oms_desktop.services.orders.results import (
    BatchResult, OrderResult, ShipmentInfo, result, snap_result,
)
from oms_desktop.services.orders.writes import (
    SHIPMENT_LINES, SHIPMENTS, Writes, insert_returning_ids,
)
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import last_changes, locking, told

ALLOCATABLE = (OrderStatus.verified, OrderStatus.in_fulfilment)
DONE = (OrderStatus.completed, OrderStatus.cancelled)
ALLOCATED_BY = ("start_fulfilment", "allocation", "backorder_allocated", "cancel", "complete")
SMALL = 16  # up to this many reservations, each goes through stock_ops.try_reserve
LEVEL = StockLevel.__table__
RESERVATION = Reservation.__table__


class StockTaken(InsufficientStock):
    """A reservation guard failed: the stock was taken since it was read."""


@dataclass
class _Pick:
    line: object  # a ShipmentLine or a _LineDraft: id, shipment_id, product_id
    level_id: int
    location_id: int
    quantity: int
    code: str = ""
    sku: str = ""


class _LineDraft:
    def __init__(self, order_line_id: int, product_id: int, quantity: int):
        self.id = self.shipment_id = None
        self.order_line_id, self.product_id, self.quantity = order_line_id, product_id, quantity


class _Draft:
    """A shipment the batch will insert: assigned at a site, or waiting (a backorder)."""

    def __init__(self, order, items, site_id: int | None = None):
        self.id, self.order_id, self.location_id = None, order.id, site_id
        self.status = ShipmentStatus.assigned if site_id else ShipmentStatus.waiting
        self.carrier, self.service = order.carrier, order.service
        self.lines = [_LineDraft(need.key[0], need.product_id, qty) for need, qty in items]

    def row(self, now) -> dict:
        return dict(order_id=self.order_id, location_id=self.location_id, status=self.status,
                    carrier=self.carrier, service=self.service, created_at=now)


@dataclass
class _Pending:
    order: object
    plan: routing.Plan
    legs: list[tuple[_Draft, routing.Leg]] = field(default_factory=list)
    backorder: _Draft | None = None
    picks: list[_Pick] = field(default_factory=list)

    def drafts(self) -> list[_Draft]:
        return [d for d, _ in self.legs] + ([self.backorder] if self.backorder else [])


def allocate_orders(db: Database, *, actor: Actor, order_ids: list[int] | None = None,
                    today: date | None = None) -> BatchResult:
    """Allocate the given orders (all verified ones, and those with a delivery stage due,
    when None); delivery stages due by `today` are released first, each its own shipment."""
    require(actor, "orders.allocate")
    ids = order_ids if order_ids is not None else stages.with_due(
        db, ids_in(db, (OrderStatus.verified,), actor=actor), actor=actor, today=today)
    return run_batches(db, ids, lambda s, batch: allocate_in_session(s, actor, batch,
                                                                      today=today))


def allocate_in_session(session: Session, actor: Actor, order_ids: list[int], *,
                        only_lines: set[int] | None = None,
                        today: date | None = None) -> list[OrderResult]:
    """`only_lines`: allocate these order lines alone (one delivery stage being released);
    otherwise due stages are released first and lines of stages not yet due are left."""
    released = {} if only_lines is not None else stages.release_in_session(
        session, actor, order_ids, today=today, allocate=allocate_in_session)
    orders = data.load_snapshots(session, order_ids)
    run = Allocation(session, actor, orders, only_lines=only_lines)
    skipped = {o.id: run.skip_reason(o) for o in orders}
    urgent_first = sorted(orders, key=lambda o: (-o.priority, o.placed_at, o.id))
    pending = [run.plan(o) for o in urgent_first if skipped[o.id] is None]
    run.write([p for p in pending if p is not None])
    refused = run.moved_on([o for o in orders if o.id not in run.done and (
        skipped[o.id] is None or o.status in DONE) and o.id not in released
        and not run.waits(o)])
    return [released.get(o.id) or refused.get(o.id) or run.outcome(o, skipped[o.id])
            for o in orders]


class Allocation:
    def __init__(self, session: Session, actor: Actor, orders: list, *,
                 only_lines: set[int] | None = None):
        self.session, self.actor = session, actor
        ids = [o.id for o in orders]
        self.only_lines = only_lines
        self.held = set() if only_lines is not None else stages.held_lines(session, ids)
        self.whole_only = stages.whole_only(session, ids)
        self.catalog = data.Catalog(session, orders)
        self.network = data.Network(session, self.catalog.stock_ids())
        self.covered = _covered(session, [o.id for o in orders])
        self.bin_left: dict[int, int] = {}
        self.done: dict[int, _Pending] = {}

    def moved_on(self, orders: list) -> dict[int, OrderResult]:
        """Orders with nothing left to allocate, or closed: refused, naming whoever allocated
        (or closed) them last; another station, or an earlier click, got there first."""
        changes = last_changes(self.session, "order", [o.id for o in orders],
                               actions=ALLOCATED_BY)
        return {o.id: snap_result(o, ok=False, message=str(told(f"Order {o.number}",
                                                                changes[o.id])))
                for o in orders if o.id in changes}

    def waits(self, order) -> bool:
        """Some of the order's lines wait for a delivery stage not yet released."""
        return any(line.id in self.held for line in order.lines)

    def skip_reason(self, order) -> str | None:
        if order.active_holds:
            return "Not allocated: on hold (" + ", ".join(
                h.reason.value for h in order.active_holds) + ")"
        if order.status not in ALLOCATABLE:
            return f"Not allocated: the order is {order.status.value}"
        return None

    def needs(self, order) -> tuple[routing.Need, ...]:
        out = []
        for line in order.lines:
            if line.id in self.held or (self.only_lines is not None
                                        and line.id not in self.only_lines):
                continue
            for pid, units in self.catalog.line_facts(line).needs():
                left = units - self.covered.get((line.id, pid), 0)
                if left > 0:
                    out.append(routing.Need((line.id, pid), pid, left, self.sku(pid, line)))
        return tuple(out)

    def sku(self, pid: int, line) -> str:
        product = self.catalog.products.get(pid)
        return product.sku if product else line.sku

    def plan(self, order) -> _Pending | None:
        needs = self.needs(order)
        if not needs:
            return None
        request = data.routing_request(order, needs, self.network)
        pending = _Pending(order, routing.route(request, self.network.sites, self.network.stock))
        if pending.plan.backorder and order.id in self.whole_only:
            pending.plan = routing.Plan((), tuple((n, n.quantity) for n in needs),
                                        "the customer takes complete deliveries only")
        for leg in pending.plan.legs:
            draft = _Draft(order, leg.items, leg.site_id)
            pending.legs.append((draft, leg))
            for line, (need, qty) in zip(draft.lines, leg.items):
                pending.picks += self.pick_bins(leg.site_id, need, qty, line)
        if pending.plan.backorder:
            pending.backorder = _Draft(order, pending.plan.backorder)
        self.done[order.id] = pending
        return pending

    def pick_bins(self, site_id: int, need: routing.Need, quantity: int,
                   line) -> list[_Pick]:
        """Take the units from the site's bins in walk order."""
        picks, left, product_id = [], quantity, need.product_id
        self.network.stock[(site_id, product_id)] -= quantity
        for b in self.network.bins[(site_id, product_id)]:
            have = self.bin_left.setdefault(b.level_id, b.available)
            take = min(have, left)
            if take:
                self.bin_left[b.level_id] -= take
                left -= take
                picks.append(_Pick(line, b.level_id, b.location_id, take, b.code, need.sku))
            if not left:
                break
        if left:
            raise StockTaken(f"Stock of product {product_id} at site {site_id} is short")
        return picks

    # -- writing ---------------------------------------------------------------------------
    def write(self, pending: list[_Pending]) -> None:
        drafts = [d for p in pending for d in p.drafts()]
        now = utcnow()
        for draft, sid in zip(drafts, insert_returning_ids(
                self.session, SHIPMENTS, [d.row(now) for d in drafts])):
            draft.id = sid
            for line in draft.lines:
                line.shipment_id = sid
        lines = [line for d in drafts for line in d.lines]
        for line, lid in zip(lines, insert_returning_ids(self.session, SHIPMENT_LINES, [
                dict(shipment_id=l.shipment_id, order_line_id=l.order_line_id,
                     product_id=l.product_id, quantity=l.quantity, picked_qty=0, packed_qty=0)
                for l in lines])):
            line.id = lid
        reserve(self.session, [pick for p in pending for pick in p.picks])
        writes = Writes(self.actor)
        for p in pending:
            writes.touch(p.order)  # every allocated order's version moves: the guard
            self._transitions(p, writes)
        writes.apply(self.session)
        for p in pending:
            publish(self.session, OrderAllocated(actor=self.actor, order_id=p.order.id,
                product_ids=tuple(sorted({pk.line.product_id for pk in p.picks}))))

    def _transitions(self, p: _Pending, writes: Writes) -> None:
        writes.decision(p.order.id, "allocation", _detail(p))
        for draft, leg in p.legs:
            writes.assign_event(p.order.id, draft.id, leg.site_code)
        if p.order.status == OrderStatus.verified:
            writes.transition(p.order, "start_fulfilment")

    def outcome(self, order, skipped: str | None) -> OrderResult:
        p = self.done.get(order.id)
        if skipped or p is None:
            return snap_result(order, message=skipped or (
                "Waiting for a delivery stage to be released" if self.waits(order)
                else "Nothing left to allocate"))
        return snap_result(order, message=_message(p), shipments=_infos(p), why=p.plan.why,
                           backordered=units(p.plan.backorder))


def _covered(session: Session, order_ids: list[int]) -> dict[tuple[int, int], int]:
    """Units of each (order line, product) already on a live shipment."""
    if not order_ids:
        return {}
    rows = session.execute(
        sa.select(ShipmentLine.order_line_id, ShipmentLine.product_id,
                  sa.func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id.in_(order_ids), Shipment.status != ShipmentStatus.cancelled)
        .group_by(ShipmentLine.order_line_id, ShipmentLine.product_id))
    return {(line, pid): qty for line, pid, qty in rows}


def units(items) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for need, qty in items:
        out[need.sku] += qty
    return dict(out)


def _detail(p: _Pending) -> dict:
    return {"why": p.plan.why,
            "shipments": [{"shipment": sh.id, "location": leg.site_code, "why": leg.why,
                           "lines": units(leg.items)} for sh, leg in p.legs],
            "backorder": ({"shipment": p.backorder.id, "lines": units(p.plan.backorder)}
                          if p.backorder else None),
            "bins": [{"bin": pk.code, "sku": pk.sku, "qty": pk.quantity}
                     for pk in p.picks]}


def _listed(items) -> str:
    return ", ".join(f"{sku} x{qty}" for sku, qty in units(items).items())


def _message(p: _Pending) -> str:
    parts = [f"{leg.site_code}: {_listed(leg.items)}" for _, leg in p.legs]
    if p.plan.backorder:
        parts.append(f"backordered {_listed(p.plan.backorder)}")
    return ("Allocated " if p.legs else "Nothing in stock: ") + "; ".join(parts)


def _infos(p: _Pending) -> tuple[ShipmentInfo, ...]:
    out = [ShipmentInfo(sh.id, sh.status.value, leg.site_code, units(leg.items), leg.why)
           for sh, leg in p.legs]
    if p.backorder is not None:
        out.append(ShipmentInfo(p.backorder.id, p.backorder.status.value, None,
                                units(p.plan.backorder), "backorder: waiting for stock"))
    return tuple(out)


# -- reservations ----------------------------------------------------------------------------
def reserve(session: Session, picks: list[_Pick]) -> None:
    """Reserve every pick or raise StockTaken (the caller's transaction then rolls back)."""
    if len(picks) <= SMALL:
        for pick in picks:
            _reserve_one(session, pick)
        return
    totals: dict[int, int] = defaultdict(int)
    for pick in picks:
        totals[pick.level_id] += pick.quantity
    c = LEVEL.c
    # Levels in id order: concurrent batches lock rows in the same order (no deadlock).
    done = session.execute(
        sa.update(LEVEL).where(c.id == sa.bindparam("level"),
                               c.on_hand - c.reserved >= sa.bindparam("qty"))
        .values(reserved=c.reserved + sa.bindparam("qty")),
        [{"level": level, "qty": qty} for level, qty in sorted(totals.items())])
    if done.rowcount != len(totals):  # both drivers report the rows matched in total
        raise StockTaken("Stock was taken by another workstation meanwhile; run again")
    now = utcnow()
    session.execute(sa.insert(RESERVATION), [
        dict(stock_level_id=p.level_id, product_id=p.line.product_id,
             location_id=p.location_id, shipment_line_id=p.line.id,
             reference=f"SHP-{p.line.shipment_id}", quantity=p.quantity,
             status=ReservationStatus.active, created_at=now) for p in picks])


def _reserve_one(session: Session, pick: _Pick) -> None:
    got = stock_ops.try_reserve(session, product_id=pick.line.product_id,
                                location=session.get(Location, pick.location_id),
                                quantity=pick.quantity, shipment_line_id=pick.line.id,
                                reference=f"SHP-{pick.line.shipment_id}")
    if got is None:
        raise StockTaken("Stock was taken by another workstation meanwhile; run again")


def release_shipment(session: Session, shipment: Shipment) -> dict[int, int]:
    """Release the active reservations of a shipment: units per product given back."""
    rows = session.scalars(
        sa.select(Reservation).join(ShipmentLine, ShipmentLine.id == Reservation.shipment_line_id)
        .where(ShipmentLine.shipment_id == shipment.id,
               Reservation.status == ReservationStatus.active)
        .order_by(Reservation.stock_level_id, Reservation.id)).all()
    released: dict[int, int] = defaultdict(int)
    for reservation in rows:
        stock_ops.release(session, reservation)
        released[reservation.product_id] += reservation.quantity
    return dict(released)


def cancel_shipments_of(session: Session, order: Order, actor: Actor) -> dict[int, int]:
    """Cancel every live shipment of an order (refused once one has shipped)."""
    shipments = list(session.scalars(locking(sa.select(Shipment).where(
        Shipment.order_id == order.id, Shipment.status != ShipmentStatus.cancelled)
        .order_by(Shipment.id))))
    shipped = [s.label for s in shipments if s.status in SHIPPED_STATES]
    if shipped:
        raise ValidationError(f"Order {order.number} has shipped ({', '.join(shipped)}):"
                              " take it back as a return instead")
    released: dict[int, int] = defaultdict(int)
    for shipment in shipments:
        shipment.cancel(by=actor)
        for pid, qty in release_shipment(session, shipment).items():
            released[pid] += qty
    return dict(released)


def cancel_shipment(db: Database, *, actor: Actor, shipment_id: int) -> OrderResult:
    """Cancel one shipment and release its reservations; its lines can be allocated again.
    The freed stock is announced ("stock.changed"), so waiting backorders may take it."""
    require(actor, "orders.cancel")
    with db.uow() as uow:
        s = uow.session
        shipment = locked_shipment(s, shipment_id)
        if shipment is None:
            raise ValidationError(f"No shipment {shipment_id}")
        if shipment.status in SHIPPED_STATES:
            raise ValidationError(f"{shipment.label} has shipped: take it back as a return")
        shipment.cancel(by=actor)
        released = release_shipment(s, shipment)
        s.flush()
        publish(s, OrderChanged(actor=actor, order_id=shipment.order_id,
                         shipment_id=shipment.id))
        if released:
            publish(s, StockChanged(actor=actor, product_ids=tuple(sorted(released))))
        out = result(shipment.order, message=f"Cancelled {shipment.label}, released "
                                             f"{sum(released.values())} reserved units")
        uow.commit()
        return out
