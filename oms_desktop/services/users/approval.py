"""A manager's (or supervisor's) approval at someone else's station: a refund above the limit,
a quantity above the scan limit, an RMA made on the spot.

    with approval(db, username="morgan", secret=typed, station="PACK-1") as ok:
        issue_refund(ok.db, actor=packer, rma=..., approved_by=ok.actor)

On PostgreSQL with people's own logins the approver types their own password and the approved
write runs on a second, short-lived connection with their login: the database checks their
rights and stamps them in the audit trail. Elsewhere their PIN is checked (with lockout) and
the write runs on this station's database."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from oms_desktop.model import Actor
from oms_desktop.services.users import identity, signin
from oms_desktop.storage import Database


@dataclass(frozen=True)
class Approval:
    db: Database  # where the approved write runs
    actor: Actor  # who approved it


@contextmanager
def approval(db: Database, *, username: str, secret: str,
             station: str | None = None) -> Iterator[Approval]:
    if not identity.person_logins(db):
        yield Approval(db, signin.sign_in(db, username=username, secret=secret,
                                          station=station))
        return
    second, approver = identity.connect(db, username=username, password=secret,
                                        station=station)
    try:
        yield Approval(second, approver)
    finally:
        second.dispose()
