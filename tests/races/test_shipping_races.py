"""Stations racing to ship: marking a shipment shipped, closing the carrier's day, tracking
updates, click-and-collect."""

from __future__ import annotations

from oms_desktop.model import SYSTEM, Manifest, Shipment, TrackingEvent
from oms_desktop.services.floor import packing, pickup
from oms_desktop.services.inventory import stock
from oms_desktop.services.shipping import labels
from tests.carriers.world import packed_shipment, shipping_world
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up
from tests.races import acts_floor as acts
from tests.races.checks import books_balance, no_defects, one_winner, show, transitions
from tests.races.floor_world import count_rows


def on_hand(db, sku: str, location: str) -> int:
    return next(r.on_hand for r in stock.levels(db, sku=sku) if r.location == location)


def test_a_shipment_shipped_at_once_leaves_stock_once(race):
    shipping_world(race.db)
    sid = packed_shipment(race.db)

    outcomes = race.run(acts.ship, {"shipment": sid})

    assert transitions(race.db, "shipment", sid, "ship") == 1
    assert (on_hand(race.db, "SKU-1", "WH1-A-01"), on_hand(race.db, "SKU-2", "WH1-A-02")) == (
        99, 98)
    books_balance(race.db)
    one_winner(outcomes, says="was shipped")


def test_a_carrier_day_closed_at_once_is_closed_once(race):
    shipping_world(race.db)
    ids = [packed_shipment(race.db, number=str(1001 + i)) for i in range(3)]
    for sid in ids:
        labels.create_label(race.db, actor=SYSTEM, shipment_id=sid)

    outcomes = race.run(acts.close_out, {})

    assert count_rows(race.db, Manifest) == 1
    assert [transitions(race.db, "shipment", sid, "ship") for sid in ids] == [1, 1, 1]
    assert on_hand(race.db, "SKU-1", "WH1-A-01") == 97
    books_balance(race.db)
    one_winner(outcomes, says="was closed")


def test_tracking_told_at_once_is_recorded_once_and_moves_the_shipment_once(race):
    shipping_world(race.db)
    sid = packed_shipment(race.db)
    number = labels.create_label(race.db, actor=SYSTEM, shipment_id=sid).tracking_number
    updates = [("in_transit", "2026-12-01T09:00:00+00:00"),
               ("delivered", "2026-12-02T15:30:00+00:00")]

    outcomes = race.run(acts.track, {"number": number, "updates": updates})

    no_defects(outcomes)
    assert sorted(o.value for o in outcomes) == sorted(
        [(2, [sid], [sid])] + [(0, [], [])] * (race.size - 1)), show(outcomes)
    assert count_rows(race.db, TrackingEvent, TrackingEvent.shipment_id == sid) == 2
    assert [transitions(race.db, "shipment", sid, verb) for verb in ("ship", "deliver")] == [
        1, 1]
    books_balance(race.db)


def _packed_pickup(db) -> int:
    small_world(db)
    stock_up(db, {("SKU-1", "STORE1"): 5})
    _, sid = assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "STORE1"}, site="STORE1",
                               pickup_at="STORE1")
    packing.scan_item(db, actor=SYSTEM, shipment_id=sid, value="SKU-1")
    packing.complete(db, actor=SYSTEM, shipment_id=sid)
    return sid


def test_a_pickup_made_ready_at_once_gets_one_code(race):
    sid = _packed_pickup(race.db)

    outcomes = race.run(acts.mark_ready, {"shipment": sid})

    assert transitions(race.db, "shipment", sid, "ready_for_pickup") == 1
    winner = one_winner(outcomes, says="was made ready for pickup")
    with race.db.uow(readonly=True) as uow:
        assert uow.session.get(Shipment, sid).pickup_code == winner.value


def test_a_parcel_handed_over_at_once_is_handed_over_once(race):
    sid = _packed_pickup(race.db)
    code = pickup.mark_ready(race.db, actor=SYSTEM, shipment_id=sid).pickup_code

    outcomes = race.run(acts.hand_over, {"code": code})

    assert transitions(race.db, "shipment", sid, "hand_over") == 1
    one_winner(outcomes, says="was handed over")
