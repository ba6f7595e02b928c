"""The queue's filters and search as one bar that says `changed(QueueFilter)`."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from oms_desktop.model import CustomerKind, HoldReason, OrderStatus
from oms_desktop.services.orders import queue
from oms_desktop.services.orders.views import FilterChoices
from oms_desktop.ui.texts import human

SEARCH_DELAY_MS = 250
PER_ROW = 4  # filters a row: their texts whole at 1024 px
OPEN = tuple(s.value for s in (OrderStatus.new, OrderStatus.verified, OrderStatus.on_hold,
                               OrderStatus.in_fulfilment))
STATUS_CHOICES = [("Open orders", OPEN), ("All orders", ())] + [
    (s.value.replace("_", " ").capitalize(), (s.value,)) for s in OrderStatus]
SHIP_BY_CHOICES = [("Any ship-by", None), ("Overdue", "overdue"), ("Due today", "today"),
                   ("Due this week", "week")]


def _combo(name: str, items: list[tuple[str, object]]) -> QComboBox:
    box = QComboBox(accessibleName=name)
    for text, value in items:
        box.addItem(text, value)
    box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
    return box


class FilterBar(QWidget):
    changed = Signal(object)  # QueueFilter

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search = QLineEdit(accessibleName="Search orders", clearButtonEnabled=True,
                                placeholderText="Search: order number, customer, email, SKU, "
                                "tracking…  (Ctrl+F)")
        self.status = _combo("Status filter", STATUS_CHOICES)
        self.hold = _combo("Hold reason filter", [("Any hold reason", None)] + [
            (human(r.value), r.value) for r in HoldReason])
        self.ship_by = _combo("Ship-by filter", SHIP_BY_CHOICES)
        self.channel = _combo("Channel filter", [("All channels", None)])
        self.location = _combo("Location filter", [("All locations", None)])
        self.carrier = _combo("Carrier filter", [("Any carrier", None)])
        self.tag = _combo("Tag filter", [("Any tag", None)])
        self.customer = _combo("Customer type filter", [("Any customer", None)] + [
            (k.value.capitalize(), k.value) for k in CustomerKind])
        self._layout()
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS,
                             timeout=self._emit)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._emit)
        for box in self.combos:
            box.currentIndexChanged.connect(lambda _i: self._emit())

    @property
    def combos(self) -> list[QComboBox]:
        return [self.status, self.ship_by, self.hold, self.channel, self.location, self.carrier,
                self.tag, self.customer]

    def _layout(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.search, 0, 0, 1, PER_ROW)
        for i, box in enumerate(self.combos):  # two rows: each shows its whole choice
            grid.addWidget(box, 1 + i // PER_ROW, i % PER_ROW)
        grid.setColumnStretch(PER_ROW, 1)
        grid.addWidget(QLabel(""), 1, PER_ROW)

    def set_choices(self, choices: FilterChoices) -> None:
        for box, values in ((self.channel, choices.channels), (self.location, choices.sites),
                            (self.carrier, choices.carriers), (self.tag, choices.tags)):
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for value in values:
                box.addItem(value, value)
            box.setCurrentIndex(max(box.findData(current), 0))
            box.blockSignals(False)

    def value(self) -> queue.QueueFilter:
        one = lambda box: (box.currentData(),) if box.currentData() else ()  # noqa: E731
        return queue.QueueFilter(
            statuses=tuple(self.status.currentData() or ()), hold_reasons=one(self.hold),
            channels=one(self.channel), locations=one(self.location),
            ship_by=self.ship_by.currentData(), tags=one(self.tag),
            customer_kind=self.customer.currentData(), carrier=self.carrier.currentData(),
            search=self.search.text().strip() or None)

    def set_value(self, data: dict) -> None:
        """Show a saved view (a dict of QueueFilter fields) without emitting per widget."""
        for box in self.combos:
            box.blockSignals(True)
        self.status.setCurrentIndex(self._status_index(tuple(data.get("statuses") or ())))
        for box, key in ((self.hold, "hold_reasons"), (self.channel, "channels"),
                         (self.location, "locations"), (self.tag, "tags")):
            values = data.get(key) or ()
            self._select(box, values[0] if values else None)
        for box, key in ((self.ship_by, "ship_by"), (self.carrier, "carrier"),
                         (self.customer, "customer_kind")):
            self._select(box, data.get(key))
        self.search.setText(data.get("search") or "")
        for box in self.combos:
            box.blockSignals(False)
        self._emit()

    @staticmethod
    def _select(box: QComboBox, value) -> None:
        index = box.findData(value) if value is not None else 0
        if index < 0 and value is not None:
            box.addItem(str(value), value)
            index = box.count() - 1
        box.setCurrentIndex(max(index, 0))

    def _status_index(self, statuses: tuple) -> int:
        for i in range(self.status.count()):
            if tuple(self.status.itemData(i) or ()) == statuses:
                return i
        return 0

    def _emit(self) -> None:
        self._timer.stop()
        self.changed.emit(self.value())


def filter_to_dict(flt: queue.QueueFilter) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(flt).items()}


def focus_search(bar: FilterBar) -> None:
    bar.search.setFocus(Qt.ShortcutFocusReason)
    bar.search.selectAll()
