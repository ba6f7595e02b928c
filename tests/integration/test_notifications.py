import email
import socket
import ssl
from datetime import timedelta
from decimal import Decimal
from email import policy as email_policy

import keyring
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from keyring.backends import fail

from oms_desktop.errors import OmsError, ValidationError
from oms_desktop.model import (
    Actor, Channel, CustomerKind, OutboxMessage, Refund, Return, Role, Shipment, ShipmentStatus,
    utcnow,
)
from oms_desktop.services.automation import notifications
from oms_desktop.services.automation import rules
from oms_desktop.services import settings
from tests.factories import small_world
from tests.keyrings import memory_keyring_installed
from oms_desktop.services import events as ev
from tests.integration.rules_helpers import fire, make_order

MANAGER = Actor("mia", Role.manager)
SYNC = Actor("system", Role.admin).via("sync:web")
PASSWORD = "s3cret-smtp"


class Mailbox:
    """An aiosmtpd handler keeping what arrives; it refuses recipients at `refuse`."""

    def __init__(self):
        self.messages, self.logins, self.refuse = [], [], set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email_policy.default))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
        self.logins.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(mailbox: Mailbox, port: int) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, auth_require_tls=False,
                            authenticator=mailbox.authenticate)
    controller.start()
    return controller


@pytest.fixture
def memory_keyring():
    with memory_keyring_installed() as ring:
        ring.set_password("oms-desktop", "smtp:shop", PASSWORD)
        yield ring


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def mailbox(port):
    box = Mailbox()
    controller = start(box, port)
    yield box
    controller.stop()


@pytest.fixture
def world(db, port, memory_keyring):
    small_world(db)
    for key, value in {"smtp.host": "127.0.0.1", "smtp.port": port, "smtp.security": "none",
                       "smtp.sender": "shop@example.com", "smtp.username": "shop",
                       "notifications.retry_base_seconds": 60}.items():
        settings.write(db, actor=MANAGER, key=key, value=value)
    return db


def outbox_rows(db) -> list[dict]:
    with db.uow(readonly=True) as uow:
        return [dict(r._mapping) for r in uow.session.execute(
            sa.select(OutboxMessage.__table__).order_by(OutboxMessage.id))]


def ship(db, order_id, *, carrier="ups", tracking="1Z999AA10123456784") -> int:
    with db.uow() as uow:
        shipment = Shipment(order_id=order_id, status=ShipmentStatus.shipped, carrier=carrier,
                            tracking_number=tracking)
        uow.session.add(shipment)
        uow.commit()
        return shipment.id


def test_the_confirmation_arrives_once_even_when_the_import_fires_twice(world, mailbox):
    oid = make_order(world, "1001", email="ann@example.com", publish_as=SYNC)
    fire(world, ev.OrderImported(actor=SYNC, order_id=oid))

    assert notifications.send_pending(world) == notifications.SendReport(1, 0, 0)
    assert notifications.send_pending(world) == notifications.SendReport(0, 0, 0)

    [message] = mailbox.messages
    assert message["To"] == "ann@example.com" and message["From"] == "shop@example.com"
    assert message["Subject"] == "Your order 1001 is confirmed"
    assert "thank you for your order 1001 at Web shop" in \
        message.get_body(("plain",)).get_content()
    assert "<p>Hello Ann 1001,</p>" in message.get_body(("html",)).get_content()
    assert mailbox.logins == [("shop", True)]
    [row] = outbox_rows(world)
    assert (row["status"], row["attempts"]) == ("sent", 1)


def test_the_shipped_mail_has_the_carrier_and_tracking_link_in_the_customers_language(
        world, mailbox):
    oid = make_order(world, "2001", email="jonas@example.de", language="de-DE")
    sid = ship(world, oid)
    fire(world, ev.ShipmentShipped(actor=SYNC, order_id=oid, shipment_id=sid))
    fire(world, ev.ShipmentShipped(actor=SYNC, order_id=oid, shipment_id=sid))

    notifications.send_pending(world)

    [message] = mailbox.messages
    assert message["Subject"] == "Ihre Bestellung 2001 wurde versandt"
    text = message.get_body(("plain",)).get_content()
    assert "mit UPS unterwegs. Sendungsnummer: 1Z999AA10123456784" in text
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in text
    assert 'href="https://www.ups.com/track?tracknum=1Z999AA10123456784"' in \
        message.get_body(("html",)).get_content()


def test_the_channel_language_is_used_when_the_customer_has_none(world, mailbox):
    with world.uow() as uow:
        uow.session.scalar(sa.select(Channel)).language = "fr"
        uow.commit()
    make_order(world, "3001", language=None, publish_as=SYNC)
    make_order(world, "3002", language="en", publish_as=SYNC)
    notifications.send_pending(world)
    assert sorted(m["Subject"] for m in mailbox.messages) == [
        "Votre commande 3001 est confirmée", "Your order 3002 is confirmed"]


def test_a_failed_send_is_kept_retried_later_with_backoff_and_then_delivered(world, port):
    oid = make_order(world, "4001", publish_as=SYNC)  # no SMTP server listening yet

    first = notifications.send_pending(world)

    assert first == notifications.SendReport(0, 1, 0)
    [row] = outbox_rows(world)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "Connection refused" in row["last_error"] or "Errno" in row["last_error"]
    wait = row["next_attempt_at"] - utcnow()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)
    assert notifications.send_pending(world) == notifications.SendReport(0, 0, 0)  # not due

    later = utcnow() + timedelta(seconds=61)
    assert notifications.send_pending(world, now=later) == notifications.SendReport(0, 1, 0)
    [row] = outbox_rows(world)
    assert row["attempts"] == 2
    assert row["next_attempt_at"] - later > timedelta(seconds=110)  # doubled

    box = Mailbox()
    controller = start(box, port)  # the server is back
    try:
        report = notifications.send_pending(world, now=later + timedelta(minutes=3))
    finally:
        controller.stop()
    assert report == notifications.SendReport(1, 0, 0)
    assert [m["Subject"] for m in box.messages] == ["Your order 4001 is confirmed"]
    assert outbox_rows(world)[0]["status"] == "sent" and oid


def test_a_recipient_refused_for_good_is_marked_failed_and_kept(world, mailbox):
    mailbox.refuse.add("gone@example.com")
    make_order(world, "5001", email="gone@example.com", publish_as=SYNC)
    make_order(world, "5002", email="here@example.com", publish_as=SYNC)

    assert notifications.send_pending(world) == notifications.SendReport(1, 0, 1)
    rows = {r["recipient"]: r for r in outbox_rows(world)}
    assert rows["gone@example.com"]["status"] == "failed"
    assert "550" in rows["gone@example.com"]["last_error"]
    assert [v.key for v in notifications.outbox(world, status="failed")] == [
        rows["gone@example.com"]["key"]]


def test_without_a_keyring_backend_sending_stops_with_a_clear_message_and_loses_nothing(
        world, mailbox):
    make_order(world, "6001", publish_as=SYNC)
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(OmsError, match="No usable keyring to read the SMTP password"):
        notifications.send_pending(world)
    [row] = outbox_rows(world)
    assert (row["status"], row["attempts"]) == ("pending", 0)
    assert mailbox.messages == []


def test_pickup_return_and_refund_mails_carry_their_details(world, mailbox):
    oid = make_order(world, "7001")
    with world.uow() as uow:
        s = uow.session
        pickup = Shipment(order_id=oid, status=ShipmentStatus.ready_for_pickup,
                          pickup_code="K7Q2", location_id=s.scalar(sa.text(
                              "select id from locations where code = 'STORE1'")))
        rma = Return(rma_number="RMA-0042", order_id=oid)
        refund = Refund(order_id=oid, currency="EUR", amount=Decimal("19.5"), created_by="mia")
        s.add_all([pickup, rma, refund])
        uow.commit()
        ids = pickup.id, rma.id, refund.id
    fire(world, ev.ShipmentReadyForPickup(actor=SYNC, order_id=oid, shipment_id=ids[0],
                                          pickup_code="4711"))
    fire(world, ev.ReturnReceived(actor=SYNC, order_id=oid, return_id=ids[1]))
    fire(world, ev.RefundIssued(actor=SYNC, order_id=oid, refund_id=ids[2], return_id=ids[1]))
    fire(world, ev.RefundIssued(actor=SYNC, order_id=oid, refund_id=ids[2], return_id=ids[1]))

    notifications.send_pending(world)

    bodies = {m["Subject"]: m.get_body(("plain",)).get_content() for m in mailbox.messages}
    assert len(mailbox.messages) == 3
    assert "ready for pickup at Downtown store" in bodies[
        "Your order 7001 is ready for pickup"]
    assert "K7Q2" in bodies["Your order 7001 is ready for pickup"]
    assert "RMA-0042" in bodies["We received your return RMA-0042"]
    assert "refunded 19.50 EUR" in bodies["Your refund for order 7001"]


def test_an_edited_template_is_used_and_bad_placeholders_are_refused(world, mailbox):
    notifications.set_template(world, actor=MANAGER, kind="order_confirmation", language="en",
                               subject="Thanks, $customer_name! ($order_number)",
                               body_text="We got it.", body_html="<p>We got <b>it</b>.</p>")
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        notifications.set_template(world, actor=MANAGER, kind="shipped", language="en",
                                   subject="$parcel_colour", body_text="", body_html="")
    make_order(world, "8001", publish_as=SYNC)
    notifications.send_pending(world)
    assert [m["Subject"] for m in mailbox.messages] == ["Thanks, Ann 8001! (8001)"]
    assert notifications.get_template(world, kind="order_confirmation", language="de").edited \
        is False


def test_automatic_mails_can_be_switched_off_and_a_rule_sends_them_once(world, mailbox):
    settings.write(world, actor=MANAGER, key="notifications.automatic", value=["shipped"])
    rules.create_rule(world, actor=MANAGER, name="Confirm business orders",
                      trigger="order_changed",
                      conditions=[{"field": "customer_type", "op": "equals",
                                   "value": "business"}],
                      actions=[{"type": "notify", "kind": "order_confirmation"}])
    consumer = make_order(world, "9001", publish_as=SYNC)
    business = make_order(world, "9002", kind=CustomerKind.business, publish_as=SYNC)
    for oid in (consumer, business, business):
        fire(world, ev.OrderChanged(actor=SYNC, order_id=oid))
    notifications.send_pending(world)
    assert [m["Subject"] for m in mailbox.messages] == ["Your order 9002 is confirmed"]


def test_the_command_line_sends_what_is_pending(world, mailbox, capsys, cli_admin):
    import json

    from oms_desktop.cli import main

    make_order(world, "C1", publish_as=SYNC)
    assert main(["notifications", "send-pending", "--db", world.url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sent": 1, "retrying": 0, "failed": 0}
    assert main(["notifications", "list", "--db", world.url]) == 0
    assert "order_confirmation" in capsys.readouterr().out
    assert len(mailbox.messages) == 1


@pytest.fixture
def tls(tmp_path):
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return context, str(ca_file)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_goes_over_tls_with_login_when_the_settings_say_so(world, port, tls, security):
    context, ca_file = tls
    box = Mailbox()
    # aiosmtpd does not count implicit TLS as TLS for its AUTH guard, so it is lifted there
    extra = ({"tls_context": context, "require_starttls": True} if security == "starttls"
             else {"ssl_context": context, "auth_require_tls": False})
    controller = Controller(box, hostname="127.0.0.1", port=port,
                            authenticator=box.authenticate, **extra)
    controller.start()
    try:
        settings.write(world, actor=MANAGER, key="smtp.security", value=security)
        settings.write(world, actor=MANAGER, key="smtp.ca_file", value=ca_file)
        make_order(world, "T1", publish_as=SYNC)
        report = notifications.send_pending(world)
        assert report == notifications.SendReport(1, 0, 0), outbox_rows(world)[0]["last_error"]
    finally:
        controller.stop()
    assert [m["Subject"] for m in box.messages] == ["Your order T1 is confirmed"]
    assert box.logins == [("shop", True)]


def test_an_untrusted_certificate_is_refused_and_the_mail_waits(world, port, tls):
    context, _ = tls
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=box.authenticate)
    controller.start()
    try:
        settings.write(world, actor=MANAGER, key="smtp.security", value="starttls")
        make_order(world, "T2", publish_as=SYNC)
        assert notifications.send_pending(world) == notifications.SendReport(0, 1, 0)
    finally:
        controller.stop()
    assert box.messages == [] and "CERTIFICATE_VERIFY_FAILED" in outbox_rows(world)[0][
        "last_error"]


def test_two_stations_sending_at_once_deliver_each_mail_once(world, mailbox):
    from concurrent.futures import ThreadPoolExecutor

    for n in range(6):
        make_order(world, f"P{n}", email=f"p{n}@example.com", publish_as=SYNC)
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: notifications.send_pending(world), range(2)))
    assert sum(r.sent for r in reports) == 6
    assert sorted(m["To"] for m in mailbox.messages) == [f"p{n}@example.com" for n in range(6)]


def test_a_template_is_shown_and_edited_from_the_command_line(world, tmp_path, capsys, cli_admin):
    from oms_desktop.cli import main

    assert main(["notifications", "template", "shipped", "--language", "fr",
                 "--db", world.url]) == 0
    assert "Votre commande $order_number a été expédiée" in capsys.readouterr().out
    (tmp_path / "body.txt").write_text("Parti avec $carrier.\n", encoding="utf-8")
    (tmp_path / "body.html").write_text("<p>Parti avec $carrier.</p>", encoding="utf-8")
    assert main(["notifications", "template", "shipped", "--language", "fr", "--subject",
                 "Colis $order_number parti", "--text-file", str(tmp_path / "body.txt"),
                 "--html-file", str(tmp_path / "body.html"), "--db", world.url]) == 0
    shown = notifications.get_template(world, kind="shipped", language="fr")
    assert (shown.subject, shown.body_text, shown.edited) == (
        "Colis $order_number parti", "Parti avec $carrier.\n", True)
    assert main(["notifications", "template", "shipped", "--subject", "x",
                 "--db", world.url]) == 1
    assert "give --subject, --text-file and --html-file" in capsys.readouterr().err
