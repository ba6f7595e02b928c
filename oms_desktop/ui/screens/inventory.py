"""Inventory: the location tree with totals, one SKU's stock per location (adjust, move),
receiving by scanning, cycle counts, and replenishment suggestions.

Scans (`handle_scan`) go to the open tab: receiving and counting take them as their own; on
the tree a location code selects that location; elsewhere a product code opens its SKU view."""

from __future__ import annotations

import importlib.util

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from oms_desktop.policies.permissions import PERMISSIONS, allowed
from oms_desktop.services.inventory import views
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.screens.inventory_count import CountTab
from oms_desktop.ui.screens.inventory_receive import ReceiveTab
from oms_desktop.ui.screens.inventory_sku import SkuTab
from oms_desktop.ui.screens.inventory_transfers import TransfersTab
from oms_desktop.ui.screens.inventory_tree import LocationsTab
from oms_desktop.ui.widgets.stock_scan import report, run_for

RELOAD_DELAY_MS = 120


def replenishment_available(ctx: AppContext) -> bool:
    """The suggestions tab needs the replenishment service and the right to use it."""
    return (importlib.util.find_spec("oms_desktop.services.automation.replenishment") is not None
            and "stock.replenish" in PERMISSIONS and allowed(ctx.actor, "stock.replenish"))


class InventoryScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.locations = LocationsTab(ctx)
        self.sku = SkuTab(ctx, locations=lambda: [c for c, _ in self.locations.codes])
        self.receive = ReceiveTab(ctx)
        self.count = CountTab(ctx, locations=lambda: self.locations.codes)
        self.transfers = TransfersTab(ctx)
        self.replenish = self._replenishment_tab()
        self.tabs = QTabWidget(accessibleName="Inventory views")
        self._build()
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        ctx.changes.changed.connect(self._on_changes)
        self.reload()

    def _replenishment_tab(self):
        if not replenishment_available(self._ctx):
            return None
        from oms_desktop.ui.screens.inventory_replenish import ReplenishTab
        return ReplenishTab(self._ctx)

    def _build(self) -> None:
        pages = [(self.locations, "&Locations"), (self.sku, "&SKU"),
                 (self.receive, "&Receive"), (self.count, "Cycle &count")]
        if self.replenish is not None:
            pages.append((self.replenish, "Re&plenish"))
        pages.append((self.transfers, "&Transfers"))
        for index, (page, title) in enumerate(pages):
            self.tabs.addTab(page, title)
            QShortcut(QKeySequence(f"Alt+{index + 1}"), self,
                      lambda i=index: self._open_tab(i), context=Qt.WidgetWithChildrenShortcut)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Inventory", objectName="ScreenTitle"))
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self._focus_tab())

    def _open_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self._focus_tab()

    def _focus_tab(self) -> None:
        page = self.tabs.currentWidget()
        target = {self.receive: self.receive.scan, self.count: self.count.scan,
                  self.sku: self.sku.search, self.locations: self.locations.tree,
                  self.transfers: self.transfers.lines}.get(page)
        if target is not None:
            target.setFocus()

    def show_tab(self, page: QWidget) -> None:
        self._open_tab(self.tabs.indexOf(page))

    # -- refreshing ---------------------------------------------------------------------
    def reload(self) -> None:
        self.locations.reload()
        self.sku.reload()
        self.count.reload()
        self.transfers.reload()
        if self.replenish is not None:
            self.replenish.reload()

    def _on_changes(self, areas: set[str]) -> None:
        if "stock" in areas:
            self._reload_timer.start()

    # -- scanning -----------------------------------------------------------------------
    def handle_scan(self, text: str) -> None:
        page = self.tabs.currentWidget()
        if page is self.receive or page is self.count or page is self.transfers:
            page.handle_scan(text)
            return
        actor = self._ctx.actor
        run_for(self, self._ctx, lambda: views.identify(self._ctx.db, actor=actor, code=text),
                success=self._show_scanned, failure=self._scan_failed)

    def _scan_failed(self, exc: BaseException) -> None:
        if self.tabs.currentWidget() is self.sku:
            report(self.sku.feedback, exc)
        else:
            show_error(self, exc)

    def _show_scanned(self, scanned: views.ScannedCode) -> None:
        if scanned.kind == "location":
            self.show_tab(self.locations)
            self.locations.select(scanned.code)
        else:
            self.show_tab(self.sku)
            self.sku.show_sku(scanned.code)
