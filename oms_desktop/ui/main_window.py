"""The shell: sign-in page, sidebar of screens (lazily imported, chosen by role), menus with
every action and shortcut, a status bar, the database-lost banner, auto-lock and scans."""

from __future__ import annotations

import gc
import importlib.util
import logging
import sys
import time

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QLayout, QListWidget, QListWidgetItem, QMainWindow,
    QMessageBox, QStackedWidget, QVBoxLayout, QWidget,
)

from oms_desktop.errors import DatabaseUnavailable
from oms_desktop.model import Actor
from oms_desktop.services import settings as shared
from oms_desktop.services.orders import views as orders
from oms_desktop.storage import Database
from oms_desktop.storage.changes import ALL_AREAS
from oms_desktop.ui import theme
from oms_desktop.ui.context import AppContext, ChangeHub
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.live import LiveChanges
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens import ORDER_DETAIL, ScreenEntry, landing_title, screens_for
from oms_desktop.ui.screens.signin import SignInScreen
from oms_desktop.ui.shortcuts import ScreenKeysFirst, remember_key
from oms_desktop.ui.texts import menu_text, plain_text

log = logging.getLogger(__name__)
RETRY_MS = 5000
COUNTS_MS = 60_000
COUNTS_MIN_GAP = 5.0
INPUT_EVENTS = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.Wheel}


_frozen = False


def freeze_startup_heap() -> None:
    """Move everything alive after the first sign-in (modules, mappers, widgets) out of the
    cycle collector's reach, once per process. A full collection then scans only objects
    made since; without this, one took 200-400 ms on the worker thread during a bulk action,
    holding the GIL and so freezing the window."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
        # The GUI thread waits at most this long for the GIL a busy worker holds.
        sys.setswitchinterval(0.002)


class PageStack(QStackedWidget):
    """A stack whose minimum size is not the widest of its pages: one screen with a wide
    layout must not force the whole window wider than the display."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout().setSizeConstraint(QLayout.SetNoConstraint)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 240)


class IdleLock(QObject):
    """Fires `idle` after the configured minutes without keyboard or mouse input (the shared
    setting lock.idle_minutes, which only a manager changes)."""

    idle = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True, timeout=self.idle.emit)
        self.set_minutes(shared.AUTO_LOCK_DEFAULT)

    def set_minutes(self, minutes) -> None:
        minutes = int(minutes or 0)
        self.timer.setInterval(max(minutes, 0) * 60_000)
        self.timer.stop() if minutes <= 0 else self.timer.start()

    def eventFilter(self, obj, event) -> bool:
        if event.type() in INPUT_EVENTS and self.timer.interval() > 0:
            self.timer.start()
        return False


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, station: str | None = None, live: bool = True,
                 scanner: bool = True, parent=None):
        super().__init__(parent)
        self.db, self.station = db, station
        self.ops = Ops(on_error=self.report_error, parent=self)
        self.changes = ChangeHub(self)
        self.ctx: AppContext | None = None
        self._counted_at = -COUNTS_MIN_GAP
        self.entries: list[ScreenEntry] = []
        self.pages: dict[str, QWidget] = {}
        self.setWindowTitle("OMS Desktop")
        self._build()
        self._build_menus()
        self.screen_keys = ScreenKeysFirst(
            [remember_key(a) for a in self.findChildren(QAction) if not a.shortcut().isEmpty()],
            self.current_screen, self)
        QApplication.instance().installEventFilter(self.screen_keys)
        self.stack.currentChanged.connect(lambda _i: self.screen_keys.refresh())
        self.pages_root.currentChanged.connect(lambda _i: self.screen_keys.refresh())
        self.live = LiveChanges(db, self.changes, self) if live else None
        self._listening_as = db.url
        if self.live is not None:
            self.live.state_changed.connect(lambda s: self.live_label.setText(f"Live: {s}"))
            self.live.start()
        self.idle = IdleLock(self)
        self.idle.idle.connect(self.lock)
        QApplication.instance().installEventFilter(self.idle)
        self._counts_timer = QTimer(self, interval=COUNTS_MS, timeout=self.refresh_counts)
        self._retry = QTimer(self, interval=RETRY_MS, timeout=self._retry_database)
        self.scan_filter = None
        if scanner:
            self._install_scanner()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        self.signin = SignInScreen(self.db, self.ops, self.station)
        self.signin.signed_in.connect(self.sign_in_as)
        self.sidebar = QListWidget(objectName="Sidebar", accessibleName="Screens")
        self.sidebar.setFixedWidth(230)
        self.sidebar.currentRowChanged.connect(self._show_row)
        self.stack = PageStack()
        self.banner = QLabel("", objectName="Banner", wordWrap=True)
        self.banner.hide()
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        shell = QWidget()
        row = QHBoxLayout(shell)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(right, 1)
        self.pages_root = QStackedWidget()
        self.pages_root.addWidget(self.signin)
        self.pages_root.addWidget(shell)
        self.setCentralWidget(self.pages_root)
        self._build_status_bar()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(f"Database: {self.db.display_url}")
        self.user_label = QLabel("Not signed in")
        self.sync_label = QLabel("Sync: …")
        self.printer_label = QLabel("Printer: …")
        self.live_label = QLabel("Live: off")
        for label in (self.user_label, self.db_label, self.sync_label, self.printer_label,
                      self.live_label):
            bar.addPermanentWidget(label)
        QTimer.singleShot(0, self._show_printer)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "Switch &user…", "Ctrl+L", self.switch_user)
        self._action(file_menu, "&Lock station", "Ctrl+Shift+L", self.lock)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", "Ctrl+Q", self.close)
        self.go_menu = bar.addMenu("&Go")
        self.actions_menu = bar.addMenu("&Actions")
        self.actions_menu.aboutToShow.connect(self._fill_actions_menu)
        view = bar.addMenu("&View")
        self.dark_action = self._action(view, "&Dark theme", "Ctrl+Shift+D", self._toggle_theme)
        self.large_action = self._action(view, "&Large type", "Ctrl+Shift+T", self._toggle_theme)
        for a in (self.dark_action, self.large_action):
            a.setCheckable(True)
        self.dark_action.setChecked(bool(QSettings().value("ui/dark", False, type=bool)))
        self.large_action.setChecked(bool(QSettings().value("ui/large", False, type=bool)))
        self._action(view, "&Refresh", "F5", lambda: self.changes.announce(*ALL_AREAS))
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", "F1", self.show_shortcuts)

    def _action(self, menu, text: str, shortcut: str, slot) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- signing in, switching, locking -----------------------------------------------------
    def start(self) -> None:
        """Show the sign-in page (the first admin exists by now)."""
        self.pages_root.setCurrentIndex(0)
        self.signin.reload()

    def sign_in_as(self, actor: Actor) -> None:
        same = self.ctx is not None and self.ctx.actor.user_id == actor.user_id
        if self.live is not None and self.db.url != self._listening_as:
            self._listening_as = self.db.url
            self.live.restart()  # another person's own login now
        if not same:
            self._end_session()
            self.ctx = AppContext(db=self.db, actor=actor, ops=self.ops,
                                  changes=self._session_hub())
            self._rebuild_screens()
            if self.entries:  # before the shell shows: its focus would pick the first row
                self.sidebar.setCurrentRow(self._first_row())
        self.user_label.setText(f"{actor.name} ({actor.role.value}) @ {actor.station or '-'}")
        self.pages_root.setCurrentIndex(1)
        for action in self.go_menu.actions():
            action.setEnabled(True)
        self._read_auto_lock()
        self._counts_timer.start()
        self.refresh_counts()
        self.ops.run(lambda: orders.sync_summary(self.db), success=self.sync_label.setText)
        if self.sidebar.currentRow() < 0 and self.sidebar.count():
            self.sidebar.setCurrentRow(self._first_row())
        if not same:
            self._offer_setup(actor)
        freeze_startup_heap()

    def _offer_setup(self, actor: Actor) -> None:
        """The set-up wizard by itself for an admin on a database with nothing set up yet
        (setup_status.wizard_due), on the dashboard."""
        from oms_desktop.services import setup_status

        db = self.db
        self.ops.run(lambda: setup_status.wizard_due(db, actor), success=self._open_setup)

    def _open_setup(self, due: bool) -> None:
        screen = self.show_screen("Dashboard") if due and self.ctx is not None else None
        if screen is not None and hasattr(screen, "open_wizard"):
            screen.open_wizard()

    def _session_hub(self) -> ChangeHub:
        """The hub this sign-in's screens listen to: it relays the window's (live changes,
        Refresh) and is cut off at the next sign-in, so screens of an earlier one, deleted,
        are never called again."""
        hub = ChangeHub(self)
        self.changes.changed.connect(hub.changed)
        hub.changed.connect(self._on_changes)
        return hub

    def _end_session(self) -> None:
        if self.ctx is None:
            return
        hub = self.ctx.changes
        self.changes.changed.disconnect(hub.changed)
        self.ops.committed.disconnect(hub.announce_set)
        hub.changed.disconnect()  # every screen's connection, lambdas included
        hub.deleteLater()

    def _read_auto_lock(self) -> None:
        db = self.db
        self.ops.run(lambda: shared.read(db, shared.AUTO_LOCK_KEY, shared.AUTO_LOCK_DEFAULT),
                     success=self.idle.set_minutes)

    def switch_user(self) -> None:
        self.lock(keep_user=False)

    def lock(self, keep_user: bool = True) -> None:
        if self.ctx is None:
            return
        self.pages_root.setCurrentIndex(0)
        for action in self.go_menu.actions():
            action.setEnabled(False)
        self.signin.reload(select=self.ctx.actor.name if keep_user else None,
                           current=self.ctx.actor)

    # -- screens -----------------------------------------------------------------------------
    def _rebuild_screens(self) -> None:
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        self.go_menu.clear()
        self.entries = screens_for(self.ctx.actor.role)
        for row, entry in enumerate(self.entries):
            item = QListWidgetItem(entry.title)
            item.setData(Qt.AccessibleTextRole, entry.title)
            self.sidebar.addItem(item)
            self._action(self.go_menu, menu_text(entry.title), entry.shortcut,
                         lambda _=False, r=row: self.sidebar.setCurrentRow(r))
        self.go_menu.addSeparator()
        self._action(self.go_menu, "&Back", "Alt+Left", self.go_back)
        self.sidebar.blockSignals(False)
        self.sidebar.setCurrentRow(-1)

    def _first_row(self) -> int:
        titles = [e.title for e in self.entries]
        landing = landing_title(self.ctx.actor.role)
        return titles.index(landing) if landing in titles else 0

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            page = self.page(self.entries[row])
            if page is not None:
                self.stack.setCurrentWidget(page)
                page.setFocus()

    def page(self, entry: ScreenEntry) -> QWidget | None:
        """The screen for `entry`, created on first use."""
        if entry.target not in self.pages:
            try:
                widget = entry.load()(self.ctx)
            except Exception as exc:  # noqa: BLE001 - one broken screen must not stop the shell
                show_error(self, exc)
                return None
            if hasattr(widget, "open_order"):
                widget.open_order.connect(self.show_order)
            if hasattr(widget, "back_requested"):
                widget.back_requested.connect(self.go_back)
            self.pages[entry.target] = widget
            self.stack.addWidget(widget)
        return self.pages[entry.target]

    def current_screen(self) -> QWidget | None:
        return self.stack.currentWidget() if self.pages_root.currentIndex() == 1 else None

    def show_screen(self, title: str) -> QWidget | None:
        for row, entry in enumerate(self.entries):
            if entry.title == title:
                self.sidebar.setCurrentRow(row)
                return self.stack.currentWidget()
        return None

    def show_order(self, order_id: int) -> None:
        if not ORDER_DETAIL.exists():
            return
        self._previous = self.stack.currentWidget()
        detail = self.page(ORDER_DETAIL)
        if detail is not None:
            detail.show_order(order_id)
            self.stack.setCurrentWidget(detail)
            detail.setFocus()

    def go_back(self) -> None:
        previous = getattr(self, "_previous", None)
        if previous is not None and self.stack.indexOf(previous) >= 0:
            self.stack.setCurrentWidget(previous)
            previous.setFocus()

    def _fill_actions_menu(self) -> None:
        self.actions_menu.clear()
        screen = self.current_screen()
        for action in (screen.actions() if screen is not None else []):
            self.actions_menu.addAction(action)
        if self.actions_menu.isEmpty():
            self.actions_menu.addAction("(no actions on this screen)").setEnabled(False)

    # -- live counts, status bar -------------------------------------------------------------
    def refresh_counts(self) -> None:
        """Counts at most every COUNTS_MIN_GAP seconds (each scans an index at scale)."""
        now = time.monotonic()
        if self.ctx is None or now - self._counted_at < COUNTS_MIN_GAP:
            return
        self._counted_at = now
        self.ops.run(lambda: orders.queue_counts(self.db, actor=self.ctx.actor), success=self._show_counts,
                     network=True)  # read-only and slow at scale: beside the db worker

    def _show_counts(self, counts: orders.QueueCounts) -> None:
        self.counts = counts
        for row, entry in enumerate(self.entries):
            if entry.title == "Orders":
                self.sidebar.item(row).setText(
                    f"Orders\n{counts.new:,} new · {counts.waiting:,} ready\n"
                    f"{counts.on_hold:,} on hold · {counts.late:,} late")

    def _on_changes(self, areas: set[str]) -> None:
        if "orders" in areas:
            self.refresh_counts()
        if "settings" in areas and self.ctx is not None:
            self._read_auto_lock()
        if "sync" in areas:
            self.ops.run(lambda: orders.sync_summary(self.db), success=self.sync_label.setText)

    def _show_printer(self) -> None:
        from PySide6.QtPrintSupport import QPrinterInfo

        name = QPrinterInfo.defaultPrinterName()
        count = len(QPrinterInfo.availablePrinterNames())
        self.printer_label.setText(f"Printer: {name} ({count} installed)" if name else
                                   f"Printer: none by default ({count} installed)")

    # -- errors and a lost database -----------------------------------------------------------
    def report_error(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseUnavailable):
            self.banner.setText(f"{exc} — retrying every {RETRY_MS // 1000} s; your work on "
                                "screen is kept.")
            self.banner.show()
            self._retry.start()
            return
        show_error(self, exc)

    def _retry_database(self) -> None:
        self.ops.run(self.db.check, success=lambda _r: self._database_back(),
                     failure=lambda exc: self.banner.setText(
                         f"{exc} — still retrying every {RETRY_MS // 1000} s."))

    def _database_back(self) -> None:
        self._retry.stop()
        self.banner.hide()
        self.changes.announce(*ALL_AREAS)

    # -- scanner -----------------------------------------------------------------------------
    def _install_scanner(self) -> None:
        if importlib.util.find_spec("oms_desktop.ui.scanner") is None:
            return
        from oms_desktop.ui.scanner import ScanFilter

        self.scan_filter = ScanFilter(QApplication.instance())
        QApplication.instance().installEventFilter(self.scan_filter)
        self.scan_filter.scanned.connect(self.route_scan)

    def route_scan(self, text: str) -> None:
        if getattr(QApplication.activeWindow(), "scans_typed", False):  # the set-up wizard
            self.scan_filter.type_into_focus(text)
            return
        screen = self.current_screen()
        if screen is not None and hasattr(screen, "handle_scan"):
            screen.handle_scan(text)
        else:  # a screen that takes no scans: the scan is typing (e.g. into a search field)
            self.scan_filter.type_into_focus(text)

    # -- view ----------------------------------------------------------------------------------
    def _toggle_theme(self) -> None:
        dark, large = self.dark_action.isChecked(), self.large_action.isChecked()
        QSettings().setValue("ui/dark", dark)
        QSettings().setValue("ui/large", large)
        theme.apply(QApplication.instance(), dark=dark, large=large)

    def show_shortcuts(self) -> None:
        rows = [f"{plain_text(a.text())}: {a.shortcut().toString()}"
                for menu in self.menuBar().findChildren(type(self.go_menu))
                for a in menu.actions() if not a.shortcut().isEmpty()]
        box = QMessageBox(QMessageBox.Information, "Keyboard shortcuts", "\n".join(rows),
                          QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()

    def closeEvent(self, event) -> None:
        if self.live is not None:
            self.live.stop()
        QApplication.instance().removeEventFilter(self.idle)
        QApplication.instance().removeEventFilter(self.screen_keys)
        if self.scan_filter is not None:
            QApplication.instance().removeEventFilter(self.scan_filter)
        self.ops.wait(10_000)
        super().closeEvent(event)
