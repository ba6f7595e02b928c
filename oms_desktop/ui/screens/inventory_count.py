"""Cycle counting: start a count over bins, scan each bin and what is in it, see the
variances, and (supervisors) approve, which posts the adjustments."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)

from oms_desktop.errors import ValidationError
from oms_desktop.policies.permissions import allowed
from oms_desktop.services.inventory import counting
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.texts import plural
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.screens.inventory_dialogs import CountBinsDialog
from oms_desktop.ui.widgets.stock_scan import Feedback, ScanField, ScanQueue, large, report, run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table

LINE_COLUMNS = [
    Column("Bin", lambda r: r[0].bin), Column("SKU", lambda r: r[0].sku),
    Column("Product", lambda r: r[0].name), Column("Expected", lambda r: r[0].expected, True),
    Column("Counted", lambda r: r[0].counted if r[1] else None, True),
    Column("Variance", lambda r: r[0].variance if r[1] else None, True, signed=True),
    Column("On hand now", lambda r: r[0].on_hand, True),
    Column("Posts", lambda r: r[0].to_post if r[1] else None, True, signed=True),
]


class CountTab(QWidget):
    """`locations` gives (code, kind) of the tree's nodes, to choose bins from."""

    def __init__(self, ctx: AppContext, locations: Callable[[], list[tuple[str, str]]],
                 parent=None):
        super().__init__(parent)
        self._ctx, self._locations = ctx, locations
        self.count_id: int | None = None
        self.bin: str | None = None
        self.dialog: CountBinsDialog | None = None
        self.counts = QListWidget(accessibleName="Open cycle counts")
        self.new_button = QPushButton("&New count… (F4)", accessibleName="New cycle count")
        self.approve_button = QPushButton("A&pprove count (F9)", objectName="Primary",
                                          accessibleName="Approve count")
        self.cancel_button = QPushButton("Cancel count", accessibleName="Cancel count")
        self.heading = large(QLabel("Start or choose a count", accessibleName="Current count"))
        self.scan = ScanField("Count scan", "Scan the bin, then every unit in it")
        self.per_scan = large(QSpinBox(accessibleName="Units per count scan", minimum=1,
                                       maximum=9999), 14)
        self.pending = QLabel("", objectName="Muted", accessibleName="Bins not counted yet",
                              wordWrap=True)
        self.feedback = Feedback("Last count scan")
        self.lines = RowTableModel(LINE_COLUMNS, self)
        self.table = make_table(self.lines, "Count lines and variances", stretch="Product")
        self.queue = ScanQueue(ctx, work=self._work, done=self._scanned,
                               failed=lambda _t, e: report(self.feedback, e), parent=self)
        self._build()
        self._connect()

    def _build(self) -> None:
        left = QVBoxLayout()
        left.addWidget(QLabel("Open counts", objectName="Muted"))
        left.addWidget(self.counts)
        left.addWidget(self.new_button)
        left.addWidget(self.cancel_button)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        row = QHBoxLayout()
        row.addWidget(self.scan, 3)
        form = QFormLayout()
        form.addRow("&Units per scan", self.per_scan)
        row.addLayout(form, 1)
        right.addLayout(row)
        right.addWidget(self.feedback)
        right.addWidget(self.pending)
        right.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 3)
        supervisor = allowed(self._ctx.actor, "stock.count.approve")
        self.approve_button.setVisible(supervisor)
        self.cancel_button.setVisible(supervisor)

    def _connect(self) -> None:
        self.scan.scanned.connect(self.queue.push)
        self.counts.currentItemChanged.connect(self._count_chosen)
        self.new_button.clicked.connect(self.new_count)
        self.approve_button.clicked.connect(self.approve)
        self.cancel_button.clicked.connect(self.cancel)
        for key, slot in (("F4", self.new_count), ("F9", self.approve)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.WidgetWithChildrenShortcut)

    # -- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        actor = self._ctx.actor
        run_for(self, self._ctx, lambda: counting.open_counts(self._ctx.db, actor=actor),
                success=self._fill_counts)

    def _fill_counts(self, views: list[counting.CountView]) -> None:
        keep = self.count_id
        self.counts.blockSignals(True)
        self.counts.clear()
        for view in views:
            item = QListWidgetItem(f"{view.label}  ·  {len(view.bins)} bins  ·  "
                                   f"{view.created_by}")
            item.setData(Qt.UserRole, view.id)
            self.counts.addItem(item)
            if view.id == keep:
                self.counts.setCurrentItem(item)
        self.counts.blockSignals(False)
        if keep not in {v.id for v in views}:
            self._show(None)
            if views:
                self.counts.setCurrentRow(0)
        else:
            self._show(next(v for v in views if v.id == keep))

    def _count_chosen(self, item, _previous=None) -> None:
        if item is None:
            return
        count_id, actor = item.data(Qt.UserRole), self._ctx.actor
        run_for(self, self._ctx, lambda: counting.count_view(self._ctx.db, actor=actor,
                                                             count_id=count_id),
                success=self._show)

    def _show(self, view: counting.CountView | None) -> None:
        if view is None or view.id != self.count_id:
            self.bin = None
        self.count_id = view.id if view else None
        self.approve_button.setEnabled(view is not None)
        self.cancel_button.setEnabled(view is not None)
        if view is None:
            self.heading.setText("Start or choose a count")
            self.lines.set_rows([])
            self.pending.setText("")
            return
        self.heading.setText(f"{view.label}  ·  bin {self.bin or '— scan a bin'}")
        done = {b.code for b in view.bins if b.counted}
        self.lines.set_rows([(ln, ln.bin in done) for ln in view.lines])
        todo = view.uncounted_bins
        self.pending.setText(f"Not counted yet: {', '.join(todo)}" if todo
                             else "Every bin counted: ready for approval")

    # -- scanning -----------------------------------------------------------------------
    def handle_scan(self, text: str) -> None:
        self.queue.push(text)

    def _work(self, text: str):
        if self.count_id is None:
            raise ValidationError("Start or choose a cycle count first")
        db, actor, count_id = self._ctx.db, self._ctx.actor, self.count_id
        where, qty = self.bin, self.per_scan.value()
        return lambda: counting.scan(db, actor=actor, count_id=count_id, code=text, bin=where,
                                     quantity=qty)

    def _scanned(self, _text: str, result: counting.ScanResult) -> None:
        self.bin = result.bin
        if result.line is None:
            self.feedback.ok(f"Bin {result.bin}: scan everything in it")
        else:
            line = result.line
            self.feedback.ok(f"{line.sku} in {line.bin}: {line.counted} counted")
            self.per_scan.setValue(1)
        self._refresh_count()

    def _refresh_count(self) -> None:
        count_id, actor = self.count_id, self._ctx.actor
        run_for(self, self._ctx, lambda: counting.count_view(self._ctx.db, actor=actor,
                                                             count_id=count_id),
                success=self._show)

    # -- starting, approving ------------------------------------------------------------
    def new_count(self) -> None:
        choices = [(code, f"{code}  ({kind})") for code, kind in self._locations()
                   if kind in ("bin", "zone")]
        self.dialog = CountBinsDialog(choices, self)
        self.dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.dialog.accepted.connect(lambda d=self.dialog: self._start(d.chosen()))
        self.dialog.open()

    def _start(self, bins: list[str]) -> None:
        actor = self._ctx.actor
        run_for(self, self._ctx,
                lambda: counting.start_count(self._ctx.db, actor=actor, bins=bins),
                success=self._started, failure=lambda e: show_error(self, e))

    def _started(self, view: counting.CountView) -> None:
        self.count_id = view.id
        self.feedback.ok(f"{view.label} started: scan the first bin")
        self.reload()
        self.scan.setFocus()

    def approve(self) -> None:
        if self.count_id is None or not self.approve_button.isVisible():
            return
        count_id, actor = self.count_id, self._ctx.actor
        run_for(self, self._ctx, lambda: counting.approve(self._ctx.db, actor=actor,
                                                          count_id=count_id),
                success=self._closed, failure=self._refused)

    def cancel(self) -> None:
        if self.count_id is None:
            return
        count_id, actor = self.count_id, self._ctx.actor
        run_for(self, self._ctx,
                lambda: counting.cancel(self._ctx.db, actor=actor, count_id=count_id),
                success=self._closed, failure=self._refused)

    def _closed(self, view: counting.CountView) -> None:
        posted = [ln for ln in view.lines if ln.posted]
        self.feedback.ok(f"{view.label} {view.status}: {plural(len(posted), 'adjustment')} posted")
        self.reload()

    def _refused(self, exc: Exception) -> None:
        self.feedback.problem(str(exc))
        show_error(self, exc)
