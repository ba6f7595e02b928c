"""Brands and franchises on screen: a manager keeps brands and assigns channels in Settings ▸
Brands; a franchise store's orders screen lists its own orders only; two stores confirm a
transfer on Inventory ▸ Transfers with the keyboard (Ctrl+Enter, F6, F7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from oms_desktop.services.brands import profiles
from oms_desktop.services.inventory import stock, transfers
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.ui.screens.inventory import InventoryScreen
from oms_desktop.ui.screens.orders import OrdersScreen
from oms_desktop.ui.screens.settings import SettingsScreen
from oms_desktop.ui.widgets.order_table_model import FIELDS
from oms_desktop.ui.widgets.brands_panel import BrandsPanel
from tests.brands.world import actor, franchise_world, logo_png
from tests.ui.floor_ui import make_context


@pytest.fixture
def world(sqlite_db, tmp_path):
    franchise_world(sqlite_db, tmp_path)
    return sqlite_db


def test_a_manager_adds_a_brand_with_a_logo_and_gives_it_a_channel(qtbot, world, tmp_path):
    panel = BrandsPanel(make_context(world, actor(world, "owner")))
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and panel.channel.count() == 4)
    values = {"code": "kiln", "name": "Kiln & Co", "sender_name": "Kiln & Co",
              "address_line1": "9 Quay", "city": "Galway", "country": "ie",
              "email_sender": "Kiln <hi@kiln.example>",
              "logo_path": str(logo_png(tmp_path / "kiln.png", rgb=(20, 120, 60)))}
    for key, text in values.items():
        panel.inputs[key].setText(text)
    panel.save_brand()
    qtbot.waitUntil(lambda: panel.answer.text() == "Saved brand KILN: Kiln & Co")
    qtbot.waitUntil(lambda: panel.brand.findText("KILN") >= 0)
    panel.channel.setCurrentText("WEB-CLAY")
    panel.brand.setCurrentText("KILN")
    panel.assign()
    qtbot.waitUntil(lambda: panel.answer.text() == "WEB-CLAY sells under KILN")
    kiln = profiles.get_brand(world, "KILN")
    assert (kiln.channels, kiln.address[1:], kiln.email_sender) == (
        ("WEB-CLAY",), ("9 Quay", "Galway", "IE"), "Kiln <hi@kiln.example>")
    panel.inputs["country"].setText("Ireland")
    panel.save_brand()
    qtbot.waitUntil(lambda: "two-letter code" in panel.answer.text())


def test_a_franchise_managers_form_refuses_another_brand(qtbot, world):
    panel = BrandsPanel(make_context(world, actor(world, "cork-boss")))
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    panel.table.selectRow([b.code for b in panel.model.rows].index("CLAY"))
    assert panel.inputs["sender_name"].text() == "Clay Studio"
    panel.inputs["sender_name"].setText("Cork took it")
    panel.save_brand()
    qtbot.waitUntil(lambda: "keeps only their own brands, not CLAY" in panel.answer.text())


def test_a_franchise_stores_orders_screen_lists_its_own_orders_only(qtbot, world):
    screen = OrdersScreen(make_context(world, actor(world, "fran-a")))
    qtbot.addWidget(screen)
    screen.apply_filter(QueueFilter())  # every status, not only the open ones
    qtbot.waitUntil(lambda: screen.count_label.text() == "6 orders", timeout=5000)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 6, timeout=5000)
    column = FIELDS.index("number")
    numbers = {screen.model.index(r, column).data() for r in range(6)}
    assert {n.rsplit("-", 1)[0] for n in numbers} == {"TILL-A", "WEB-CORK"}


def transfers_tab(qtbot, db, who: str, screenshot: Path | None = None):
    screen = InventoryScreen(make_context(db, actor(db, who)))
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    screen.show_tab(screen.transfers)
    tab = screen.transfers
    qtbot.waitUntil(lambda: tab.from_site.count() == 3)
    return screen, tab


def test_two_stores_confirm_a_transfer_with_the_keyboard(qtbot, world):
    _, b = transfers_tab(qtbot, world, "fran-b")
    b.from_site.setCurrentText("CORK-A")
    b.to_site.setCurrentText("CORK-B")
    qtbot.keyClicks(b.lines, "MUG:4, BOWL")
    qtbot.keyClick(b.lines, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "proposed: 5 units CORK-A → CORK-B" in b.feedback.text())
    qtbot.waitUntil(lambda: b.model.rowCount() == 1 and b.buttons["dispatch"].isEnabled())
    assert not b.buttons["receive"].isEnabled()
    qtbot.keyClick(b.table, Qt.Key_F6)  # the receiver cannot dispatch for the sender
    qtbot.waitUntil(lambda: "Only CORK-A can dispatch" in b.feedback.text())

    _, a = transfers_tab(qtbot, world, "fran-a")
    qtbot.waitUntil(lambda: a.model.rowCount() == 1)
    a.table.setFocus()
    a.table.selectRow(0)
    qtbot.keyClick(a.table, Qt.Key_F6)
    qtbot.waitUntil(lambda: a.feedback.text().endswith("dispatched"))
    a.window().close()  # back at store B's station
    b.window().activateWindow()
    # F6/F7 are the window's shortcuts: they fire once store B's window has the keyboard again
    qtbot.waitUntil(lambda: b.window().isActiveWindow())
    b.table.setFocus()
    b.reload()
    qtbot.waitUntil(lambda: b.model.rowCount() == 1 and b.model.row(0).status == "dispatched")
    b.table.selectRow(0)
    qtbot.waitUntil(lambda: b.buttons["receive"].isEnabled())
    qtbot.keyClick(b.table, Qt.Key_F7)
    qtbot.waitUntil(lambda: b.feedback.text().endswith("received"))
    assert [t.status for t in transfers.list_transfers(world, actor=actor(world, "owner"))] \
        == ["received"]
    assert {(r.location, r.on_hand) for r in stock.levels(world, sku="MUG")} >= {
        ("CORK-A-R1", 16), ("CORK-B", 4)}


def test_a_bad_line_is_answered_in_one_line_and_nothing_is_proposed(qtbot, world):
    _, b = transfers_tab(qtbot, world, "fran-b")
    b.lines.setText("MUG four")
    b.propose()
    assert b.feedback.text() == "'MUG four': write each line as SKU:QUANTITY"
    assert transfers.list_transfers(world, actor=actor(world, "owner")) == []


def test_the_brands_settings_screenshot(qtbot, world, screenshot_dir, tmp_path):
    transfers.propose(world, actor=actor(world, "fran-b"), from_site="CORK-A",
                      to_site="CORK-B", lines=[("MUG", 4)])
    screen = SettingsScreen(make_context(world, actor(world, "owner")))
    qtbot.addWidget(screen)
    screen.resize(1280, 860)
    screen.tabs.setCurrentWidget(screen.brands)
    screen.show()
    panel = screen.brands
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    panel.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.inputs["code"].text() == "CLAY")
    panel.table.selectRow(1)
    qtbot.waitUntil(lambda: panel.inputs["code"].text() == "CORK")
    assert panel.logo.pixmap() is not None and not panel.logo.pixmap().isNull()
    qtbot.wait(100)
    screen.grab().save(str(screenshot_dir / "brands.png"))
    assert (screenshot_dir / "brands.png").stat().st_size > 10_000


def test_the_dashboard_narrows_to_a_brand_and_a_site(qtbot, world):
    from oms_desktop.ui.screens.dashboard import DashboardScreen

    screen = DashboardScreen(make_context(world, actor(world, "owner")), use_charts=False)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.data is not None and screen.site.count() == 4)
    assert screen.cards["open"].figure.text() == "12"
    assert [screen.brand.itemText(i) for i in range(screen.brand.count())] == [
        "Every brand", "CLAY", "CORK"]
    screen.brand.setCurrentText("CORK")
    screen.reload()
    qtbot.waitUntil(lambda: screen.cards["open"].figure.text() == "9")
    screen.site.setCurrentText("CORK-B")
    screen.reload()
    qtbot.waitUntil(lambda: screen.cards["open"].figure.text() == "6")


def test_return_analytics_narrow_to_a_brand(qtbot, world):
    from oms_desktop.services.returns.rmas import RequestedLine, create_rma
    from oms_desktop.ui.screens.returns_analytics import ReturnAnalyticsPanel
    from tests.brands.world import ship

    ids = {code: n for code, n in (("TILL-A", 1), ("WEB-CLAY", 10))}
    for order in ids.values():
        ship(world, order)
        create_rma(world, actor=actor(world, "owner"), order=order,
                   lines=[RequestedLine("MUG", 1, "defective")])
    panel = ReturnAnalyticsPanel(make_context(world, actor(world, "owner")))
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.result is not None and panel.brand.count() == 3)
    assert panel.result.by_reason == {"defective": 2}
    panel.brand.setCurrentText("CLAY")
    panel.result = None
    panel.refresh()
    qtbot.waitUntil(lambda: panel.result is not None)
    assert panel.result.by_reason == {"defective": 1}
    assert [r.key for r in panel.result.by_channel] == ["WEB-CLAY"]
