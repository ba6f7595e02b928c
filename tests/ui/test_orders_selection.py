"""The queue's selection is a set of orders: it follows them when a live refresh moves their
rows, keeps only what a new filter shows, and Ctrl+A means every order of the filter."""

from datetime import date, timedelta

import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from oms_desktop.model import Order, OrderTag
from oms_desktop.services.orders import queue
from oms_desktop.ui.widgets.order_bulk import ACTIONS
from tests.ui.shell_support import demo_db, make_window, station_settings  # noqa: F401
from tests.ui.test_orders_screen import open_orders, wait_reload

ACTION = {a.key: a for a in ACTIONS}


def highlighted_ids(screen) -> set[int]:
    return {screen.model.id_at(i.row()) for i in screen.table.selectionModel().selectedRows()}


def status_of(db, order_id) -> str:
    with db.engine.connect() as conn:
        return str(conn.scalar(sa.select(Order.status).where(Order.id == order_id)))


def test_a_live_refresh_that_moves_rows_keeps_the_selection_on_the_same_order(
        qtbot, make_window, demo_db, monkeypatch):
    screen = open_orders(qtbot, make_window("manager"))
    bar = screen.filters
    bar.status.setCurrentIndex(bar.status.findText("New"))
    wait_reload(qtbot, screen, lambda: set(r.status for r in screen.model.rows) == {"new"})
    chosen, neighbour = screen.model.id_at(2), screen.model.id_at(1)
    screen.select_rows(range(2, 3))
    assert screen.selected_ids() == [chosen]
    # another station: two orders further down become due earliest and move to the top
    movers = [screen.model.id_at(r) for r in (5, 6)]
    with demo_db.engine.begin() as conn:
        conn.execute(sa.update(Order).where(Order.id.in_(movers))
                     .values(ship_by=date.today() - timedelta(days=30)))
    screen.refresh()
    qtbot.waitUntil(lambda: screen.model.id_at(0) in movers and screen.model.id_at(4) == chosen,
                    timeout=5000)
    assert highlighted_ids(screen) == {chosen} and screen.selected_ids() == [chosen]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("customer called", True))
    with qtbot.waitSignal(screen.progress.finished, timeout=10000):
        screen.run_action(ACTION["hold"])
    assert status_of(demo_db, chosen) == "on_hold"
    assert status_of(demo_db, neighbour) == "new"
    assert all(status_of(demo_db, m) == "new" for m in movers)


def test_a_new_filter_keeps_only_the_selected_orders_it_still_shows(qtbot, make_window,
                                                                    demo_db):
    screen = open_orders(qtbot, make_window("manager"))
    statuses = {r.id: r.status for r in screen.model.rows[:40]}
    held = next(i for i, s in statuses.items() if s == "on_hold")
    others = [i for i, s in statuses.items() if s != "on_hold"][:3]
    screen.selection.select_ids([held, *others])
    assert screen.selection_label.text() == "4 selected"
    bar = screen.filters
    bar.status.setCurrentIndex(bar.status.findText("On hold"))
    qtbot.waitUntil(lambda: screen.selected_ids() == [held], timeout=5000)
    assert screen.selection_label.text() == "1 selected"
    qtbot.waitUntil(lambda: highlighted_ids(screen) == {held}, timeout=5000)
    assert screen.bulk_buttons["release"].isEnabled()
    bar.status.setCurrentIndex(bar.status.findText("Completed"))
    wait_reload(qtbot, screen, lambda: screen.model.flt.statuses == ("completed",))
    qtbot.wait(300)
    assert screen.selected_ids() == [] and screen.selection_label.text() == "No orders selected"
    assert not screen.bulk_buttons["release"].isEnabled()


def test_ctrl_a_acts_on_every_order_matching_the_filter_after_confirming_the_count(
        qtbot, make_window, demo_db, monkeypatch):
    screen = open_orders(qtbot, make_window("manager"))
    bar = screen.filters
    bar.status.setCurrentIndex(bar.status.findText("All orders"))
    wait_reload(qtbot, screen, lambda: screen.model.rowCount() == 200)
    total = queue.count(demo_db, queue.QueueFilter())
    assert total > 200  # more than the loaded rows
    qtbot.waitUntil(lambda: screen.count_label.text() == f"{total:,} orders", timeout=5000)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key_A, Qt.ControlModifier)
    assert screen.selection.all_matching
    assert screen.selection_label.text() == f"All {total:,} orders matching this filter"
    assert len(highlighted_ids(screen)) == screen.model.rowCount()
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("audit", True))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text())
                        or QMessageBox.Yes)
    with qtbot.waitSignal(screen.progress.finished, timeout=30000) as done:
        screen.bulk_buttons["tag"].click()
    result = done.args[0]
    assert asked == [f"Tag all {total:,} orders matching this filter?"]
    with demo_db.engine.connect() as conn:
        tagged = set(conn.scalars(sa.select(OrderTag.order_id).where(OrderTag.tag == "audit")))
    assert result.total == total == result.succeeded == len(tagged)  # not just 200 loaded
    assert f"{total:,} of {total:,} done" in screen.progress.text.text()
    assert screen.selection.empty and not screen.bulk_buttons["tag"].isEnabled()
