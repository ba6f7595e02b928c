"""Backorders: `waiting` shipments without a location or reservation, allocated automatically
when stock arrives ("stock.changed"), first in first out by order date, then by order priority
(higher first). Each one is filled where routing says, inside the caller's transaction, with a
savepoint per shipment so one that cannot be reserved never undoes the receipt."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.model import (
    Actor, AuditEvent, HoldReason, Location, Order, OrderHold, OrderLine, OrderStatus, Shipment,
    ShipmentLine, ShipmentStatus,
)
from oms_desktop.policies import routing
from oms_desktop.policies.permissions import require
from oms_desktop.services.events import OrderAllocated, StockChanged
from oms_desktop.services.inventory.stock import receive_in
from oms_desktop.services.lookup import location_by_code, product_by_code
from oms_desktop.services.messagebus import publish
from oms_desktop.services.orders import snapshots as data
from oms_desktop.services.orders import stages
from oms_desktop.services.orders.allocation import Allocation, StockTaken, reserve, units
from oms_desktop.services.orders.batch import audit_row
from oms_desktop.services.orders.pipeline import verify_in_session
from oms_desktop.services.orders.results import OrderResult, result
from oms_desktop.storage import Database


def on_stock_changed(session: Session, event: StockChanged) -> None:
    """Handler: new stock may fill waiting backorders, and clear out-of-stock holds (when
    the business holds short orders instead of backordering them)."""
    allocate_backorders(session, event.actor, product_ids=event.product_ids or None)
    waiting = out_of_stock_orders(session, event.product_ids or None)
    if waiting:
        verify_in_session(session, event.actor, waiting)


def out_of_stock_orders(session: Session, product_ids=None) -> list[int]:
    """Orders held (automatically) for stock that these products may release."""
    query = (sa.select(OrderHold.order_id).distinct()
             .join(Order, Order.id == OrderHold.order_id)
             .where(OrderHold.reason == HoldReason.out_of_stock, OrderHold.manual.is_(False),
                    OrderHold.released_at.is_(None), Order.status == OrderStatus.on_hold))
    if product_ids:
        query = query.where(OrderHold.order_id.in_(sa.select(OrderLine.order_id).where(
            OrderLine.product_id.in_(product_ids))))
    return sorted(session.scalars(query))


def waiting_backorders(session: Session, product_ids=None) -> list[Shipment]:
    """Waiting shipments of orders in fulfilment and not held, oldest order first."""
    query = (sa.select(Shipment).join(Order, Order.id == Shipment.order_id)
             .where(Shipment.status == ShipmentStatus.waiting, Shipment.location_id.is_(None),
                    Order.status == OrderStatus.in_fulfilment)
             .options(selectinload(Shipment.lines))
             .order_by(Order.placed_at, Order.priority.desc(), Order.id, Shipment.id))
    if product_ids:
        query = query.where(Shipment.id.in_(sa.select(ShipmentLine.shipment_id).where(
            ShipmentLine.product_id.in_(product_ids))))
    return list(session.scalars(query))


def allocate_backorders(session: Session, actor: Actor, *,
                        product_ids=None) -> list[OrderResult]:
    shipments = waiting_backorders(session, product_ids)
    if not shipments:
        return []
    orders = data.load_orders(session, sorted({s.order_id for s in shipments}))
    run = Allocation(session, actor, orders)
    by_id = {o.id: o for o in orders}
    whole = stages.whole_only(session, list(by_id))
    out = []
    for shipment in shipments:
        order = by_id[shipment.order_id]
        if not order.active_holds:
            filled = _fill(session, run, order, shipment, whole=order.id in whole)
            if filled is not None:
                out.append(filled)
    return out


def _fill(session: Session, run: Allocation, order: Order, waiting: Shipment, *,
          whole: bool = False) -> OrderResult | None:
    needs = tuple(routing.Need((l.order_line_id, l.product_id), l.product_id, l.quantity,
                               run.sku(l.product_id, l.order_line)) for l in waiting.lines)
    plan = routing.route(data.routing_request(order, needs, run.network), run.network.sites,
                         run.network.stock)
    if not plan.legs or (whole and plan.backorder):  # complete deliveries only: wait
        return None
    savepoint = session.begin_nested()
    try:
        legs = _take(session, run, order, waiting, plan)
    except StockTaken:
        savepoint.rollback()
        return None
    savepoint.commit()
    session.execute(sa.insert(AuditEvent.__table__), [audit_row(
        run.actor, order.id, "backorder_allocated",
        {"why": plan.why, "shipments": [{"shipment": sh.id, "location": leg.site_code,
                                         "why": leg.why, "lines": units(leg.items)}
                                        for sh, leg in legs],
         "still_waiting": units(plan.backorder)})])
    publish(session, OrderAllocated(actor=run.actor, order_id=order.id,
                           product_ids=tuple(sorted({n.product_id for n in needs}))))
    return result(order, message=f"Backorder filled from "
                                 f"{', '.join(leg.site_code for _, leg in legs)}"
                                 + (f"; still waiting {units(plan.backorder)}"
                                    if plan.backorder else ""), why=plan.why)


def _take(session: Session, run: Allocation, order: Order, waiting: Shipment,
          plan: routing.Plan) -> list:
    """The whole backorder at one site assigns the waiting shipment itself; otherwise each
    leg becomes a new shipment and the waiting one keeps what is still missing."""
    if len(plan.legs) == 1 and not plan.backorder:
        leg = plan.legs[0]
        picks = [pk for line, (need, qty) in zip(waiting.lines, leg.items)
                 for pk in run.pick_bins(leg.site_id, need, qty, line)]
        reserve(session, picks)
        waiting.assign(session.get(Location, leg.site_id), by=run.actor)
        return [(waiting, leg)]
    legs = [(_shipment(session, order, leg.items), leg) for leg in plan.legs]
    session.flush()
    picks = [pk for shipment, leg in legs
             for line, (need, qty) in zip(shipment.lines, leg.items)
             for pk in run.pick_bins(leg.site_id, need, qty, line)]
    reserve(session, picks)
    for shipment, leg in legs:
        shipment.assign(session.get(Location, leg.site_id), by=run.actor)
    _shrink(session, waiting, [item for _, leg in legs for item in leg.items])
    return legs


def _shipment(session: Session, order: Order, items) -> Shipment:
    shipment = Shipment(order_id=order.id, status=ShipmentStatus.waiting,
                        carrier=order.carrier, service=order.service)
    shipment.lines = [ShipmentLine(order_line_id=need.key[0], product_id=need.product_id,
                                   quantity=qty) for need, qty in items]
    session.add(shipment)
    return shipment


def _shrink(session: Session, waiting: Shipment, taken) -> None:
    left = {(l.order_line_id, l.product_id): l for l in waiting.lines}
    for need, qty in taken:
        line = left[need.key]
        line.quantity -= qty
        if line.quantity <= 0:
            waiting.lines.remove(line)
            session.delete(line)


def _waiting_units(session: Session, product_id: int) -> dict[int, int]:
    return {sh.order_id: sum(l.quantity for l in sh.lines)
            for sh in waiting_backorders(session, (product_id,))}


def receive(db: Database, *, actor: Actor, sku: str, location: str, quantity: int,
            reference: str | None = None, request_id: str | None = None) -> list[int]:
    """Goods in, announced as "stock.changed" in the same transaction, so the backorders the
    units can fill are allocated at once. Returns the ids of the orders that got stock."""
    require(actor, "stock.receive")
    with db.uow() as uow:
        s = uow.session
        product, target = product_by_code(s, sku), location_by_code(s, location)
        before = _waiting_units(s, product.id)
        receive_in(s, actor=actor, product=product, target=target, quantity=quantity,
                   reference=reference, request_id=request_id)
        s.flush()
        after = _waiting_units(s, product.id)
        uow.commit()
        return sorted(oid for oid, units in before.items() if after.get(oid, 0) < units)
