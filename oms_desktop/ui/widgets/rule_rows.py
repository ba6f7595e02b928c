"""Form rows for the rules editor: one condition (field, operator, value) or one action (type
and its parameters), and a list of such rows with Add and Remove. Rows read and write the
plain dicts the rules service stores."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from oms_desktop.policies.rules import ACTION_PARAMS, FIELD_OPS
from oms_desktop.ui.texts import choose, chosen, fill_choices

LIST_OPS = {"in", "not_in", "any_in", "all_in", "none_in"}
VALUE_HINTS = {
    "total": "amount, e.g. 250", "weight": "grams", "item_count": "units",
    "ship_by": "YYYY-MM-DD (days for within_days)", "sku": "SKU-1, SKU-2",
    "tags": "tag, tag", "country": "DE, AT",
}


def _operand(op: str, text: str):
    if op == "is_empty":
        return None
    if op in LIST_OPS:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text.strip()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


class ConditionRow(QWidget):
    changed = Signal()
    removed = Signal(object)

    def __init__(self, data: dict | None = None, parent=None):
        super().__init__(parent)
        self.field = QComboBox(accessibleName="Condition field")
        fill_choices(self.field, FIELD_OPS)
        self.op = QComboBox(accessibleName="Condition operator")
        self.value = QLineEdit(accessibleName="Condition value")
        self.remove = QPushButton("Remove", accessibleName="Remove condition")
        _row(self, self.field, self.op, self.value, self.remove, stretch=self.value)
        self.field.currentIndexChanged.connect(lambda _i: self._field_changed(chosen(self.field)))
        self.op.currentIndexChanged.connect(lambda _i: self._op_changed(chosen(self.op)))
        self.value.textEdited.connect(lambda _t: self.changed.emit())
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        self._field_changed(chosen(self.field))
        if data:
            self.set_data(data)

    def _field_changed(self, name: str) -> None:
        self.op.blockSignals(True)
        self.op.clear()
        fill_choices(self.op, FIELD_OPS[name])
        self.op.blockSignals(False)
        self.value.setPlaceholderText(VALUE_HINTS.get(name, "value"))
        self._op_changed(chosen(self.op))

    def _op_changed(self, op: str) -> None:
        self.value.setEnabled(op != "is_empty")
        self.changed.emit()

    def set_data(self, data: dict) -> None:
        choose(self.field, data.get("field", ""))
        choose(self.op, data.get("op", ""))
        self.value.setText(_text(data.get("value")))

    def data(self) -> dict:
        op = chosen(self.op)
        return {"field": chosen(self.field), "op": op,
                "value": _operand(op, self.value.text())}


class ActionRow(QWidget):
    changed = Signal()
    removed = Signal(object)

    def __init__(self, data: dict | None = None, parent=None):
        super().__init__(parent)
        self.type = QComboBox(accessibleName="Action")
        fill_choices(self.type, ACTION_PARAMS)
        self.params: dict[str, QLineEdit] = {}
        self._params_box = QHBoxLayout()
        self._params_box.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder.setLayout(self._params_box)
        self.remove = QPushButton("Remove", accessibleName="Remove action")
        _row(self, self.type, holder, self.remove, stretch=holder)
        self.type.currentIndexChanged.connect(lambda _i: self._type_changed(chosen(self.type)))
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        self._type_changed(chosen(self.type))
        if data:
            self.set_data(data)

    def _type_changed(self, kind: str) -> None:
        for edit in self.params.values():
            edit.deleteLater()
        self.params = {}
        for name in ACTION_PARAMS[kind]:
            edit = QLineEdit(accessibleName=f"Action {name}", placeholderText=name)
            edit.textEdited.connect(lambda _t: self.changed.emit())
            self._params_box.addWidget(edit)
            self.params[name] = edit
        self.changed.emit()

    def set_data(self, data: dict) -> None:
        choose(self.type, data.get("type", ""))
        for name, edit in self.params.items():
            edit.setText(_text(data.get(name)))

    def data(self) -> dict:
        out = {"type": chosen(self.type)}
        for name, edit in self.params.items():
            if edit.text().strip():
                out[name] = edit.text().strip()
        return out


def _row(owner: QWidget, *widgets, stretch) -> None:
    layout = QHBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w, 1 if w is stretch else 0)


class RowList(QWidget):
    """A column of rows made by `factory`, with an Add button under them."""

    changed = Signal()

    def __init__(self, factory: Callable[..., QWidget], add_text: str, parent=None):
        super().__init__(parent)
        self._factory = factory
        self.rows: list[QWidget] = []
        self._box = QVBoxLayout()
        self._box.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(add_text, accessibleName=add_text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._box)
        layout.addWidget(self.add_button)
        self.add_button.clicked.connect(lambda: self.add())

    def add(self, data: dict | None = None) -> QWidget:
        row = self._factory(data)
        row.changed.connect(self.changed)
        row.removed.connect(self._remove)
        self._box.addWidget(row)
        self.rows.append(row)
        self.changed.emit()
        return row

    def _remove(self, row: QWidget) -> None:
        self.rows.remove(row)
        self._drop(row)
        self.changed.emit()

    def _drop(self, row: QWidget) -> None:
        self._box.removeWidget(row)
        row.hide()
        row.setParent(None)
        row.deleteLater()

    def set_data(self, items: list[dict]) -> None:
        for row in self.rows:
            self._drop(row)
        self.rows = []
        for item in items:
            self.add(item)

    def data(self) -> list[dict]:
        return [row.data() for row in self.rows]
