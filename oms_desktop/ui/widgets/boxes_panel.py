"""The box catalogue in Settings: the boxes the pack station offers, with their inner size,
tare and the most a packed box may weigh. Managers add, change (same code) and remove them;
everyone else sees them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
    QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from oms_desktop.policies.boxes import MAX_SIDE_MM, MAX_WEIGHT_G
from oms_desktop.policies.permissions import allowed
from oms_desktop.services.shipping import boxes
from oms_desktop.ui.context import AppContext

HEADERS = ["Box", "Length mm", "Width mm", "Height mm", "Tare g", "Max weight g"]
FIELDS = (("length_mm", "Inner length (mm)", MAX_SIDE_MM, 300),
          ("width_mm", "Inner width (mm)", MAX_SIDE_MM, 200),
          ("height_mm", "Inner height (mm)", MAX_SIDE_MM, 150),
          ("tare_g", "Tare (g)", MAX_WEIGHT_G, 0),
          ("max_weight_g", "Most it may weigh packed (g)", MAX_WEIGHT_G, 30_000))


class BoxesPanel(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[boxes.BoxView] = []
        self.table = QTableWidget(0, len(HEADERS), accessibleName="Boxes")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._pick(row))
        self.code = QLineEdit(accessibleName="Box code")
        self.numbers = {key: self._spin(label, high, value) for key, label, high, value in FIELDS}
        self.answer = QLabel("", objectName="Muted", wordWrap=True)
        self._layout()
        self.reload()

    @staticmethod
    def _spin(name: str, high: int, value: int) -> QSpinBox:
        spin = QSpinBox(accessibleName=name, minimum=0, maximum=high)
        spin.setValue(value)
        return spin

    def _layout(self) -> None:
        save = QPushButton("Add or change box", accessibleName="Add or change box")
        save.clicked.connect(self.save_box)
        remove = QPushButton("Remove selected box", accessibleName="Remove selected box")
        remove.clicked.connect(self.remove_selected)
        form = QFormLayout()
        form.addRow("Code", self.code)
        for key, label, _high, _value in FIELDS:
            form.addRow(label, self.numbers[key])
        buttons = QHBoxLayout()
        for button in (save, remove):
            buttons.addWidget(button)
            button.setEnabled(allowed(self.ctx.actor, "settings.edit"))
        column = QVBoxLayout(self)
        column.addWidget(self.table)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.answer)

    def reload(self) -> None:
        self.ctx.ops.run(lambda: boxes.list_boxes(self.ctx.db), success=self._fill)

    def _fill(self, rows: list[boxes.BoxView]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, b in enumerate(rows):
            for c, value in enumerate((b.code, b.length_mm, b.width_mm, b.height_mm, b.tare_g,
                                       b.max_weight_g)):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))

    def _pick(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            box = self.rows[row]
            self.code.setText(box.code)
            for key, spin in self.numbers.items():
                spin.setValue(getattr(box, key))

    def save_box(self) -> None:
        db, actor, code = self.ctx.db, self.ctx.actor, self.code.text()
        values = {key: spin.value() for key, spin in self.numbers.items()}
        self._run(lambda: boxes.add_box(db, actor=actor, code=code, replace=True, **values),
                  "Saved")

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            self.answer.setText("Select a box to remove.")
            return
        db, actor, code = self.ctx.db, self.ctx.actor, self.rows[row].code
        self._run(lambda: boxes.remove_box(db, actor=actor, code=code), "Removed")

    def _run(self, fn, verb: str) -> None:
        self.ctx.ops.run(fn, success=lambda box: self._done(f"{verb}: box {box.code}."),
                         failure=lambda exc: self.answer.setText(str(exc)))

    def _done(self, text: str) -> None:
        self.answer.setText(text)
        self.reload()
