"""Seed data for the races, built in the test process with the existing factories before the
stations are released."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Order, Reservation, ReservationStatus, Shipment, ShipmentLine
from oms_desktop.model import ShipmentStatus
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
