"""The pack station: scan an order, shipment, tote or pick-list slot, then every item.
Keyboard only: F2 quantity, F3 new package, F4 complete, F6 weight, Ctrl+Z undo, Esc put
the shipment aside, F8 acknowledge a label that could not be made (shown in red until then). A refused scan turns the banner red with a sound and what was expected."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)

from oms_desktop.devices.sound import Sounds
from oms_desktop.policies.scan import ScanKind, parse_scan
from oms_desktop.services.floor import pack_documents, packing
from oms_desktop.services.floor.packing import OPENING_KINDS, PackFeedback, PackView
from oms_desktop.services.shipping import boxes
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.texts import plural
from oms_desktop.ui.documents import documents_folder
from oms_desktop.ui.errors import message_for
from oms_desktop.ui.theme import enlarge
from oms_desktop.ui.widgets.banner import Banner
from oms_desktop.ui.widgets.checklist import ChecklistTable
from oms_desktop.ui.widgets.floor import ScanAnswers

PROMPT = "Scan an order, shipment, tote or pick list slot"
NO_BOX = "No box (own packaging)"
ALARM_STYLE = "background: #b91c1c; color: #ffffff; padding: 10px; border-radius: 6px;"


def station_folder() -> Path:
    return documents_folder()


class PackingScreen(ScanAnswers, QWidget):
    feedback_shown = Signal(str)  # after every scan's answer is on screen (tests, benchmarks)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.sounds = Sounds()
        self.view: PackView | None = None
        self.quantity = 1
        self._pending: list[str] = []
        self._busy = False
        self._box_for: tuple[int, int] | None = None
        self._build()
        self._shortcuts()
        self._scale()
        self.show_view(None)
        self.load_boxes()
        ctx.changes.changed.connect(self._on_changes)

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.title = enlarge(QLabel("Pack station"), 20, True)
        self.prompt = enlarge(QLabel(PROMPT), 14)
        self.banner = Banner()
        self.order_label = enlarge(QLabel(""), 18, True)
        self.order_label.setAccessibleName("Order being packed")
        self.detail_label = enlarge(QLabel(""), 13)
        self.checklist = ChecklistTable()
        self.manual = QLineEdit()
        self.manual.setPlaceholderText("Or type an order number or barcode and press Enter")
        self.manual.setAccessibleName("Type a barcode")
        self.manual.returnPressed.connect(self._typed)
        enlarge(self.manual, 13)
        self.label_alarm = enlarge(QLabel(""), 15, True)  # a failed label, until F8
        self.label_alarm.setAccessibleName("Label problem")
        self.label_alarm.setWordWrap(True)
        self.label_alarm.setStyleSheet(ALARM_STYLE)
        self.label_alarm.hide()
        for w in (self.title, self.prompt, self.banner, self.label_alarm, self.order_label,
                  self.detail_label):
            layout.addWidget(w)
        layout.addWidget(self.checklist, 1)
        layout.addLayout(self._controls())
        layout.addWidget(self.manual)

    def _controls(self) -> QGridLayout:
        grid = QGridLayout()
        self.quantity_box = self._spin("Quantity for the next scan (F2)", 1, 9999, 1)
        self.weight_box = self._spin("Package weight in grams (F6)", 0, 1_000_000, 0)
        self.weight_box.setSuffix(" g")
        self.weight_box.setSpecialValueText("not weighed")  # 0 is no weight, never "0 g"
        self.box_choice = QComboBox()
        self.box_choice.setAccessibleName("Box")
        self.box_choice.setSizeAdjustPolicy(QComboBox.AdjustToContents)  # the whole name
        self.undo_button = self._button("Undo (Ctrl+Z)", self.undo)
        self.package_button = self._button("New package (F3)", self.new_package)
        self.complete_button = self._button("Complete (F4)", self.complete)
        self.aside_button = self._button("Put aside (Esc)", self.put_aside)
        labels = ("Quantity", "Weight", "Box")
        for col, (text, widget) in enumerate(zip(labels, (self.quantity_box, self.weight_box,
                                                          self.box_choice))):
            grid.addWidget(enlarge(QLabel(text), 12), 0, col)
            grid.addWidget(enlarge(widget, 14), 1, col)
        buttons = QHBoxLayout()  # a row of their own: whole labels even at 1024 px
        for button in (self.undo_button, self.package_button, self.complete_button,
                       self.aside_button):
            buttons.addWidget(enlarge(button, 14, True))
        grid.addLayout(buttons, 2, 0, 1, 4)
        grid.setColumnStretch(3, 1)
        self.quantity_box.valueChanged.connect(self._quantity_changed)
        return grid

    def _spin(self, name: str, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setAccessibleName(name)
        return spin

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.split(" (")[0])
        button.setMinimumHeight(48)
        button.clicked.connect(slot)
        return button

    def _shortcuts(self) -> None:
        for key, slot in (("F2", self.quantity_box.setFocus), ("F3", self.new_package),
                          ("F4", self.complete), ("F6", self.weight_box.setFocus),
                          ("Ctrl+Z", self.undo), ("Esc", self.put_aside),
                          ("F8", self.acknowledge_label)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _scale(self) -> None:
        if not QSettings().value("scale/serial_port", ""):
            return
        from oms_desktop.devices.scale import SerialScale

        self.scale = SerialScale(self)
        self.scale.weighed.connect(self.weight_box.setValue)

    # -- scans -----------------------------------------------------------------------------
    def _typed(self) -> None:
        text = self.manual.text().strip()
        self.manual.clear()
        if text:
            self.handle_scan(text)

    def handle_scan(self, text: str) -> None:
        """A scan from the scanner filter (or typed): queued while a previous one runs."""
        self._pending.append(text)
        if not self._busy:
            self._next()

    def _next(self) -> None:
        if not self._pending:
            self._busy = False
            return
        self._busy = True
        text = self._pending.pop(0)
        parsed = parse_scan(text)
        db, actor = self.ctx.db, self.ctx.actor
        if parsed.kind == ScanKind.quantity:
            self.quantity_box.setValue(parsed.number or 1)
            self._answer("good", f"Next scan counts {plural(self.quantity_box.value(), 'unit')}")
        elif self.view is None or parsed.kind in OPENING_KINDS:
            self._run(lambda: packing.open_shipment(db, actor=actor, value=text), self._opened)
        else:
            sid, quantity = self.view.shipment_id, self.quantity
            self._run(lambda: packing.scan_item(db, actor=actor, shipment_id=sid, value=text,
                                                quantity=quantity), self._scanned)

    def _run(self, fn, success) -> None:
        self.ctx.ops.run(fn, success=success, failure=self._failed)

    def _done(self) -> None:
        self._next()

    def _opened(self, view: PackView) -> None:
        self.show_view(view)
        self._answer("good", f"{view.order_number}: scan {plural(view.units_left, 'unit')}")

    def _scanned(self, feedback: PackFeedback) -> None:
        if feedback.ok:
            self.quantity_box.setValue(1)
        self.show_view(feedback.view)
        self._answer("good" if feedback.ok else "bad", feedback.message)
        if feedback.ok and feedback.view and feedback.view.complete:
            self.prompt.setText("All scanned: weigh, choose the box and press F4 to complete")

    def _answer(self, state: str, text: str) -> None:
        super()._answer(state, text)
        self._done()

    # -- showing ---------------------------------------------------------------------------
    def show_view(self, view: PackView | None) -> None:
        self.view = view
        has = view is not None
        for button in (self.undo_button, self.package_button, self.complete_button,
                       self.aside_button):
            button.setEnabled(has)
        if not has:
            self.order_label.setText("")
            self.detail_label.setText("")
            self.checklist.set_lines([])
            self.prompt.setText(PROMPT)
            return
        self.order_label.setText(f"Order {view.order_number} · {view.label}")
        box = f" · suggested box {view.suggested_box}" if view.suggested_box else ""
        self.detail_label.setText(f"{view.ship_to} · package {view.current_package}"
                                  f" · left to scan: {view.units_left}{box}")
        self.checklist.set_lines(view.lines)
        self.prompt.setText("Scan each item")
        self._suggest_box(view)

    def _suggest_box(self, view: PackView) -> None:
        """The suggestion when a package is begun; the packer's own choice is kept after."""
        begun = (view.shipment_id, view.current_package)
        if begun == self._box_for:
            return
        self._box_for = begun
        if view.suggested_box and self.box_choice.findData(view.suggested_box) >= 0:
            self.box_choice.setCurrentIndex(self.box_choice.findData(view.suggested_box))

    def load_boxes(self) -> None:
        """The catalogue's boxes, and "no box" for goods shipped in their own packaging."""
        self.ctx.ops.run(lambda: boxes.list_boxes(self.ctx.db), success=self._show_boxes)

    def _show_boxes(self, rows: list[boxes.BoxView]) -> None:
        current = self.box_choice.currentData()
        self.box_choice.clear()
        self.box_choice.addItem(NO_BOX, None)
        for b in rows:
            self.box_choice.addItem(f"{b.code}  {b.length_mm}×{b.width_mm}×{b.height_mm}", b.code)
        found = self.box_choice.findData(current)
        self.box_choice.setCurrentIndex(max(found, 0))

    def _on_changes(self, areas: set) -> None:
        if "settings" in areas:
            self.load_boxes()

    def _quantity_changed(self, value: int) -> None:
        self.quantity = value

    # -- actions ---------------------------------------------------------------------------
    def _weight(self) -> int | None:
        return self.weight_box.value() or None

    def undo(self) -> None:
        if self.view is None:
            return
        db, actor, sid = self.ctx.db, self.ctx.actor, self.view.shipment_id
        self._busy = True
        self._run(lambda: packing.undo_last(db, actor=actor, shipment_id=sid), self._scanned)

    def new_package(self) -> None:
        if self.view is None:
            return
        db, actor, sid = self.ctx.db, self.ctx.actor, self.view.shipment_id
        weight, box = self._weight(), self.box_choice.currentData()
        self._busy = True
        self._run(lambda: packing.new_package(db, actor=actor, shipment_id=sid,
                                              weight_g=weight, box_code=box),
                  self._new_package_done)

    def _new_package_done(self, view: PackView) -> None:
        self.weight_box.setValue(0)
        self.show_view(view)
        self._answer("good", f"Package {view.current_package} started")

    def complete(self) -> None:
        if self.view is None:
            return
        db, actor, sid = self.ctx.db, self.ctx.actor, self.view.shipment_id
        weight, box = self._weight(), self.box_choice.currentData()
        self._busy = True
        self._run(lambda: packing.complete(db, actor=actor, shipment_id=sid, weight_g=weight,
                                           box_code=box), self._completed)

    def _completed(self, view: PackView) -> None:
        self.weight_box.setValue(0)
        self.show_view(None)
        self._answer("good", f"{view.label} packed ({plural(len(view.packages), 'package')}). "
                             f"Ready for the next order.")
        self._print(view.shipment_id)

    def put_aside(self) -> None:
        """Leave this shipment (its scans are kept) and wait for the next one."""
        if self.view is not None:
            label = self.view.label
            self.show_view(None)
            self.banner.show_message("idle", f"{label} put aside; its scans are kept")

    # -- documents -------------------------------------------------------------------------
    def _print(self, shipment_id: int) -> None:
        db, actor, folder = self.ctx.db, self.ctx.actor, station_folder()
        self.ctx.ops.run(lambda: pack_documents.print_packing_slip(
            db, actor=actor, shipment_id=shipment_id, folder=folder),
            success=self._printed, failure=self._print_failed)
        self.ctx.ops.run(lambda: pack_documents.print_shipping_label(
            db, actor=actor, shipment_id=shipment_id, folder=folder),
            success=self._printed, failure=self._print_failed, network=True)

    def _printed(self, printed) -> None:
        if printed is None:
            return
        if printed.document == pack_documents.LABEL and not printed.ok:
            return self._label_failed(printed.message)
        self.documents_label_text = printed.message
        self.detail_label.setText(printed.message)
        if printed.ok and printed.where.endswith(".pdf") and _may_open_files():
            QDesktopServices.openUrl(QUrl.fromLocalFile(printed.where))

    def _print_failed(self, exc: BaseException) -> None:
        self.detail_label.setText(f"Printing failed: {message_for(exc)}")
        self.sounds.play("bad")


    def _label_failed(self, message: str) -> None:
        """Shown in red until the packer acknowledges it (F8); later answers do not hide it.
        The shipment stays packed and waits under Shipping > Needs a label."""
        self.label_alarm.setText(f"{message}\nThe parcel stays packed and is listed under "
                                 "Shipping > Needs a label. Put it on the label shelf and "
                                 "press F8 to acknowledge.")
        self.label_alarm.show()
        self.sounds.play("bad")

    def acknowledge_label(self) -> None:
        self.label_alarm.hide()
        self.label_alarm.setText("")


def _may_open_files() -> bool:
    return (QSettings().value("floor/open_documents", "true") in (True, "true")
            and QApplication.platformName() not in ("offscreen", "minimal")
            and os.environ.get("OMS_DISABLE_SOUND") != "1")
