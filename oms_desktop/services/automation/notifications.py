"""Customer e-mails: order confirmation, shipped, ready for pickup, return received, refund
issued. Events enqueue a rendered message into the outbox (once per kind and subject, however
often the trigger fires); `send_pending` sends what is due over SMTP and retries failures
with exponential backoff, so nothing is lost. The SMTP password is read from the keyring."""

from __future__ import annotations

import functools
import html
import smtplib
import ssl
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from oms_desktop.errors import OmsError, ValidationError
from oms_desktop.model import (
    Actor, Brand, Channel, NotificationKind, NotificationTemplate, Order, OutboxMessage, OutboxStatus, Refund,
    Return, Shipment, utcnow,
)
from oms_desktop.plugins.redaction import redact, remember
from oms_desktop.policies.permissions import require
from oms_desktop.services import events as ev
from oms_desktop.services import settings
from oms_desktop.services.automation.templates.notifications import (
    CARRIER_NAMES, DEFAULTS, FALLBACK_LANGUAGE, PLACEHOLDERS, TRACKING_URLS,
)
from oms_desktop.storage import Database

K = NotificationKind
EVENT_KINDS: dict[type[ev.Event], NotificationKind] = {
    ev.OrderImported: K.order_confirmation, ev.ShipmentShipped: K.shipped,
    ev.ShipmentReadyForPickup: K.ready_for_pickup, ev.ReturnReceived: K.return_received,
    ev.RefundIssued: K.refund_issued,
}
KEYRING_SERVICE = "oms-desktop"
LEASE = timedelta(minutes=5)  # a claimed message is due again if the sender died mid-send
MAX_BACKOFF = timedelta(hours=6)
OUTBOX = OutboxMessage.__table__


@dataclass(frozen=True)
class TemplateView:
    kind: str
    language: str
    subject: str
    body_text: str
    body_html: str
    edited: bool


@dataclass(frozen=True)
class OutboxView:
    id: int
    key: str
    kind: str
    recipient: str
    language: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None


@dataclass(frozen=True)
class SendReport:
    sent: int
    retrying: int
    failed: int


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "starttls", "ssl" or "none"
    sender: str
    username: str | None
    timeout: float
    ca_file: str | None = None  # a private CA to trust besides the system's


# -- templates ---------------------------------------------------------------------------------
def language_of(*preferences: str | None) -> str:
    """The first known language among the preferences ("de-AT" → "de"), else English."""
    known = {lang for _, lang in DEFAULTS}
    for pref in preferences:
        code = (pref or "").replace("_", "-").split("-")[0].lower()
        if code in known:
            return code
    return FALLBACK_LANGUAGE


def _template(session: Session, kind: str, language: str) -> tuple[str, str, str]:
    """The edited template, else the default; read once per unit of work (a sync enqueues a
    confirmation for every order it imports)."""
    cache = session.info.setdefault("notifications.templates", {})
    if (kind, language) not in cache:
        row = session.scalar(sa.select(NotificationTemplate).where(
            NotificationTemplate.kind == kind, NotificationTemplate.language == language))
        cache[(kind, language)] = ((row.subject, row.body_text, row.body_html) if row else
                                   DEFAULTS.get((kind, language))
                                   or DEFAULTS[(kind, FALLBACK_LANGUAGE)])
    return cache[(kind, language)]


def render(parts: tuple[str, str, str], values: dict[str, str]) -> tuple[str, str, str]:
    subject, text, body_html = parts
    escaped = {k: html.escape(v) for k, v in values.items()}
    return (string.Template(subject).safe_substitute(values),
            string.Template(text).safe_substitute(values),
            string.Template(body_html).safe_substitute(escaped))


def get_template(db: Database, *, kind: str, language: str) -> TemplateView:
    with db.uow(readonly=True) as uow:
        kind = _kind(kind)
        edited = uow.session.scalar(sa.select(NotificationTemplate.id).where(
            NotificationTemplate.kind == kind, NotificationTemplate.language == language))
        return TemplateView(kind.value, language, *_template(uow.session, kind, language),
                            edited=edited is not None)


def set_template(db: Database, *, actor: Actor, kind: str, language: str, subject: str,
                 body_text: str, body_html: str) -> TemplateView:
    """Store an edited template for a kind and language (the default stays for the others)."""
    require(actor, "settings.edit")
    kind = check_template(kind, (subject, body_text, body_html))
    with db.uow() as uow:
        row = uow.session.scalar(sa.select(NotificationTemplate).where(
            NotificationTemplate.kind == kind, NotificationTemplate.language == language))
        if row is None:
            row = NotificationTemplate(kind=kind, language=language)
            uow.session.add(row)
        row.subject, row.body_text, row.body_html = subject, body_text, body_html
        row.updated_by = actor.name
        uow.commit()
    return TemplateView(kind.value, language, subject, body_text, body_html, edited=True)


def check_template(kind: str, parts: tuple[str, str, str]) -> NotificationKind:
    """The kind, if it is one and the parts use only known placeholders."""
    kind = _kind(kind)
    for part in parts:
        unknown = set(string.Template(part).get_identifiers()) - PLACEHOLDERS
        if unknown or not string.Template(part).is_valid():
            raise ValidationError(f"Unknown placeholder(s) {', '.join(sorted(unknown)) or '$'}:"
                                  f" use {', '.join('$' + p for p in sorted(PLACEHOLDERS))}")
    return kind


def _kind(kind: str) -> NotificationKind:
    if kind not in NotificationKind.__members__:
        raise ValidationError(f"Unknown notification {kind!r}: one of {', '.join(K)}")
    return NotificationKind(kind)


# -- enqueueing --------------------------------------------------------------------------------
_ORDER_WITH_PARTIES = (joinedload(Order.customer), joinedload(Order.channel))  # built once
_PENDING = "notifications.pending"  # outbox rows of this transaction, written at commit
def on_event(session: Session, event: ev.Event) -> None:
    """Subscriber: enqueue the notification this event calls for, if it is switched on."""
    kind = EVENT_KINDS.get(type(event))
    if kind is None or kind.value not in _automatic(session):
        return
    order_id = event.order_id or (event.shipment_id and session.scalar(
        sa.select(Shipment.order_id).where(Shipment.id == event.shipment_id)))
    # One statement for the order, its customer and channel: a sync publishes this per order.
    order = session.get(Order, order_id, options=_ORDER_WITH_PARTIES) if order_id else None
    if order is not None:
        enqueue(session, kind, order=order, shipment_id=event.shipment_id,
                return_id=getattr(event, "return_id", None),
                refund_id=getattr(event, "refund_id", None))


def _automatic(session: Session) -> list[str]:
    """The kinds sent without anyone asking, read once per unit of work."""
    if "notifications.automatic" not in session.info:
        session.info["notifications.automatic"] = settings.get(
            session, "notifications.automatic", [k.value for k in K])
    return session.info["notifications.automatic"]


def _key(kind: NotificationKind, order: Order, shipment_id, return_id, refund_id) -> str:
    subject = {K.shipped: ("shipment", shipment_id), K.ready_for_pickup: ("shipment", shipment_id),
               K.return_received: ("return", return_id),
               K.refund_issued: ("refund", refund_id)}.get(kind, ("order", order.id))
    if subject[1] is None:
        subject = ("order", order.id)
    return f"{kind.value}:{subject[0]}:{subject[1]}"


def enqueue(session: Session, kind: str, *, order: Order, shipment_id: int | None = None,
            return_id: int | None = None, refund_id: int | None = None) -> bool:
    """Session helper: render one message and queue it for the outbox, written when the
    transaction commits (a sync enqueues one per imported order: one statement for all of
    them); False when the order has no address. The outbox key is unique: a message
    enqueued before is not written again."""
    kind = _kind(str(kind))
    recipient = order.email or (order.customer.email if order.customer else None)
    if not recipient:
        return False
    key = _key(kind, order, shipment_id, return_id, refund_id)
    language = language_of(order.customer.language if order.customer else None,
                           order.channel.language)
    brand = _brand(session, order.channel_id)
    values = _values(session, order, shipment_id, return_id, refund_id)
    if brand is not None:
        values["shop_name"] = brand.sender_name
    parts = _brand_template(brand, kind.value, language) or _template(session, kind, language)
    subject, text, body_html = render(parts, values)
    row = dict(key=key, kind=kind.name, order_id=order.id, recipient=recipient,
               sender=brand.email_sender if brand else None,
               language=language, subject=subject[:255], body_text=text, body_html=body_html,
               status=OutboxStatus.pending.name, attempts=0, next_attempt_at=utcnow(),
               created_at=utcnow())
    session.info.setdefault(_PENDING, []).append(row)
    return True


def _brand(session: Session, channel_id: int) -> Brand | None:
    """The brand of the channel (its sender, name and templates), read once per unit of work."""
    cache = session.info.setdefault("notifications.brands", {})
    if channel_id not in cache:
        cache[channel_id] = session.scalar(
            sa.select(Brand).join(Channel, Channel.brand_id == Brand.id)
            .where(Channel.id == channel_id, Brand.active.is_(True)))
    return cache[channel_id]


def _brand_template(brand: Brand | None, kind: str, language: str):
    """The brand's own template of a kind: for the language, else for every language."""
    if brand is None:
        return None
    found = (brand.templates or {}).get(f"{kind}.{language}") or \
        (brand.templates or {}).get(kind)
    return (found["subject"], found["body_text"], found["body_html"]) if found else None


@sa.event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows:
        conn = session.connection()
        conn.execute(_outbox_insert(conn.dialect.name), rows)


@sa.event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, _transaction) -> None:
    session.info.pop(_PENDING, None)


@functools.cache
def _outbox_insert(dialect: str):
    """INSERT … ON CONFLICT (key) DO NOTHING, built once per dialect (a sync enqueues a
    confirmation per imported order, and building the statement costs more than running it)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(OUTBOX).on_conflict_do_nothing(index_elements=["key"])


def _values(session: Session, order: Order, shipment_id, return_id, refund_id) -> dict:
    values = dict.fromkeys(PLACEHOLDERS, "")
    values.update(order_number=order.number, shop_name=order.channel.name,
                  customer_name=order.ship_name or (order.customer.name if order.customer
                                                    else "") or "", currency=order.currency)
    shipment = session.get(Shipment, shipment_id) if shipment_id else None
    if shipment is not None:
        values.update(_shipment_values(session, shipment))
    if return_id and (rma := session.get(Return, return_id)) is not None:
        values["rma_number"] = rma.rma_number
    if refund_id and (refund := session.get(Refund, refund_id)) is not None:
        values.update(refund_amount=_money(refund.amount), currency=refund.currency)
    return values


def _shipment_values(session: Session, shipment: Shipment) -> dict:
    carrier = shipment.provider or shipment.carrier or ""
    tracking = shipment.tracking_number or ""
    urls = {**TRACKING_URLS, **settings.get(session, "notifications.tracking_urls", {})}
    link = urls.get(carrier.lower(), "").replace("{tracking}", quote(tracking)) if tracking else ""
    link = shipment.tracking_url or link if tracking else ""
    where = shipment.location
    return {"carrier": CARRIER_NAMES.get(carrier.lower(), carrier),
            "tracking_number": tracking, "tracking_link": link,
            "pickup_location": where.name if where else "",
            "pickup_code": shipment.pickup_code or ""}


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def outbox(db: Database, *, status: str | None = None, limit: int = 100) -> list[OutboxView]:
    with db.uow(readonly=True) as uow:
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if status:
            query = query.where(OutboxMessage.status == OutboxStatus(status))
        return [OutboxView(m.id, m.key, m.kind.value, m.recipient, m.language, m.subject,
                           m.status.value, m.attempts, m.next_attempt_at, m.last_error,
                           m.sent_at) for m in uow.session.scalars(query)]


# -- sending -----------------------------------------------------------------------------------
def smtp_config(session: Session) -> SmtpConfig:
    host, sender = settings.get(session, "smtp.host"), settings.get(session, "smtp.sender")
    if not host or not sender:
        raise OmsError("E-mail is not set up: set the settings smtp.host and smtp.sender")
    security = settings.get(session, "smtp.security", "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise OmsError(f"smtp.security must be starttls, ssl or none, not {security!r}")
    port = settings.get(session, "smtp.port", {"ssl": 465, "starttls": 587}.get(security, 25))
    return SmtpConfig(host, int(port), security, sender, settings.get(session, "smtp.username"),
                      float(settings.get(session, "smtp.timeout", 20)),
                      settings.get(session, "smtp.ca_file"))


def smtp_password(username: str) -> str:
    """The SMTP password from the OS keyring, or on a server without one from the environment
    (OMS_SECRET_SMTP_<USERNAME>); never from the database, never logged."""
    import os

    import keyring
    from keyring.errors import KeyringError

    from oms_desktop.plugins.secrets import smtp_secret

    from_env = os.environ.get(smtp_secret(username).env_name)
    if from_env:
        remember(from_env)
        return from_env

    try:
        password = keyring.get_password(KEYRING_SERVICE, f"smtp:{username}")
    except KeyringError as exc:
        raise OmsError(f"No usable keyring to read the SMTP password ({exc}). Install a keyring"
                       f" backend (e.g. keyrings.alt) and run: keyring set {KEYRING_SERVICE}"
                       f" smtp:{username}") from None
    if password is None:
        raise OmsError(f"No SMTP password in the keyring: run"
                       f" keyring set {KEYRING_SERVICE} smtp:{username}")
    remember(password)
    return password


class _Connection:
    """One SMTP session for a batch, opened on first use; an opening failure is kept and
    re-raised for every message so each is retried later."""

    def __init__(self, config: SmtpConfig, password: str | None):
        self.config, self.password = config, password
        self.smtp: smtplib.SMTP | None = None
        self.error: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        if self.error is not None:
            raise self.error
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except (OSError, smtplib.SMTPException) as exc:
                self.error = exc
                raise
        self.smtp.send_message(message)

    def _open(self) -> smtplib.SMTP:
        c = self.config
        context = ssl.create_default_context()
        if c.ca_file:
            context.load_verify_locations(cafile=c.ca_file)
        if c.security == "ssl":
            smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=context)
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            if c.security == "starttls":
                smtp.starttls(context=context)
        if c.username:
            smtp.login(c.username, self.password)
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass


def _email(row, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, row.recipient, row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=row.key.replace(":", "."))
    message["X-OMS-Notification"] = row.key
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    return message


def _permanent(exc: Exception) -> bool:
    """The server refused this message for good (5xx for the recipient or the data)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, (smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) and \
        exc.smtp_code >= 500


def backoff(attempts: int, base_seconds: float) -> timedelta:
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send_pending(db: Database, *, now: datetime | None = None, limit: int = 200) -> SendReport:
    """Send the messages that are due; a failure is retried later (attempts, backoff)."""
    now = now or utcnow()
    with db.uow(readonly=True) as uow:
        config = smtp_config(uow.session)
        base = float(settings.get(uow.session, "notifications.retry_base_seconds", 60))
        due = list(uow.session.scalars(sa.select(OUTBOX.c.id).where(
            OUTBOX.c.status == OutboxStatus.pending.name, OUTBOX.c.next_attempt_at <= now)
            .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(limit)))
    connection = _Connection(config, smtp_password(config.username) if config.username else None)
    counts = {OutboxStatus.sent: 0, OutboxStatus.pending: 0, OutboxStatus.failed: 0}
    try:
        for message_id in due:
            row = _claim(db, message_id, now)
            if row is not None:
                counts[_send_one(db, connection, row, now=now, base=base)] += 1
    finally:
        connection.close()
    return SendReport(counts[OutboxStatus.sent], counts[OutboxStatus.pending],
                      counts[OutboxStatus.failed])


def _claim(db: Database, message_id: int, now: datetime):
    """Take one due message for this sender (another station sending at the same time
    skips it): its next attempt moves a lease ahead and its attempts go up."""
    c = OUTBOX.c
    with db.uow() as uow:
        taken = uow.session.execute(sa.update(OUTBOX).where(
            c.id == message_id, c.status == OutboxStatus.pending.name, c.next_attempt_at <= now)
            .values(attempts=c.attempts + 1, next_attempt_at=now + LEASE)).rowcount
        row = uow.session.execute(sa.select(OUTBOX).where(c.id == message_id)).first()
        uow.commit()
    return row if taken == 1 else None


def _send_one(db: Database, connection: _Connection, row, *, now: datetime,
              base: float) -> OutboxStatus:
    try:
        connection.send(_email(row, row.sender or connection.config.sender))
    except (OSError, smtplib.SMTPException) as exc:
        status = OutboxStatus.failed if _permanent(exc) else OutboxStatus.pending
        _record(db, row.id, status=status, error=f"{type(exc).__name__}: {exc}"[:2000],
                next_at=now + backoff(row.attempts, base))
        return status
    _record(db, row.id, status=OutboxStatus.sent, error=None, next_at=now, sent_at=utcnow())
    return OutboxStatus.sent


def _record(db: Database, message_id: int, *, status: OutboxStatus, error: str | None,
            next_at: datetime, sent_at: datetime | None = None) -> None:
    with db.uow() as uow:
        uow.session.execute(sa.update(OUTBOX).where(OUTBOX.c.id == message_id).values(
            status=status.name, last_error=redact(error), next_attempt_at=next_at, sent_at=sent_at))
        uow.commit()
