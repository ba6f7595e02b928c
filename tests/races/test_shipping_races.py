"""Stations racing to ship: marking a shipment shipped, closing the carrier's day."""

from __future__ import annotations

from oms_desktop.model import SYSTEM, Manifest
from oms_desktop.services.inventory import stock
from oms_desktop.services.shipping import labels
from tests.carriers.world import packed_shipment, shipping_world
from tests.races import acts_floor as acts
from tests.races.checks import books_balance, one_winner, transitions
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
