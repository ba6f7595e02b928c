"""Scan-to-pick: scan the pick list, go to the bin shown, scan the bin, scan the items (or a
quantity card), and the next bin appears. F7 creates a list for typed order numbers, F9 a
wave; F8 reports a short pick with the chosen reason; Ctrl+Z undoes the last scan."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from oms_desktop.devices.sound import Sounds
from oms_desktop.policies.scan import ScanKind, parse_scan
from oms_desktop.services.floor import pick_documents, picking, short_picks
from oms_desktop.services.floor.picking import PickFeedback, PickListView
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.documents import documents_folder
from oms_desktop.ui.texts import plural
from oms_desktop.ui.theme import enlarge
from oms_desktop.ui.widgets.banner import Banner
from oms_desktop.ui.widgets.floor import ScanAnswers, floor_table

SHORT_REASONS = ("bin empty", "damaged", "wrong item in bin", "cannot reach")
COLUMNS = ("#", "Bin", "SKU", "Description", "Qty", "Picked", "Slots")
STATUS_COLOURS = {"picked": QColor("#bbf7d0"), "short": QColor("#fde68a")}
SHORT_COLOUR = "#b45309"  # amber: finished, but not everything was found


class PickingScreen(ScanAnswers, QWidget):
    feedback_shown = Signal(str)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.sounds = Sounds()
        self.view: PickListView | None = None
        self.quantity = 1
        self.buttons: dict[str, QPushButton] = {}
        self._build()
        self._shortcuts()
        self.show_view(None)

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._title_row())
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.stop = enlarge(QLabel(""), 30, True)
        self.stop.setAccessibleName("Next stop")
        self.what = enlarge(QLabel(""), 16)
        self.progress = enlarge(QLabel(""), 12)
        for w in (self.stop, self.what, self.progress):
            layout.addWidget(w)
        self.table = floor_table(COLUMNS, "Pick list lines", stretch=3)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._controls())
        layout.addLayout(self._exception_panel())

    def _title_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(enlarge(QLabel("Picking"), 20, True))
        row.addStretch(1)
        for text, slot in (("Preview (Ctrl+Shift+P)", self.preview),
                           ("Print (Ctrl+P)", self.print_list)):
            button = enlarge(QPushButton(text), 12, True)
            button.setAccessibleName(text.split(" (")[0] + " pick list")
            button.clicked.connect(slot)
            self.buttons[text.split(" (")[0]] = button
            row.addWidget(button)
        return row

    def _controls(self) -> QGridLayout:
        grid = QGridLayout()
        self.orders_edit = QLineEdit()
        self.orders_edit.setPlaceholderText("Order numbers, separated by spaces or commas")
        self.orders_edit.setAccessibleName("Orders for a new pick list")
        self.orders_edit.returnPressed.connect(self.create_for_orders)
        self.orders_edit.setMinimumWidth(260)
        self.carrier_edit = QLineEdit()
        self.carrier_edit.setPlaceholderText("Carrier (any)")
        self.carrier_edit.setAccessibleName("Wave carrier")
        self.carrier_edit.setMinimumWidth(120)
        self.wave_size = QSpinBox()
        self.wave_size.setRange(1, 500)
        self.wave_size.setValue(20)
        self.wave_size.setAccessibleName("Orders in a wave")
        self.reason = QComboBox()
        self.reason.addItems(SHORT_REASONS)
        self.reason.setAccessibleName("Short pick reason")
        buttons = [("Create list (F7)", self.create_for_orders), ("Wave (F9)", self.create_wave),
                   ("Short pick (F8)", self.short_pick), ("Undo (Ctrl+Z)", self.undo)]
        for col, (text, slot) in enumerate(buttons):  # under the fields: room for the keys
            button = QPushButton(text)
            button.setAccessibleName(text.split(" (")[0])
            button.setMinimumHeight(44)
            button.clicked.connect(slot)
            self.buttons[text.split(" (")[0]] = button
            grid.addWidget(enlarge(button, 13, True), 2, col)
        for col, (label, widget) in enumerate((("Orders", self.orders_edit),
                                               ("Carrier", self.carrier_edit),
                                               ("Wave size", self.wave_size),
                                               ("Short reason", self.reason))):
            grid.addWidget(enlarge(QLabel(label), 11), 0, col)
            grid.addWidget(enlarge(widget, 13), 1, col)
        grid.setColumnStretch(0, 2)
        return grid

    def _exception_panel(self) -> QHBoxLayout:
        """Short picks waiting for a supervisor: re-allocate (reroute or backorder) or found."""
        row = QHBoxLayout()
        self.exception_list = QComboBox()
        self.exception_list.setAccessibleName("Short picks to resolve")
        row.addWidget(enlarge(QLabel("Short picks"), 11))
        row.addWidget(enlarge(self.exception_list, 12), 1)
        for text, resolution in (("Re-allocate", "reallocate"), ("Found", "found")):
            button = QPushButton(text)
            button.setAccessibleName(f"Short pick: {text}")
            button.clicked.connect(lambda _c=False, r=resolution: self.resolve(r))
            row.addWidget(enlarge(button, 12))
        self.ctx.changes.changed.connect(lambda areas: self.refresh_exceptions()
                                         if {"floor", "shipments", "stock"} & set(areas) else None)
        self.refresh_exceptions()
        return row

    def refresh_exceptions(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: short_picks.exceptions(db), success=self._show_exceptions)

    def _show_exceptions(self, rows) -> None:
        self.exception_list.clear()
        for r in rows:
            self.exception_list.addItem(f"{r.pick_list} · SHP-{r.shipment_id} · {r.quantity} × "
                                        f"{r.sku} at {r.bin} · {r.reason}", r.id)

    def resolve(self, resolution: str) -> None:
        short_id = self.exception_list.currentData()
        if short_id is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: short_picks.resolve(db, actor=actor, short_pick_id=short_id,
                                                     resolution=resolution),
                         success=self._resolved, failure=self._failed)

    def _resolved(self, status: str) -> None:
        self._answer("good", f"Short pick {status.replace('_', ' ')}")

    def _shortcuts(self) -> None:
        for key, slot in (("F7", self.create_for_orders), ("F8", self.short_pick),
                          ("F9", self.create_wave), ("Ctrl+Z", self.undo),
                          ("Ctrl+P", self.print_list), ("Ctrl+Shift+P", self.preview)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- scans -----------------------------------------------------------------------------
    def handle_scan(self, text: str) -> None:
        parsed = parse_scan(text)
        db, actor = self.ctx.db, self.ctx.actor
        if parsed.kind == ScanKind.quantity:
            self.quantity = parsed.number or 1
            self._answer("good", f"Next item scan counts {plural(self.quantity, 'unit')}")
        elif parsed.kind == ScanKind.pick_list and (self.view is None
                                                    or self.view.id != parsed.number):
            self._run(lambda: picking.scan(db, actor=actor, pick_list_id=parsed.number,
                                           value=text))
        elif self.view is None:
            self._answer("bad", "Scan a pick list (PL-…) first")
        else:
            pl, quantity = self.view.id, self.quantity
            self.quantity = 1
            self._run(lambda: picking.scan(db, actor=actor, pick_list_id=pl, value=text,
                                           quantity=quantity))

    def _run(self, fn) -> None:
        self.ctx.ops.run(fn, success=self._feedback, failure=self._failed)

    def _feedback(self, feedback: PickFeedback) -> None:
        self.show_view(feedback.view)
        state = "warn" if feedback.result == "short" else "good" if feedback.ok else "bad"
        self._answer(state, feedback.message)

    # -- actions ---------------------------------------------------------------------------
    def create_for_orders(self) -> None:
        refs = [r for r in self.orders_edit.text().replace(",", " ").split() if r]
        if not refs:
            self.orders_edit.setFocus()
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: picking.create_for_orders(db, actor=actor, orders=refs),
                         success=self._created, failure=self._failed)

    def create_wave(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        carrier, limit = self.carrier_edit.text().strip() or None, self.wave_size.value()
        self.ctx.ops.run(lambda: picking.create_wave(db, actor=actor, carrier=carrier,
                                                     limit=limit),
                         success=self._created, failure=self._failed)

    def _created(self, view: PickListView) -> None:
        self.orders_edit.clear()
        self.show_view(view)
        self._answer("good", f"{view.label}: {plural(len(view.slots), 'order')}, "
                             f"{plural(len(view.lines), 'line')}. Go to bin {view.current.bin}"
                     if view.current else "")

    def short_pick(self) -> None:
        if self.view is None:
            return
        db, actor, pl, reason = self.ctx.db, self.ctx.actor, self.view.id, self.reason.currentText()
        line = self.view.current.id if self.view.current else None  # the line the picker sees
        self._run(lambda: picking.short_pick(db, actor=actor, pick_list_id=pl, reason=reason,
                                             line_id=line))
        self.refresh_exceptions()

    def undo(self) -> None:
        if self.view is None:
            return
        db, actor, pl = self.ctx.db, self.ctx.actor, self.view.id
        self._run(lambda: picking.undo_last(db, actor=actor, pick_list_id=pl))

    # -- printing --------------------------------------------------------------------------
    def print_list(self) -> None:
        """Ctrl+P: on the station's document printer, else saved to the documents folder."""
        if self.view is None:
            return
        db, actor, pl, folder = self.ctx.db, self.ctx.actor, self.view.id, documents_folder()
        self.ctx.ops.run(lambda: pick_documents.print_pick_list(
            db, actor=actor, pick_list_id=pl, folder=folder), success=self._printed,
            failure=self._failed)

    def _printed(self, printed) -> None:
        self.last_printed = printed
        self._answer("good" if printed.ok else "bad", printed.message)

    def preview(self) -> None:
        if self.view is None:
            return
        db, pl = self.ctx.db, self.view.id
        self.ctx.ops.run(lambda: pick_documents.pick_list_pdf(picking.get_pick_list(db, pl)),
                         success=self._show_preview, failure=self._failed)

    def _show_preview(self, pdf: bytes) -> None:
        from oms_desktop.ui.widgets.pdf_preview import PdfPreviewDialog

        self.preview_dialog = PdfPreviewDialog(f"Pick list {self.view.label}", pdf,
                                               self.print_list, self)
        self.preview_dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.preview_dialog.open()

    # -- showing ---------------------------------------------------------------------------
    def show_view(self, view: PickListView | None) -> None:
        self.view = view
        for name in ("Short pick", "Undo"):
            self.buttons[name].setEnabled(view is not None and view.current is not None)
        for name in ("Print", "Preview"):
            self.buttons[name].setEnabled(view is not None)
        self._fill(view.lines if view else ())
        if view is None:
            self.stop.setText("Scan a pick list")
            self.what.setText("or type order numbers below and press F7")
            self.progress.setText("")
            self.stop.setStyleSheet("")
            return
        picked = sum(l.picked for l in view.lines)
        short = sum(l.short for l in view.lines)
        total = sum(l.quantity for l in view.lines)
        self.progress.setText(f"{view.label} · {view.kind} · {plural(len(view.slots), 'order')}"
                              f" · {picked} of {plural(total, 'unit')} picked"
                              + (f", {short} short" if short else ""))
        self._show_stop(view, short)

    def _show_stop(self, view: PickListView, short: int) -> None:
        line = view.current
        self.stop.setStyleSheet(f"color: {SHORT_COLOUR};" if line is None and short else "")
        if line is None and short:
            self.stop.setText(f"{view.label} finished short: {plural(short, 'unit')} missing")
            self.what.setText("Take the cart to packing; a supervisor resolves the short picks")
            return
        if line is None:
            self.stop.setText(f"{view.label} done")
            self.what.setText("Take the cart to packing")
            return
        if view.bin_confirmed:
            self.stop.setText(f"Pick {line.remaining} × {line.sku}")
            slots = ", ".join(f"slot {s}: {q}" for s, q in line.slots)
            self.what.setText(f"{line.description} — from {line.bin} — {slots}")
        else:
            self.stop.setText(f"Go to bin {line.bin}")
            self.what.setText(f"then scan the bin: {line.remaining} × {line.sku} "
                              f"({line.description})")

    def _fill(self, lines) -> None:
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            cells = (line.seq, line.bin, line.sku, line.description, line.quantity,
                     line.picked, "  ".join(f"{s}×{q}" for s, q in line.slots))
            colour = STATUS_COLOURS.get(line.status)
            for col, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if colour is not None:
                    item.setBackground(colour)
                self.table.setItem(row, col, item)
