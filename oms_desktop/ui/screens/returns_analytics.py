"""Return analytics: rate by reason as a chart, rates by SKU with the outliers, CSV export."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from oms_desktop.services.returns import stats as return_stats
from oms_desktop.ui.context import AppContext


class ReturnAnalyticsPanel(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: return_stats.ReturnStats | None = None
        self.chart_holder = QVBoxLayout()
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["SKU", "Shipped", "Returned", "Rate", "Stands out"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setAccessibleName("Return rates by SKU")
        self.refresh_button = QPushButton("Refresh (F5)")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.setAccessibleName("Refresh analytics")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setAccessibleName("Export analytics as CSV")
        self.export_button.clicked.connect(self.export)
        # one brand's or one site's returns (within what the person sees)
        self.brand = QComboBox(accessibleName="Analytics brand")
        self.site = QComboBox(accessibleName="Analytics site")
        for combo, every in ((self.brand, "Every brand"), (self.site, "Every site")):
            combo.addItem(every)
            combo.activated.connect(lambda _i: self.refresh())
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.brand)
        buttons.addWidget(self.site)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(self.chart_holder, 1)
        layout.addWidget(self.table, 1)
        ctx.changes.changed.connect(lambda areas: "returns" in areas and self.refresh())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.result is None:
            self.refresh()

    def refresh(self) -> None:
        from oms_desktop.services.orders.dashboard import filter_choices

        db, actor = self.ctx.db, self.ctx.actor
        brand = self.brand.currentText() if self.brand.currentIndex() > 0 else None
        site = self.site.currentText() if self.site.currentIndex() > 0 else None
        self.ctx.ops.run(lambda: return_stats.stats(db, actor=actor, brand=brand, site=site),
                         success=self.show_stats)
        if self.brand.count() == 1:
            self.ctx.ops.run(lambda: filter_choices(db), success=self._choices)

    def _choices(self, choices: tuple[list[str], list[str]]) -> None:
        if not shiboken6.isValid(self.brand):
            return
        for combo, items in zip((self.brand, self.site), choices):
            if combo.count() == 1:
                combo.addItems(items)

    def show_stats(self, result: return_stats.ReturnStats) -> None:
        if not shiboken6.isValid(self.table):  # the answer came after the screen was closed
            return
        self.result = result
        outliers = {sku for sku, *_ in result.outliers}
        self.table.setRowCount(len(result.by_sku))
        for row, r in enumerate(result.by_sku):
            for col, text in enumerate([r.key, str(r.shipped), str(r.returned), f"{r.rate:.1%}",
                                        "yes" if r.key in outliers else ""]):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self._chart(result.by_reason)

    def _chart(self, by_reason: dict[str, int]) -> None:
        while self.chart_holder.count():
            self.chart_holder.takeAt(0).widget().deleteLater()
        self.chart_holder.addWidget(reason_chart(by_reason))

    def export(self, path: str | None = None) -> None:
        if self.result is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export return analytics",
                                                  "returns.csv", "CSV (*.csv)")
        if path:
            return_stats.export_csv(self.result, Path(path))


def reason_chart(by_reason: dict[str, int]) -> QWidget:
    """A bar chart of returned units by reason (QtCharts), or a plain list without it."""
    try:
        from PySide6.QtCharts import (
            QBarCategoryAxis,
            QBarSeries,
            QBarSet,
            QChart,
            QChartView,
            QValueAxis,
        )
    except ImportError:
        return QLabel("\n".join(f"{k}: {v}" for k, v in by_reason.items()) or "No returns yet")
    bars = QBarSet("Returned units")
    bars.append(list(by_reason.values()))
    series = QBarSeries()
    series.append(bars)
    chart = QChart()
    chart.addSeries(series)
    chart.setTitle("Returned units by reason")
    reasons = QBarCategoryAxis()
    reasons.append([k.replace("_", " ") for k in by_reason])
    chart.addAxis(reasons, Qt.AlignBottom)
    series.attachAxis(reasons)
    units = QValueAxis()
    units.setLabelFormat("%d")
    chart.addAxis(units, Qt.AlignLeft)
    series.attachAxis(units)
    chart.legend().hide()
    view = QChartView(chart)
    view.setAccessibleName("Returns by reason chart")
    view.setMinimumHeight(220)
    return view
