"""Stations racing on stock: receipts, moves, adjustments, count approval, replenishment and
the backorders a receipt fills."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Actor, Role, StockMove
from oms_desktop.services.automation import replenishment
from oms_desktop.services.inventory import counting, stock
from oms_desktop.services.orders import allocation
from tests.factories import small_world
from tests.integration.pipeline_world import place_order
from tests.races import acts_stock as acts
from tests.races.checks import books_balance, no_defects, one_winner, show, transitions
from tests.races.floor_world import count_rows
from tests.races.world import live_shipments, orders_world, reserved_units, verified


def on_hand(db, sku: str, location: str) -> int:
    return sum(r.on_hand for r in stock.levels(db, sku=sku) if r.location == location)


def one_wins_the_rest_short(outcomes) -> None:
    no_defects(outcomes)
    assert [o.ok for o in outcomes].count(True) == 1, show(outcomes)
    assert {o.error for o in outcomes if not o.ok} <= {"InsufficientStock"}, show(outcomes)


def test_a_receipt_sent_again_at_once_is_received_once(race):
    small_world(race.db)

    outcomes = race.run(acts.receive, {"sku": "SKU-1", "location": "WH1-A-01", "quantity": 5,
                                       "request": "delivery-7781"})

    assert on_hand(race.db, "SKU-1", "WH1-A-01") == 5
    books_balance(race.db)
    one_winner(outcomes, says="was received")


def test_moving_the_last_units_at_once_moves_them_once(race):
    small_world(race.db)
    stock.receive(race.db, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", quantity=5)

    outcomes = race.run(acts.move, {"sku": "SKU-1", "source": "WH1-A-01",
                                    "target": "WH1-A-02", "quantity": 5})

    one_wins_the_rest_short(outcomes)
    assert (on_hand(race.db, "SKU-1", "WH1-A-01"), on_hand(race.db, "SKU-1", "WH1-A-02")) == (
        0, 5)
    books_balance(race.db)


def test_writing_off_the_last_units_at_once_writes_them_off_once(race):
    small_world(race.db)
    stock.receive(race.db, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", quantity=5)

    outcomes = race.run(acts.adjust, {"sku": "SKU-1", "location": "WH1-A-01", "delta": -5})

    one_wins_the_rest_short(outcomes)
    assert on_hand(race.db, "SKU-1", "WH1-A-01") == 0
    books_balance(race.db)


def test_a_count_approved_at_once_posts_once(race):
    small_world(race.db)
    stock.receive(race.db, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", quantity=10)
    count = counting.start_count(race.db, actor=SYSTEM, bins=["WH1-A-01"])
    counting.set_counted(race.db, actor=SYSTEM, count_id=count.id, bin="WH1-A-01",
                         code="SKU-1", quantity=7)

    outcomes = race.run(acts.approve_count, {"count": count.id})

    assert on_hand(race.db, "SKU-1", "WH1-A-01") == 7
    assert transitions(race.db, "cycle_count", count.id, "approve") == 1
    books_balance(race.db)
    one_winner(outcomes, says="was approved")


def test_a_restock_transfer_accepted_at_once_is_sent_once(race):
    small_world(race.db)
    lead = Actor("lee", Role.manager)
    stock.receive(race.db, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", quantity=40)
    replenishment.set_point(race.db, actor=lead, sku="SKU-1", location="STORE1",
                            reorder_point=5, max_qty=15)
    [suggestion] = replenishment.suggest(race.db, actor=lead, location="STORE1")

    outcomes = race.run(acts.accept_suggestion, {"suggestion": suggestion.id})

    assert on_hand(race.db, "SKU-1", "TRANSIT") == 15
    books_balance(race.db)
    one_winner(outcomes, says="was accepted")


def test_receipts_at_once_fill_a_backorder_once(race):
    orders_world(race.db, 0, units=0)
    [oid] = verified(race.db, [place_order(race.db, {"MUG": 2}, customer="Waiting Walt")])
    allocation.allocate_orders(race.db, actor=SYSTEM, order_ids=[oid])
    assert reserved_units(race.db, oid) == 0

    outcomes = race.run(acts.receive_for_backorders,
                        {"sku": "MUG", "location": "WH-NJ-A-01", "quantity": 2})

    no_defects(outcomes)
    assert (reserved_units(race.db, oid), live_shipments(race.db, oid)) == (2, 1)
    assert on_hand(race.db, "MUG", "WH-NJ-A-01") == 2 * race.size
    assert count_rows(race.db, StockMove, StockMove.reason == "receipt") == race.size
    books_balance(race.db)
