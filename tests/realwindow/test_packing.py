"""The pack station in the real window: a packer signs in by keyboard, presses Ctrl+4 and
scans with a USB scanner (xdotool: 1 ms a key, Shift for every capital, CR at the end)."""

from __future__ import annotations

import pytest

from tests.realwindow.polling import wait_until

from tests.realwindow.floor import BAD, GOOD

PLAIN_ASSIGNED = """
    SELECT s.id FROM shipments s JOIN locations site ON site.id = s.location_id
    WHERE s.status = 'assigned' AND site.kind = 'warehouse' AND NOT EXISTS (
        SELECT 1 FROM shipment_lines l JOIN products p ON p.id = l.product_id
        WHERE l.shipment_id = s.id AND p.is_kit)
    ORDER BY s.id"""
ITEMS = """
    SELECT p.sku, l.quantity, (SELECT MIN(b.code) FROM product_barcodes b
                               WHERE b.product_id = p.id)
    FROM shipment_lines l JOIN products p ON p.id = l.product_id
    WHERE l.shipment_id = ? ORDER BY l.id"""


@pytest.fixture(scope="module")
def shipments(desk) -> list[int]:
    """Assigned warehouse shipments without kits, one taken by each test."""
    return [row[0] for row in desk.records.rows(PLAIN_ASSIGNED)]


@pytest.fixture
def at_pack_station(floor):
    """The Packing screen (Ctrl+4) with nothing open (Esc puts the last shipment aside)."""
    floor.press("ctrl+4", "Escape")
    return floor


def packed(desk, shipment_id: int) -> list[int]:
    return [row[0] for row in desk.records.rows(
        "SELECT packed_qty FROM shipment_lines WHERE shipment_id = ? ORDER BY id", shipment_id)]


def items(desk, shipment_id: int) -> list[tuple[str, int, str]]:
    return desk.records.rows(ITEMS, shipment_id)


def test_the_packer_signed_in_by_keyboard_at_this_station(desk, station):
    assert desk.records.rows("SELECT actor_name, station FROM audit_events "
                             "WHERE action = 'sign_in'") == [("packer", "PACK-1")]


def test_a_shipment_and_its_items_scanned_with_shift_for_capitals_are_packed(
        at_pack_station, desk, shipments):
    floor, shipment = at_pack_station, shipments.pop(0)
    assert floor.scan(f"SHP-{shipment}") == (f"SHP-{shipment}", "ok", f"Opened SHP-{shipment}",
                                             shipment)
    for n, (sku, quantity, gtin) in enumerate(items(desk, shipment)):
        if quantity > 1:
            floor.station.scan(f"QTY-{quantity}")  # the quantity card: the next scan counts n
        code = gtin if n % 2 else sku
        assert floor.scan(code)[:2] == (code, "ok")
    assert packed(desk, shipment) == [q for _, q, _ in items(desk, shipment)]
    assert floor.sees(GOOD, "packed-every-item")


def test_a_wrong_item_gets_a_red_banner_and_nothing_is_packed(at_pack_station, desk, shipments):
    floor, shipment = at_pack_station, shipments.pop(0)
    number = desk.records.value("SELECT o.number FROM orders o JOIN shipments s "
                                "ON s.order_id = o.id WHERE s.id = ?", shipment)
    assert floor.scan(number)[1:] == ("ok", f"Opened SHP-{shipment}", shipment)
    stranger = desk.records.value(
        "SELECT sku FROM products WHERE NOT is_kit AND id NOT IN "
        "(SELECT product_id FROM shipment_lines WHERE shipment_id = ?) ORDER BY id", shipment)
    wrong = floor.scan(stranger)
    assert wrong[:2] == (stranger, "wrong_item") and wrong.message.startswith(f"Wrong item {stranger}")
    assert set(packed(desk, shipment)) == {0}
    assert floor.sees(BAD, "wrong-item")


def test_one_too_many_gets_a_red_banner_and_is_not_packed(at_pack_station, desk, shipments):
    floor, shipment = at_pack_station, shipments.pop(0)
    sku, quantity, _ = items(desk, shipment)[0]
    floor.scan(f"SHP-{shipment}")
    for _ in range(quantity):
        assert floor.scan(sku).result == "ok"
    assert floor.scan(sku)[:2] == (sku, "over_scan")
    assert packed(desk, shipment)[0] == quantity
    assert floor.sees(BAD, "one-too-many")


def test_f4_completes_a_shipment_whose_every_item_is_scanned(at_pack_station, desk, shipments):
    floor, shipment = at_pack_station, shipments.pop(0)
    floor.scan(f"SHP-{shipment}")
    for sku, quantity, _ in items(desk, shipment):
        for _ in range(quantity):
            assert floor.scan(sku).result == "ok"
    floor.press("F4")
    assert desk.records.wait_for("SELECT status FROM shipments WHERE id = ? "
                                 "AND status = 'packed'", shipment) == [("packed",)]
    slip = desk.folder / "home" / "Documents" / "OMS station" / f"packing-slip-SHP-{shipment}.pdf"
    assert wait_until(slip.exists), f"no packing slip at {slip}"
    # the demo ships: the label is bought from the installed carrier the method map names
    assert desk.records.wait_for("SELECT carrier FROM shipping_labels WHERE shipment_id = ?",
                                 shipment) == [("manual",)]
    label = slip.with_name(f"label-SHP-{shipment}.pdf")
    assert wait_until(label.exists), f"no label at {label}"
    floor.station.screenshot(desk.folder / "completed.png")


def test_a_tote_scan_opens_the_shipment_picked_into_it(at_pack_station, desk, shipments):
    floor, shipment = at_pack_station, shipments.pop(0)
    order = desk.records.value("SELECT order_id FROM shipments WHERE id = ?", shipment)
    desk.oms("picklist", "create", "--orders", f"ORD-{order}",
             "--out", str(desk.folder / "tote.pdf"))
    assert floor.scan("TOTE-1") == ("TOTE-1", "ok", f"Opened SHP-{shipment}", shipment)
