"""Dialogs of the inventory screen: adjust on_hand with a reason, move units to another bin,
choose the bins of a cycle count. Each only collects input; the screen calls the services."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QSpinBox, QVBoxLayout,
)

from oms_desktop.ui.widgets.stock_scan import large

# reason code -> the sign a change with that reason must have (0: either)
ADJUST_REASONS: dict[str, int] = {
    "damaged": -1, "lost": -1, "expired": -1, "found": +1, "correction": 0,
}


@dataclass(frozen=True)
class Adjustment:
    delta: int
    reason_code: str


@dataclass(frozen=True)
class Transfer:
    target: str
    quantity: int


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    box.button(QDialogButtonBox.Ok).setText(ok_text)
    box.button(QDialogButtonBox.Ok).setAccessibleName(ok_text)
    box.button(QDialogButtonBox.Cancel).setAccessibleName("Cancel")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class AdjustDialog(QDialog):
    """Reason first, then the change (+ found, − damaged/lost/expired, either for a
    correction). Enter adjusts, Escape cancels."""

    def __init__(self, *, sku: str, location: str, on_hand: int, parent=None):
        super().__init__(parent, windowTitle=f"Adjust {sku} at {location}")
        self.setAccessibleName("Adjust stock")
        self.reason = QComboBox(accessibleName="Reason")
        self.reason.addItems(list(ADJUST_REASONS))
        self.change = QSpinBox(accessibleName="Change in units", minimum=-99999,
                               maximum=99999)
        self.message = QLabel("", wordWrap=True, accessibleName="Adjustment problem")
        self.message.setStyleSheet("color: #b42318;")
        form = QFormLayout(self)
        form.addRow(large(QLabel(f"{sku} at {location}: {on_hand} on hand"), 14))
        form.addRow("&Reason", self.reason)
        form.addRow("&Change (+/−)", self.change)
        form.addRow(self.message)
        form.addRow(_buttons(self, "Adjust"))
        self.reason.setFocus()

    def result_value(self) -> Adjustment:
        return Adjustment(self.change.value(), self.reason.currentText())

    def accept(self) -> None:
        problem = adjustment_problem(self.result_value())
        if problem:
            self.message.setText(problem)
            self.change.setFocus()
            return
        super().accept()


def adjustment_problem(adj: Adjustment) -> str | None:
    """Why an adjustment makes no sense (None when it does)."""
    if adj.delta == 0:
        return "Type how many units to add (+) or remove (−)."
    sign = ADJUST_REASONS[adj.reason_code]
    if sign and (adj.delta > 0) != (sign > 0):
        return f"'{adj.reason_code}' {'adds' if sign > 0 else 'removes'} units:" \
               f" use a {'positive' if sign > 0 else 'negative'} number."
    return None


class MoveDialog(QDialog):
    """Where to (typed with completion, or scanned) and how many."""

    def __init__(self, *, sku: str, source: str, available: int, locations: list[str],
                 parent=None):
        super().__init__(parent, windowTitle=f"Move {sku} from {source}")
        self.setAccessibleName("Move stock")
        self._source = source
        self.target = QLineEdit(accessibleName="Move to location",
                                placeholderText="Scan or type the bin")
        completer = QCompleter([c for c in locations if c != source], self)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.target.setCompleter(completer)
        self.quantity = QSpinBox(accessibleName="Units to move", minimum=1,
                                 maximum=max(available, 1), value=max(available, 1))
        self.message = QLabel("", wordWrap=True, accessibleName="Move problem")
        self.message.setStyleSheet("color: #b42318;")
        form = QFormLayout(self)
        form.addRow(large(QLabel(f"{sku} at {source}: {available} available"), 14))
        form.addRow("&To", self.target)
        form.addRow("&Units", self.quantity)
        form.addRow(self.message)
        form.addRow(_buttons(self, "Move"))
        self.target.setFocus()

    def result_value(self) -> Transfer:
        return Transfer(self.target.text().strip(), self.quantity.value())

    def accept(self) -> None:
        target = self.result_value().target
        if not target or target == self._source:
            self.message.setText("Choose another location to move to.")
            return
        super().accept()


class CountBinsDialog(QDialog):
    """Tick the bins (or zones) to count: arrows to move, Space to tick, Enter to start."""

    def __init__(self, locations: list[tuple[str, str]], parent=None):
        super().__init__(parent, windowTitle="New cycle count")
        self.setAccessibleName("Choose bins to count")
        self.choices = QListWidget(accessibleName="Bins to count")
        for code, label in locations:
            item = QListWidgetItem(label)
            item.setData(Qt.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.choices.addItem(item)
        self.choices.setCurrentRow(0)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Tick the bins or zones to count (Space), then Enter:"))
        layout.addWidget(self.choices)
        layout.addWidget(_buttons(self, "Start count"))
        self.resize(420, 480)

    def chosen(self) -> list[str]:
        items = (self.choices.item(i) for i in range(self.choices.count()))
        return [it.data(Qt.UserRole) for it in items if it.checkState() == Qt.Checked]
