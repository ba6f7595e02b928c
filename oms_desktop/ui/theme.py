"""Light and dark themes (a palette and one stylesheet), large type for floor screens, and the
colours every screen uses for statuses, so that "on hold" looks the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 11
LARGE_POINT_SIZE = 15


@dataclass(frozen=True)
class Colours:
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    accent: str
    sidebar: str
    sidebar_text: str
    border: str
    banner: str


LIGHT = Colours(window="#f4f5f7", base="#ffffff", alt_base="#f7f9fc", text="#1d2330",
                muted="#5b6577", accent="#1f6feb", sidebar="#1e2633", sidebar_text="#e8ecf3",
                border="#d5dae3", banner="#b42318")
DARK = Colours(window="#181c24", base="#202632", alt_base="#252c3a", text="#e8ecf3",
               muted="#9aa5b8", accent="#4c8dff", sidebar="#11151c", sidebar_text="#e8ecf3",
               border="#343d4f", banner="#d92d20")

# status -> (background, text) chips, readable on both themes
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "new": ("#dbeafe", "#1e3a8a"),
    "verified": ("#e0e7ff", "#3730a3"),
    "on_hold": ("#fde68a", "#78350f"),
    "in_fulfilment": ("#cffafe", "#155e75"),
    "completed": ("#dcfce7", "#14532d"),
    "cancelled": ("#e5e7eb", "#374151"),
    "late": ("#fee2e2", "#991b1b"),
    "today": ("#ffedd5", "#9a3412"),
    # shipments
    "waiting": ("#e5e7eb", "#374151"),
    "assigned": ("#e0e7ff", "#3730a3"),
    "picking": ("#cffafe", "#155e75"),
    "picked": ("#cffafe", "#155e75"),
    "packed": ("#d1fae5", "#065f46"),
    "shipped": ("#dcfce7", "#14532d"),
    "delivered": ("#dcfce7", "#14532d"),
}


def enlarge(widget, size: int, bold: bool = False):
    """Give a floor-screen widget its own large point size (read at arm's length)."""
    font = QFont(widget.font())
    font.setPointSize(size)
    font.setBold(bold)
    widget.setFont(font)
    return widget


def status_colours(status: str) -> tuple[QColor, QColor]:
    back, fore = STATUS_COLOURS.get(status, ("#e5e7eb", "#1f2937"))
    return QColor(back), QColor(fore)


def status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def colours(dark: bool) -> Colours:
    return DARK if dark else LIGHT


def apply(app: QApplication, *, dark: bool = False, large: bool = False) -> None:
    """Palette, font size and stylesheet for the whole application."""
    c = colours(dark)
    app.setStyle("Fusion")
    app.setPalette(_palette(c))
    font = QFont(app.font())
    font.setPointSize(LARGE_POINT_SIZE if large else BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(stylesheet(c, large=large))
    app.setProperty("oms_dark", dark)
    app.setProperty("oms_large", large)


def _palette(c: Colours) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.Window: c.window, QPalette.WindowText: c.text, QPalette.Base: c.base,
        QPalette.AlternateBase: c.alt_base, QPalette.Text: c.text, QPalette.Button: c.base,
        QPalette.ButtonText: c.text, QPalette.Highlight: c.accent,
        QPalette.HighlightedText: "#ffffff", QPalette.ToolTipBase: c.base,
        QPalette.ToolTipText: c.text, QPalette.PlaceholderText: c.muted,
        QPalette.Mid: c.border,
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    return p


def stylesheet(c: Colours, *, large: bool = False) -> str:
    big = LARGE_POINT_SIZE + 6 if large else BASE_POINT_SIZE + 6
    return f"""
QListWidget#Sidebar {{ background: {c.sidebar}; color: {c.sidebar_text}; border: none;
    padding-top: 8px; }}
QListWidget#Sidebar::item {{ padding: 9px 14px; border-left: 4px solid transparent; }}
QListWidget#Sidebar::item:selected {{ background: #2c3747; border-left: 4px solid {c.accent};
    color: #ffffff; }}
QListWidget#UserList::item {{ padding: 8px 6px; }}
QLabel#Banner {{ background: {c.banner}; color: white; padding: 8px 12px; font-weight: bold; }}
QLabel#ScreenTitle {{ font-size: {big}pt; font-weight: 600; }}
QLabel#Muted {{ color: {c.muted}; }}
QLabel#Count {{ color: {c.muted}; font-weight: 600; }}
QFrame#Card {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 6px; }}
QTableView {{ gridline-color: {c.border}; selection-background-color: {c.accent};
    selection-color: white; }}
QHeaderView::section {{ background: {c.alt_base}; color: {c.muted}; padding: 5px 6px;
    border: none; border-bottom: 1px solid {c.border}; font-weight: 600; }}
QPushButton {{ padding: 5px 12px; border: 1px solid {c.border}; border-radius: 4px;
    background: {c.base}; }}
QPushButton:hover {{ border-color: {c.accent}; }}
QPushButton:disabled {{ color: {c.muted}; }}
QPushButton#Primary {{ background: {c.accent}; color: white; border-color: {c.accent}; }}
QLineEdit, QComboBox, QSpinBox {{ padding: 4px 6px; border: 1px solid {c.border};
    border-radius: 4px; background: {c.base}; }}
QLineEdit:focus, QComboBox:focus {{ border-color: {c.accent}; }}
QStatusBar QLabel {{ padding: 0 8px; color: {c.muted}; }}
"""
