"""Click & collect in the real window: the packer presses Ctrl+0, scans the code the customer
shows (the pickup code or the order number) and types the collector's name by hand."""

from __future__ import annotations

import pytest

from tests.realwindow.floor import GOOD

AT_FIRST_STORE = """
    FROM shipments s JOIN orders o ON o.id = s.order_id
    JOIN locations store ON store.id = o.pickup_location_id
    WHERE store.code = (SELECT MIN(code) FROM locations WHERE kind = 'store' AND active)"""
READY = "SELECT s.id, s.pickup_code, o.number" + AT_FIRST_STORE + \
    " AND s.status = 'ready_for_pickup' ORDER BY s.id"
ONE_UNIT_PICKED = "SELECT s.id" + AT_FIRST_STORE + """ AND s.status = 'picked'
    AND (SELECT SUM(quantity) FROM shipment_lines WHERE shipment_id = s.id) = 1 ORDER BY s.id"""
ON_SCREEN = "SELECT s.id" + AT_FIRST_STORE + \
    " AND s.status IN ('packed', 'ready_for_pickup') ORDER BY s.id"
HANDED_OVER = "SELECT status, collected_by FROM shipments WHERE id = ? AND status = 'picked_up'"


@pytest.fixture(scope="module")
def ready(desk) -> list[tuple[int, str, str]]:
    """Pickup orders ready at the store the screen opens on, one taken by each test."""
    return desk.records.rows(READY)


@pytest.fixture
def counter(floor):
    floor.press("ctrl+0")
    return floor


@pytest.mark.parametrize("shown", ["pickup code", "order number"])
def test_the_scanned_code_and_a_name_typed_by_hand_hand_the_parcel_over(counter, desk, ready,
                                                                         shown):
    shipment, code, number = ready.pop(0)
    value = code if shown == "pickup code" else number
    counter.station.scan(value)
    counter.type_by_hand("Lee-Ann McKay")
    counter.press("Return")
    assert desk.records.wait_for(HANDED_OVER, shipment) == [("picked_up", "Lee-Ann McKay")]
    assert desk.records.rows("SELECT value, result FROM scan_events WHERE context = 'pickup' "
                             "AND shipment_id = ?", shipment) == [(value, "ok")]
    assert counter.sees(GOOD, f"handed-over-by-{shown.replace(' ', '-')}")


@pytest.fixture(scope="module")
def picked(desk) -> list[int]:
    """Picked one-unit pickup orders for the store, one packed by each test that takes one."""
    return [row[0] for row in desk.records.rows(ONE_UNIT_PICKED)]


def pack(floor, desk, shipment: int) -> None:
    """At the pack station: the shipment, its one item, F4."""
    floor.press("ctrl+4", "Escape")
    floor.scan(f"SHP-{shipment}")
    floor.scan(desk.records.value("SELECT p.sku FROM shipment_lines l JOIN products p "
                                  "ON p.id = l.product_id WHERE l.shipment_id = ?", shipment))
    floor.press("F4")
    assert desk.records.wait_for("SELECT 1 FROM shipments WHERE id = ? AND status = 'packed'",
                                 shipment)


def choose_row(floor, desk, shipment: int) -> None:
    """Back to Click & collect from another screen (focus on the screen), Tab past the store
    to the table, Ctrl+Home to its first row (the table keeps an earlier test's row), Down to
    the shipment's row."""
    rows = [row[0] for row in desk.records.rows(ON_SCREEN)]
    floor.press("ctrl+2", "ctrl+0", "Tab", "Tab", "ctrl+Home",
                *["Down"] * rows.index(shipment))


def mark_ready(floor, how: str) -> None:
    if how == "F5":
        floor.press("F5")
    else:  # the "Mark ready (F5)" button, bottom right above the status bar
        floor.station.click_from_corner(right=95, bottom=50)


@pytest.mark.parametrize("how", ["the button", "F5"])
def test_a_packed_pickup_order_is_marked_ready_then_collected(counter, desk, picked, how):
    shipment = picked.pop(0)
    pack(counter, desk, shipment)
    choose_row(counter, desk, shipment)
    mark_ready(counter, how)
    ready = desk.records.wait_for("SELECT pickup_code FROM shipments WHERE id = ? "
                                  "AND status = 'ready_for_pickup'", shipment, timeout=3)
    assert ready, f"SHP-{shipment} was not marked ready with {how}"
    counter.station.scan(ready[0][0])
    counter.type_by_hand("Sam O'Neil")
    counter.press("Return")
    assert desk.records.wait_for(HANDED_OVER, shipment) == [("picked_up", "Sam O'Neil")]
