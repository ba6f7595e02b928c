"""The channels screen driven from the keyboard: add a Shopify channel from its schema, test
it, sync with progress, read a failed payload's raw JSON; rendered for the README."""


import pytest
from PySide6.QtCore import Qt

from oms_desktop.model import Actor, Role
from oms_desktop.services.channels import setup as channels
from oms_desktop.ui import theme
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.channels import ChannelsScreen
from tests.connectors.conftest import memory_keyring, shopify  # noqa: F401 - fixtures
from tests.connectors.shopify_emulator import TOKEN
from tests.factories import small_world

MANAGER = Actor("mia", Role.manager, station="OFFICE-1")


@pytest.fixture
def themed(qapp):
    """The application's look for the screenshot, undone afterwards."""
    saved = (qapp.styleSheet(), qapp.palette(), qapp.font())
    theme.apply(qapp)
    yield
    qapp.setStyleSheet(saved[0])
    qapp.setPalette(saved[1])
    qapp.setFont(saved[2])


@pytest.fixture
def screen(qtbot, sqlite_db, memory_keyring, shopify, themed):
    small_world(sqlite_db)
    for i in range(30):
        shopify.add_order(lines=[("SKU-1", 1 + i % 2, "12.50"), ("SKU-2", 1, "3.99")])
    shopify.add_order(lines=[("SKU-1", 1, "12,50")])
    shopify.add_variant("SKU-1", 4)
    ctx = AppContext(db=sqlite_db, actor=MANAGER, ops=Ops())
    widget = ChannelsScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1360, 900)
    widget.show()
    installed = len(channels.connector_kinds()[0])  # every connector plugin, ours and others
    qtbot.waitUntil(lambda: widget.kind_box.count() == installed)
    yield widget
    ctx.ops.wait()


def type_into(qtbot, widget, text):
    widget.setFocus()
    widget.clear()
    qtbot.keyClicks(widget, text)


def test_a_manager_adds_a_shopify_channel_tests_it_and_syncs(qtbot, screen, shopify,
                                                             memory_keyring, screenshot_dir):
    screen.kind_box.setCurrentIndex(screen.kind_box.findData("shopify"))
    qtbot.keyClick(screen.new_button, Qt.Key_Space)
    type_into(qtbot, screen.name_edit, "Main shop")
    type_into(qtbot, screen.locations_edit, "WH1")
    type_into(qtbot, screen.form.inputs["shop_url"], shopify.url)
    type_into(qtbot, screen.form.inputs["access_token"], TOKEN)
    type_into(qtbot, screen.form.inputs["location_id"], shopify.location_id)
    qtbot.keyClick(screen.save_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)  # beside WEB
    assert memory_keyring.store.get(("oms-desktop", "channel:main-shop:access_token")) == TOKEN, (memory_keyring.store, screen.model.rows)
    assert screen.form.inputs["access_token"].text() == "", "a secret is never shown again"

    qtbot.keyClick(screen.test_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "Emulated shop" in screen.status.text(), timeout=10_000)

    qtbot.keyClick(screen.table, Qt.Key_F5)
    qtbot.waitUntil(lambda: "created 30" in screen.status.text(), timeout=30_000)
    assert "failed 1" in screen.status.text() and "stock: 1 SKU pushed" in screen.status.text()
    assert shopify.available("SKU-1") == 0
    qtbot.waitUntil(lambda: screen.errors.model.rowCount() == 1, timeout=10_000)
    screen.tabs.setCurrentWidget(screen.errors)
    qtbot.waitUntil(lambda: "12,50" in screen.errors.raw.toPlainText())
    assert screen.runs.model.rowCount() == 1

    screen.grab().save(str(screenshot_dir / "channels.png"))


def test_a_schedule_starts_a_timer_and_the_drift_tab_shows_the_channels_stock(
        qtbot, screen, shopify, memory_keyring):
    from oms_desktop.model import SYSTEM
    from oms_desktop.services.channels import setup as channels

    channels.save_channel(screen._ctx.db, actor=SYSTEM, kind="shopify", name="Main shop",
                          values={"shop_url": shopify.url, "access_token": TOKEN,
                                  "location_id": shopify.location_id}, locations=["WH1"])
    screen.reload()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    screen.table.selectRow(0)
    qtbot.waitUntil(lambda: screen.current is not None and screen.current.code == "main-shop")
    screen.schedule_spin.setFocus()
    screen.schedule_spin.selectAll()
    qtbot.keyClicks(screen.schedule_spin, "15")
    qtbot.keyClick(screen.save_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "main-shop" in screen.timers, timeout=10_000)
    assert screen.timers["main-shop"].interval() == 15 * 60_000
    screen.tabs.setCurrentWidget(screen.drift)
    screen.drift.check.emit()
    qtbot.waitUntil(lambda: screen.drift.model.rowCount() == 3, timeout=10_000)
    sku1 = next(r for r in screen.drift.model.rows if r.sku == "SKU-1")
    assert (sku1.ours, sku1.channel_quantity, sku1.drift) == (0, 4, 4)
