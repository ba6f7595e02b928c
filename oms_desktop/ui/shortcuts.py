"""The shown screen's own keys win over the window's menus: on Returns F1-F5 grade a unit and
on Click & collect F5 marks an order ready, elsewhere F1 is Help and F5 Refresh. Two enabled
shortcuts on one key are ambiguous to Qt, which then runs neither; so, just before Qt matches
a key, the window's actions give up the keys the shown screen uses (their menu entries stay,
without the key) and take them back when the screen no longer does."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

KEY_PROPERTY = "oms_window_key"


def screen_keys(screen: QWidget | None) -> set[str]:
    """The keys of the screen's shortcuts that Qt would run now (visible, enabled, and for
    widget-scoped ones, with the focus inside their widget)."""
    if screen is None:
        return set()
    focus = QApplication.focusWidget()
    keys = set()
    for shortcut in screen.findChildren(QShortcut):
        owner = shortcut.parent()
        if not shortcut.isEnabled() or not isinstance(owner, QWidget) or not owner.isVisible():
            continue
        context = shortcut.context()
        if context == Qt.WidgetShortcut and focus is not owner:
            continue
        if context == Qt.WidgetWithChildrenShortcut and not (
                focus is not None and (focus is owner or owner.isAncestorOf(focus))):
            continue
        keys.add(shortcut.key().toString())
    return keys


def remember_key(action: QAction) -> QAction:
    """Mark a window action whose key a screen may take over."""
    action.setProperty(KEY_PROPERTY, action.shortcut().toString())
    return action


def yield_keys(actions: list[QAction], screen: QWidget | None) -> None:
    taken = screen_keys(screen)
    for action in actions:
        key = action.property(KEY_PROPERTY) or ""
        wanted = QKeySequence() if key in taken else QKeySequence(key)
        if action.shortcut() != wanted:
            action.setShortcut(wanted)


class ScreenKeysFirst(QObject):
    """Application event filter: at each ShortcutOverride (sent before Qt matches a key
    against the shortcuts) for one of the window's keys, hand the shown screen its keys."""

    def __init__(self, actions: list[QAction], current_screen: Callable[[], QWidget | None],
                 parent=None):
        super().__init__(parent)
        self.actions, self.current_screen = actions, current_screen
        self.keys = {a.property(KEY_PROPERTY) for a in actions}

    def refresh(self) -> None:
        yield_keys(self.actions, self.current_screen())

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.ShortcutOverride and \
                QKeySequence(event.keyCombination()).toString() in self.keys:
            self.refresh()
        return False
