"""The returns bench as a packer drives it: scans and function keys only."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from oms_desktop.model import Actor, Role
from oms_desktop.services.orders import views as orders
from oms_desktop.services.inventory import stock
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.returns import ReturnsScreen
from tests.factories import small_world
from tests.returns_fixtures import shipped_order
from tests.ui.floor_ui import install_scanner, remove_scanner
from tests.ui.scanning import scanner_types

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
    scanner = install_scanner(screen)
    yield screen, rma, order_id, ctx
    remove_scanner(scanner)


def scan(qtbot, screen, text):
    """A USB scanner's burst (1 ms a character, then Enter) into whatever has focus — here
    the receiving-location field, which the burst must not land in — then the answer."""
    field = screen.intake.location
    field.setFocus()
    typed, before = field.text(), screen.intake.banner.text()
    scanner_types(field, text)
    qtbot.waitUntil(lambda: screen.intake.banner.text() != before, timeout=5000)
    assert field.text() == typed


def test_a_return_is_received_graded_and_refunded_from_the_keyboard(qtbot, bench, tmp_path):
    screen, rma, order_id, ctx = bench
    intake = screen.intake

    scan(qtbot, screen, rma.rma_number)
    assert "scan the 2 units" in intake.banner.text()

    intake.location.setText("WH1-A-02")
    qtbot.keyClick(intake, Qt.Key_F1)  # resellable → restock
    assert (intake.condition.currentText(), intake.disposition.currentText()) == (
        "Resellable", "Restock")
    scan(qtbot, screen, "4006381333931")
    assert intake.banner.text().startswith("SKU-1: resellable, restock")

    intake.location.setText("WH1")
    qtbot.keyClick(intake, Qt.Key_F3)  # damaged → quarantine
    assert intake.disposition.currentText() == "Quarantine"
    scan(qtbot, screen, "036000291452")

    before = intake.summary.text()
    qtbot.keyClick(intake, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: intake.summary.text() != before, timeout=5000)
    assert "Refund due: 52.50" in intake.summary.text()

    # Ctrl+R asks first, with the amount; Esc keeps the money, Enter refunds.
    box = ask_refund(qtbot, intake)
    assert box.text() == f"Refund 52.50 USD on {rma.rma_number}?"
    assert "Web shop cannot take refunds from here" in box.informativeText()
    qtbot.keyClick(box, Qt.Key_Escape)
    qtbot.wait(200)
    assert orders.get_order(ctx.db, order_id).financial_status == "paid"
    before = intake.banner.text()
    qtbot.keyClick(ask_refund(qtbot, intake), Qt.Key_Return)
    qtbot.waitUntil(lambda: intake.banner.text() != before, timeout=5000)
    # The web shop is a channel without a connector: paid back in its own admin.
    assert intake.banner.text() == (f"52.50 USD on {rma.rma_number} recorded as paid outside:"
                                    " pay it back in the channel's own admin or at the till")
    assert "#b45309" in intake.banner.styleSheet() and "Refunded" not in intake.banner.text()
    assert orders.get_order(ctx.db, order_id).financial_status == "partially_refunded"
    levels = {(r.sku, r.location): r.available for r in stock.levels(ctx.db)}
    assert levels[("SKU-1", "WH1-A-02")] == 1
    screen.grab().save(str(tmp_path / "returns.png"))


def ask_refund(qtbot, intake):
    """Ctrl+R, and the confirmation it opens."""
    intake.confirm_box = None
    intake.window().activateWindow()  # back from an earlier box, as a window manager does
    qtbot.waitUntil(intake.window().isActiveWindow, timeout=3000)
    qtbot.keyClick(intake, Qt.Key_R, Qt.ControlModifier)
    qtbot.waitUntil(lambda: intake.confirm_box is not None and intake.confirm_box.isVisible(),
                    timeout=5000)
    return intake.confirm_box


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


def _add_user(db, username, role, pin):
    from oms_desktop.model import User
    from oms_desktop.services.users.passwords import hash_secret

    with db.uow() as uow:
        uow.session.add(User(username=username, display_name=username.title(), role=role,
                             password_hash=hash_secret(pin)))
        uow.commit()


def test_a_parcel_without_rma_gets_one_on_the_spot_with_a_supervisors_pin(qtbot, sqlite_db):
    small_world(sqlite_db)
    order_id = shipped_order(sqlite_db, {"SKU-1": 1, "SKU-2": 2})
    _add_user(sqlite_db, "sue", Role.supervisor, "4321")
    ctx = AppContext(db=sqlite_db, actor=Actor("pat", Role.packer, station="RET-1"), ops=Ops())
    screen = ReturnsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()

    # The packer scans the order barcode from the packing slip found in the parcel.
    screen.handle_scan(f"ORD-{order_id}")
    qtbot.waitUntil(lambda: getattr(screen.intake, "dialog", None) is not None
                    and screen.intake.dialog.isVisible(), timeout=5000)
    dialog = screen.intake.dialog
    assert "has no return authorisation" in screen.intake.banner.text()
    assert dialog.width() >= 720 and dialog.height() >= 420  # its fields in sight
    assert "Changed mind" in [dialog.table.cellWidget(0, 2).itemText(i)
                              for i in range(dialog.table.cellWidget(0, 2).count())]

    # Two spoons back, too small; the supervisor signs with her PIN.
    spoon_row = [dialog.source.index(l) for l in dialog.source if l.sku == "SKU-2"][0]
    dialog.table.cellWidget(spoon_row, 1).setValue(2)
    dialog.table.cellWidget(spoon_row, 2).setCurrentText("Too small")
    qtbot.keyClicks(dialog.supervisor, "sue")
    qtbot.keyClicks(dialog.pin, "4321")
    qtbot.keyClick(dialog.pin, Qt.Key_Return)

    qtbot.waitUntil(lambda: screen.intake.rma is not None, timeout=5000)
    rma = screen.intake.rma
    assert [(l.sku, l.quantity, l.reason) for l in rma.lines] == [("SKU-2", 2, "too_small")]
    approval = [e for e in orders.get_order(sqlite_db, order_id).timeline
                if e.action == "authorize"][0]
    assert (approval.actor, approval.detail) == ("pat", {"approved_by": "sue"})


def test_without_the_right_pin_no_rma_is_created(qtbot, sqlite_db):
    small_world(sqlite_db)
    order_id = shipped_order(sqlite_db, {"SKU-1": 1})
    _add_user(sqlite_db, "sue", Role.supervisor, "4321")
    ctx = AppContext(db=sqlite_db, actor=Actor("pat", Role.packer), ops=Ops())
    screen = ReturnsScreen(ctx)
    qtbot.addWidget(screen)
    screen.handle_scan(f"ORD-{order_id}")
    qtbot.waitUntil(lambda: getattr(screen.intake, "dialog", None) is not None, timeout=5000)
    dialog = screen.intake.dialog
    dialog.table.cellWidget(0, 1).setValue(1)
    dialog.supervisor.setText("sue")
    dialog.pin.setText("0000")
    dialog.accept()
    qtbot.waitUntil(lambda: "has no return" not in screen.intake.banner.text(), timeout=5000)
    assert screen.intake.rma is None
    assert screen.intake.banner.text() != ""
    from oms_desktop.services.returns.rmas import list_returns

    assert list_returns(sqlite_db) == []


def test_a_refund_over_the_limit_is_issued_once_a_manager_approves_at_the_bench(qtbot, bench):
    from oms_desktop.services import settings
    from oms_desktop.values import SYSTEM

    screen, rma, order_id, ctx = bench
    intake = screen.intake
    settings.write(ctx.db, actor=SYSTEM, key="returns.approval_limit", value="10")
    _add_user(ctx.db, "morgan", Role.manager, "2222")
    _add_user(ctx.db, "kim", Role.supervisor, "3333")
    scan(qtbot, screen, rma.rma_number)
    intake.location.setText("WH1-A-02")
    for code in ("4006381333931", "036000291452"):
        scan(qtbot, screen, code)
    qtbot.keyClick(intake, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "Refund due" in intake.summary.text(), timeout=5000)

    def approve(name, pin):
        before = intake.banner.text()
        if getattr(intake, "approval", None) is None or not intake.approval.isVisible():
            qtbot.keyClick(ask_refund(qtbot, intake), Qt.Key_Return)
            qtbot.waitUntil(lambda: getattr(intake, "approval", None) is not None
                            and intake.approval.isVisible(), timeout=5000)
        dialog = intake.approval
        assert "above the approval limit of 10" in intake.banner.text()
        dialog.username.setText(name)  # typed by hand, not a scanner's burst
        dialog.secret.setText(pin)
        qtbot.keyClick(dialog.secret, Qt.Key_Return)
        qtbot.waitUntil(lambda: intake.banner.text() != before, timeout=5000)

    approve("kim", "3333")  # a supervisor is not enough: asked again
    qtbot.waitUntil(lambda: intake.approval.isVisible(), timeout=5000)
    assert orders.get_order(ctx.db, order_id).financial_status == "paid"
    approve("morgan", "2222")
    qtbot.waitUntil(lambda: "recorded as paid outside" in intake.banner.text(), timeout=5000)
    assert orders.get_order(ctx.db, order_id).financial_status == "partially_refunded"
