"""A bar chart that degrades to a table: QtCharts is imported when the first chart is built,
and if it cannot be imported the same numbers are shown as a table."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

SERIES_COLOURS = ["#1f6feb", "#12b76a", "#f79009", "#b42318", "#7a5af8", "#667085"]


def _charts():
    try:
        from PySide6 import QtCharts
    except ImportError:
        return None
    return QtCharts


class BarChart(QWidget):
    """Bars per category for one or more series: `set_data(["new", …], {"Orders": [3, …]})`.
    `values()` returns what is shown, whichever way it is drawn."""

    def __init__(self, title: str, *, name: str, parent=None, use_charts: bool = True,
                 horizontal: bool = False):
        super().__init__(parent, accessibleName=name)
        self._title, self._horizontal = title, horizontal
        self._data: tuple[list[str], dict[str, list[int]]] = ([], {})
        self._qtcharts = _charts() if use_charts else None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if self._qtcharts is not None:
            self.view = self._qtcharts.QChartView(accessibleName=name)
            self.view.setRenderHint(QPainter.Antialiasing)
        else:
            self.view = QTableWidget(accessibleName=name)
            self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        layout.addWidget(self.view)

    @property
    def is_chart(self) -> bool:
        return self._qtcharts is not None

    def values(self) -> tuple[list[str], dict[str, list[int]]]:
        return self._data

    def set_data(self, categories: Sequence[str], series: dict[str, Sequence[int]]) -> None:
        self._data = (list(categories), {k: list(v) for k, v in series.items()})
        if self.is_chart:
            self._draw_chart()
        else:
            self._fill_table()

    def _draw_chart(self) -> None:
        qc = self._qtcharts
        categories, series = self._data
        bars = qc.QHorizontalBarSeries() if self._horizontal else qc.QBarSeries()
        for i, (label, values) in enumerate(series.items()):
            bar_set = qc.QBarSet(label)
            bar_set.append([float(v) for v in (reversed(values) if self._horizontal else values)])
            bar_set.setColor(QColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]))
            bar_set.setLabelColor(QColor("#1d2330"))
            bars.append(bar_set)
        bars.setLabelsVisible(True)
        bars.setLabelsPosition(qc.QAbstractBarSeries.LabelsOutsideEnd)
        chart = qc.QChart()
        chart.setTitle(self._title)
        chart.addSeries(bars)
        self._axes(chart, bars, categories, series)
        chart.legend().setVisible(len(series) > 1)
        chart.legend().setAlignment(Qt.AlignBottom)
        chart.setBackgroundRoundness(4)
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _axes(self, chart, bars, categories, series) -> None:
        qc = self._qtcharts
        x = qc.QBarCategoryAxis()
        font = QFont(x.labelsFont())
        font.setPointSize(9)
        x.setLabelsFont(font)
        x.append(list(reversed(categories)) if self._horizontal else categories)
        top = max((max(v) for v in series.values() if v), default=0)
        y = qc.QValueAxis()
        y.setRange(0, max(4, top * 1.15))
        y.setLabelFormat("%d")
        y.setTickCount(5)
        y.applyNiceNumbers()
        chart.addAxis(x, Qt.AlignLeft if self._horizontal else Qt.AlignBottom)
        chart.addAxis(y, Qt.AlignBottom if self._horizontal else Qt.AlignLeft)
        bars.attachAxis(x)
        bars.attachAxis(y)

    def _fill_table(self) -> None:
        categories, series = self._data
        table = self.view
        table.clear()
        table.setRowCount(len(categories))
        table.setColumnCount(len(series))
        table.setHorizontalHeaderLabels(list(series))
        table.setVerticalHeaderLabels(categories)
        for col, values in enumerate(series.values()):
            for row, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                table.setItem(row, col, item)
