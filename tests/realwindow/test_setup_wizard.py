"""A business owner's first day in the real window, by keyboard alone: on an empty database
the admin signs in and the set-up wizard opens by itself. The owner types the company, gives
the bins and catalogue files, scans the opening stock (a scanner's burst, capitals with Shift),
tries a carrier's rates and saves its key, prints a test label on a network label printer,
sets up the mail server and sends a test message, adds a packer, and reads the summary.
Tab, Enter, Page Down and Alt+letter only; what was done is read back from the database,
the keyring file, printers.json, the label printer and the mailbox."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from oms_desktop.ui.theme import LIGHT
from tests.carriers.emulators import EasyPostEmulator
from tests.carriers.zpl_printer import ZplPrinter
from tests.carriers.zpl_reader import barcodes
from tests.integration.test_notifications import PASSWORD, free_port, start
from tests.integration.test_setup_steps import RefusingMailbox
from tests.realwindow.conftest import USERS_LISTED
from tests.realwindow.polling import wait_until
from tests.realwindow.records import Records
from tests.realwindow.station import Station, cli, program_env

KEYRING = "keyrings.alt.file.PlaintextKeyring"
SETTING = "SELECT value FROM settings WHERE key = ?"


def write(path: Path, header: list[str], rows: list[list[str]]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return str(path)


class Wizard:
    """The wizard's own window, found by its title and given the keyboard."""

    def __init__(self, station: Station, folder: Path):
        self.station, self.folder = station, folder
        self.window = station.xdotool("search", "--sync", "--onlyvisible", "--name",
                                      "Set up your business", timeout=30).split()[0]
        station.xdotool("windowfocus", "--sync", self.window)

    def type(self, text: str) -> None:
        """A person's typing: slower than the shell's scanner gap (30 ms), which would take
        a fast run of keys ended by Tab for a scan."""
        self.station.type_by_hand(text, delay_ms=50)

    def press(self, *keys: str) -> None:
        self.station.press(*keys)

    def fill(self, *values: str) -> None:
        """Each value typed into the next field, Tab between them."""
        for i, value in enumerate(values):
            if i:
                self.press("Tab")
            if value:
                self.type(value)

    def shot(self, name: str) -> Path:
        path = self.folder / f"{name}.png"
        self.station.screenshot(path)
        return path


@pytest.fixture
def program(owner_desk) -> Station:
    """The station, by the name the suite's report hook looks for (a failure leaves a
    screenshot and the program's output)."""
    return owner_desk[0]


@pytest.fixture
def owner_desk(tmp_path, xserver):
    env = program_env(xserver.display, tmp_path / "home")
    env["PYTHON_KEYRING_BACKEND"] = KEYRING  # a keyring file in this test's own home
    url = f"sqlite:///{tmp_path / 'oms.sqlite3'}"
    cli(env, url, "db", "upgrade")
    cli({**env, "OMS_NEW_PIN": "1357"}, url, "users", "add", "owner", "--role", "admin",
        "--name", "Olive")
    station = Station.start(url, env=env, log_path=tmp_path / "program.log", name="OFFICE")
    yield station, Records(tmp_path / "oms.sqlite3"), tmp_path
    station.stop()


def sign_in(station: Station, records: Records, folder: Path) -> None:
    assert station.shows(LIGHT.accent, folder / "sign-in.png", at_least=USERS_LISTED), \
        station.output()
    station.type_by_hand("Oli")
    station.press("Return")
    station.type_by_hand("1357")
    station.press("Return")
    assert records.wait_for("SELECT 1 FROM audit_events WHERE action = 'sign_in' "
                            "AND actor_name = 'owner'"), station.output()


def test_an_owner_sets_up_the_business_by_keyboard_in_the_wizard(owner_desk, program):
    station, records, folder = owner_desk
    bins = write(folder / "bins.csv", ["site", "zone", "bin", "sequence"],
                 [["MAIN", "A", "A-01", "1"], ["MAIN", "A", "A-02", "2"]])
    catalogue = write(folder / "cat.csv", ["sku", "name", "barcode", "weight_g"],
                      [["MUG-BLUE", "Blue mug", "4006381333931", "350"],
                       ["CUP-RED", "Red cup", "", "200"]])
    sign_in(station, records, folder)
    wizard = Wizard(station, folder)  # opened by itself: an admin, an empty database

    # The company, typed; Tab to Save, Enter.
    wizard.fill("Cork & Clay", "Cork, Clay")
    wizard.press("Tab", "Return")
    assert records.wait_for(SETTING, "company.name") == [('"Cork & Clay"',)], station.output()
    wizard.shot("wizard-company")
    wizard.press("Next")  # Page Down: the store is skipped

    # Bins, then the catalogue, from files: the path, Tab past Browse (and the mapping), the
    # dry-run box, to Import.
    wizard.press("Next")
    wizard.fill(bins)
    wizard.press("Tab", "Tab", "Tab", "Return")
    assert records.wait_for("SELECT code FROM locations WHERE code = 'A-02'"), station.output()
    wizard.press("Next")
    wizard.fill(catalogue)
    wizard.press("Tab", "Tab", "Tab", "Tab", "Return")
    assert records.wait_for("SELECT sku FROM products WHERE sku = 'CUP-RED'"), station.output()
    wizard.press("Next", "Next", "Next")  # the store's catalogue and the stock file skipped

    # Opening stock by scanning: one burst of bin, product, quantity, product, quantity.
    for code in ("A-01", "MUG-BLUE", "6", "4006381333931", "2", "CUP-RED", "3"):
        station.scan(code)
    on_hand = "SELECT p.sku, s.on_hand FROM stock_levels s JOIN products p ON p.id = " \
        "s.product_id JOIN locations l ON l.id = s.location_id WHERE l.code = 'A-01' " \
        "ORDER BY p.sku"
    assert wait_until(lambda: records.rows(on_hand) == [("CUP-RED", 3), ("MUG-BLUE", 8)],
                      10), (records.rows(on_hand), station.output())
    wizard.shot("wizard-scan-stock")
    wizard.press("Next")

    with EasyPostEmulator() as easypost:
        # The carrier: EasyPost is offered; its key, its URL, Test rates, then Save.
        wizard.fill("", easypost.api_key)
        wizard.press("Tab", "ctrl+a")
        wizard.type(easypost.url)
        wizard.press("Tab", "Tab", "Return")
        assert wait_until(lambda: any(r[1] == "/v2/shipments" for r in easypost.requests),
                          10), station.output()
        wizard.shot("wizard-carrier-rates")
        wizard.press("Tab", "Return")
        assert records.wait_for(SETTING, "carrier.easypost.saved"), station.output()
    assert keyring_file(folder, "carrier:easypost") == easypost.api_key
    assert easypost.api_key not in json.dumps(records.rows("SELECT key, value FROM settings"))
    wizard.press("Next", "Next", "Next")  # boxes and shipping methods skipped

    # This station's label printer: name, kind (as offered), host, port; Alt+L tests it,
    # Alt+S saves it.
    with ZplPrinter() as printer:
        wizard.fill("Zebra pack 1", "", "127.0.0.1", str(printer.port))
        wizard.press("alt+l")
        [label] = printer.wait_for(1, timeout=15)
    assert any("TEST0000000001" in code for code in barcodes(label))
    wizard.press("alt+s")
    printers = folder / "home" / ".config" / "oms-desktop" / "printers.json"
    assert wait_until(printers.exists, 10), station.output()
    assert json.loads(printers.read_text())["label"]["name"] == "Zebra pack 1"
    wizard.press("Next")

    # E-mail through a real SMTP server: save, then Shift+Tab back to Send test.
    mailbox, port = RefusingMailbox(), free_port()
    controller = start(mailbox, port)
    try:
        wizard.fill("127.0.0.1", str(port), "n", "shop@example.com", "shop", PASSWORD,
                    "owner@example.com")
        wizard.press("Tab", "Tab", "Return")
        assert records.wait_for(SETTING, "smtp.sender"), station.output()
        wizard.press("shift+Tab", "Return")
        assert wait_until(lambda: mailbox.messages, 15), station.output()
    finally:
        controller.stop()
    assert mailbox.logins == [("shop", True)] and keyring_file(folder, "smtp:shop") == PASSWORD
    assert PASSWORD not in json.dumps(records.rows("SELECT key, value FROM settings"))
    wizard.press("Next")

    # A packer with a PIN; the role chosen by typing its first letter.
    wizard.fill("pia", "Pia", "p", "2468")
    wizard.press("Tab", "Return")
    assert records.wait_for("SELECT role FROM users WHERE username = 'pia'") == [("packer",)]
    wizard.press("Next")
    shot = wizard.shot("wizard-summary")
    assert station.shows("#065f46", shot, at_least=2_000), "the summary shows steps done"
    wizard.press("Return")  # Finish
    assert wait_until(lambda: not _wizard_shown(station), 10), "Finish closes the wizard"


def keyring_file(folder: Path, user: str) -> str | None:
    """What the program's keyring file holds for `user`."""
    from keyrings.alt.file import PlaintextKeyring

    [path] = (folder / "home").glob("**/keyring_pass.cfg")
    ring = PlaintextKeyring()
    ring.file_path = str(path)
    return ring.get_password("oms-desktop", user)


def _wizard_shown(station: Station) -> bool:
    """xdotool search exits 1 when nothing matches: that is the answer wanted here."""
    try:
        station.xdotool("search", "--onlyvisible", "--name", "Set up your business")
    except RuntimeError:
        return False
    return True
