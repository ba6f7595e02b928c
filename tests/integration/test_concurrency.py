"""The one domain error for a lost race, ConcurrentChange, from each thing the database can
say: a verb refused because another station moved the entity on, a write based on a stale
version, a deadlock, a constraint that is the last guard; and a refusal that is no race
stays what it was."""

from __future__ import annotations

import threading

import pytest

from oms_desktop.errors import ConcurrentChange, InvalidTransition
from oms_desktop.model import SYSTEM, Actor, HoldReason, Order, OrderHold, Role, Shipment
from oms_desktop.services.orders import pipeline
from oms_desktop.storage.concurrency import lock
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up
from tests.integration.pipeline_world import pipeline_world, place_order, put_stock

SUE = Actor("sue", Role.supervisor, station="DESK-2")


@pytest.fixture
def order_id(db):
    pipeline_world(db)
    put_stock(db, "WH-NJ-A-01", "MUG", 5)
    return place_order(db, {"MUG": 1})


def test_a_verb_refused_after_another_station_moved_the_entity_names_it(db, order_id):
    pipeline.verify_orders(db, actor=SUE, order_ids=[order_id])
    with pytest.raises(ConcurrentChange, match=r"^Cannot verify order W\d+: it was verified by "
                                               r"sue \(DESK-2\) at \d\d:\d\d$"):
        with db.uow() as uow:
            uow.session.get(Order, order_id).verify(by=SYSTEM)


def test_a_verb_refused_for_another_reason_stays_an_invalid_transition(db):
    small_world(db)
    stock_up(db, {("SKU-1", "WH1-A-01"): 1})
    _, sid = assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    with pytest.raises(InvalidTransition) as refused:
        with db.uow() as uow:
            uow.session.get(Shipment, sid).ship(by=SUE)
    assert type(refused.value) is InvalidTransition and "it is assigned" in str(refused.value)


def test_a_write_based_on_a_stale_version_names_who_changed_it(db, order_id):
    if db.is_sqlite:
        pytest.skip("SQLite's writers never overlap: a stale write cannot happen there")
    with pytest.raises(ConcurrentChange, match=r"^Order W\d+ was verified by sue"):
        with db.uow() as uow:
            mine = uow.session.get(Order, order_id)  # read, not locked, and then
            pipeline.verify_orders(db, actor=SUE, order_ids=[order_id])  # another station
            mine.notes = "call the customer first"
            uow.commit()
    with db.uow(readonly=True) as uow:
        assert uow.session.get(Order, order_id).notes is None


def test_a_second_active_hold_for_the_same_reason_is_refused_by_the_database(db, order_id):
    with db.uow() as uow:
        uow.session.add(OrderHold(order_id=order_id, reason=HoldReason.manual, placed_by="a"))
        uow.commit()
    with pytest.raises(ConcurrentChange, match="put on hold for that reason at another "
                                               "station at the same moment"):
        with db.uow() as uow:
            uow.session.add(OrderHold(order_id=order_id, reason=HoldReason.manual,
                                      placed_by="b"))
            uow.commit()


def test_a_deadlock_is_a_concurrent_change(db, order_id):
    if db.is_sqlite:
        pytest.skip("SQLite's writers take the database one at a time: no deadlock")
    other = place_order(db, {"MUG": 1}, customer="Bo")
    both, errors = threading.Barrier(2), []

    def station(first: int, second: int) -> None:
        try:
            with db.uow() as uow:
                lock(uow.session, Order, first)
                both.wait(timeout=10)
                lock(uow.session, Order, second)
                uow.commit()
        except Exception as exc:  # noqa: BLE001 - what each station got is the result
            errors.append(exc)

    threads = [threading.Thread(target=station, args=pair)
               for pair in ((order_id, other), (other, order_id))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    [lost] = errors
    assert isinstance(lost, ConcurrentChange) and "deadlock" in str(lost)
