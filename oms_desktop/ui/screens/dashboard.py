"""The manager's dashboard: figure cards, orders by status, packing and shipping throughput
per hour and per packer, the returns rate. It refreshes itself on a timer and whenever
orders, shipments, returns or stock change."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from oms_desktop.services.orders import dashboard as service
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.theme import status_label
from oms_desktop.ui.widgets.chart_bars import BarChart
from oms_desktop.ui.widgets.setup_checklist import SetupChecklist
from oms_desktop.ui.widgets.stock_scan import run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table

ALL_BRANDS, ALL_SITES = "Every brand", "Every site"
REFRESH_MS = 30_000
CHANGE_DELAY_MS = 500
AREAS = {"orders", "shipments", "returns", "stock", "settings", "catalog", "locations",
         "channels", "users"}
PACKER_COLUMNS = [
    Column("Packer", lambda p: p.name), Column("Packed", lambda p: p.packed, True),
    Column("Shipped", lambda p: p.shipped, True),
]
# card key -> (title, colour of the figure)
CARDS = {
    "open": ("Open orders", "#1d2330"), "late": ("Late (past ship-by)", "#b42318"),
    "due": ("Due today", "#9a3412"), "packed": ("Packed today", "#065f46"),
    "shipped": ("Shipped today", "#14532d"), "returns": ("Returns rate (30 days)", "#3730a3"),
}


class FigureCard(QFrame):
    def __init__(self, title: str, colour: str, parent=None):
        super().__init__(parent, objectName="Card")
        self.figure = QLabel("–", accessibleName=title)
        self.figure.setStyleSheet(f"font-size: 26pt; font-weight: 700; color: {colour};")
        caption = QLabel(title, objectName="Muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.figure)
        layout.addWidget(caption)

    def set(self, text: str) -> None:
        self.figure.setText(text)


class DashboardScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None, *, use_charts: bool = True):
        super().__init__(parent)
        self._ctx = ctx
        self.data: service.Dashboard | None = None
        self.cards = {key: FigureCard(*spec) for key, spec in CARDS.items()}
        self.by_status = BarChart("Orders by status", name="Orders by status chart",
                                  use_charts=use_charts, horizontal=True)
        self.per_hour = BarChart("Packed and shipped per hour (last 12 hours)",
                                 name="Throughput per hour chart",
                                 use_charts=use_charts)
        self.packers = RowTableModel(PACKER_COLUMNS, self)
        self.packers_view = make_table(self.packers, "Throughput per packer", stretch="Packer")
        self.packers_view.setMinimumWidth(240)
        self.as_of = QLabel("", objectName="Muted", accessibleName="Figures as of")
        self.refresh_button = QPushButton("&Refresh (F5)", accessibleName="Refresh dashboard")
        # the figures of one brand or one site (within what the person sees)
        self.brand = QComboBox(accessibleName="Dashboard brand")
        self.site = QComboBox(accessibleName="Dashboard site")
        for combo, every in ((self.brand, ALL_BRANDS), (self.site, ALL_SITES)):
            combo.addItem(every)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
            combo.activated.connect(lambda _i: self.reload())
        self.setup = SetupChecklist(ctx, self)
        self.setup.setVisible(False)
        self.setup.open_wizard.connect(lambda: self.open_wizard(self._first_to_do()))
        self.setup.open_step.connect(self.open_wizard)
        self.wizard = None
        self._build()
        self._timers()
        ctx.changes.changed.connect(self._on_changes)
        self.refresh_button.clicked.connect(self.reload)
        QShortcut(QKeySequence("F5"), self, self.reload, context=Qt.WidgetWithChildrenShortcut)
        self.reload()

    def _build(self) -> None:
        head = QHBoxLayout()
        head.addWidget(QLabel("Dashboard", objectName="ScreenTitle"))
        head.addStretch(1)
        head.addWidget(self.brand)
        head.addWidget(self.site)
        head.addWidget(self.as_of)
        head.addWidget(self.refresh_button)
        cards = QGridLayout()  # three a row: whole captions on a 1024 px screen
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, i // 3, i % 3)
        grid = QGridLayout()
        grid.addWidget(self.by_status, 0, 0)
        grid.addWidget(self.per_hour, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 4)
        packers = QVBoxLayout()
        packers.addWidget(QLabel("Today per packer", objectName="Muted"))
        packers.addWidget(self.packers_view)
        grid.addLayout(packers, 0, 2)
        grid.setColumnStretch(2, 0)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.setup)
        layout.addLayout(cards)
        layout.addLayout(grid, 1)

    def _timers(self) -> None:
        self._tick = QTimer(self, interval=REFRESH_MS)
        self._tick.timeout.connect(self.reload)
        self._tick.start()
        self._soon = QTimer(self, singleShot=True, interval=CHANGE_DELAY_MS)
        self._soon.timeout.connect(self.reload)

    def _on_changes(self, areas: set[str]) -> None:
        if areas & AREAS:
            self._soon.start()

    def reload(self) -> None:
        db, actor = self._ctx.db, self._ctx.actor
        brand, site = self._chosen(self.brand, ALL_BRANDS), self._chosen(self.site, ALL_SITES)
        run_for(self, self._ctx, lambda: service.dashboard(db, actor=actor, brand=brand,
                                                           site=site),
                success=self.show_data)
        if self.brand.count() == 1:
            run_for(self, self._ctx, lambda: service.filter_choices(db),
                    success=self._choices)
        self.setup.reload()

    @staticmethod
    def _chosen(combo: QComboBox, every: str) -> str | None:
        text = combo.currentText()
        return None if text == every else text

    def _choices(self, choices: tuple[list[str], list[str]]) -> None:
        for combo, items in zip((self.brand, self.site), choices):
            if combo.count() == 1:
                combo.addItems(items)

    def open_wizard(self, step: str | None = None) -> None:
        """The set-up wizard, on the page of checklist step `step` (the first page: None)."""
        from oms_desktop.ui.wizard.setup_wizard import SetupWizard  # only when asked for

        if self.wizard is None:
            self.wizard = SetupWizard(self._ctx, self)
            self.wizard.finished.connect(lambda _: self.reload())
        self.wizard.open_at(step)

    def _first_to_do(self) -> str | None:
        missing = self.setup.missing()
        return missing[0] if missing else None

    def show_data(self, data: service.Dashboard) -> None:
        self.data = data
        rate = data.returns_rate
        figures = {"open": data.open_orders, "late": data.late, "due": data.due_today,
                   "packed": data.packed_today, "shipped": data.shipped_today,
                   "returns": "–" if rate is None else f"{rate:.1%}"}
        for key, value in figures.items():
            self.cards[key].set(f"{value:,}" if isinstance(value, int) else value)
        self.by_status.set_data([status_label(s) for s, _ in data.by_status],
                                {"Orders": [n for _, n in data.by_status]})
        self.per_hour.set_data([f"{h.start:%H}" for h in data.per_hour],
                               {"Packed": [h.packed for h in data.per_hour],
                                "Shipped": [h.shipped for h in data.per_hour]})
        self.packers.set_rows(data.per_packer)
        self.as_of.setText(f"As of {data.as_of:%H:%M:%S}")
