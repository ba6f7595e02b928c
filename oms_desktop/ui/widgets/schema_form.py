"""A form built from a connector's settings schema (SettingField list). Secret fields are
password inputs that are never filled back: leaving one empty keeps the keyring value."""

from __future__ import annotations

import json
from typing import Any, Sequence

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget,
)

from oms_desktop.plugins.settings import SettingField


class SchemaForm(QWidget):
    """Rows for a schema, appended to `form` (a form shared with other rows keeps one label
    column) or to its own layout."""

    def __init__(self, parent=None, *, form: QFormLayout | None = None):
        super().__init__(parent)
        self.layout_ = form if form is not None else QFormLayout(self)
        self.fields: list[SettingField] = []
        self.inputs: dict[str, QWidget] = {}

    def build(self, schema: Sequence[SettingField], values: dict | None = None,
              secrets_set: dict[str, bool] | None = None) -> None:
        for editor in self.inputs.values():
            self.layout_.removeRow(editor)
        self.fields, self.inputs = list(schema), {}
        for f in self.fields:
            editor = _editor(f, (values or {}).get(f.name, f.default),
                             (secrets_set or {}).get(f.name, False))
            self.inputs[f.name] = editor
            label = QLabel(f.label + (" *" if f.required else ""))
            label.setBuddy(editor)
            self.layout_.addRow(label, editor)

    def values(self) -> dict[str, Any]:
        """Entered values; an empty secret is left out (the keyring keeps the old one)."""
        out: dict[str, Any] = {}
        for f in self.fields:
            value = _read(f, self.inputs[f.name])
            if f.secret and not value:
                continue
            out[f.name] = value
        return out


def _editor(f: SettingField, value: Any, secret_set: bool) -> QWidget:
    if f.type == "int":
        w = QSpinBox(maximum=1_000_000, accessibleName=f.label)
        w.setValue(int(value or 0))
    elif f.type == "bool":
        w = QCheckBox(accessibleName=f.label)
        w.setChecked(bool(value))
    elif f.type == "choice":
        w = QComboBox(accessibleName=f.label)
        w.addItems(list(f.choices))
        if value in f.choices:
            w.setCurrentText(value)
    elif f.type == "mapping":
        w = QPlainTextEdit(json.dumps(value, indent=1) if value else "", accessibleName=f.label)
        w.setPlaceholderText(f.help or '{"sku": "Seller SKU", "order_id": "Order Number"}')
        w.setMaximumHeight(90)
    else:
        w = QLineEdit("" if f.secret else str(value or ""), accessibleName=f.label)
        if f.secret:
            w.setEchoMode(QLineEdit.Password)
            w.setPlaceholderText("stored in the keyring — leave empty to keep"
                                 if secret_set else "not set")
        elif f.help:
            w.setPlaceholderText(f.help)
    w.setToolTip(f.help)
    w.setObjectName(f"setting_{f.name}")
    return w


def _read(f: SettingField, w: QWidget) -> Any:
    if isinstance(w, QSpinBox):
        return w.value()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QComboBox):
        return w.currentText()
    if isinstance(w, QPlainTextEdit):
        text = w.toPlainText().strip()
        return text or None
    return w.text().strip()
