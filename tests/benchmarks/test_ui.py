"""The desktop shell at a million orders (SQLite, offscreen): start-up, the queue's first paint,
filter and sort changes, memory while scrolling, and the GUI thread during a bulk action.

    OMS_TEST_POSTGRES_URL=… .venv/bin/python -m pytest tests/benchmarks/test_ui.py \\
        -m benchmark --benchmark-enable -s

The database is the shared million-order demo data set (copied: these tests write).
OMS_BENCH_SCROLL sets how many rows the memory test scrolls through (default 200,000; the
rest is extrapolated from the slope)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from oms_desktop.model import Actor, Role
from oms_desktop.services.orders import queue
from oms_desktop.services.users import accounts as users
from oms_desktop.storage import Database

pytestmark = pytest.mark.benchmark

ORDERS = 1_000_000  # the shared demo data set (tests/benchmarks/conftest.py)
SCROLL = int(os.environ.get("OMS_BENCH_SCROLL", 200_000))
BULK = 10_000
FIGURES: dict[str, str] = {}


@pytest.fixture(scope="session")
def million(million_orders_sqlite, tmp_path_factory) -> str:
    """A private copy of the shared million-order demo database (the bulk tests write)."""
    source = Path(make_url(million_orders_sqlite.url).database)
    path = tmp_path_factory.mktemp("ui-bench") / "million.sqlite3"
    shutil.copy(source, path)
    return f"sqlite:///{path}"


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PaintWatch(QObject):
    """Remembers when a widget last painted."""

    def __init__(self, widget):
        super().__init__(widget)
        self.last = 0.0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint:
            self.last = time.perf_counter()
        return False


def pump_until(check, timeout: float = 10.0) -> None:
    """Run the event loop until `check()`. (QEventLoop.processEvents, because PySide6 6.12's
    QCoreApplication.processEvents and QTest.qWait drop a reference to None on every call,
    which crashes Python 3.11 after ~50,000 calls.)"""
    loop, end = QEventLoop(), time.monotonic() + timeout
    while not check():
        loop.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")


@pytest.fixture
def window(qtbot, million, tmp_path):
    from PySide6.QtCore import QSettings
    from oms_desktop.ui.main_window import MainWindow

    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, str(tmp_path))
    db = Database(million)
    win = MainWindow(db, station="BENCH", live=True, scanner=False)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    manager = next(u for u in users.list_users(db) if u.username == "manager")
    win.sign_in_as(Actor("manager", Role.manager, manager.id, "BENCH"))
    yield win
    win.close()
    db.dispose()


def open_queue(win) -> tuple[float, object]:
    """Open the Orders screen afresh; seconds until its first rows are painted."""
    entry = next(e for e in win.entries if e.title == "Orders")
    old = win.pages.pop(entry.target, None)
    if old is not None:
        win.stack.removeWidget(old)
        old.deleteLater()
        win.sidebar.setCurrentRow(-1)
    started = time.perf_counter()
    screen = win.show_screen("Orders")
    watch = PaintWatch(screen.table.viewport())
    arrived = []
    screen.model.rows_arrived.connect(lambda _n: arrived.append(time.perf_counter()))
    pump_until(lambda: bool(arrived) and watch.last >= arrived[0])
    return watch.last - started, screen


def changed(screen, trigger) -> float:
    """Seconds from a filter or sort change to the new rows painted."""
    watch = PaintWatch(screen.table.viewport())
    arrived = []
    screen.model.rows_arrived.connect(lambda _n: arrived.append(time.perf_counter()))
    started = time.perf_counter()
    trigger()
    pump_until(lambda: bool(arrived))
    if screen.model.rowCount():
        pump_until(lambda: watch.last >= arrived[0])
    watch.deleteLater()
    return max(watch.last, arrived[0]) - started


START_SCRIPT = """
import sys, time
from oms_desktop.ui.app import open_window
w = open_window(sys.argv[1], station="BENCH")
from PySide6.QtCore import QEventLoop
loop = QEventLoop()
while w.signin.user_list.count() == 0:
    loop.processEvents()
w.repaint()
loop.processEvents()
import os, resource
used = resource.getrusage(resource.RUSAGE_SELF)
print(time.time(), used.ru_utime + used.ru_stime, flush=True)
os._exit(0)
"""


def test_process_start_to_usable_window(million):
    """From spawning the interpreter to the sign-in page painted with its users listed.
    Wall time depends on what else the machine runs; the CPU time the process used is what
    it would take on an idle machine, so the assertion is on that and both are reported."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    walls, cpus = [], []
    for _ in range(5):
        started = time.time()
        out = subprocess.run([sys.executable, "-c", START_SCRIPT, million], env=env,
                             check=True, capture_output=True, text=True, timeout=60).stdout
        ended, cpu = map(float, out.split()[-2:])
        walls.append(ended - started)
        cpus.append(cpu)
    load = os.getloadavg()[0]
    FIGURES["start to usable window"] = (
        f"CPU time median {statistics.median(cpus) * 1000:.0f} ms (max {max(cpus) * 1000:.0f});"
        f" wall median {statistics.median(walls) * 1000:.0f} ms at load average {load:.1f} "
        f"on {os.cpu_count()} CPUs (5 runs)")
    print("\n", FIGURES["start to usable window"])
    assert statistics.median(cpus) < 1.5


def test_queue_first_rows_painted_after_opening(window, benchmark):
    times = [open_queue(window)[0] for _ in range(5)]
    benchmark.pedantic(lambda: open_queue(window), rounds=3, iterations=1)
    FIGURES["queue first rows painted"] = (f"median {statistics.median(times) * 1000:.0f} ms, "
                                           f"max {max(times) * 1000:.0f} ms (5 opens)")
    print("\n", FIGURES["queue first rows painted"])
    assert statistics.median(times) < 0.3


def test_filter_and_sort_changes(window):
    _t, screen = open_queue(window)
    status, header = screen.filters.status, screen.table.horizontalHeader()
    from oms_desktop.ui.widgets.order_table_model import FIELDS
    triggers = {
        "status on hold": lambda: status.setCurrentIndex(status.findText("On hold")),
        "all orders": lambda: status.setCurrentIndex(status.findText("All orders")),
        "ship-by overdue": lambda: screen.filters.ship_by.setCurrentIndex(1),
        "sort by total": lambda: header.sectionClicked.emit(FIELDS.index("total")),
        "sort by total desc": lambda: header.sectionClicked.emit(FIELDS.index("total")),
        "sort by placed": lambda: header.sectionClicked.emit(FIELDS.index("placed_at")),
        "search name prefix": lambda: (screen.filters.search.setText("Grace"),
                                       screen.filters._emit()),
        "search order number": lambda: (screen.filters.search.setText("WC-20242"),
                                        screen.filters._emit()),
    }
    times = {}
    for name, trigger in triggers.items():
        if name != "sort by total desc":  # that one reverses the sort just made
            back_to_default(screen)
        times[name] = changed(screen, trigger)
        window.ops.wait(20_000)  # the count beside it: each change is measured alone
    FIGURES["filter or sort change"] = ", ".join(f"{k} {v * 1000:.0f} ms"
                                                 for k, v in times.items())
    print("\n", FIGURES["filter or sort change"])
    assert max(v for k, v in times.items() if not k.startswith("search")) < 0.15, times


def back_to_default(screen) -> None:
    """Open orders, no other filter, by ship-by ascending (not measured)."""
    bar = screen.filters
    for box in bar.combos:
        box.blockSignals(True)
        box.setCurrentIndex(0)
        box.blockSignals(False)
    bar.search.clear()
    screen.model.sort, screen.model.descending = "ship_by", False
    changed(screen, bar._emit)
    screen.ctx.ops.wait(20_000)


def test_memory_while_scrolling_the_queue(window):
    _t, screen = open_queue(window)
    status = screen.filters.status
    changed(screen, lambda: status.setCurrentIndex(status.findText("All orders")))
    model, table = screen.model, screen.table
    samples = [(model.rowCount(), rss_mb())]
    target = min(SCROLL, ORDERS)
    started = time.perf_counter()
    while model.rowCount() < target and model._more:
        model.fetchMore()
        pump_until(lambda: not model._busy)
        if model.rowCount() % 10_000 == 0:
            table.scrollToBottom()
            QEventLoop().processEvents()
            samples.append((model.rowCount(), rss_mb()))
    seconds = time.perf_counter() - started
    (r0, m0), (r1, m1) = samples[min(1, len(samples) - 1)], samples[-1]
    slope = (m1 - m0) / max(r1 - r0, 1)
    at_million = m1 + slope * (ORDERS - r1)
    FIGURES["RSS while scrolling"] = (
        f"{samples[0][1]:.0f} MB open, {m1:.0f} MB after {r1:,} rows scrolled "
        f"({seconds:.0f} s, {r1 / seconds:,.0f} rows/s); {slope * 1e5:.1f} MB per 100k rows; "
        f"extrapolated {at_million:.0f} MB at {ORDERS:,}")
    print("\n", FIGURES["RSS while scrolling"])
    assert max(m for _r, m in samples) < 400 and at_million < 400


def loop_gaps(start) -> list[float]:
    """Run a real event loop (as app.exec does) with a 5 ms timer; the gaps between its
    ticks. `start(loop)` begins the work and arranges loop.quit()."""
    loop, ticks = QEventLoop(), []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    QTimer.singleShot(900_000, loop.quit)
    start(loop)
    loop.exec()
    timer.stop()
    return [b - a for a, b in zip(ticks, ticks[1:])]


@pytest.mark.parametrize("action", ["tag", "verify"])
def test_gui_thread_stays_responsive_during_a_bulk_action(window, action):
    from oms_desktop.ui.widgets.order_bulk import ACTIONS, BulkProgress

    db = window.db
    ids = [r.id for r in queue.fetch_page(db, queue.QueueFilter(statuses=("new",)),
                                          limit=BULK).rows]
    assert len(ids) == BULK
    _t, screen = open_queue(window)
    progress = BulkProgress(window.ctx)
    done = []
    baseline = loop_gaps(lambda loop: QTimer.singleShot(3000, loop.quit))
    progress.finished.connect(done.append)
    bulk = next(a for a in ACTIONS if a.key == action)
    answers = {"add": ("bench",), "remove": ()} if action == "tag" else {}
    started = time.perf_counter()

    def begin(loop):
        progress.finished.connect(lambda _r: loop.quit())
        progress.start(bulk, ids, answers, {})
    gaps = loop_gaps(begin)
    seconds = time.perf_counter() - started
    worst = max(gaps)
    result = done[0]
    FIGURES[f"bulk {action} {BULK:,}"] = (
        f"{seconds:.1f} s ({BULK / seconds:,.0f} orders/s), {result.summary()}; longest "
        f"event-loop gap {worst * 1000:.0f} ms, 99th percentile "
        f"{sorted(gaps)[int(len(gaps) * 0.99)] * 1000:.0f} ms over {len(gaps):,} ticks; the idle "
        f"loop on this machine meanwhile: longest gap {max(baseline) * 1000:.0f} ms")
    print("\n", FIGURES[f"bulk {action} {BULK:,}"])
    # The longest gap also counts the time this process was not scheduled at all on a
    # shared machine; what our code controls is that the loop keeps ticking: 99% of gaps.
    assert sorted(gaps)[int(len(gaps) * 0.99)] < 0.05
