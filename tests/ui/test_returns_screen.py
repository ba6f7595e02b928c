"""The returns bench as a packer drives it: scans and function keys only."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from oms_desktop.model import Actor, Role
from oms_desktop.services import orders, stock
from oms_desktop.services.returns import RequestedLine, create_rma
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.returns import ReturnsScreen
from tests.factories import small_world
from tests.returns_fixtures import shipped_order

SUPERVISOR = Actor("sam", Role.supervisor, station="RET-1")


@pytest.fixture
def bench(qtbot, sqlite_db):
    small_world(sqlite_db)
    order_id = shipped_order(sqlite_db, {"SKU-1": 1, "SKU-2": 2})
    rma = create_rma(sqlite_db, actor=SUPERVISOR, order=order_id,
                     lines=[RequestedLine("SKU-1", 1, "changed_mind"),
                            RequestedLine("SKU-2", 1, "changed_mind")])
    ctx = AppContext(db=sqlite_db, actor=SUPERVISOR, ops=Ops())
    screen = ReturnsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1100, 800)
    screen.show()
    return screen, rma, order_id, ctx


def scan(qtbot, screen, text):
    """A scanner burst delivered to the screen, then wait until the op's answer is shown."""
    before = screen.intake.banner.text()
    screen.handle_scan(text)
    qtbot.waitUntil(lambda: screen.intake.banner.text() != before, timeout=5000)


def test_a_return_is_received_graded_and_refunded_from_the_keyboard(qtbot, bench, tmp_path):
    screen, rma, order_id, ctx = bench
    intake = screen.intake

    scan(qtbot, screen, rma.rma_number)
    assert "scan the 2 unit(s)" in intake.banner.text()

    intake.location.setText("WH1-A-02")
    qtbot.keyClick(intake, Qt.Key_F1)  # resellable → restock
    assert (intake.condition.currentText(), intake.disposition.currentText()) == (
        "resellable", "restock")
    scan(qtbot, screen, "4006381333931")
    assert intake.banner.text().startswith("SKU-1: resellable, restock")

    intake.location.setText("WH1")
    qtbot.keyClick(intake, Qt.Key_F3)  # damaged → quarantine
    assert intake.disposition.currentText() == "quarantine"
    scan(qtbot, screen, "036000291452")

    before = intake.summary.text()
    qtbot.keyClick(intake, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: intake.summary.text() != before, timeout=5000)
    assert "Refund due: 52.50" in intake.summary.text()

    before = intake.banner.text()
    qtbot.keyClick(intake, Qt.Key_R, Qt.ControlModifier)
    qtbot.waitUntil(lambda: intake.banner.text() != before, timeout=5000)
    assert intake.banner.text() == f"Refunded 52.50 USD on {rma.rma_number}"
    assert orders.get_order(ctx.db, order_id).financial_status == "partially_refunded"
    levels = {(r.sku, r.location): r.available for r in stock.levels(ctx.db)}
    assert levels[("SKU-1", "WH1-A-02")] == 1
    screen.grab().save(str(tmp_path / "returns.png"))


def test_a_wrong_item_is_shown_in_red_and_recorded_as_unexpected(qtbot, bench):
    screen, rma, _, ctx = bench
    scan(qtbot, screen, rma.rma_number)
    screen.intake.location.setText("WH1")
    scan(qtbot, screen, "KIT-1")
    assert "not on the RMA" in screen.intake.banner.text()
    assert "#b91c1c" in screen.intake.banner.styleSheet()
    assert screen.intake.lines.item(2, 3).text() == "UNEXPECTED"


def test_an_unknown_rma_says_so(qtbot, bench):
    screen, *_ = bench
    scan(qtbot, screen, "RMA-999999")
    assert "No RMA" in screen.intake.banner.text()


def test_a_packer_sees_no_refund_button(qtbot, sqlite_db):
    small_world(sqlite_db)
    ctx = AppContext(db=sqlite_db, actor=Actor("pat", Role.packer), ops=Ops())
    screen = ReturnsScreen(ctx)
    qtbot.addWidget(screen)
    assert not screen.intake.refund_button.isVisibleTo(screen)
