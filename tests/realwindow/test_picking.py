"""Scan-to-pick in the real window: the packer presses Ctrl+3, scans the pick list's barcode,
then each bin and item in walk order, with a USB scanner (Shift for every capital)."""

from __future__ import annotations

import pytest

from tests.realwindow.floor import BAD, GOOD

TWO_ASSIGNED_ORDERS = """
    SELECT s.order_id FROM shipments s JOIN locations site ON site.id = s.location_id
    WHERE s.status = 'assigned' AND site.code = 'WH1' ORDER BY s.id LIMIT 2"""
LINES_LEFT = """
    SELECT bin_code, sku, quantity - picked_qty - short_qty FROM pick_list_lines
    WHERE pick_list_id = ? AND status NOT IN ('picked', 'short') ORDER BY seq"""


@pytest.fixture(scope="module")
def pick_list(desk) -> int:
    """A batch pick list for two orders, made at the command line as a supervisor would."""
    orders = [f"ORD-{row[0]}" for row in desk.records.rows(TWO_ASSIGNED_ORDERS)]
    made = desk.oms("picklist", "create", "--orders", *orders,
                    "--out", str(desk.folder / "pick-list.pdf"))
    return made["id"]


@pytest.fixture
def picking(floor, pick_list):
    """The Picking screen (Ctrl+3) with the pick list scanned."""
    floor.press("ctrl+3")
    opened = floor.scan(f"PL-{pick_list}")
    assert opened[:2] == (f"PL-{pick_list}", "ok"), opened
    return floor


def test_the_pick_list_barcode_shows_the_first_bin(picking, desk, pick_list):
    first_bin = desk.records.rows(LINES_LEFT, pick_list)[0][0]
    assert desk.records.value("SELECT message FROM scan_events ORDER BY id DESC") == \
        f"Go to bin {first_bin}"
    assert desk.records.value("SELECT status FROM pick_lists WHERE id = ?", pick_list) == "picking"
    assert picking.sees(GOOD, "pick-list-opened")


def test_a_tote_scanned_instead_of_the_bin_is_refused_whole(picking, desk, pick_list):
    expected_bin = desk.records.rows(LINES_LEFT, pick_list)[0][0]
    refused = picking.scan("TOTE-1")
    assert refused == ("TOTE-1", "wrong_bin", f"Wrong bin: scan bin {expected_bin} first", None)
    assert picking.sees(BAD, "tote-instead-of-bin")


def test_every_bin_and_item_scanned_in_walk_order_picks_the_list(picking, desk, pick_list):
    for bin_code, sku, left in desk.records.rows(LINES_LEFT, pick_list):
        assert picking.scan(bin_code)[:2] == (bin_code, "ok")
        for _ in range(left):
            assert picking.scan(sku)[:2] == (sku, "ok")
    assert desk.records.rows(LINES_LEFT, pick_list) == []
    assert desk.records.value("SELECT status FROM pick_lists WHERE id = ?", pick_list) == "done"
    assert desk.records.rows(
        "SELECT DISTINCT s.status FROM shipments s JOIN pick_list_slots p "
        "ON p.shipment_id = s.id WHERE p.pick_list_id = ?", pick_list) == [("picked",)]
