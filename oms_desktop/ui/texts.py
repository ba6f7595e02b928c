"""Words on screen: counts with the right plural, stored names (`order_imported`,
`changed_mind`) as people say them, and titles made safe for menus (where `&` marks a key)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QComboBox

from oms_desktop.policies.wording import human, plural

__all__ = ["choose", "chosen", "fill_choices", "human", "menu_text", "plain_text", "plural"]


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
