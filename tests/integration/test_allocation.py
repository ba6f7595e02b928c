"""Allocation: shipments with reservations on bins in walk order, splits, backorders filled on
receipt, click-and-collect, forced locations, and every path that creates or releases a
reservation, on real SQLite and PostgreSQL."""

import re

import pytest
import sqlalchemy as sa

from oms_desktop.errors import ValidationError
from oms_desktop.model import (
    SYSTEM, Actor, Location, Reservation, ReservationStatus, Role, Shipment, ShipmentLine,
    StockLevel,
)
from oms_desktop.services.orders import allocation
from oms_desktop.services.orders import backorders
from oms_desktop.services.orders import views as orders
from oms_desktop.services.orders import pipeline
from oms_desktop.services.inventory import stock
from oms_desktop.services.lookup import location_by_code
from tests.integration.pipeline_world import later, pipeline_world, place_order, put_stock

SUPERVISOR = Actor("sam", Role.supervisor)
MANAGER = Actor("mia", Role.manager)


@pytest.fixture
def world(db):
    pipeline_world(db)
    return db


def ready(db, lines, **fields) -> int:
    oid = place_order(db, lines, **fields)
    [res] = pipeline.verify_orders(db, actor=SUPERVISOR, order_ids=[oid]).results
    assert res.status == "verified", res.message
    return oid


def allocate(db, *ids):
    return allocation.allocate_orders(db, actor=SUPERVISOR, order_ids=list(ids))


def reservations(db, status="active") -> list[tuple[str, int]]:
    with db.uow(readonly=True) as uow:
        rows = uow.session.execute(
            sa.select(Location.code, Reservation.quantity)
            .join(Location, Location.id == Reservation.location_id)
            .where(Reservation.status == ReservationStatus(status)).order_by(Reservation.id))
        return [tuple(r) for r in rows]


def books_balance(db) -> bool:
    return stock.reconcile(db) == []


def test_an_order_is_reserved_on_bins_in_walk_order_at_the_nearest_full_site(world):
    put_stock(world, "WH-NJ-A-03", "MUG", 5)
    put_stock(world, "WH-NJ-A-01", "MUG", 1)
    put_stock(world, "WH-CA-A-01", "MUG", 9)
    oid = ready(world, {"MUG": 3})
    [res] = allocate(world, oid).results
    assert res.status == "in_fulfilment" and not res.backordered
    [shipment] = res.shipments
    assert (shipment.status, shipment.location, shipment.lines) == ("assigned", "WH-NJ",
                                                                    {"MUG": 3})
    assert "WH-NJ can fill the whole order" in shipment.why
    assert reservations(world) == [("WH-NJ-A-01", 1), ("WH-NJ-A-03", 2)]
    assert books_balance(world)


def test_a_split_and_a_backorder_are_explained(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 2)
    put_stock(world, "WH-CA-A-02", "SPOON", 4)
    oid = ready(world, {"MUG": 3, "SPOON": 4})
    [res] = allocate(world, oid).results
    assert [(s.location, s.status, s.lines) for s in res.shipments] == [
        ("WH-CA", "assigned", {"SPOON": 4}), ("WH-NJ", "assigned", {"MUG": 2}),
        (None, "waiting", {"MUG": 1})]
    assert res.backordered == {"MUG": 1}
    assert "split over 2" in res.why and "backordered: MUG x1" in res.why
    decision = next(e for e in orders.get_order(world, oid).timeline
                    if e.action == "allocation")
    assert decision.detail["backorder"]["lines"] == {"MUG": 1}
    assert [b["bin"] for b in decision.detail["bins"]] == ["WH-CA-A-02", "WH-NJ-A-01"]


def test_a_kit_reserves_its_components(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 2)
    put_stock(world, "WH-NJ-A-02", "SPOON", 4)
    [res] = allocate(world, ready(world, {"KIT": 2})).results
    assert res.shipments[0].lines == {"MUG": 2, "SPOON": 4}
    assert sorted(reservations(world)) == [("WH-NJ-A-01", 2), ("WH-NJ-A-02", 4)]


def test_many_orders_reserve_in_one_batch_without_overselling(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 20)
    put_stock(world, "WH-CA-A-01", "MUG", 5)
    ids = [ready(world, {"MUG": 1}, customer=f"C{i}", placed_at=later(i * 20))
           for i in range(30)]
    results = allocate(world, *ids)
    assert not results.failed
    assert sum(r.backordered.get("MUG", 0) for r in results.results) == 5
    assert sum(q for _, q in reservations(world)) == 25
    assert books_balance(world)


def test_a_batch_whose_stock_was_taken_meanwhile_changes_nothing(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 30)
    oid = ready(world, {"MUG": 2})
    with world.uow() as uow:
        s = uow.session
        [level] = s.scalars(sa.select(StockLevel).where(StockLevel.on_hand == 30))
        line = ShipmentLine(id=None, product_id=level.product_id, quantity=31)
        picks = [allocation._Pick(line, level.id, level.location_id, 31)]
        with pytest.raises(allocation.StockTaken):
            allocation.reserve(s, picks)  # one pick: the stock_ops.try_reserve path
        many = [allocation._Pick(line, level.id, level.location_id, 2) for _ in range(20)]
        with pytest.raises(allocation.StockTaken):
            allocation.reserve(s, many)  # a batch: the guarded bulk UPDATE path
    assert reservations(world) == [] and books_balance(world)
    assert allocate(world, oid).results[0].shipments[0].status == "assigned"


def test_a_backorder_is_allocated_when_stock_is_received(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 1)
    oid = ready(world, {"MUG": 3})
    [res] = allocate(world, oid).results
    assert res.backordered == {"MUG": 2}
    filled = backorders.receive(world, actor=SUPERVISOR, sku="MUG", location="WH-CA-A-01",
                                quantity=5, reference="PO-1")
    assert filled == [oid]
    with world.uow(readonly=True) as uow:
        statuses = sorted((sh.status.value, sh.location_id is not None) for sh in
                          uow.session.scalars(sa.select(Shipment)))
    assert statuses == [("assigned", True), ("assigned", True)]
    assert sorted(reservations(world)) == [("WH-CA-A-01", 2), ("WH-NJ-A-01", 1)]
    assert books_balance(world)


def test_backorders_are_filled_first_in_first_out_and_partly_when_stock_is_short(world):
    old = ready(world, {"MUG": 2}, customer="Old", placed_at=later(0))
    new = ready(world, {"MUG": 2}, customer="New", placed_at=later(30))
    allocate(world, new, old)
    filled = backorders.receive(world, actor=SUPERVISOR, sku="MUG", location="WH-NJ-A-02",
                                quantity=3)
    assert filled == [old, new]
    with world.uow(readonly=True) as uow:
        rows = uow.session.execute(
            sa.select(Shipment.order_id, Shipment.status, sa.func.sum(ShipmentLine.quantity))
            .join(ShipmentLine).group_by(Shipment.order_id, Shipment.status)).all()
    assert sorted((o, s.value, q) for o, s, q in rows) == sorted(
        [(old, "assigned", 2), (new, "assigned", 1), (new, "waiting", 1)])
    assert books_balance(world)


def test_cancelling_an_order_releases_every_reservation(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 1)
    put_stock(world, "WH-CA-A-01", "SPOON", 2)
    oid = ready(world, {"MUG": 2, "SPOON": 2})
    allocate(world, oid)
    res = pipeline.cancel_order(world, actor=MANAGER, order_id=oid, reason="customer asked")
    assert res.status == "cancelled" and "released 3 reserved units" in res.message
    assert reservations(world) == [] and len(reservations(world, "released")) == 2
    assert books_balance(world)


def test_cancelling_a_shipment_releases_it_and_the_stock_fills_another_backorder(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 2)
    first = ready(world, {"MUG": 2}, customer="First", placed_at=later(0))
    second = ready(world, {"MUG": 2}, customer="Second", placed_at=later(30))
    allocate(world, first, second)
    with world.uow(readonly=True) as uow:
        sid = uow.session.scalar(sa.select(Shipment.id).where(Shipment.order_id == first))
    res = allocation.cancel_shipment(world, actor=MANAGER, shipment_id=sid)
    assert "released 2 reserved units" in res.message
    with world.uow(readonly=True) as uow:
        waiting = uow.session.scalar(sa.select(sa.func.count()).select_from(Shipment).where(
            Shipment.order_id == second, Shipment.status == "waiting"))
    assert waiting == 0
    assert [q for _, q in reservations(world)] == [2]
    assert books_balance(world)


def test_a_shipped_order_cannot_be_cancelled(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 1)
    oid = ready(world, {"MUG": 1})
    allocate(world, oid)
    with world.uow() as uow:
        shipment = uow.session.scalar(sa.select(Shipment))
        shipment.pack(by=SYSTEM)
        shipment.ship(by=SYSTEM, tracking_number="1Z")
        uow.commit()
    with pytest.raises(ValidationError, match="take it back as a return"):
        pipeline.cancel_order(world, actor=MANAGER, order_id=oid)


def test_click_and_collect_is_allocated_at_the_pickup_store_only(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 5)
    put_stock(world, "STORE-BK", "MUG", 1)
    with world.uow(readonly=True) as uow:
        store = location_by_code(uow.session, "STORE-BK").id
    [res] = allocate(world, ready(world, {"MUG": 2}, pickup_location_id=store)).results
    assert [(s.location, s.lines) for s in res.shipments] == [
        ("STORE-BK", {"MUG": 1}), (None, {"MUG": 1})]
    assert res.backordered == {"MUG": 1}


def test_a_forced_location_carrier_and_service_are_honoured(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 5)
    put_stock(world, "WH-CA-A-01", "MUG", 5)
    oid = ready(world, {"MUG": 1}, carrier="ups", service="ground")
    pipeline.edit_order(world, actor=MANAGER, order_id=oid, preferred_location="WH-CA")
    [res] = allocate(world, oid).results
    assert res.shipments[0].location == "WH-CA" and "the only candidate" in res.why
    with world.uow(readonly=True) as uow:
        shipment = uow.session.scalar(sa.select(Shipment))
        assert (shipment.carrier, shipment.service) == ("ups", "ground")


def test_held_and_new_orders_are_not_allocated_and_nothing_is_allocated_twice(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 5)
    held = place_order(world, {"MUG": 1}, financial_status="pending")
    pipeline.verify_orders(world, actor=SUPERVISOR, order_ids=[held])
    fresh = place_order(world, {"MUG": 1}, customer="Other", placed_at=later(60))
    done = ready(world, {"MUG": 1}, customer="Third", placed_at=later(120))
    allocate(world, done)
    results = allocate(world, held, fresh, done)
    assert results.by_id(held).message == "Not allocated: on hold (payment_pending)"
    assert results.by_id(fresh).message == "Not allocated: the order is new"
    assert not results.by_id(done).ok
    assert re.fullmatch(r"Order W\d+ was allocated by sam at \d\d:\d\d",
                        results.by_id(done).message)
    assert len(reservations(world)) == 1


def test_urgent_orders_get_scarce_stock_first(world):
    put_stock(world, "WH-NJ-A-01", "MUG", 1)
    calm = ready(world, {"MUG": 1}, customer="Calm", placed_at=later(0))
    urgent = ready(world, {"MUG": 1}, customer="Rush", placed_at=later(30), priority=5)
    results = allocate(world, calm, urgent)
    assert results.by_id(urgent).backordered == {}
    assert results.by_id(calm).backordered == {"MUG": 1}


def test_a_batch_that_loses_a_race_is_redone_order_by_order(world, monkeypatch):
    put_stock(world, "WH-NJ-A-01", "MUG", 40)
    ids = [ready(world, {"MUG": 1}, customer=f"C{i}", placed_at=later(i * 20))
           for i in range(20)]
    real, calls = allocation.reserve, []

    def another_workstation_was_faster(session, picks):
        calls.append(len(picks))
        if len(calls) == 1:
            raise allocation.StockTaken("taken meanwhile")
        return real(session, picks)
    monkeypatch.setattr(allocation, "reserve", another_workstation_was_faster)
    results = allocate(world, *ids)
    assert calls == [20] + [1] * 20  # the batch, then each order alone
    assert not results.failed and {r.status for r in results.results} == {"in_fulfilment"}
    assert sum(q for _, q in reservations(world)) == 20 and books_balance(world)


def test_a_backorder_that_cannot_be_reserved_stays_waiting_and_the_receipt_stands(
        world, monkeypatch):
    oid = ready(world, {"MUG": 2})
    allocate(world, oid)

    def taken(session, picks):
        raise allocation.StockTaken("taken meanwhile")
    monkeypatch.setattr(backorders, "reserve", taken)
    assert backorders.receive(world, actor=SUPERVISOR, sku="MUG", location="WH-NJ-A-01",
                              quantity=5) == []
    [row] = stock.levels(world, sku="MUG")
    assert (row.on_hand, row.reserved) == (5, 0)
    with world.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(Shipment.status)) == "waiting"
    assert books_balance(world)


def test_configured_zones_send_a_region_to_its_warehouse(world):
    from oms_desktop.services import settings

    with world.uow() as uow:
        settings.put(uow.session, "routing.zones", {"WH-CA": ["US-NY"]})
        uow.commit()
    put_stock(world, "WH-NJ-A-01", "MUG", 5)
    put_stock(world, "WH-CA-A-01", "MUG", 5)
    [res] = allocate(world, ready(world, {"MUG": 1})).results
    assert res.shipments[0].location == "WH-CA" and "zone priority" in res.why


def test_two_workstations_allocating_at_once_never_oversell(world):
    import threading

    put_stock(world, "WH-NJ-A-01", "MUG", 25)
    ids = [ready(world, {"MUG": 1}, customer=f"C{i}", placed_at=later(i * 20))
           for i in range(40)]
    outcomes, start = [], threading.Barrier(2)

    def workstation(mine):
        start.wait()
        outcomes.append(allocate(world, *mine))
    threads = [threading.Thread(target=workstation, args=(ids[k::2],)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results = [r for batch in outcomes for r in batch.results]
    allocated = [r for r in results if r.status == "in_fulfilment"]
    reserved = sum(q for _, q in reservations(world))
    assert reserved <= 25 and books_balance(world)
    assert reserved + sum(r.backordered.get("MUG", 0) for r in allocated) == len(allocated)
    assert len(allocated) + len([r for r in results if not r.ok]) == 40
    if len(allocated) == 40:  # nobody lost a race twice: every unit went to someone
        assert reserved == 25
