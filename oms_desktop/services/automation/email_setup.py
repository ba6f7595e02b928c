"""Setting up customer e-mail: the mail server's settings (shared, in the database), its
password (in the OS keyring, or OMS_SECRET_SMTP_<LOGIN> on a server without one; never in the
database, a log or an error text), and a test message sent through the server as it is set."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from oms_desktop.errors import OmsError, ValidationError
from oms_desktop.model import Actor
from oms_desktop.plugins import secrets
from oms_desktop.plugins.redaction import redact, remember
from oms_desktop.policies.permissions import require_setting
from oms_desktop.services import settings
from oms_desktop.services.automation import notifications
from oms_desktop.storage import Database

FIELDS = ("smtp.host", "smtp.port", "smtp.security", "smtp.sender", "smtp.username")


@dataclass(frozen=True)
class EmailSetup:
    host: str | None
    port: int | None
    security: str
    sender: str | None
    username: str | None
    has_password: bool

    @property
    def done(self) -> bool:
        return bool(self.host and self.sender)


def email_setup(db: Database) -> EmailSetup:
    with db.uow(readonly=True) as uow:
        get = lambda key, default=None: settings.get(uow.session, key, default)  # noqa: E731
        username = get("smtp.username")
        return EmailSetup(get("smtp.host"), get("smtp.port"), get("smtp.security", "starttls"),
                          get("smtp.sender"), username, _has_password(username))


def save_email(db: Database, *, actor: Actor, host: str, sender: str, port: int | None = None,
               security: str = "starttls", username: str | None = None,
               password: str | None = None) -> EmailSetup:
    """Check and keep the mail server's settings; a password goes to the keyring (an empty
    one keeps the password there)."""
    values = {"smtp.host": host.strip(), "smtp.sender": sender.strip(),
              "smtp.port": port or {"ssl": 465, "starttls": 587}.get(security, 25),
              "smtp.security": security, "smtp.username": (username or "").strip() or None}
    for key, value in values.items():
        require_setting(actor, key)
        if value is not None:
            settings.KNOWN[key].check(key, value)
    if password and not values["smtp.username"]:
        raise ValidationError("A mail server password needs its login name (smtp.username)")
    with db.uow() as uow:
        for key, value in values.items():
            settings.put(uow.session, key, value)
        if password:  # before the commit: a keyring that refuses leaves nothing half saved
            remember(password)
            secrets.store(secrets.smtp_secret(values["smtp.username"]), password)
        uow.commit()
    return email_setup(db)


def send_test(db: Database, *, to: str, password: str | None = None) -> str:
    """A short message to `to` through the mail server as it is set up; the answer says so,
    or why not in one line (without the password)."""
    to = to.strip()
    if not settings.EMAIL.fullmatch(to):
        raise ValidationError(f"{to!r} is not an e-mail address")
    with db.uow(readonly=True) as uow:
        config = notifications.smtp_config(uow.session)
        company = settings.get(uow.session, "company.name", "oms-desktop")
    if password:
        remember(password)
    secret = password or (notifications.smtp_password(config.username)
                          if config.username else None)
    connection = notifications._Connection(config, secret)  # noqa: SLF001 - the same sender
    try:
        connection.send(_message(config.sender, to, company))
    except (OSError, smtplib.SMTPException) as exc:
        text = redact(f"{type(exc).__name__}: {exc}", [secret] if secret else [])
        raise OmsError(f"The mail server {config.host}:{config.port} did not take the test "
                       f"message: {text}") from None
    finally:
        connection.close()
    return f"Test message sent to {to} through {config.host}:{config.port}"


def _message(sender: str, to: str, company: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = f"{company}: test message from oms-desktop"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring="setup.test")
    message.set_content("This message proves that oms-desktop can send your customers' "
                        "e-mails through this mail server.")
    return message


def _has_password(username: str | None) -> bool:
    if not username:
        return False
    try:
        return bool(secrets.get(secrets.smtp_secret(username)))
    except OmsError:
        return False
