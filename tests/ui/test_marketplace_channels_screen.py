"""Amazon, Etsy, Flipkart, BigCommerce, Magento and the Square till on the channels screen: each is offered with its own settings
form, saved from the keyboard (secrets to the keyring) and its connection tested against its
emulator; rendered for a look."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from oms_desktop.connectors.registry import connector_class
from oms_desktop.services.channels import setup as channels
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.channels import ChannelsScreen
from tests.connectors.conftest import memory_keyring  # noqa: F401 - fixture
from tests.connectors.marketplaces import PLATFORMS
from tests.factories import small_world
from tests.ui.test_channels_screen import MANAGER, themed, type_into  # noqa: F401 - fixture

EXPECTED = {"amazon": "Amazon seller on www.amazon.com (US, USD)",
            "etsy": "Etsy shop EmulatedCrafts (USD)",
            "flipkart": "Flipkart seller at LOCa1b2c3d4e5f6 (0 shipments to pack)",
            "bigcommerce": "BigCommerce store Emulated Outfitters (USD)",
            "magento": "Magento store with 0 orders",
            "square": "Square location Downtown store (USD)"}


@pytest.fixture(params=sorted(PLATFORMS))
def platform(request):
    p = PLATFORMS[request.param]()
    yield p
    p.stop()


@pytest.fixture
def screen(qtbot, sqlite_db, memory_keyring, themed):
    small_world(sqlite_db)
    ctx = AppContext(db=sqlite_db, actor=MANAGER, ops=Ops())
    widget = ChannelsScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1360, 900)
    widget.show()
    installed = len(channels.connector_kinds()[0])
    qtbot.waitUntil(lambda: widget.kind_box.count() == installed)
    yield widget
    ctx.ops.wait()


def test_each_marketplace_has_its_own_form_and_a_working_connection_test(
        qtbot, screen, platform, memory_keyring, screenshot_dir):
    screen.kind_box.setCurrentIndex(screen.kind_box.findData(platform.kind))
    qtbot.keyClick(screen.new_button, Qt.Key_Space)
    schema = connector_class(platform.kind).SETTINGS
    assert list(screen.form.inputs) == [f.name for f in schema]
    type_into(qtbot, screen.name_edit, f"My {platform.kind}")
    type_into(qtbot, screen.locations_edit, "WH1")
    for name, value in platform.values().items():
        editor = screen.form.inputs[name]
        if isinstance(editor, QLineEdit) and isinstance(value, str):
            type_into(qtbot, editor, value)
    qtbot.keyClick(screen.save_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
    secret = next(f.name for f in schema if f.secret)
    stored = memory_keyring.store.get(("oms-desktop", f"channel:my-{platform.kind}:{secret}"))
    assert stored == platform.values()[secret]
    assert screen.form.inputs[secret].text() == "", "a secret is never shown again"

    qtbot.keyClick(screen.test_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "✔" in screen.status.text() or "✘" in screen.status.text(),
                    timeout=15_000)
    assert screen.status.text() == f"✔ my-{platform.kind}: {EXPECTED[platform.kind]}"
    screen.grab().save(str(screenshot_dir / f"channels_{platform.kind}.png"))
