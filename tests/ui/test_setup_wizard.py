"""The first-run set-up in the window: the dashboard's checklist of what is not set up, and
the wizard whose steps can be done or skipped, typed at the keyboard."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from oms_desktop.model import Actor, Role
from oms_desktop.services import setup_status
from oms_desktop.services.inventory import stock
from oms_desktop.services.users import accounts
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.dashboard import DashboardScreen
from oms_desktop.ui.wizard.pages import CompanyPage, FilePage, UsersPage
from oms_desktop.ui.wizard.setup_wizard import SetupWizard
from tests.integration.test_catalogue_import import write_csv

OWNER = Actor("owner", Role.admin, station="OFFICE")


@pytest.fixture
def ctx(sqlite_db):
    accounts.create_first_admin(sqlite_db, username="owner", display_name="Olive", secret="1357")
    return AppContext(db=sqlite_db, actor=OWNER, ops=Ops())


def open_dashboard(qtbot, ctx):
    screen = DashboardScreen(ctx, use_charts=False)
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    qtbot.waitUntil(lambda: screen.setup.steps is not None, timeout=15000)
    return screen


def act(qtbot, page, ctx):
    page.button.click()
    qtbot.waitUntil(lambda: page.button.isEnabled() and bool(page.outcome.text()), timeout=15000)
    ctx.ops.wait()
    return page.outcome.text()


def test_the_dashboard_lists_what_a_new_business_has_not_set_up(qtbot, ctx, screenshot_dir):
    screen = open_dashboard(qtbot, ctx)
    assert screen.setup.isVisible()
    assert screen.setup.missing() == ["company", "sites", "catalogue", "stock", "channels",
                                      "carriers", "boxes", "printers", "email", "users"]
    screen.grab().save(str(screenshot_dir / "dashboard-setup-checklist.png"))


def test_the_wizard_sets_up_company_bins_catalogue_stock_and_a_user(
        qtbot, ctx, tmp_path, screenshot_dir):
    bins = write_csv(tmp_path / "bins.csv", ["site", "zone", "bin", "sequence"],
                     [["MAIN", "A", "A-01", "1"]])
    catalogue = write_csv(tmp_path / "cat.csv", ["Code", "Title", "EAN"],
                          [["MUG", "Mug", "4006381333931"], ["BAD", "Bad", "4006381333932"]])
    counted = write_csv(tmp_path / "stock.csv", ["sku", "location", "quantity", "unit_cost"],
                        [["MUG", "A-01", "6", "2.00"]])
    wizard = SetupWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    company, _channel, bins_page, catalogue_page, store_page, stock_page = wizard.pages[:6]
    users, done = wizard.pages[-2:]
    assert isinstance(company, CompanyPage) and isinstance(users, UsersPage)

    # The company, typed.
    qtbot.keyClicks(company.name, "Cork & Clay")
    qtbot.keyClicks(company.brands, "Cork, Clay")
    assert act(qtbot, company, ctx) == "Saved: Cork & Clay (Cork, Clay)"
    wizard.grab().save(str(screenshot_dir / "wizard-company.png"))

    # The store is skipped; bins from a file; the catalogue with a mapping, its bad row kept
    # aside.
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is bins_page
    bins_page.path.setText(str(bins))
    assert act(qtbot, bins_page, ctx).startswith("1 rows: 1 saved, 0 rejected")
    wizard.next()
    assert isinstance(catalogue_page, FilePage)
    catalogue_page.path.setText(str(catalogue))
    qtbot.keyClicks(catalogue_page.mapping, "sku=Code,name=Title,barcode=EAN")
    outcome = act(qtbot, catalogue_page, ctx)
    assert "1 new" in outcome and "1 rejected" in outcome and "cat.rejected.csv" in outcome
    wizard.grab().save(str(screenshot_dir / "wizard-catalogue.png"))

    # No store connected: the store step says so and is skipped.
    wizard.next()
    assert wizard.currentPage() is store_page
    assert "No store is connected" in act(qtbot, store_page, ctx)
    wizard.next()
    stock_page.path.setText(str(counted))
    assert "1 received" in act(qtbot, stock_page, ctx)
    assert [(r.location, r.on_hand) for r in stock.levels(ctx.db, sku="MUG")] == [("A-01", 6)]

    # A packer with a PIN (the service pages between are skipped).
    while wizard.currentPage() is not users:
        wizard.next()
    qtbot.keyClicks(users.username, "pia")
    users.role.setCurrentIndex(users.role.findData("packer"))
    qtbot.keyClicks(users.pin, "2468")
    assert act(qtbot, users, ctx) == "Added pia (packer)"

    # The last page lists what is done and what is skipped.
    wizard.next()
    qtbot.waitUntil(lambda: done.steps is not None, timeout=15000)
    assert done.skipped_keys() == ["channels", "carriers", "boxes", "printers", "email"]
    rows = lambda: [w.text() for w in done.findChildren(QLabel) if w.isVisible()]  # noqa: E731
    qtbot.waitUntil(lambda: any(t.startswith("–  Carriers: skipped") for t in rows()),
                    timeout=5000)
    wizard.grab().save(str(screenshot_dir / "wizard-done.png"))
    assert wizard.button(QWizard.FinishButton).isVisible()


def test_a_bad_entry_is_one_line_on_the_page_and_nothing_is_saved(qtbot, ctx):
    wizard = SetupWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    company = wizard.pages[0]
    assert act(qtbot, company, ctx) == "A company name is 1 to 128 characters"
    assert setup_status.company(ctx.db).name is None
    bins_page = wizard.pages[2]
    wizard.open_at("sites")
    qtbot.mouseClick(bins_page.button, Qt.LeftButton)
    assert bins_page.outcome.text() == "Choose a file first"


def test_the_checklist_button_opens_the_wizard(qtbot, ctx):
    screen = open_dashboard(qtbot, ctx)
    screen.setup.button.click()
    assert screen.wizard is not None and screen.wizard.isVisible()
    screen.wizard.close()


def test_printers_are_edited_in_settings_and_a_test_label_reaches_the_printer(
        qtbot, ctx, tmp_path, monkeypatch, screenshot_dir):
    from oms_desktop.devices.printing import load_station
    from oms_desktop.services.printer_setup import TEST_CODE
    from oms_desktop.ui.widgets.printer_profiles import PrinterProfilesPanel
    from tests.carriers.zpl_printer import ZplPrinter
    from tests.carriers.zpl_reader import barcodes

    monkeypatch.setenv("OMS_PRINTERS_FILE", str(tmp_path / "printers.json"))
    panel = PrinterProfilesPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(900, 760)
    panel.show()
    with ZplPrinter() as printer:
        form = panel.label_form
        qtbot.keyClicks(form.name, "Zebra at pack 1")
        qtbot.keyClicks(form.host, "127.0.0.1")
        port = printer.port
        form.port.setValue(port)
        panel.test_label.click()
        qtbot.waitUntil(lambda: panel.outcome.text().startswith("Test label sent"), timeout=10000)
        [label] = printer.wait_for(1)
    assert any(TEST_CODE in code for code in barcodes(label)), label
    panel.save.click()
    assert panel.outcome.text() == "Saved for this station."
    assert load_station().label.port == port
    # A thermal printer does not take a pick list: said in one line, nothing sent.
    panel.document_form.name.setText("Same zebra")
    panel.document_form.host.setText("127.0.0.1")
    panel.test_pick.click()
    qtbot.waitUntil(lambda: "pick lists go to a document printer" in panel.outcome.text(),
                    timeout=10000)
    panel.grab().save(str(screenshot_dir / "settings-printers.png"))
