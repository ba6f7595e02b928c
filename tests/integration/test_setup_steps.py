"""The set-up's service steps on a real database of each kind, as a business owner does them
from the command line (the wizard calls the same services): a carrier with its key in the
keyring and its rates tried against the carrier's emulator, the mail server with a test
message through a real SMTP server (aiosmtpd), this station's printers with a test label
read back from a ZPL printer, and a user. Secrets never reach the database or the output."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import AuthResult

from oms_desktop.cli import main
from oms_desktop.errors import ConcurrentChange, OmsError, PermissionDenied, ValidationError
from oms_desktop.model import Actor, Role, Setting
from oms_desktop.plugins.errors import MissingCredential
from oms_desktop.services import setup_status
from oms_desktop.services.automation import email_setup
from oms_desktop.services.shipping import carrier_setup
from tests.carriers.conftest import easypost, memory_keyring  # noqa: F401 - fixtures
from tests.integration.test_notifications import PASSWORD, Mailbox, free_port, start

ADMIN = Actor("owner", Role.admin)
OTHER = Actor("olga", Role.admin)
PACKER = Actor("pat", Role.packer)


class RefusingMailbox(Mailbox):
    """A wrong password answered with 535 at once, as real mail servers do (aiosmtpd's own
    answer to a refused AuthResult is none, and the client waits for its timeout)."""

    def authenticate(self, *args):
        result = super().authenticate(*args)
        return result if result.success else AuthResult(
            success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")


@pytest.fixture
def mailbox():
    box, port = RefusingMailbox(), free_port()
    controller = start(box, port)
    box.port = port
    yield box
    controller.stop()


def stored_text(db) -> str:
    with db.uow(readonly=True) as uow:
        return json.dumps([[r.key, r.value] for r in uow.session.scalars(sa.select(Setting))])


def test_a_carrier_is_saved_with_its_key_in_the_keyring_and_its_rates_tried(db, memory_keyring, easypost):
    # Rates are tried with the key typed, before anything is saved.
    config = {"base_url": easypost.url}
    rates = carrier_setup.test_rates(db, name="easypost", config=config,
                                     api_key=easypost.api_key)
    assert rates and all(r.currency == "USD" for r in rates)
    assert [float(r.amount) for r in rates] == sorted(float(r.amount) for r in rates)
    assert carrier_setup.carrier_setup(db, "easypost").version == 0
    # A wrong key: the carrier's refusal in one line, the key not in it.
    with pytest.raises(OmsError) as refused:
        carrier_setup.test_rates(db, name="easypost", config=config, api_key="wrong-key-123")
    assert "wrong-key-123" not in str(refused.value) and "\n" not in str(refused.value)
    saved = carrier_setup.save_carrier(db, actor=ADMIN, name="easypost", config=config,
                                       api_key=easypost.api_key, seen_version=0)
    assert (saved.enabled, saved.has_key, saved.version, saved.saved_by) == \
        (True, True, 1, "owner")
    assert memory_keyring.get_password("oms-desktop", "carrier:easypost") == easypost.api_key
    assert easypost.api_key not in stored_text(db)
    # Saved: the test uses what is stored.
    assert carrier_setup.test_rates(db, name="easypost") == rates
    assert next(s for s in setup_status.setup_steps(db) if s.key == "carriers").done


def test_a_carrier_saved_meanwhile_refuses_the_stale_save_and_keeps_the_winners_key(db, memory_keyring,
                                                                                   easypost):
    config = {"base_url": easypost.url}
    carrier_setup.save_carrier(db, actor=ADMIN, name="easypost", config=config,
                               api_key="first-key", seen_version=0)
    with pytest.raises(ConcurrentChange, match=r"EasyPost was saved by owner at \d\d:\d\d"):
        carrier_setup.save_carrier(db, actor=OTHER, name="easypost", config=config,
                                   api_key="second-key", seen_version=0)
    assert memory_keyring.get_password("oms-desktop", "carrier:easypost") == "first-key"
    assert carrier_setup.carrier_setup(db, "easypost").version == 1


def test_bad_carrier_entries_are_one_line_and_save_nothing(db, memory_keyring):
    with pytest.raises(ValidationError, match="EasyPost needs its API key"):
        carrier_setup.save_carrier(db, actor=ADMIN, name="easypost", config={})
    with pytest.raises(ValidationError, match="Unknown setting"):
        carrier_setup.save_carrier(db, actor=ADMIN, name="easypost", config={"colour": "red"},
                                   api_key="k")
    with pytest.raises(PermissionDenied):
        carrier_setup.save_carrier(db, actor=PACKER, name="easypost", config={}, api_key="k")
    assert carrier_setup.carrier_setup(db, "easypost").version == 0
    assert memory_keyring.get_password("oms-desktop", "carrier:easypost") is None


def test_a_carrier_key_without_a_keyring_says_to_use_the_environment(db, monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with pytest.raises(MissingCredential, match="OMS_SECRET_CARRIER_EASYPOST_API_KEY"):
        carrier_setup.save_carrier(db, actor=ADMIN, name="easypost", config={},
                                   api_key="k-123")
    assert carrier_setup.carrier_setup(db, "easypost").version == 0  # nothing half saved


def test_email_is_saved_and_a_test_message_goes_through_a_real_smtp_server(db, memory_keyring, mailbox):
    saved = email_setup.save_email(db, actor=ADMIN, host="127.0.0.1", port=mailbox.port,
                                   security="none", sender="shop@example.com",
                                   username="shop", password=PASSWORD)
    assert saved.done and saved.has_password
    assert memory_keyring.get_password("oms-desktop", "smtp:shop") == PASSWORD
    assert PASSWORD not in stored_text(db)
    answer = email_setup.send_test(db, to="owner@example.com")
    assert answer == f"Test message sent to owner@example.com through 127.0.0.1:{mailbox.port}"
    [message] = mailbox.messages
    assert message["To"] == "owner@example.com" and "test message" in message["Subject"]
    assert mailbox.logins == [("shop", True)]
    assert next(s for s in setup_status.setup_steps(db) if s.key == "email").done


def test_a_wrong_mail_password_is_one_line_without_the_password(db, memory_keyring, mailbox):
    email_setup.save_email(db, actor=ADMIN, host="127.0.0.1", port=mailbox.port,
                           security="none", sender="shop@example.com", username="shop")
    with pytest.raises(OmsError) as refused:
        email_setup.send_test(db, to="owner@example.com", password="not-the-Password-9")
    text = str(refused.value)
    assert "did not take the test message" in text and "Authentication" in text
    assert "not-the-Password-9" not in text and "\n" not in text
    assert mailbox.messages == []


def test_the_mail_password_comes_from_the_environment_without_a_keyring(db, mailbox,
                                                                        monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    monkeypatch.setenv("OMS_SECRET_SMTP_SHOP", PASSWORD)
    email_setup.save_email(db, actor=ADMIN, host="127.0.0.1", port=mailbox.port,
                           security="none", sender="shop@example.com", username="shop")
    email_setup.send_test(db, to="owner@example.com")
    assert mailbox.logins == [("shop", True)] and len(mailbox.messages) == 1


def test_bad_email_settings_are_refused_before_anything_is_saved(db, memory_keyring):
    with pytest.raises(ValidationError, match="is not a host name"):
        email_setup.save_email(db, actor=ADMIN, host="smtp://mail", sender="a@b.example")
    with pytest.raises(ValidationError, match="needs its login name"):
        email_setup.save_email(db, actor=ADMIN, host="mail.example.com",
                               sender="a@b.example", password="x")
    with pytest.raises(OmsError, match="E-mail is not set up"):
        email_setup.send_test(db, to="owner@example.com")
    assert not email_setup.email_setup(db).done


def test_the_checklist_has_printers_and_email_and_the_wizard_opens_only_when_due(db):
    keys = [s.key for s in setup_status.setup_steps(db)]
    assert keys[-3:] == ["printers", "email", "users"]
    assert setup_status.wizard_due(db, ADMIN) and not setup_status.wizard_due(db, PACKER)
    setup_status.dismiss_wizard(db, actor=ADMIN)
    assert not setup_status.wizard_due(db, ADMIN)
    setup_status.dismiss_wizard(db, actor=ADMIN, dismissed=False)
    setup_status.set_company(db, actor=ADMIN, name="Cork & Clay")
    assert not setup_status.wizard_due(db, ADMIN)


def test_a_business_sets_up_its_services_from_the_command_line(
        db_url, db, cli_admin, memory_keyring, easypost, mailbox, tmp_path, capsys, monkeypatch):
    from tests.carriers.zpl_printer import ZplPrinter
    from tests.carriers.zpl_reader import barcodes
    from oms_desktop.services.printer_setup import TEST_CODE

    def run(*words, stdin: str = ""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return (main([*words, "--db", db_url]), *capsys.readouterr())

    code, out, err = run("setup", "carrier", "easypost", "--set", f"base_url={easypost.url}",
                         "--key", "-", "--test-rates", stdin=easypost.api_key + "\n")
    assert code == 0, err
    assert "key stored" in out and "USPS" in out and easypost.api_key not in out
    code, _, err = run("setup", "carrier", "easypost", "--key", easypost.api_key)
    assert code == 2 and "never on the command line" in err
    code, out, err = run("setup", "email", "--host", "127.0.0.1", "--port", str(mailbox.port),
                         "--security", "none", "--sender", "shop@example.com",
                         "--username", "shop", "--password", "-", "--test-to",
                         "owner@example.com", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "Test message sent to owner@example.com" in out and PASSWORD not in out + err
    assert len(mailbox.messages) == 1
    with ZplPrinter() as printer:
        code, out, err = run("setup", "printer", "label", "--name", "Zebra", "--kind",
                             "zpl_tcp", "--host", "127.0.0.1", "--port", str(printer.port),
                             "--test")
        assert code == 0, err
        [label] = printer.wait_for(1)
    assert any(TEST_CODE in c for c in barcodes(label)) and "Test label sent" in out
    monkeypatch.setenv("OMS_NEW_PIN", "8642")
    code, out, err = run("setup", "user", "pia", "--role", "packer", "--name", "Pia")
    assert code == 0 and "pia" in out, err
    code, out, err = run("setup", "status", "--json")
    done = {s["key"]: s["done"] for s in json.loads(out)}
    assert done["carriers"] and done["email"] and done["printers"] and done["users"]


def scanned_world(db, tmp_path):
    from oms_desktop.model import SYSTEM
    from oms_desktop.services.inventory import catalog_import, site_import
    from tests.integration.test_catalogue_import import write_csv

    site_import.import_bins(db, actor=SYSTEM, path=write_csv(
        tmp_path / "bins.csv", ["site", "zone", "bin"], [["MAIN", "A", "A-01"]]))
    catalog_import.import_catalogue(db, actor=SYSTEM, path=write_csv(
        tmp_path / "cat.csv", ["sku", "name", "barcode"],
        [["MUG-BLUE", "Blue mug", "4006381333931"]]))


def test_opening_stock_by_scanning_is_received_once_per_scan(db, tmp_path):
    from oms_desktop.services.inventory import scan_receipt, stock

    scanned_world(db, tmp_path)
    first = scan_receipt.receive_scanned(db, actor=ADMIN, bin="A-01", code="MUG-BLUE",
                                         quantity=6, request_id="scan:1")
    assert (first.sku, first.on_hand) == ("MUG-BLUE", 6)
    by_barcode = scan_receipt.receive_scanned(db, actor=ADMIN, bin=" A-01 ",
                                              code="4006381333931", quantity=2,
                                              request_id="scan:2")
    assert by_barcode.on_hand == 8
    with pytest.raises(ConcurrentChange):  # the same scan sent again (a double Enter)
        scan_receipt.receive_scanned(db, actor=ADMIN, bin="A-01", code="MUG-BLUE",
                                     quantity=6, request_id="scan:1")
    for bad, message in ((dict(bin="MAIN"), "MAIN is a warehouse, not a bin"),
                         (dict(bin="Z-99"), "No location with code 'Z-99'"),
                         (dict(code="NOPE"), "No product with SKU or barcode 'NOPE'"),
                         (dict(quantity=0), "A quantity is 1 to 100,000, not 0")):
        values = dict(bin="A-01", code="MUG-BLUE", quantity=1) | bad
        with pytest.raises(OmsError, match=message):
            scan_receipt.receive_scanned(db, actor=ADMIN, **values)
    assert [r.on_hand for r in stock.levels(db, sku="MUG-BLUE")] == [8]
    assert stock.reconcile(db) == []
