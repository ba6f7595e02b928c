"""Every screen at a small laptop's 1024x700 and a full-HD 1920x1080: each button shows its
whole label (the keys in "Undo (Ctrl+Z)" are how a packer learns them), and the window is
not pushed wider than the display. Each rendering is saved to look at."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QLabel,
    QLineEdit, QPushButton, QStyle, QStyleOptionButton, QStyleOptionComboBox, QTabBar, QTabWidget, QWidget,
)

from oms_desktop.ui import theme
from oms_desktop.ui.render_screens import settle
from oms_desktop.ui.texts import plain_text
from tests.ui.shell_support import demo_db, make_window, station_settings  # noqa: F401

SIZES = [(1024, 700), (1920, 1080)]
CONTROLS = (QAbstractButton, QLabel, QComboBox, QLineEdit, QAbstractSpinBox, QTabBar)


def clipped_buttons(root: QWidget) -> list[str]:
    """Visible buttons whose label is wider than the room the style leaves inside them
    (their frame and padding, stylesheets included)."""
    found = []
    for button in root.findChildren(QAbstractButton):
        text = plain_text(button.text()).strip()
        if not text or not button.isVisible() or "\n" in text:
            continue
        needed = button.fontMetrics().horizontalAdvance(text)
        if isinstance(button, QPushButton):
            option = QStyleOptionButton()
            button.initStyleOption(option)
            room = button.style().subElementRect(QStyle.SE_PushButtonContents, option,
                                                 button).width()
            if not button.icon().isNull():
                needed += button.iconSize().width() + 4
        else:  # check boxes, radio buttons, tool buttons: their own hint is the label's
            needed, room = button.sizeHint().width(), button.width()
        if needed > room:
            found.append(f"{text!r}: {room} px inside, needs {needed}")
    return found


def clipped_choices(root: QWidget) -> list[str]:
    """Visible drop-downs whose chosen text is wider than their text field."""
    found = []
    for box in root.findChildren(QComboBox):
        text = box.currentText()
        if not text or not box.isVisible() or box.isEditable():
            continue
        option = QStyleOptionComboBox()
        box.initStyleOption(option)
        room = box.style().subControlRect(QStyle.CC_ComboBox, option,
                                          QStyle.SC_ComboBoxEditField, box).width()
        needed = box.fontMetrics().horizontalAdvance(text)
        if needed > room:
            found.append(f"choice {text!r}: {room} px inside, needs {needed}")
    return found


def _scrolled(widget: QWidget, root: QWidget) -> bool:
    """Inside a scroll area (or a table's cells): there it is scrolled to, not cut."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def off_the_edge(page: QWidget) -> list[str]:
    """Visible controls and texts reaching past the page's right edge: the page is given the
    room the window has even when it needs more, and the rest is simply not drawn."""
    found = []
    for widget in page.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisible() or \
                _scrolled(widget, page):
            continue
        right = widget.mapTo(page, QPoint(widget.width(), 0)).x()
        if right > page.width() + 1:
            label = getattr(widget, "text", lambda: "")() or widget.accessibleName() or \
                type(widget).__name__
            found.append(f"{label!r} ends at {right} px, past the screen's {page.width()}")
    return found


def tab_pages(screen: QWidget):
    """The screen, and again with each tab of its tab widgets shown in turn."""
    yield "", screen
    for tabs in screen.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for i in range(1, tabs.count()):
            tabs.setCurrentIndex(i)
            yield f"-{plain_text(tabs.tabText(i)).lower().replace(' ', '_')}", screen
        tabs.setCurrentIndex(0)


@pytest.fixture
def themed(qapp):
    """The application's own theme (palette, font, stylesheet), as the program starts with,
    put back afterwards for the other tests."""
    kept = (qapp.palette(), qapp.font(), qapp.styleSheet(), qapp.style().name())
    theme.apply(qapp)
    yield qapp
    palette, font, sheet, style = kept
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_button_label_is_cut_on_any_screen(qtbot, themed, make_window, screenshot_dir,
                                              size):
    width, height = size
    window = make_window("admin")
    window.resize(width, height)
    app = QApplication.instance()
    problems = {}
    for entry in list(window.entries):
        screen = window.show_screen(entry.title)
        settle(app, window, 0.4)
        for suffix, page in tab_pages(screen):
            settle(app, window, 0.2)
            name = f"{entry.title.lower().replace(' & ', '_').replace(' ', '_')}{suffix}"
            window.grab().save(str(screenshot_dir / f"{name}-{width}x{height}.png"))
            assert window.width() <= width, f"{name} makes the window {window.width()} wide"
            # the page is given the stack's room even when it needs more: then its right
            # edge is simply cut off
            cut = clipped_buttons(page)
            cut += clipped_choices(page) + off_the_edge(page)
            if cut:
                problems[name] = cut
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
