"""The books screen by keyboard: what is not mapped yet is listed before anything is sent;
the manager types the target's id for it, presses F7, and every posting has the target's id.
Rendered for the README."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt

from oms_desktop.model import Actor, Role
from oms_desktop.services.books import mappings
from oms_desktop.ui import theme
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.books import BooksScreen
from tests.books.world import books_world, secrets_env, set_up_quickbooks, shipped
from tests.keyrings import memory_keyring_installed

MANAGER = Actor("mia", Role.manager, station="OFFICE-1")


@contextmanager
def books_screen(qtbot, qapp, db, qbo, monkeypatch, *, skip, fill):
    """The books screen themed as shipped, on a world QuickBooks is set up for (less the
    mappings in `skip`), after `fill(db)`; it waits until the two missing rows are listed."""
    saved = (qapp.styleSheet(), qapp.palette(), qapp.font())
    theme.apply(qapp)
    books_world(db)
    secrets_env(monkeypatch, "quickbooks")
    with memory_keyring_installed():
        set_up_quickbooks(db, qbo, skip=skip)
        fill(db)
        ctx = AppContext(db=db, actor=MANAGER, ops=Ops())
        widget = BooksScreen(ctx)
        qtbot.addWidget(widget)
        widget.resize(1360, 860)
        widget.show()
        qtbot.waitUntil(lambda: widget.missing.rowCount() == 2, timeout=5000)
        yield widget
        ctx.ops.wait()
    qapp.setStyleSheet(saved[0])
    qapp.setPalette(saved[1])
    qapp.setFont(saved[2])


def three_orders(db) -> None:
    shipped(db, {"SKU-1": 2}, number="#1001")
    shipped(db, {"SKU-1": 1, "SKU-2": 3}, channel="MKT", currency="EUR",
            country="DE", tax_rate="0.19", number="#1002")
    shipped(db, {"SKU-2": 1}, channel="MKT", currency="EUR", country="DE",
            tax_rate="0.19", number="#1003")


@pytest.fixture
def screen(qtbot, qapp, sqlite_db, qbo, monkeypatch):
    with books_screen(qtbot, qapp, sqlite_db, qbo, monkeypatch,
                      skip=(("tax", "DE"), ("item", "SKU-2")), fill=three_orders) as widget:
        yield widget


def test_a_manager_maps_what_is_missing_and_posts_by_keyboard(qtbot, screen, qbo,
                                                             screenshot_dir):
    missing = [(m.label, m.postings) for m in screen.missing.rows]
    assert missing == [("item for SKU SKU-2", 2), ("tax code for country DE", 2)]
    assert len(screen.postings.rows) == 3 and qbo.all_docs() == []  # nothing sent yet
    screen.grab().save(str(screenshot_dir / "books-mapping.png"))

    # the first row is selected: type QuickBooks' item id for SKU-2, Enter
    qtbot.keyClicks(screen.value_field, "2")
    qtbot.keyClick(screen.value_field, Qt.Key_Return)
    qtbot.waitUntil(lambda: screen.missing.rowCount() == 1, timeout=5000)
    assert "SKU-2 is 2 on quickbooks" in screen.feedback.text()
    screen.missing_table.setFocus()
    qtbot.keyClicks(screen.value_field, "7")
    qtbot.keyClick(screen.value_field, Qt.Key_Return)
    qtbot.waitUntil(lambda: screen.missing.rowCount() == 0, timeout=5000)

    qtbot.keyClick(screen.postings_table, Qt.Key_F7)
    qtbot.waitUntil(lambda: "3 posted" in screen.feedback.text(), timeout=10000)
    qtbot.waitUntil(lambda: all(p.remote_id for p in screen.postings.rows), timeout=5000)
    assert len(qbo.all_docs()) == 3
    assert {m.key for m in mappings.list_mappings(screen._ctx.db, "quickbooks")
            if m.kind in ("tax", "item")} >= {"DE", "SKU-2"}
    screen.grab().save(str(screenshot_dir / "books-posted.png"))
