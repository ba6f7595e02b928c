"""Creating a page of new channel orders with bulk INSERTs (customers, orders, lines, audit
events, sync states): the ORM unit of work is too slow for tens of thousands of orders.
The few orders that need a state change at birth (cancelled on the channel, a line without
a SKU → hold) are then loaded and changed through the state machine. A SKU the program does
not know becomes a product flagged for review (unknown_products.py)."""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from oms_desktop.connectors.dto import OrderDTO
from oms_desktop.model import (
    Actor, AuditEvent, Channel, ChannelOrderState, Customer, FinancialStatus, FulfilmentStatus,
    HoldReason, Location, Order, OrderLine, OrderStatus, OrderTag, Product, utcnow,
)
from oms_desktop.model.search import OrderWord, index_rows
from oms_desktop.services import events, messagebus
from oms_desktop.services.channels.unknown_products import products_from_lines

UNKNOWN_SKU = "Unknown SKU"
TAG_MAX = 64  # order_tags.tag

# Core tables: the ORM's per-row bookkeeping is the slow part of a 10,000-order import.
ORDERS = Order.__table__


def create_orders(session: Session, channel: Channel, dtos: list[OrderDTO],
                  actor: Actor) -> int:
    if not dtos:
        return 0
    products = product_ids(session, {l.sku for d in dtos for l in d.lines_to_ship if l.sku})
    products.update(products_from_lines(session, channel, dtos, products))
    customers = _customer_ids(session, dtos)
    orders = [order_row(channel.id, d, customers.get(d.email)) for d in dtos]
    ids = insert_with_ids(session, ORDERS, orders)
    now = utcnow()
    lines = [line_row(oid, i, l, products) for oid, d in zip(ids, dtos)
             for i, l in enumerate(d.lines_to_ship, start=1)]
    session.execute(sa.insert(OrderLine.__table__), lines)
    # the search index: these bulk INSERTs pass the ORM's listeners by
    words = index_rows([dict(o, id=i) for o, i in zip(orders, ids)], lines)
    if words:
        session.execute(sa.insert(OrderWord.__table__), words)
    tags = [dict(order_id=oid, tag=t) for oid, d in zip(ids, dtos) for t in channel_tags(d)]
    if tags:
        session.execute(sa.insert(OrderTag.__table__), tags)
    session.execute(sa.insert(AuditEvent.__table__), [_audit(actor, oid, d, now) for oid, d in zip(ids, dtos)])
    session.execute(sa.insert(ChannelOrderState.__table__), [
        dict(channel_id=channel.id, external_id=d.external_id, order_id=oid,
             remote_updated_at=d.updated_at, fingerprint=d.fingerprint(), synced_at=now)
        for oid, d in zip(ids, dtos)])
    # The subscribers (rules, order confirmations) read each new order: load the page's orders
    # with their customers (and the one channel) up front, so their lookups hit the session.
    loaded = session.scalars(sa.select(Order).where(Order.id.in_(ids)).options(
        joinedload(Order.customer), selectinload(Order.channel))).all() \
        if messagebus.has_handlers(events.OrderImported) else ()
    _collected_at(session, ids, dtos)
    for oid, dto in zip(ids, dtos):
        _after_create(session, oid, dto, products, actor)
    del loaded
    return len(ids)


def product_ids(session: Session, skus: set[str]) -> dict[str, int]:
    if not skus:
        return {}
    rows = session.execute(sa.select(Product.sku, Product.id).where(
        among(session, Product.sku, skus)))
    return {sku: pid for sku, pid in rows}


def _customer_ids(session: Session, dtos: list[OrderDTO]) -> dict[str, int]:
    """Customers by e-mail: the existing one, else a new one (upsert by e-mail)."""
    emails = sorted({d.email for d in dtos if d.email})
    if not emails:
        return {}
    found: dict[str, int] = {}
    for cid, email in session.execute(sa.select(Customer.id, Customer.email)
                                      .where(among(session, Customer.email, emails))
                                      .order_by(Customer.id)):
        found.setdefault(email, cid)
    names = {d.email: customer_name(d) for d in dtos if d.email}
    new = [e for e in emails if e not in found]
    if new:
        ids = insert_with_ids(session, Customer.__table__,
                              [dict(name=names[e], email=e, kind="consumer") for e in new])
        found.update(zip(new, ids))
    return found


def insert_with_ids(session: Session, table: sa.Table, rows: list[dict]) -> list[int]:
    """INSERT many rows and return their ids in order, with one plain executemany: the ids
    are taken first. SQLite's writing unit of work holds the write lock from BEGIN
    (IMMEDIATE), so the ids after the greatest one are ours; PostgreSQL takes them from the
    sequence (one huge INSERT … RETURNING costs more in the driver's query conversion than the
    database spends inserting)."""
    if session.bind.dialect.name != "postgresql":
        start = session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
        ids = list(range(start + 1, start + 1 + len(rows)))
        session.execute(sa.insert(table), [dict(r, id=i) for r, i in zip(rows, ids)])
        return ids
    ids = list(session.scalars(sa.text(
        f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
        "FROM generate_series(1, :n)"), {"n": len(rows)}))
    session.execute(sa.insert(table), [dict(r, id=i) for r, i in zip(rows, ids)])
    return ids


def among(session: Session, column, values) -> sa.ColumnElement:
    """`column IN values`; on PostgreSQL one array parameter (= ANY) instead of hundreds."""
    values = list(values)
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY
        return column == sa.any_(sa.bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def channel_orders(session: Session, query: sa.Select, channel_id: int,
                   external_ids: list[str]) -> list[sa.Row]:
    """The rows of `query` (over orders) for this channel's orders among `external_ids`.
    Looked up by the external id's own index and narrowed to the channel here: with the
    channel in the WHERE, PostgreSQL's cached plan for a table without statistics yet (a
    first import) reads every order of the channel and compares each with the whole list,
    so a 300,000-order report took quadratic time."""
    rows = session.execute(query.add_columns(Order.channel_id)
                           .where(among(session, Order.external_id, external_ids)))
    return [row[:-1] for row in rows if row[-1] == channel_id]


def _collected_at(session: Session, ids: list[int], dtos: list[OrderDTO]) -> None:
    """Click and collect: the store where the customer picks the order up."""
    codes = {d.pickup_location for d in dtos if d.pickup_location}
    if not codes:
        return
    where = dict(session.execute(sa.select(Location.code, Location.id)
                                 .where(Location.code.in_(codes))).all())
    for oid, dto in zip(ids, dtos):
        if dto.pickup_location:
            session.execute(sa.update(Order).where(Order.id == oid)
                            .values(pickup_location_id=where[dto.pickup_location]))


def customer_name(dto: OrderDTO) -> str:
    ship = dto.shipping.name if dto.shipping else None
    return dto.customer_name or ship or dto.email or dto.number


def header(dto: OrderDTO) -> dict:
    return dict(financial_status=FinancialStatus(dto.financial_status),
                fulfilment_status=FulfilmentStatus(dto.fulfilment_status),
                currency=dto.currency, subtotal=dto.subtotal,
                shipping_total=dto.shipping_total, tax_total=dto.tax_total,
                discount_total=dto.discount_total, total=dto.total, email=dto.email,
                billing_country=dto.billing_country, requested_service=dto.requested_service,
                notes=dto.notes)


def address(dto: OrderDTO) -> dict:
    a = dto.shipping
    return dict(ship_name=a and a.name, ship_company=a and a.company, ship_line1=a and a.line1,
                ship_line2=a and a.line2, ship_city=a and a.city, ship_region=a and a.region,
                ship_postal_code=a and a.postal_code, ship_country=a and a.country,
                ship_phone=a and a.phone)


def order_row(channel_id: int, dto: OrderDTO, customer_id: int | None) -> dict:
    now = utcnow()
    return dict(number=dto.number, channel_id=channel_id, external_id=dto.external_id,
                customer_id=customer_id, placed_at=dto.placed_at, status=OrderStatus.new,
                priority=0, created_at=now, updated_at=now, **header(dto), **address(dto))


def line_row(order_id: int, line_no: int, l, products: dict[str, int]) -> dict:
    """An order line for what is still to ship of a channel line."""
    return dict(order_id=order_id, line_no=line_no, product_id=products.get(l.sku), sku=l.sku,
                name=l.name, quantity=l.to_ship, unit_price=l.unit_price, tax=l.tax,
                discount=l.discount, external_id=l.external_id)


def channel_tags(dto: OrderDTO) -> list[str]:
    """The channel's tags as ours are kept: trimmed, lower case, at most TAG_MAX long."""
    clean = (t.strip().lower()[:TAG_MAX] for t in dto.tags)
    return list(dict.fromkeys(t for t in clean if t))


def _audit(actor: Actor, order_id: int, dto: OrderDTO, now) -> dict:
    return dict(at=now, order_id=order_id, entity="order", entity_id=order_id, action="import",
                from_state=None, to_state=OrderStatus.new.value, actor_name=actor.name,
                actor_id=actor.user_id, station=actor.station, source=actor.source,
                detail={"external_id": dto.external_id})


def unknown_skus(lines: Iterable, products: dict[str, int]) -> list[str]:
    return sorted({l.sku or f"(no SKU) {l.name}" for l in lines if l.sku not in products})


def _after_create(session: Session, order_id: int, dto: OrderDTO, products: dict[str, int],
                  actor: Actor) -> None:
    if dto.fulfilled_by_channel and dto.status != "cancelled":
        return  # not work for us: channel_fulfilled.settle_new takes it from here
    unknown = unknown_skus(dto.lines_to_ship, products)
    if dto.status == "cancelled" or unknown:
        order = session.get(Order, order_id)
        if dto.status == "cancelled":
            order.cancel(by=actor, reason="cancelled on the channel before import")
            return
        order.hold(HoldReason.manual, by=actor, note=f"{UNKNOWN_SKU} {', '.join(unknown)}: "
                   "add the product; the next sync links it and lifts this hold")
    messagebus.publish(session, events.OrderImported(actor=actor, order_id=order_id))


def link_new_products(session: Session, channel_id: int, actor: Actor) -> int:
    """Lines imported with an unknown SKU get their product once it exists; an order whose
    lines are all known again loses the hold the sync put on it (other holds stay)."""
    rows = session.execute(
        sa.select(OrderLine, Product.id).join(Order, Order.id == OrderLine.order_id)
        .join(Product, Product.sku == OrderLine.sku)
        .where(Order.channel_id == channel_id, OrderLine.product_id.is_(None))).all()
    orders = set()
    for line, product_id in rows:
        line.product_id = product_id
        orders.add(line.order)
    for order in orders:
        if all(l.product_id is not None for l in order.lines):
            _lift_unknown_sku_hold(order, actor)
        messagebus.publish(session, events.OrderChanged(actor=actor, order_id=order.id,
                                             change="products_linked"))
    return len(rows)


def _lift_unknown_sku_hold(order: Order, actor: Actor) -> None:
    mine = [h for h in order.active_holds
            if h.reason == HoldReason.manual and (h.note or "").startswith(UNKNOWN_SKU)]
    for hold in mine:
        hold.released_at, hold.released_by = utcnow(), actor.name
    if mine and not order.active_holds and order.status == OrderStatus.on_hold:
        order.release(by=actor, reasons=set())
