"""The wizard's service steps in the window (pytest-qt, offscreen), typed as an owner would:
a carrier with its key and a test of its rates against the carrier's emulator, the mail
server with a test message through a real SMTP server, opening stock by scanning, the summary
of what is done and skipped, the checklist's rows opening their step, and the wizard opening
by itself for an admin on an empty database (never on the demo) until it is dismissed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWizard

from oms_desktop.model import SYSTEM, Actor, Role
from oms_desktop.services import settings, setup_status
from oms_desktop.services.inventory import stock
from oms_desktop.services.shipping import carrier_setup
from oms_desktop.services.users import accounts
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.dashboard import DashboardScreen
from oms_desktop.ui.wizard.scan_page import ScanStockPage
from oms_desktop.ui.wizard.service_pages import CarrierPage, EmailPage
from oms_desktop.ui.wizard.setup_wizard import SetupWizard
from tests.carriers.emulators import EasyPostEmulator
from tests.integration.test_setup_steps import PASSWORD, stored_text
from tests.integration.test_setup_steps import mailbox  # noqa: F401 - fixture
from tests.keyrings import memory_keyring_installed
from tests.ui.shell_support import demo_db, make_window, sign_in, station_settings  # noqa: F401

OWNER = Actor("owner", Role.admin, station="OFFICE")


@pytest.fixture
def ctx(sqlite_db):
    accounts.create_first_admin(sqlite_db, username="owner", display_name="Olive", secret="1357")
    return AppContext(db=sqlite_db, actor=OWNER, ops=Ops())


@pytest.fixture
def ring():
    with memory_keyring_installed() as ring:
        yield ring


@pytest.fixture
def wizard(qtbot, ctx, ring):
    """(After the test keyring: the pages' first reads of the keyring run on the worker, and
    keyring's own first use would put the machine's backend back over it.)"""
    made = SetupWizard(ctx)
    qtbot.addWidget(made)
    made.show()
    yield made
    ctx.ops.wait()


def outcome_after(qtbot, ctx, page, button, text: str) -> str:
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: text in page.outcome.text(), timeout=15000)
    ctx.ops.wait()
    return page.outcome.text()


def test_a_carrier_is_tried_and_saved_and_a_save_made_meanwhile_is_named(
        qtbot, ctx, ring, wizard, screenshot_dir):
    wizard.open_at("carriers")
    page = wizard.currentPage()
    assert isinstance(page, CarrierPage) and page.carrier.currentText() == "easypost"
    qtbot.waitUntil(lambda: page.seen == 0, timeout=10000)
    with EasyPostEmulator() as easypost:
        base_url = page.settings.inputs["base_url"]
        base_url.clear()
        qtbot.keyClicks(base_url, easypost.url)
        qtbot.keyClicks(page.key, easypost.api_key)
        rates = outcome_after(qtbot, ctx, page, page.test, "Rates for a 1 kg test parcel")
        assert "USPS" in rates and easypost.api_key not in rates
        wizard.grab().save(str(screenshot_dir / "wizard-carrier-rates.png"))
        saved = outcome_after(qtbot, ctx, page, page.button, "Saved EasyPost")
        assert saved == "Saved EasyPost; its key is in the keyring" and page.key.text() == ""
        assert ring.get_password("oms-desktop", "carrier:easypost") == easypost.api_key
        assert easypost.api_key not in stored_text(ctx.db)
        # Another admin saves it meanwhile: this page's next save is refused, naming them.
        carrier_setup.save_carrier(ctx.db, actor=Actor("olga", Role.admin), name="easypost",
                                   config={"base_url": easypost.url}, seen_version=1)
        refused = outcome_after(qtbot, ctx, page, page.button, "was saved by olga")
        assert "look at it again" in refused
    assert carrier_setup.carrier_setup(ctx.db, "easypost").saved_by == "olga"


def test_email_is_saved_and_a_test_message_arrives(qtbot, ctx, ring, wizard,
                                                    mailbox):  # noqa: F811
    wizard.open_at("email")
    page = wizard.currentPage()
    assert isinstance(page, EmailPage)
    qtbot.keyClicks(page.host, "127.0.0.1")
    page.port.setValue(mailbox.port)
    page.security.setCurrentIndex(page.security.findData("none"))
    qtbot.keyClicks(page.sender, "shop@example.com")
    qtbot.keyClicks(page.username, "shop")
    qtbot.keyClicks(page.password, PASSWORD)
    assert outcome_after(qtbot, ctx, page, page.button, "Saved") == \
        f"Saved: shop@example.com through 127.0.0.1:{mailbox.port}"
    assert page.password.text() == "" and PASSWORD not in stored_text(ctx.db)
    qtbot.keyClicks(page.to, "owner@example.com")
    sent = outcome_after(qtbot, ctx, page, page.test, "Test message sent")
    assert sent.startswith("Test message sent to owner@example.com")
    assert len(mailbox.messages) == 1 and mailbox.logins == [("shop", True)]


def scan(qtbot, field, text: str) -> None:
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key_Return)


def test_opening_stock_by_scanning_bin_product_and_quantity(qtbot, ctx, wizard, screenshot_dir):
    from tests.integration.test_catalogue_import import write_csv
    from oms_desktop.services.inventory import catalog_import, site_import
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    site_import.import_bins(ctx.db, actor=SYSTEM, path=write_csv(
        folder / "bins.csv", ["site", "zone", "bin"],
        [["MAIN", "A", "A-01"], ["MAIN", "A", "A-02"]]))
    catalog_import.import_catalogue(ctx.db, actor=SYSTEM, path=write_csv(
        folder / "cat.csv", ["sku", "name", "barcode"],
        [["MUG-BLUE", "Blue mug", "4006381333931"], ["CUP", "Cup", ""]]))
    page = next(p for p in wizard.pages if isinstance(p, ScanStockPage))
    wizard.open_at("stock")
    wizard.next()
    assert wizard.currentPage() is page
    # A product before any bin is refused; then bin, product, quantity, twice.
    scan(qtbot, page.product_field, "CUP")
    assert page.feedback.text() == "Scan the bin first"
    scan(qtbot, page.bin_field, "A-01")
    scan(qtbot, page.product_field, "MUG-BLUE")
    qtbot.keyClicks(page.quantity, "6")
    qtbot.keyClick(page.quantity, Qt.Key_Return)
    scan(qtbot, page.product_field, "4006381333931")  # the same mug by its barcode
    qtbot.keyClicks(page.quantity, "2")
    qtbot.keyClick(page.quantity, Qt.Key_Return)
    qtbot.waitUntil(lambda: page.received.count() == 2, timeout=10000)
    assert page.received.item(0).text() == "2 × MUG-BLUE (Blue mug) into A-01: 8 there now"
    assert wizard.currentPage() is page, "Enter in a scan field never presses Next"
    # A site is not a bin: one red line, the bin field again.
    scan(qtbot, page.bin_field, "MAIN")
    qtbot.waitUntil(lambda: "not a bin" in page.feedback.text(), timeout=10000)
    assert page.bin_field.hasFocus() or not wizard.isActiveWindow()
    wizard.grab().save(str(screenshot_dir / "wizard-scan-stock.png"))
    ctx.ops.wait()
    assert [(r.location, r.on_hand) for r in stock.levels(ctx.db, sku="MUG-BLUE")] == \
        [("A-01", 8)]
    assert stock.reconcile(ctx.db) == []


def test_the_summary_lists_done_and_skipped_and_a_checklist_row_opens_its_step(qtbot, ctx):
    setup_status.set_company(ctx.db, actor=OWNER, name="Cork & Clay")
    screen = DashboardScreen(ctx, use_charts=False)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.setup.steps is not None, timeout=15000)
    rows = {b.accessibleName(): b for b in screen.setup.findChildren(QPushButton)}
    assert "Company and brands" not in rows and "Printers" in rows and "Customer e-mail" in rows
    # The checklist's button resumes at the first step not done (the company is done), with
    # the pages before it a Back away.
    qtbot.mouseClick(screen.setup.button, Qt.LeftButton)
    wizard = screen.wizard
    assert wizard.currentId() == wizard.steps["sites"]
    assert wizard.button(QWizard.BackButton).isEnabled()
    qtbot.mouseClick(rows["Carriers"], Qt.LeftButton)
    assert wizard.isVisible() and isinstance(wizard.currentPage(), CarrierPage)
    wizard.open_at("users")
    wizard.next()
    summary = wizard.currentPage()
    qtbot.waitUntil(lambda: summary.steps is not None, timeout=15000)
    assert summary.done_keys() == ["company"]
    assert "printers" in summary.skipped_keys() and "email" in summary.skipped_keys()
    texts = [w.text() for w in summary.findChildren(QLabel)]
    assert "✔  Company and brands: done" in texts
    wizard.close()
    ctx.ops.wait()


def test_the_wizard_opens_by_itself_for_an_admin_on_an_empty_database_until_dismissed(
        qtbot, make_window, tmp_path, sqlite_template):
    import shutil

    from oms_desktop.storage import Database

    shutil.copy(sqlite_template, tmp_path / "empty.sqlite3")
    empty = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    accounts.create_first_admin(empty, username="admin", display_name="Ada", secret="1111")
    window = make_window("admin", db=empty)
    qtbot.waitUntil(lambda: getattr(window.current_screen(), "wizard", None) is not None
                    and window.current_screen().wizard.isVisible(), timeout=15000)
    wizard = window.current_screen().wizard
    qtbot.mouseClick(wizard.button(QWizard.CustomButton1), Qt.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10000)
    assert settings.read(empty, setup_status.WIZARD_DISMISSED) is True
    assert not setup_status.wizard_due(empty, window.ctx.actor)
    window.close()
    empty.dispose()


def test_the_demo_never_opens_the_wizard_by_itself(qtbot, make_window):
    window = make_window("admin")
    window.ops.wait()
    qtbot.wait(300)
    window.ops.wait()
    screen = window.current_screen()
    assert getattr(screen, "wizard", None) is None


def test_the_store_is_connected_with_its_token_in_the_keyring(qtbot, ctx, ring, wizard):
    from oms_desktop.services.channels import setup as channels
    from oms_desktop.ui.wizard.service_pages import ChannelPage

    wizard.open_at("channels")
    page = wizard.currentPage()
    assert isinstance(page, ChannelPage)
    # Without a name: one line, nothing saved.
    assert outcome_after(qtbot, ctx, page, page.button, "Name") == "Name the store first"
    page.kind.setCurrentIndex(page.kind.findData("shopify"))
    qtbot.keyClicks(page.name, "Web shop")
    qtbot.keyClicks(page.settings.inputs["shop_url"], "https://cork-clay.myshopify.com")
    qtbot.keyClicks(page.settings.inputs["access_token"], "shpat_0123456789abcdef")
    done = outcome_after(qtbot, ctx, page, page.button, "Connected")
    assert done == "Connected: Web shop (web-shop); its keys are in the keyring"
    assert ring.get_password("oms-desktop", "channel:web-shop:access_token") == \
        "shpat_0123456789abcdef"
    assert "shpat_0123456789abcdef" not in stored_text(ctx.db)
    [channel] = channels.list_channels(ctx.db)
    assert channel.code == "web-shop" and channel.secrets_set["access_token"]
    assert "shpat_0123456789abcdef" not in str(channel.settings)
