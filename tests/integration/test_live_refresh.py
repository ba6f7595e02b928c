"""Another workstation (a second OS process) changes an order; this one hears of it in time."""

import subprocess
import sys
import time

import pytest

from oms_desktop.model import SYSTEM, Order
from oms_desktop.storage.changes import ALL_AREAS, PgChangeListener, SqliteChangePoller, areas_of
from oms_desktop.ui.context import ChangeHub
from oms_desktop.ui.live import LiveChanges
from tests.orders_world import seed_orders

OTHER_WORKSTATION = """
import sys, time
from oms_desktop.model import SYSTEM, Order
from oms_desktop.storage import Database
db = Database(sys.argv[1])
with db.uow() as uow:
    uow.session.get(Order, int(sys.argv[2])).verify(by=SYSTEM)
    uow.commit()
print(time.time(), flush=True)
"""


def change_order_elsewhere(url: str, order_id: int) -> float:
    """Verify an order from another process; returns when it committed (epoch seconds)."""
    done = subprocess.run([sys.executable, "-c", OTHER_WORKSTATION, url, str(order_id)],
                          capture_output=True, text=True, timeout=60, check=True)
    return float(done.stdout.strip())


@pytest.fixture
def one_order(db):
    seed_orders(db, 3, lines=False)
    with db.uow() as uow:
        order = uow.session.get(Order, 1)
        order.status = "new"
        uow.commit()
    return 1


def test_tables_written_map_to_the_areas_screens_care_about():
    assert areas_of({"orders", "order_lines", "audit_events"}) == {"orders"}
    assert areas_of({"stock_moves", "stock_levels", "shipments"}) == {"stock", "shipments"}
    assert areas_of({"cycle_counts", "print_jobs", "pick_lists"}) == {"stock", "printing", "floor"}


def test_every_table_of_the_model_belongs_to_an_area_or_is_ignored():
    from oms_desktop.model import Base, load_all
    from oms_desktop.storage.changes import AREA_OF_TABLE, IGNORED_TABLES

    load_all()

    assert set(Base.metadata.tables) - set(AREA_OF_TABLE) - IGNORED_TABLES == set()


def test_a_unit_of_work_reports_the_areas_its_commit_touched(db, one_order):
    from oms_desktop.storage.changes import collecting

    with collecting() as areas:
        with db.uow() as uow:
            uow.session.get(Order, one_order).status = "on_hold"
            uow.commit()
        with db.uow() as uow:  # rolled back: reports nothing
            uow.session.get(Order, one_order).priority = 5
    assert areas == {"orders"}


def test_postgresql_notifies_the_areas_of_a_commit_made_by_another_process(db, one_order):
    if db.is_sqlite:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    listener = PgChangeListener(db.url)
    try:
        committed = change_order_elsewhere(db.url, one_order)
        heard = listener.wait(2.0)
        assert "orders" in heard and time.time() - committed < 2.0
    finally:
        listener.close()


def test_a_rolled_back_transaction_notifies_nobody(db, one_order):
    if db.is_sqlite:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    listener = PgChangeListener(db.url)
    try:
        with db.uow() as uow:
            uow.session.get(Order, one_order).verify(by=SYSTEM)
            uow.session.flush()
        assert listener.wait(0.5) == set()
    finally:
        listener.close()


def test_sqlite_data_version_moves_when_another_process_commits(db, one_order):
    if not db.is_sqlite:
        pytest.skip("data_version polling is SQLite's")
    poller = SqliteChangePoller(db.url)
    try:
        assert poller.poll() == set()
        change_order_elsewhere(db.url, one_order)
        assert poller.poll() == set(ALL_AREAS)
        assert poller.poll() == set()
    finally:
        poller.close()


def test_an_open_screen_hears_another_workstations_change_within_two_seconds(qtbot, db,
                                                                             one_order):
    hub = ChangeHub()
    live = LiveChanges(db, hub)
    heard = []
    hub.changed.connect(lambda areas: heard.append((time.time(), areas)))
    live.start()
    try:
        if not db.is_sqlite:
            qtbot.waitUntil(lambda: live.state.startswith("listening"), timeout=5000)
        committed = change_order_elsewhere(db.url, one_order)
        qtbot.waitUntil(lambda: bool(heard), timeout=2500)
        at, areas = heard[0]
        assert "orders" in areas and at - committed < 2.0
    finally:
        live.stop()


def test_the_orders_queue_shows_another_workstations_change_within_two_seconds(qtbot, db,
                                                                               one_order):
    from oms_desktop.model import Actor, Role
    from oms_desktop.services.orders import queue
    from oms_desktop.ui.context import AppContext
    from oms_desktop.ui.ops import Ops
    from oms_desktop.ui.widgets.order_table_model import OrderTableModel

    ctx = AppContext(db=db, actor=Actor("mia", Role.manager), ops=Ops())
    model = OrderTableModel(ctx)
    ctx.changes.changed.connect(lambda areas: "orders" in areas and model.refresh())
    live = LiveChanges(db, ctx.changes)
    live.start()
    try:
        model.query(queue.QueueFilter())
        qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
        row = next(r for r in range(3) if model.row_at(r).id == one_order)
        assert model.row_at(row).status == "new"
        if not db.is_sqlite:
            qtbot.waitUntil(lambda: live.state.startswith("listening"), timeout=5000)
        committed = change_order_elsewhere(db.url, one_order)
        qtbot.waitUntil(lambda: model.row_at(row).status == "verified", timeout=2500)
        assert time.time() - committed < 2.0
    finally:
        live.stop()
        ctx.ops.wait()
