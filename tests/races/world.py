"""Seed data for the races, built in the test process with the existing factories before the
stations are released."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import (
    SYSTEM, AuditEvent, Channel, FinancialStatus, Order, OrderLine, OrderStatus, Product,
    Reservation, ReservationStatus, Shipment, ShipmentLine, ShipmentStatus,
)
from oms_desktop.services.orders import allocation, pipeline
from tests.integration.pipeline_world import later, pipeline_world, place_order, put_stock


def orders_world(db, count: int, *, units: int = 1000) -> list[int]:
    """`count` new, clean, paid orders (each its own customer and address) with plenty of
    stock at WH-NJ for all of them."""
    pipeline_world(db)
    if units:
        put_stock(db, "WH-NJ-A-01", "MUG", units)
        put_stock(db, "WH-NJ-A-02", "SPOON", units)
    return [place_order(db, {"MUG": 1 + i % 3, "SPOON": 1}, customer=f"Customer {i}",
                        email=f"c{i}@example.com", ship_line1=f"{i} Main St",
                        placed_at=later(30 * i)) for i in range(count)]


def verified(db, ids: list[int]) -> list[int]:
    results = pipeline.verify_orders(db, actor=SYSTEM, order_ids=ids).results
    assert {r.status for r in results} == {"verified"}, [r.message for r in results]
    return ids


def allocated(db, ids: list[int]) -> list[int]:
    results = allocation.allocate_orders(db, actor=SYSTEM, order_ids=ids).results
    assert {r.status for r in results} == {"in_fulfilment"}, [r.message for r in results]
    return ids


def ordered_units(db, order_id: int) -> int:
    with db.uow(readonly=True) as uow:
        order = uow.session.get(Order, order_id)
        return sum(line.quantity for line in order.lines if line.sku == "MUG") + \
            sum(line.quantity for line in order.lines if line.sku == "SPOON")


def reserved_units(db, order_id: int) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Reservation.quantity), 0))
            .join(ShipmentLine, ShipmentLine.id == Reservation.shipment_line_id)
            .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
            .where(Shipment.order_id == order_id,
                   Reservation.status == ReservationStatus.active))


def live_shipments(db, order_id: int) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(Shipment).where(
            Shipment.order_id == order_id, Shipment.status != ShipmentStatus.cancelled))


def verified_in_bulk(db, count: int) -> None:
    """`count` verified, paid orders of 1-3 mugs and a spoon each, written with Core in one
    go (the crash test needs thousands), and stock for all of them at WH-NJ."""
    orders_world(db, 0, units=4 * count)
    with db.engine.begin() as conn:
        channel = conn.scalar(sa.select(Channel.id))
        products = dict(conn.execute(sa.select(Product.sku, Product.id)).all())
        first = (conn.scalar(sa.select(sa.func.max(Order.id))) or 0) + 1
        ids = range(first, first + count)
        conn.execute(sa.insert(Order), [dict(
            id=i, number=f"B{i}", external_id=f"B{i}", channel_id=channel,
            status=OrderStatus.verified, financial_status=FinancialStatus.paid,
            total=Decimal(20), placed_at=later(i), created_at=later(i), updated_at=later(i),
            ship_name=f"Customer {i}", ship_line1=f"{i} Main St", ship_city="Albany",
            ship_region="NY", ship_postal_code="12207", ship_country="US") for i in ids])
        conn.execute(sa.insert(OrderLine), [dict(
            order_id=i, line_no=n, product_id=products[sku], sku=sku, name=sku, quantity=qty)
            for i in ids for n, (sku, qty) in enumerate((("MUG", 1 + i % 3), ("SPOON", 1)), 1)])
        if db.dialect == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('orders', 'id'), "
                                 "(SELECT max(id) FROM orders))")


def allocation_books(db) -> dict[str, int]:
    """Over all orders: how many are not in fulfilment, how many have other than one live
    shipment, other than one start of fulfilment, or reserved units other than ordered."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        ordered = dict(s.execute(sa.select(OrderLine.order_id, sa.func.sum(OrderLine.quantity))
                                 .group_by(OrderLine.order_id)).all())
        live = dict(s.execute(sa.select(Shipment.order_id, sa.func.count()).where(
            Shipment.status != ShipmentStatus.cancelled).group_by(Shipment.order_id)).all())
        reserved = dict(s.execute(
            sa.select(Shipment.order_id, sa.func.sum(Reservation.quantity))
            .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
            .join(Reservation, Reservation.shipment_line_id == ShipmentLine.id)
            .where(Reservation.status == ReservationStatus.active)
            .group_by(Shipment.order_id)).all())
        started = dict(s.execute(sa.select(AuditEvent.order_id, sa.func.count()).where(
            AuditEvent.entity == "order", AuditEvent.action == "start_fulfilment")
            .group_by(AuditEvent.order_id)).all())
        waiting = s.scalar(sa.select(sa.func.count()).select_from(Order).where(
            Order.status != OrderStatus.in_fulfilment))
    return {"not in fulfilment": waiting,
            "shipments not one": sum(live.get(o, 0) != 1 for o in ordered),
            "started not once": sum(started.get(o, 0) != 1 for o in ordered),
            "reserved not ordered": sum(reserved.get(o, 0) != q for o, q in ordered.items())}
