"""The channels screen's lower panels: recent runs, failed payloads (with their raw JSON and
a retry), and per-SKU stock drift."""

from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table, selected_row

RUN_COLUMNS = [
    Column("Started", lambda r: f"{r.started_at:%Y-%m-%d %H:%M:%S}"),
    Column("Status", lambda r: r.status), Column("Fetched", lambda r: r.fetched, True),
    Column("Created", lambda r: r.created, True), Column("Updated", lambda r: r.updated, True),
    Column("Unchanged", lambda r: r.unchanged, True), Column("Failed", lambda r: r.failed, True),
    Column("Seconds", lambda r: r.duration_s, True),
    Column("Error", lambda r: (r.error or "").splitlines()[0] if r.error else ""),
]
ERROR_COLUMNS = [
    Column("Order", lambda e: e.external_id or "?"), Column("Retries", lambda e: e.retries, True),
    Column("Reason", lambda e: e.reason),
]
DRIFT_COLUMNS = [
    Column("SKU", lambda d: d.sku), Column("Ours (available to sell)", lambda d: d.ours, True),
    Column("Last pushed", lambda d: d.pushed, True),
    Column("On the channel", lambda d: d.channel_quantity, True),
    Column("Drift", lambda d: d.drift, True, signed=True),
    Column("Error", lambda d: d.error or ""),
]


class RunsPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RowTableModel(RUN_COLUMNS, self)
        self.view = make_table(self.model, "Recent sync runs", stretch="Error")
        QVBoxLayout(self).addWidget(self.view)


class ErrorsPanel(QWidget):
    retry = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RowTableModel(ERROR_COLUMNS, self)
        self.view = make_table(self.model, "Failed payloads", stretch="Reason")
        self.raw = QPlainTextEdit(readOnly=True, accessibleName="Raw payload JSON")
        self.raw.setFont(QFont("monospace"))
        self.retry_button = QPushButton("&Retry failed payloads", accessibleName="Retry failed payloads")
        self.retry_button.clicked.connect(self.retry)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(self.raw)
        split.setSizes([520, 480])
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Payloads the channel sent that could not be taken in; fix the "
                             "cause (product, mapping) and retry.", objectName="Muted"))
        bar.addStretch(1)
        bar.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split)
        self.view.selectionModel().selectionChanged.connect(self._show_raw)

    def set_rows(self, rows) -> None:
        self.model.set_rows(rows)
        self.retry_button.setEnabled(bool(rows))
        if rows:
            self.view.selectRow(0)
        else:
            self.raw.setPlainText("")

    def _show_raw(self, *_):
        err = selected_row(self.view)
        if err is None:
            return
        try:
            text = json.dumps(json.loads(err.raw_payload), indent=2, ensure_ascii=False)
        except ValueError:
            text = err.raw_payload
        self.raw.setPlainText(f"# {err.reason}\n{text}")


class DriftPanel(QWidget):
    check = Signal()
    push = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RowTableModel(DRIFT_COLUMNS, self)
        self.view = make_table(self.model, "Stock drift per SKU", stretch="Error")
        check = QPushButton("&Check the channel's stock", accessibleName="Check drift")
        push = QPushButton("&Push available to sell", accessibleName="Push stock")
        check.clicked.connect(self.check)
        push.clicked.connect(self.push)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Channels get available-to-sell: available at the channel's sites "
                             "minus its safety buffer.", objectName="Muted"))
        bar.addStretch(1)
        bar.addWidget(check)
        bar.addWidget(push)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view)
