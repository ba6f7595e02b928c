"""Mappings of our keys to a target's ids: items by SKU, a per-channel web customer, tax
codes per country, accounts by role. What a posting needs and lacks is said in one line that
names the command to fix it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.accounting import journals
from oms_desktop.accounting.base import AccountingTarget, Document, Mapped, MappingKey
from oms_desktop.errors import ValidationError
from oms_desktop.model import Actor, BookMapping, BookPosting, PostingStatus
from oms_desktop.policies.permissions import require
from oms_desktop.services.books import targets, trade
from oms_desktop.storage import Database

KINDS = {"item": "item for SKU", "customer": "customer for",
         "tax": "tax code for country", "account": "account for", "vendor": "vendor for"}


@dataclass(frozen=True)
class MappingView:
    target: str
    kind: str
    key: str
    value: str


def set_mapping(db: Database, *, actor: Actor, target: str, kind: str, key: str,
                value: str) -> MappingView:
    require(actor, "books.post")
    if kind not in KINDS:
        raise ValidationError(f"A mapping is one of {', '.join(KINDS)}, not {kind!r}")
    if not key.strip() or not value.strip():
        raise ValidationError("A mapping needs a key and a value")
    key = key.strip().upper() if kind == "tax" else key.strip()
    with db.uow() as uow:
        row = uow.session.scalar(sa.select(BookMapping).where(
            BookMapping.target == target, BookMapping.kind == kind, BookMapping.key == key))
        if row is None:
            row = BookMapping(target=target, kind=kind, key=key, value=value.strip(),
                              updated_by=actor.name)
            uow.session.add(row)
        row.value, row.updated_by = value.strip(), actor.name
        uow.commit()
        return MappingView(target, kind, key, row.value)


def list_mappings(db: Database, target: str | None = None) -> list[MappingView]:
    with db.uow(readonly=True) as uow:
        query = sa.select(BookMapping).order_by(BookMapping.target, BookMapping.kind,
                                                BookMapping.key)
        if target:
            query = query.where(BookMapping.target == target)
        return [MappingView(m.target, m.kind, m.key, m.value) for m in uow.session.scalars(query)]


def load(session: Session, target: str) -> dict[MappingKey, str]:
    return {(m.kind, m.key): m.value for m in session.scalars(
        sa.select(BookMapping).where(BookMapping.target == target))}


def resolve(known: dict[MappingKey, str], plugin: AccountingTarget,
            doc: Document | journals.JournalDoc) -> tuple[Mapped | None, str | None]:
    """The document's mappings, or None and the reason naming what is missing."""
    needed = journals.needs(plugin, doc)
    missing = [k for k in needed if k not in known]
    if missing:
        what = "; ".join(f"{KINDS[kind]} {key}" for kind, key in missing)
        kind, key = missing[0]
        return None, (f"Not mapped on {plugin.name}: {what} (e.g. oms-desktop books map "
                      f"{plugin.name} {kind} {key} ID)")
    return Mapped({k: known[k] for k in needed}), None


@dataclass(frozen=True)
class MissingMapping:
    kind: str
    key: str
    postings: int  # how many postings wait for it
    example: str  # one of their document numbers

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind]} {self.key}"


def unmapped(db: Database, target: str) -> list[MissingMapping]:
    """What the target's unsent postings (pending, blocked, failed) need and lack, before
    anything is sent: the mapping screen's list."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        plugin = targets.build(target, targets.target_settings(s, target))
        known = load(s, target)
        waiting = s.scalars(sa.select(BookPosting.document).where(
            BookPosting.target == target, BookPosting.status.in_(
                (PostingStatus.pending, PostingStatus.blocked, PostingStatus.failed)))).all()
        due = [bill.to_json() for bill in trade.bills_to_queue(s, target)]  # not queued yet
    found: dict[MappingKey, list[str]] = {}
    for document in [*waiting, *due]:
        doc = journals.load(document)
        for k in journals.needs(plugin, doc):
            if k not in known:
                found.setdefault(k, []).append(doc.number)
    plugin.close()
    return [MissingMapping(kind, key, len(numbers), numbers[0])
            for (kind, key), numbers in sorted(found.items())]
