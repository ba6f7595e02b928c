"""Order in, verified, routed, split, backordered, auto-allocated on receipt."""

import pytest
import sqlalchemy as sa

from oms_desktop.model import Actor, Reservation, ReservationStatus, Role
from oms_desktop.services.orders import allocation
from oms_desktop.services.orders import backorders
from oms_desktop.services.orders import views as orders
from oms_desktop.services.orders import pipeline
from oms_desktop.services.inventory import stock
from tests.integration.pipeline_world import pipeline_world, place_order, put_stock

SUPERVISOR = Actor("sam", Role.supervisor, station="OFFICE-1")
RECEIVER = Actor("pat", Role.packer, station="DOCK-1")


@pytest.fixture
def world(db):
    pipeline_world(db)
    return db


def test_an_order_is_split_over_two_warehouses_and_its_backorder_ships_when_stock_arrives(
        world):
    db = world
    # New Jersey has two mugs in bin A-03; California has the spoons; nobody has the third mug.
    put_stock(db, "WH-NJ-A-03", "MUG", 2)
    put_stock(db, "WH-CA-A-01", "SPOON", 6)

    # A customer in New York orders three mugs and four spoons on the web shop.
    order_id = place_order(db, {"MUG": 3, "SPOON": 4})

    # The supervisor verifies it: paid, well addressed, not risky; the short mug is expected
    # to be backordered rather than holding the whole order.
    [verified] = pipeline.verify_orders(db, actor=SUPERVISOR, order_ids=[order_id]).results
    assert verified.status == "verified" and verified.holds == ()
    availability = next(c for c in verified.checks if c.check == "availability")
    assert "MUG needs 3, 2 available (will be backordered)" in availability.message

    # Allocation: no single warehouse has everything, so the order is split, and the missing
    # mug waits as a backorder without a location or reservation.
    [allocated] = allocation.allocate_orders(db, actor=SUPERVISOR,
                                             order_ids=[order_id]).results
    assert allocated.status == "in_fulfilment"
    assert [(s.location, s.status, s.lines) for s in allocated.shipments] == [
        ("WH-CA", "assigned", {"SPOON": 4}), ("WH-NJ", "assigned", {"MUG": 2}),
        (None, "waiting", {"MUG": 1})]
    assert "split over 2 (WH-CA, WH-NJ)" in allocated.why

    # The stock levels show the reservations: nothing left to sell at New Jersey.
    [nj_mugs] = stock.levels(db, sku="MUG", location="WH-NJ")
    assert (nj_mugs.on_hand, nj_mugs.reserved, nj_mugs.available) == (2, 2, 0)

    # A supplier delivery of five mugs arrives in California. Receiving it announces the new
    # stock, and the waiting backorder is allocated in the same transaction.
    filled = backorders.receive(db, actor=RECEIVER, sku="MUG", location="WH-CA-A-02",
                                quantity=5, reference="PO-778")
    assert filled == [order_id]

    # Every shipment of the order is now assigned, with stock reserved for each unit.
    detail = orders.get_order(db, order_id)
    assert sorted((s.location, s.status) for s in detail.shipments) == [
        ("WH-CA", "assigned"), ("WH-CA", "assigned"), ("WH-NJ", "assigned")]
    with db.uow(readonly=True) as uow:
        reserved = uow.session.scalar(sa.select(sa.func.sum(Reservation.quantity)).where(
            Reservation.status == ReservationStatus.active))
    assert reserved == 7

    # The order's timeline tells the story with its reasons: verification checks, the
    # routing decision, and the backorder filled on receipt.
    decisions = {e.action: e.detail for e in detail.timeline if e.detail}
    assert decisions["verification"]["verdict"] == "pass"
    assert decisions["allocation"]["backorder"]["lines"] == {"MUG": 1}
    assert "WH-CA" in decisions["backorder_allocated"]["why"]
    assert stock.reconcile(db) == []
