"""Words on screen: counts with the right plural, stored names (`order_imported`,
`changed_mind`) as people say them, and titles made safe for menus (where `&` marks a key)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QComboBox

IRREGULAR = {"package": "packages", "box": "boxes", "unit": "units"}
# stored names whose plain reading is not just the words
LABELS = {"rma": "RMA", "sku": "SKU", "po": "PO", "gtin": "GTIN", "3pl": "3PL"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 unit', '2 units', '0 packages'."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count:,} {many or IRREGULAR.get(noun) or noun + 's'}"


def human(name: str) -> str:
    """'order_imported' → 'Order imported', 'add_tag' → 'Add tag'."""
    words = [LABELS.get(w, w) for w in str(name).replace("-", "_").split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def menu_text(title: str) -> str:
    """A title as a menu or button shows it: '&' doubled so that it is not a mnemonic."""
    return title.replace("&", "&&")


def plain_text(menu_label: str) -> str:
    """A menu label without its mnemonic marks: '&Quit' → 'Quit', 'A && B' → 'A & B'."""
    return re.sub(r"&(.)", r"\1", menu_label)


def fill_choices(box: QComboBox, names) -> QComboBox:
    """Items shown as people read them, each keeping its stored name as its data."""
    for name in names:
        box.addItem(human(name), name)
    return box


def chosen(box: QComboBox) -> str:
    data = box.currentData()
    return data if data is not None else box.currentText()


def choose(box: QComboBox, name: str) -> None:
    index = box.findData(name)
    if index >= 0:
        box.setCurrentIndex(index)
