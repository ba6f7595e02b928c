import os
from pathlib import Path

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from oms_desktop.errors import PermissionDenied
from oms_desktop.model import Order
from oms_desktop.services.orders import edits as order_edits
from oms_desktop.services.orders import queue
from oms_desktop.services.orders.views import get_order
from oms_desktop.ui.widgets.order_table_model import FIELDS
from tests.ui.shell_support import demo_db, make_window, station_settings  # noqa: F401


def open_orders(qtbot, window):
    screen = window.show_screen("Orders")
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(lambda: screen.count_label.text().endswith("orders"), timeout=5000)
    return screen


def shown(screen, field):
    col = FIELDS.index(field)
    return [screen.model.index(r, col).data() for r in range(screen.model.rowCount())]


def wait_reload(qtbot, screen, check):
    qtbot.waitUntil(lambda: not screen.model._busy and bool(check()), timeout=5000)


def test_the_queue_opens_on_open_orders_with_their_count(qtbot, make_window, demo_db):
    screen = open_orders(qtbot, make_window("manager"))
    n = queue.count(demo_db, queue.QueueFilter(statuses=("new", "verified", "on_hold",
                                                         "in_fulfilment")))
    assert screen.count_label.text() == f"{n:,} orders"
    assert set(shown(screen, "status")) <= {"New", "Verified", "On hold", "In fulfilment"}


def test_filtering_by_status_and_searching_narrow_the_queue(qtbot, make_window, demo_db):
    screen = open_orders(qtbot, make_window("supervisor"))
    bar = screen.filters
    bar.status.setCurrentIndex(bar.status.findText("On hold"))
    wait_reload(qtbot, screen, lambda: set(shown(screen, "status")) == {"On hold"})
    held = queue.count(demo_db, queue.QueueFilter(statuses=("on_hold",)))
    qtbot.waitUntil(lambda: screen.count_label.text() == f"{held:,} orders", timeout=5000)
    target = screen.model.row_at(0)
    bar.status.setCurrentIndex(bar.status.findText("All orders"))
    qtbot.keyClicks(bar.search, target.number)
    qtbot.keyClick(bar.search, Qt.Key_Return)
    wait_reload(qtbot, screen, lambda: shown(screen, "number")[:1] == [target.number])
    assert all(n.startswith(target.number) for n in shown(screen, "number"))


def test_clicking_a_column_header_sorts_and_clicking_again_reverses(qtbot, make_window):
    screen = open_orders(qtbot, make_window("manager"))
    header = screen.table.horizontalHeader()
    header.sectionClicked.emit(FIELDS.index("total"))
    wait_reload(qtbot, screen, lambda: screen.model.sort == "total")
    totals = [r.total for r in screen.model.rows]
    assert totals == sorted(totals)
    header.sectionClicked.emit(FIELDS.index("total"))
    wait_reload(qtbot, screen, lambda: screen.model.descending and screen.model.rows)
    totals = [r.total for r in screen.model.rows]
    assert totals == sorted(totals, reverse=True)


def test_scrolling_fetches_further_keyset_pages(qtbot, make_window):
    screen = open_orders(qtbot, make_window("manager"))
    screen.filters.status.setCurrentIndex(screen.filters.status.findText("All orders"))
    wait_reload(qtbot, screen, lambda: screen.model.rowCount() == 200)
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 200, timeout=5000)


def test_a_bulk_tag_runs_with_progress_and_is_stored(qtbot, make_window, demo_db, monkeypatch):
    screen = open_orders(qtbot, make_window("manager"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("rush", True))
    screen.select_rows(range(0, 12))
    assert screen.bulk_buttons["tag"].isEnabled()
    ids = screen.selected_ids()
    with qtbot.waitSignal(screen.progress.finished, timeout=10000) as done:
        screen.bulk_buttons["tag"].click()
        assert screen.progress.isVisible() and screen.progress.bar.maximum() == 12
    result = done.args[0]
    assert result.succeeded == 12 and screen.progress.bar.value() == 12
    assert "12 of 12 done" in screen.progress.text.text()
    assert all("rush" in get_order(demo_db, i).tags for i in ids)


def test_a_bulk_hold_reports_the_orders_that_could_not_be_held(qtbot, make_window,
                                                                monkeypatch):
    screen = open_orders(qtbot, make_window("manager"))
    bar = screen.filters
    bar.status.setCurrentIndex(bar.status.findText("In fulfilment"))
    wait_reload(qtbot, screen, lambda: set(shown(screen, "status")) == {"In fulfilment"})
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("customer called", True))
    screen.select_rows(range(0, 3))
    with qtbot.waitSignal(screen.progress.finished, timeout=10000) as done:
        screen.run_action(next(a for a in __import__(
            "oms_desktop.ui.widgets.order_bulk", fromlist=["ACTIONS"]).ACTIONS if a.key == "hold"))
    result = done.args[0]
    assert len(result.failures) == 3 and "Cannot hold" in result.failures[0].message


def test_enter_opens_the_order_detail_with_lines_and_timeline(qtbot, make_window, demo_db):
    window = make_window("manager")
    screen = open_orders(qtbot, window)
    screen.table.setCurrentIndex(screen.model.index(0, 0))
    order_id = screen.model.row_at(0).id
    screen._open(0)
    detail = window.current_screen()
    qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.summary.id == order_id,
                    timeout=5000)
    assert detail.title.text() == f"Order {detail.detail.summary.number}"
    assert detail.lines.rowCount() == len(detail.detail.lines) > 0
    assert detail.timeline.rowCount() == len(detail.detail.timeline)
    allowed = set(detail.detail.allowed_actions)
    assert detail.buttons["verify"].isEnabled() == ("verify" in allowed)
    assert detail.buttons["release"].isEnabled() == ("release" in allowed)
    detail.back_requested.emit()
    assert window.current_screen() is screen


def test_a_packer_sees_no_bulk_actions_and_the_service_refuses_anyway(qtbot, make_window,
                                                                       demo_db):
    window = make_window("packer")
    screen = open_orders(qtbot, window)
    assert set(screen.bulk_buttons) == {"pick_list"}  # packers pick; they change no orders
    assert not [a for a in screen.actions() if a.text().startswith(("Cancel", "Tag"))]
    with pytest.raises(PermissionDenied):
        order_edits.tag_orders(demo_db, actor=window.ctx.actor, order_ids=[1], add=("x",))
    from oms_desktop.services.orders.pipeline import cancel_order
    with pytest.raises(PermissionDenied):
        cancel_order(demo_db, actor=window.ctx.actor, order_id=1)
    with demo_db.uow(readonly=True) as uow:
        assert uow.session.get(Order, 1).status.value != "cancelled"


def test_a_saved_view_comes_back_for_the_same_user(qtbot, make_window):
    window = make_window("manager")
    screen = open_orders(qtbot, window)
    screen.filters.ship_by.setCurrentIndex(screen.filters.ship_by.findData("overdue"))
    wait_reload(qtbot, screen, lambda: screen.model.flt.ship_by == "overdue")
    screen.store_view("Late")
    qtbot.waitUntil(lambda: screen.view_box.findText("Late") > 0, timeout=5000)
    screen.filters.ship_by.setCurrentIndex(0)
    second = make_window("manager")
    again = open_orders(qtbot, second)
    qtbot.waitUntil(lambda: "Late" in again.views, timeout=5000)
    again.use_view("Late")
    wait_reload(qtbot, again, lambda: again.model.flt.ship_by == "overdue")
    assert again.filters.ship_by.currentData() == "overdue"


def test_the_current_view_exports_to_csv(qtbot, make_window, tmp_path):
    screen = open_orders(qtbot, make_window("manager"))
    path = tmp_path / "orders.csv"
    screen.export_to(str(path))
    qtbot.waitUntil(lambda: "Exported" in screen.selection_label.text(), timeout=10000)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert f"{len(rows) - 1:,} orders" == screen.count_label.text()


def test_a_scanned_order_number_searches_the_queue(qtbot, make_window):
    screen = open_orders(qtbot, make_window("manager"))
    number = screen.model.row_at(3).number
    screen.handle_scan(number)
    wait_reload(qtbot, screen, lambda: shown(screen, "number")[:1] == [number])


def test_rows_scrolled_far_away_are_dropped_and_read_again_when_seen(qtbot, make_window,
                                                                     monkeypatch):
    from oms_desktop.ui.widgets import order_table_model
    monkeypatch.setattr(order_table_model, "PAGE", 50)
    monkeypatch.setattr(order_table_model, "CACHE_PAGES", 2)
    model = order_table_model.OrderTableModel(make_window("manager").ctx)
    model.query(queue.QueueFilter())
    qtbot.waitUntil(lambda: model.rowCount() == 50, timeout=5000)
    first = model.row_at(0)
    for pages in (2, 3, 4):
        model.fetchMore()
        qtbot.waitUntil(lambda: model.rowCount() == pages * 50, timeout=5000)
    assert len(model.rows) == 100 and model.id_at(0) == first.id
    assert model.row_at(0) is None  # dropped: being read again from its keyset boundary
    qtbot.waitUntil(lambda: model.row_at(0) is not None, timeout=5000)
    assert model.row_at(0) == first


def test_a_pick_list_for_the_selected_orders_comes_out_as_a_pdf(qtbot, make_window, demo_db):
    import sqlalchemy as sa
    from oms_desktop.model import Shipment, ShipmentStatus
    with demo_db.uow(readonly=True) as uow:
        order_ids = uow.session.scalars(sa.select(Shipment.order_id).where(
            Shipment.status == ShipmentStatus.assigned).order_by(Shipment.id).limit(2)).all()
    assert order_ids
    screen = open_orders(qtbot, make_window("supervisor"))
    screen.selection.select_ids(order_ids)  # the two orders, wherever they are listed
    screen.print_pick_list()
    qtbot.waitUntil(lambda: hasattr(screen, "last_pick_list"), timeout=10000)
    # in the person's documents folder, never the temporary folder all users share
    assert screen.last_pick_list.parent == Path(os.environ["OMS_DOCUMENTS_DIR"])
    pdf = screen.last_pick_list.read_bytes()
    assert pdf.startswith(b"%PDF") and "ready" in screen.selection_label.text()
    import pypdfium2
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    with demo_db.uow(readonly=True) as uow:
        number = uow.session.get(Order, order_ids[0]).number
    assert number in text
