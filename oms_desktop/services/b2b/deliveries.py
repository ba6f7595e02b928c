"""Staged deliveries, the business side: a purchase order whose lines carry several
requested dates becomes one order with a delivery stage per date (each released for picking
`freight.release_days_ahead` days before its date and allocated as its own shipment, see
services/orders/stages.py); each customer's terms say whether partial deliveries are taken
and whether what is short follows when stock arrives or is cancelled."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    AuditEvent, BackorderPolicy, DeliveryStage, DeliveryStageLine, DeliveryTerms, Order,
    OrderLine, Shipment, ShipmentLine, ShipmentStatus, utcnow,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services.b2b.accounts import customer_by_ref
from oms_desktop.services.events import OrderAllocated
from oms_desktop.services.orders import allocation, stages
from oms_desktop.services.orders.results import OrderResult
from oms_desktop.services.users import scope
from oms_desktop.storage import Database
from oms_desktop.values import Actor


@dataclass(frozen=True)
class TermsView:
    customer: str
    partial_allowed: bool
    backorders: str  # ship | cancel


@dataclass(frozen=True)
class StageView:
    order_number: str
    number: int
    due_on: date
    release_on: date
    status: str  # planned | released
    lines: dict  # sku -> units
    shipments: tuple[tuple[str, str], ...]  # (SHP-n, status)


@dataclass(frozen=True)
class Released:
    stages: tuple[StageView, ...]
    results: tuple[OrderResult, ...]


# -- terms ------------------------------------------------------------------------------------
def set_terms(db: Database, *, actor: Actor, customer: str, partial_allowed: bool | None = None,
              backorders: str | None = None) -> TermsView:
    require(actor, "b2b.manage")
    if backorders is not None and backorders not in BackorderPolicy.__members__:
        raise ValidationError(f"backorders are shipped or cancelled ('ship' or 'cancel'), "
                              f"not {backorders!r}")
    with db.uow() as uow:
        c = customer_by_ref(uow.session, customer)
        terms = uow.session.get(DeliveryTerms, c.id) or DeliveryTerms(customer_id=c.id)
        uow.session.add(terms)
        if partial_allowed is not None:
            terms.partial_allowed = partial_allowed
        if backorders is not None:
            terms.backorders = BackorderPolicy(backorders)
        terms.updated_by = actor.name
        uow.commit()
        return TermsView(c.company or c.name, terms.partial_allowed, terms.backorders.value)


def terms_of(session: Session, customer_id: int | None) -> DeliveryTerms:
    found = session.get(DeliveryTerms, customer_id) if customer_id else None
    return found or DeliveryTerms(customer_id=customer_id)


# -- stages -----------------------------------------------------------------------------------
def stage_order(session: Session, order: Order, dated: list[tuple[OrderLine, date | None]]
                ) -> list[DeliveryStage]:
    """One stage per requested date when the lines ask for more than one; a line without a
    date goes with the first. One date (or none) is an ordinary order."""
    days = sorted({day for _, day in dated if day})
    if len(days) < 2:
        return []
    by_day: dict[date, list[int]] = defaultdict(list)
    for line, day in dated:
        by_day[day or days[0]].append(line.id)
    out = [DeliveryStage(order_id=order.id, number=n, due_on=day,
                         lines=[DeliveryStageLine(order_line_id=i) for i in by_day[day]])
           for n, day in enumerate(days, 1)]
    session.add_all(out)
    return out


def list_stages(db: Database, *, order: str | int | None = None,
                status: str | None = None) -> list[StageView]:
    with db.uow(readonly=True) as uow:
        s = uow.session
        query = sa.select(DeliveryStage).options(selectinload(DeliveryStage.lines)) \
            .order_by(DeliveryStage.due_on, DeliveryStage.order_id, DeliveryStage.number)
        if order is not None:
            query = query.where(DeliveryStage.order_id == _order_id(s, order))
        if status is not None:
            query = query.where(DeliveryStage.status == status)
        return _views(s, list(s.scalars(query)))


def _order_id(session: Session, ref: str | int) -> int:
    text = str(ref).strip()
    found = session.scalar(sa.select(Order.id).where(sa.or_(
        Order.number == text, Order.customer_po == text,
        Order.id == (int(text) if text.isdigit() else -1))).order_by(Order.id))
    if found is None:
        raise NotFound(f"No order {text!r}")
    return found


def _views(session: Session, found: list[DeliveryStage]) -> list[StageView]:
    ahead = stages.days_ahead(session)
    line_ids = [l.order_line_id for st in found for l in st.lines]
    lines = {l.id: l for l in session.scalars(
        sa.select(OrderLine).where(OrderLine.id.in_(line_ids)))} if line_ids else {}
    shipped = defaultdict(set)
    if line_ids:
        for line_id, sid, status in session.execute(
                sa.select(ShipmentLine.order_line_id, Shipment.id, Shipment.status)
                .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
                .where(ShipmentLine.order_line_id.in_(line_ids))):
            shipped[line_id].add((f"SHP-{sid}", status.value))
    numbers = dict(session.execute(sa.select(Order.id, Order.number).where(
        Order.id.in_({st.order_id for st in found}))).all()) if found else {}
    return [StageView(numbers[st.order_id], st.number, st.due_on,
                      stages.release_day(st.due_on, ahead), st.status.value,
                      {lines[l.order_line_id].sku: lines[l.order_line_id].quantity
                       for l in st.lines},
                      tuple(sorted(set().union(*(shipped[l.order_line_id] for l in st.lines)),
                                   key=lambda x: int(x[0][4:]))))
            for st in found]


def release_due(db: Database, *, actor: Actor, today: date | None = None) -> Released:
    """Release every stage whose day has come, each allocated as its own shipment."""
    require(actor, "orders.allocate")
    day = today or utcnow().date()
    started = utcnow()
    with db.uow(readonly=True) as uow:
        due = {st.id: st.order_id for st in stages.due_stages(uow.session, today=day)}
        seen = set(scope.visible_orders(uow.session, actor, sorted(set(due.values()))))
        due = {sid: oid for sid, oid in due.items() if oid in seen}
    batch = allocation.allocate_orders(db, actor=actor, order_ids=sorted(set(due.values())),
                                       today=day)
    with db.uow(readonly=True) as uow:
        s = uow.session
        done = list(s.scalars(sa.select(DeliveryStage).where(
            DeliveryStage.id.in_(list(due)), DeliveryStage.released_by == actor.name,
            DeliveryStage.released_at >= started)
            .options(selectinload(DeliveryStage.lines))
            .order_by(DeliveryStage.due_on, DeliveryStage.order_id))) if due else []
        return Released(tuple(_views(s, done)), batch.results)


# -- backorders the customer's terms cancel -----------------------------------------------------
def on_order_allocated(session: Session, event: OrderAllocated) -> None:
    """Handler: a customer whose terms cancel backorders gets no waiting shipment; the
    order lines close short by what was missing (recorded on the order's timeline)."""
    policy = session.scalar(sa.select(DeliveryTerms.backorders).join(
        Order, Order.customer_id == DeliveryTerms.customer_id).where(Order.id == event.order_id))
    if policy != BackorderPolicy.cancel:
        return
    waiting = list(session.scalars(sa.select(Shipment).where(
        Shipment.order_id == event.order_id, Shipment.status == ShipmentStatus.waiting,
        Shipment.location_id.is_(None)).options(selectinload(Shipment.lines))))
    if waiting:
        order = session.get(Order, event.order_id, populate_existing=True)
        _close_short(session, event.actor, order, waiting)


def _close_short(session: Session, actor: Actor, order: Order, waiting: list[Shipment]) -> None:
    lines = {l.id: l for l in order.lines}
    cut: dict[str, int] = defaultdict(int)
    for shipment in waiting:
        for sl in shipment.lines:
            line = lines[sl.order_line_id]
            if line.product_id != sl.product_id:  # a kit's component: it stays to follow
                break
        else:
            for sl in shipment.lines:
                line = lines[sl.order_line_id]
                line.quantity -= sl.quantity
                order.subtotal -= line.unit_price * sl.quantity
                order.total -= line.unit_price * sl.quantity
                cut[line.sku] += sl.quantity
            shipment.cancel(by=actor)
    if cut:
        order.audit.add(AuditEvent.of(actor, entity="order", entity_id=order.id,
                                      order_id=order.id, action="backorder_cancelled",
                                      detail={"cancelled": dict(cut),
                                              "why": "the customer's terms cancel backorders"}))
