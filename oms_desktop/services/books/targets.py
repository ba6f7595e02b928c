"""Which accounting targets are set up (shared settings `books.targets` and
`books.target.<name>`), and building one with its secrets: in the OS keyring as
"books:<name>:<field>" or, on a server, $OMS_SECRET_BOOKS_<NAME>_<FIELD>. A refresh token the
target rotates is stored at once as "books:<name>:refresh_token.rotated" and used from then on
(kept in this process only where no keyring is available)."""

from __future__ import annotations

import re
from typing import Any

import keyring
from keyring.errors import KeyringError

from sqlalchemy.orm import Session

from oms_desktop.accounting import registry
from oms_desktop.accounting.base import AccountingTarget, BooksApi
from oms_desktop.errors import NotFound
from oms_desktop.model import Actor
from oms_desktop.plugins import redaction, secrets
from oms_desktop.plugins.settings import check_settings
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.storage import Database

TARGETS_KEY = "books.targets"
ROTATED = ("refresh_token",)
_rotated: dict[tuple[str, str], str] = {}


def secret_ref(name: str, field: str) -> secrets.SecretRef:
    env = "OMS_SECRET_" + re.sub(r"[^A-Z0-9]+", "_", f"books_{name}_{field}".upper())
    return secrets.SecretRef(f"books:{name}:{field}", env, f"the {field} of books target {name}")


def keyring_value(ref: secrets.SecretRef) -> str | None:
    """The keyring's value only (not the environment's)."""
    try:
        value = keyring.get_password(secrets.SERVICE, ref.keyring_user)
    except KeyringError:
        return None
    redaction.remember(value)
    return value


def configured(session: Session) -> list[str]:
    return list(settings.get(session, TARGETS_KEY, []) or [])


def set_up_targets(db: Database) -> list[str]:
    with db.uow(readonly=True) as uow:
        return configured(uow.session)


def target_settings(session: Session, name: str) -> dict[str, Any]:
    if name not in configured(session):
        raise NotFound(f"No books target {name!r} is set up (set up: "
                       f"{', '.join(configured(session)) or 'none'}); "
                       f"use: oms-desktop books setup {name} key=value …")
    return dict(settings.get(session, f"books.target.{name}", {}) or {})


def set_up(db: Database, *, actor: Actor, name: str, values: dict[str, Any]) -> dict[str, Any]:
    """Add or change a target: its settings are checked against its declared schema."""
    require(actor, "books.post")
    cls = registry.load().get(name)
    clean = check_settings(cls.SETTINGS, values, owner=name)
    with db.uow() as uow:
        names = configured(uow.session)
        settings.put(uow.session, TARGETS_KEY, names + [name] if name not in names else names)
        settings.put(uow.session, f"books.target.{name}", clean)
        uow.commit()
    return clean


def build(name: str, values: dict[str, Any], *, sleep=None) -> AccountingTarget:
    def secret(field: str) -> str:
        """A token the target rotated (kept here, and in the keyring where there is one)
        wins over the one first given, which may have stopped working."""
        rotated = _rotated.get((name, field)) or (
            field in ROTATED and secrets.has_backend() and
            keyring_value(secret_ref(name, f"{field}.rotated")))
        return rotated or secrets.require(secret_ref(name, field))

    def store(field: str, value: str) -> None:
        _rotated[(name, field)] = value
        if secrets.has_backend():
            secrets.store(secret_ref(name, f"{field}.rotated"), value)

    api = BooksApi(secret=secret, store_secret=store)
    if sleep is not None:
        api.sleep = sleep
    return registry.create(name, values, api)
