"""A transfer between two stores in the real window, by the packer and with the keyboard
only: Ctrl+7 (Inventory), Alt+5 (Transfers), Alt+F and Alt+O choose the stores by typing
their codes, Alt+I and the lines typed by hand, a scanner's burst adds one more unit,
Ctrl+Enter proposes, F6 dispatches, F7 receives; the database says what happened."""

from __future__ import annotations

import time

import pytest

AT_ST1 = """SELECT p.sku FROM stock_levels s JOIN products p ON p.id = s.product_id
    JOIN locations site ON site.id = s.site_id
    WHERE site.code = 'ST1' AND NOT p.is_kit AND p.sku GLOB '*[A-Z]*'
    GROUP BY p.sku HAVING SUM(s.on_hand - s.reserved) >= 10 ORDER BY p.sku LIMIT 1"""
TRANSFER = """SELECT t.id, t.status, SUM(l.quantity) FROM stock_transfers t
    JOIN stock_transfer_lines l ON l.transfer_id = t.id GROUP BY t.id ORDER BY t.id DESC"""


@pytest.fixture(scope="module")
def sku(desk) -> str:
    found = desk.records.value(AT_ST1)
    assert found, "the demo has no product with 10 units at ST1"
    return found


def status_is(desk, status: str):
    return desk.records.wait_for(
        "SELECT id, status FROM stock_transfers WHERE status = ?", status, timeout=15.0)


def test_two_stores_transfer_units_with_the_keyboard_only(station, desk, sku):
    station.press("ctrl+7")
    time.sleep(2.0)  # the inventory tree loads (nothing written to poll for)
    station.press("alt+5")
    time.sleep(1.0)
    station.press("alt+f")
    station.type_by_hand("ST1")
    station.press("alt+o")
    station.type_by_hand("ST2")
    station.press("alt+i")
    station.type_by_hand(f"{sku}:3")
    station.scan(sku)  # a scanner's burst (Shift for capitals, Return): one more unit
    time.sleep(1.0)
    station.press("ctrl+Return")
    assert status_is(desk, "proposed"), f"nothing was proposed\n{station.output()}"
    [(tid, status, units)] = desk.records.rows(TRANSFER)[:1]
    assert (status, units) == ("proposed", 4)
    assert desk.records.rows("SELECT f.code, t.code FROM stock_transfers x JOIN locations f "
                             "ON f.id = x.from_site_id JOIN locations t ON t.id = "
                             "x.to_site_id WHERE x.id = ?", tid) == [("ST1", "ST2")]
    station.screenshot(desk.folder / "transfer-proposed.png")

    station.press("F6")
    assert status_is(desk, "dispatched"), f"F6 did not dispatch\n{station.output()}"
    in_transit = desk.records.value(
        "SELECT s.on_hand FROM stock_levels s JOIN locations l ON l.id = s.location_id "
        "JOIN products p ON p.id = s.product_id WHERE l.code = 'TRANSIT-ST1-ST2' "
        "AND p.sku = ?", sku)
    assert in_transit == 4
    station.press("F7")
    assert status_is(desk, "received"), f"F7 did not receive\n{station.output()}"
    assert desk.records.rows("SELECT COUNT(*) FROM stock_moves WHERE reference = ?",
                             f"TR-{tid}")[0][0] >= 2
    station.screenshot(desk.folder / "transfer-received.png")
