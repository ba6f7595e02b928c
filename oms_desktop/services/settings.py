"""Shared settings with defaults: `get(session, "fraud.threshold", 60)`.

The settings a person sets (in the window's Settings or `oms-desktop settings set`) are
described in KNOWN: their kind, range and meaning. `write` checks a known key's value against
it, whoever calls; `parse` turns what was typed into that value. Secrets are never settings:
they live in the OS keyring (plugins/secrets)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import Actor, Setting
from oms_desktop.policies.permissions import require_setting, setting_role
from oms_desktop.storage import Database

# Every station locks after this many minutes without input (0: never); managers change it.
AUTO_LOCK_KEY, AUTO_LOCK_DEFAULT = "lock.idle_minutes", 10


def get(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else row.value


def put(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def read(db: Database, key: str, default: Any = None) -> Any:
    with db.uow(readonly=True) as uow:
        return get(uow.session, key, default)


def write(db: Database, *, actor: Actor, key: str, value: Any) -> None:
    """Change a shared setting; refused for a role below the key's (SETTING_ROLES), and for a
    value outside a known key's kind or range."""
    require_setting(actor, key)
    if key in KNOWN:
        KNOWN[key].check(key, value)
    with db.uow() as uow:
        put(uow.session, key, value)
        uow.commit()


def remove(db: Database, *, actor: Actor, key: str) -> bool:
    """Forget a shared setting (readers fall back to the default); False if it was not set."""
    require_setting(actor, key)
    with db.uow() as uow:
        row = uow.session.get(Setting, key)
        if row is None:
            return False
        uow.session.delete(row)
        uow.commit()
        return True


# -- the settings a person sets --------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """One known setting: `kind` is text, email, host, int, decimal, choice, bool, time, zone
    or lines; `low`/`high` bound numbers, `choices` a choice."""

    kind: str
    meaning: str
    default: Any = None
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def check(self, key: str, value: Any) -> None:
        problem = self._problem(value)
        if problem:
            raise ValidationError(f"{key}: {problem}")

    def _problem(self, value: Any) -> str | None:  # noqa: C901 - one branch per kind
        kind = self.kind
        if kind in ("text", "email", "host", "time", "zone", "choice"):
            if not isinstance(value, str) or not value.strip():
                return "give a text"
            if kind == "email" and not EMAIL.fullmatch(value):
                return f"{value!r} is not an e-mail address"
            if kind == "host" and not HOST.fullmatch(value):
                return f"{value!r} is not a host name (no scheme, spaces or port)"
            if kind == "time" and not TIME.fullmatch(value):
                return f"{value!r} is not a time of day as HH:MM"
            if kind == "zone" and not _is_zone(value):
                return f"{value!r} is not a time zone such as Europe/Berlin"
            if kind == "choice" and value not in self.choices:
                return f"one of {', '.join(self.choices)}, not {value!r}"
            return None
        if kind == "bool":
            return None if isinstance(value, bool) else "give true or false"
        if kind == "lines":
            ok = isinstance(value, list) and value and all(
                isinstance(v, str) and v.strip() for v in value)
            return None if ok else "give one or more lines of text"
        if kind in ("int", "decimal"):
            if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
                return "give a number"
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                return f"{value!r} is not a {'whole ' if kind == 'int' else ''}number"
            if not number.is_finite() or kind == "int" and number != number.to_integral():
                return f"{value!r} is not a whole number" if kind == "int" else "not a number"
            if self.low is not None and number < Decimal(str(self.low)) or \
                    self.high is not None and number > Decimal(str(self.high)):
                return f"must be from {_n(self.low)} to {_n(self.high)}, not {value}"
            return None
        return f"unknown kind {kind}"

    def parse(self, words: Sequence[str]) -> Any:
        """The value of what was typed (`8025`, `true`, or several lines)."""
        if self.kind == "lines":
            return [w.strip() for w in words if w.strip()]
        text = " ".join(words).strip()
        if self.kind == "int":
            try:
                return int(text)
            except ValueError:
                return text  # check() names the problem
        if self.kind == "decimal":
            return text  # kept as typed text: a decimal that JSON stores exactly
        if self.kind == "bool":
            flag = {"true": True, "yes": True, "on": True, "1": True,
                    "false": False, "no": False, "off": False, "0": False}.get(text.lower())
            return text if flag is None else flag
        return text


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")
TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")

KNOWN: dict[str, Spec] = {
    "smtp.host": Spec("host", "the mail server customer e-mails go through"),
    "smtp.port": Spec("int", "its port (default 587 for starttls, 465 for ssl)", None, 1, 65535),
    "smtp.security": Spec("choice", "how the connection is protected", "starttls",
                          choices=("starttls", "ssl", "none")),
    "smtp.sender": Spec("email", "the From address of customer e-mails"),
    "smtp.username": Spec("text", "the mail server login (its password: keyring set "
                                  "oms-desktop smtp:USERNAME)"),
    "smtp.timeout": Spec("decimal", "seconds to wait for the mail server", 20, 1, 600),
    "smtp.ca_file": Spec("text", "a CA certificate file for a private mail server"),
    "company.name": Spec("text", "the company name on documents and labels"),
    "company.phone": Spec("text", "the company phone number"),
    "company.email": Spec("email", "the company e-mail address"),
    "company.address": Spec("lines", "the company address, one argument per line"),
    "company.return_address": Spec("lines", "where returns are sent, one argument per line"),
    "documents.return_instructions": Spec("text", "the return instructions on packing slips"),
    "lock.idle_minutes": Spec("int", "every station locks after this many idle minutes "
                                     "(0: never)", AUTO_LOCK_DEFAULT, 0, 240),
    "floor.quantity_limit": Spec("int", "the most units of one line a packer may confirm by "
                                        "typing a quantity", 10, 1, 10_000),
    "users.lockout_attempts": Spec("int", "failed sign-ins before a lockout", 5, 1, 100),
    "users.lockout_minutes": Spec("int", "minutes a lockout lasts", 15, 1, 1440),
    "fraud.threshold": Spec("int", "fraud score that holds an order for review", 60, 0, 1000),
    "verification.duplicate_minutes": Spec("int", "orders this close together are checked as "
                                                  "duplicates", 10, 0, 10_080),
    "verification.allow_backorders": Spec("bool", "verify orders whose stock is short", True),
    "shipping.timezone": Spec("zone", "the warehouse's time zone (carrier cut-offs)", "UTC"),
    "shipping.cutoff": Spec("time", "the last pickup of the day, HH:MM", "17:00"),
    "shipping.purchase_timeout": Spec("int", "seconds after which an unfinished label purchase "
                                             "is looked at again", None, 30, 86_400),
    "returns.approval_limit": Spec("decimal", "refunds above this need a manager's approval",
                                   "250.00", 0, 1_000_000),
    "returns.carrier": Spec("text", "the carrier of return labels"),
    "notifications.retry_base_seconds": Spec("decimal", "first wait before a failed e-mail is "
                                                        "sent again", 60, 1, 86_400),
    "gs1.company_prefix": Spec("text", "your GS1 company prefix (SSCC labels)"),
    "gs1.sscc_extension": Spec("int", "the SSCC extension digit", 0, 0, 9),
    "setup.wizard_dismissed": Spec("bool", "the set-up wizard no longer opens by itself at "
                                           "an admin's sign-in", False),
    "books.stock_currency": Spec("text", "the currency of stock costs and of the month's stock "
                                 "journal (the books' home currency)", "USD"),
    "freight.release_days_ahead": Spec("int", "days before its date a delivery stage is "
                                              "released for picking", 2, 0, 60),
}
# Never settings: secrets go to the OS keyring.
SECRETS = {"smtp.password": "keyring set oms-desktop smtp:USERNAME (USERNAME: smtp.username)"}


def spec(key: str) -> Spec:
    """The known setting `key`, or a ValidationError naming the nearest known keys."""
    if key in SECRETS:
        raise ValidationError(f"{key} is a secret and is never stored in the database: "
                              f"{SECRETS[key]}")
    if key not in KNOWN:
        near = difflib.get_close_matches(key, KNOWN, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(near)}?" if near else \
            "`oms-desktop settings list --known` shows them"
        raise ValidationError(f"Unknown setting {key!r}: {hint}")
    return KNOWN[key]


@dataclass(frozen=True)
class SettingView:
    key: str
    value: Any
    is_set: bool  # False: the default applies
    role: str  # the least role that may change it
    meaning: str


def list_settings(db: Database, *, known: bool = False,
                  prefix: str | None = None) -> list[SettingView]:
    """The stored settings (per-person preferences left out), and with known=True every known
    setting with its default."""
    with db.uow(readonly=True) as uow:
        stored = {r.key: r.value for r in uow.session.scalars(sa.select(Setting))}
    keys = set(k for k in stored if not k.startswith("user.")) | (set(KNOWN) if known else set())
    rows = []
    for key in sorted(keys):
        if prefix and not key.startswith(prefix):
            continue
        s = KNOWN.get(key)
        rows.append(SettingView(key, stored.get(key, s.default if s else None), key in stored,
                                setting_role(key).value, s.meaning if s else ""))
    return rows


def show(db: Database, key: str) -> SettingView:
    """One setting: its value, or the default of a known one; NotFound for anything else."""
    with db.uow(readonly=True) as uow:
        row = uow.session.get(Setting, key)
        value = None if row is None else row.value
    s = KNOWN.get(key)
    if row is None and s is None:
        spec(key)  # a secret or a typo: say so
        raise NotFound(f"No setting {key!r}")
    return SettingView(key, value if row is not None else s.default, row is not None,
                       setting_role(key).value, s.meaning if s else "")


def _is_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError):
        return False


def _n(value: float | None) -> str:
    return "any" if value is None else f"{value:g}"


def test_connection(url: str) -> str:
    """Connect once to `url` (no migration): the answer for the person who typed it."""
    db = Database(url.strip())
    try:
        db.check()
    finally:
        db.dispose()
    return f"Connected to {db.display_url}"
