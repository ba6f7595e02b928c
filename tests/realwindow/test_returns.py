"""The returns intake bench in the real window: the packer presses Ctrl+6, scans the RMA slip
(made with `oms-desktop returns create`), then each unit, grading it with F1-F5 (condition)
and Shift+F1-F5 (what happens to it) first."""

from __future__ import annotations

import pytest

RETURNABLE = """
    SELECT o.id, p.sku FROM orders o JOIN order_lines l ON l.order_id = o.id
    JOIN products p ON p.id = l.product_id
    WHERE NOT p.is_kit AND l.quantity >= 2
      AND (SELECT GROUP_CONCAT(status) FROM shipments WHERE order_id = o.id) = 'delivered'
      AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.id)
    ORDER BY o.id"""
UNITS = """
    SELECT u.condition, u.disposition FROM return_units u
    JOIN return_lines l ON l.id = u.return_line_id WHERE l.return_id = ? ORDER BY u.id"""


@pytest.fixture(scope="module")
def returnable(desk) -> list[tuple[int, str]]:
    """Delivered orders with two units of one SKU, one returned by each test."""
    return desk.records.rows(RETURNABLE)


@pytest.fixture
def rma(desk, returnable) -> dict:
    """Two units authorised for return at the command line, as customer service does."""
    order, sku = returnable.pop(0)
    made = desk.oms("returns", "create", f"ORD-{order}", "--line", f"{sku}:2:changed_mind")
    return {"id": made["id"], "number": made["rma_number"], "sku": sku}


@pytest.fixture
def bench(floor, rma):
    """The Returns screen (Ctrl+6) with the RMA scanned and shown."""
    floor.press("ctrl+6")
    floor.opens(rma["number"])
    return floor


def receive(bench, desk, rma, *keys: str) -> tuple[str, str]:
    """Press the grading keys, scan one unit, and return how it was recorded."""
    before = len(desk.records.rows(UNITS, rma["id"]))
    if keys:
        bench.press(*keys)
    bench.station.scan(rma["sku"])
    units = desk.records.wait_for(UNITS + " LIMIT -1 OFFSET ?", rma["id"], before)
    assert units, f"unit {rma['sku']} of {rma['number']} was not received"
    return units[0]


def test_units_scanned_against_the_rma_are_received_graded_and_inspected(bench, desk, rma):
    assert receive(bench, desk, rma, "F2") == ("open_box", "restock")
    assert receive(bench, desk, rma, "F3") == ("damaged", "quarantine")
    bench.press("ctrl+Return")
    assert desk.records.wait_for("SELECT status FROM returns WHERE id = ? AND status = "
                                 "'inspected'", rma["id"]) == [("inspected",)]


def test_shift_f_keys_choose_what_happens_to_the_unit(bench, desk, rma):
    assert receive(bench, desk, rma, "F2", "shift+F4") == ("open_box", "scrap")


def test_f1_grades_a_unit_resellable(bench, desk, rma):
    assert receive(bench, desk, rma, "F3", "F1") == ("resellable", "restock")


def test_f5_grades_a_unit_wrong_item(bench, desk, rma):
    assert receive(bench, desk, rma, "F5") == ("wrong_item", "quarantine")
