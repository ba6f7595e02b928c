"""The month's stock journal in the books: valued (`value_month`), queued once per month and
target (`queue_month`: under a lock, so two stations queueing the same month make one
posting and the second is told), and checked by the reconciliation (`differences`: a month
not queued, not taken, or stale since)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.accounting.journals import JournalDoc, JournalLine
from oms_desktop.errors import ConcurrentChange, ValidationError
from oms_desktop.model import Actor, BookPosting, PostingStatus, utcnow
from oms_desktop.policies.permissions import require
from oms_desktop.services.books import stock_value, targets
from oms_desktop.services.books.stock_value import StockMonth
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import claim, when

KIND = "stock"


def source_key(month: str, n: int = 1) -> str:
    """The month's journal; its corrections are "stock:2025-03:2", ":3"…"""
    return f"stock:{month}" if n == 1 else f"stock:{month}:{n}"


def value_month(db: Database, *, month: str) -> StockMonth:
    stock_value.parse_month(month)
    with db.uow(readonly=True) as uow:
        return stock_value.month(uow.session, month)


@dataclass
class Queued:
    month: StockMonth
    postings: dict[str, int] = field(default_factory=dict)  # target -> posting id


def queue_month(db: Database, *, actor: Actor, month: str) -> Queued:
    """The month's journal for each set-up target that has none, its correction for one
    whose journal is stale. Refused for a month not over yet, a month with nothing to book,
    and when every target is up to date (the error names when it was queued)."""
    require(actor, "books.post")
    first, last = stock_value.parse_month(month)
    if last >= utcnow().date():
        raise ValidationError(f"{month} is not over yet: its stock journal is queued after "
                              f"{last}")
    valued = value_month(db, month=month)
    if not valued.journal.lines:
        raise ValidationError(f"Nothing moved the stock's value in {month}: no journal")
    return enqueue(db, actor=actor, valued=valued)


def enqueue(db: Database, *, actor: Actor, valued: StockMonth) -> Queued:
    """The valued month's postings (see queue_month): the journal for a target that has
    none, a correcting journal (the difference) for one whose journals were made from a
    ledger that has changed since, nothing for one that is up to date."""
    require(actor, "books.post")
    month = valued.month
    with db.uow() as uow:
        s = uow.session
        claim(s, f"books.{source_key(month)}")  # a second station waits here, then sees ours
        names = targets.configured(s)
        if not names:
            raise ValidationError("No books target is set up (oms-desktop books setup …)")
        chains, result, changed = _chains(s, month), Queued(valued), False
        for target in names:
            chain = chains.get(target, [])
            doc = _owed(valued, chain)
            if doc is None:
                if chain[-1].source_digest != valued.digest:  # moves changed, values not
                    chain[-1].source_digest, changed = valued.digest, True
                continue
            row = _posting(target, valued, doc, len(chain) + 1)
            s.add(row)
            s.flush()
            result.postings[target] = row.id
        if not (result.postings or changed):
            latest = max((p for c in chains.values() for p in c), key=lambda p: p.id)
            raise ConcurrentChange(
                f"The stock journal of {month} was queued already at "
                f"{when(latest.created_at)} (posting {latest.id}, {latest.status.value}) and "
                "the stock moves have not changed since; nothing was queued again")
        uow.commit()
        return result


def _owed(valued: StockMonth, chain: list[BookPosting]) -> JournalDoc | None:
    """What a target is owed for the month: the journal, its correction, or nothing."""
    if not chain:
        return valued.journal
    if chain[-1].source_digest == valued.digest:
        return None
    lines = _difference(valued.journal, [JournalDoc.from_json(p.document) for p in chain])
    if not lines:
        return None
    n = len(chain) + 1
    doc = valued.journal
    return JournalDoc(doc.kind, f"{doc.number}-{n}", doc.day, doc.currency,
                      f"{doc.memo}, correction {n - 1}", tuple(lines))


def _difference(now: JournalDoc, sent: list[JournalDoc]) -> list[JournalLine]:
    """The lines that bring what was sent to what the month is worth now (balanced, as
    both are)."""
    net: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in now.lines:
        net[(line.description, line.role)] += line.debit - line.credit
    for doc in sent:
        for line in doc.lines:
            net[(line.description, line.role)] -= line.debit - line.credit
    nil = Decimal("0.00")
    return [JournalLine(role, amount if amount > 0 else nil, -amount if amount < 0 else nil,
                        text) for (text, role), amount in sorted(net.items()) if amount]


def _posting(target: str, valued: StockMonth, doc: JournalDoc, n: int) -> BookPosting:
    return BookPosting(target=target, kind=KIND, source_key=source_key(valued.month, n),
                       idempotency_key=uuid.uuid4().hex, channel_id=None, order_id=None,
                       day=doc.day, currency=doc.currency, amount=doc.total,
                       document=doc.to_json(), source_digest=valued.digest)


def _chains(session: Session, month: str) -> dict[str, list[BookPosting]]:
    """Per target, the month's journal and its corrections, oldest first."""
    base = source_key(month)
    found: dict[str, list[BookPosting]] = {}
    for p in session.scalars(sa.select(BookPosting).where(sa.or_(
            BookPosting.source_key == base, BookPosting.source_key.like(f"{base}:%")))
            .order_by(BookPosting.id)):
        found.setdefault(p.target, []).append(p)
    return found


def differences(session: Session, *, target: str, first: date, last: date) -> list[str]:
    """For each month that ended within first..last and moved the stock's value: its journal
    never queued for `target`, not taken (waiting, blocked, failed), or stale (the ledger up
    to the month's end changed after it was queued)."""
    names = stock_value.ended_months(first, last)
    found = []
    for valued in stock_value.months(session, names) if names else []:
        if valued.journal.lines:
            found += _difference_of(valued, _chains(session, valued.month).get(target, []),
                                    target)
    return found


def _difference_of(valued: StockMonth, chain: list[BookPosting], target: str) -> list[str]:
    name, total = valued.journal.number, valued.journal.total
    if not chain:
        return [f"{name}: {total} never queued for {target} "
                f"(oms-desktop books stock --month {valued.month} --queue)"]
    found = []
    if chain[-1].source_digest != valued.digest:
        found.append(f"{name}: stale, the stock moves up to {valued.last} changed after it "
                     f"was queued; queue the correction: oms-desktop books stock --month "
                     f"{valued.month} --queue")
    for posting in chain:
        number = posting.document.get("number")
        if posting.status != PostingStatus.posted:
            why = f": {posting.last_error}" if posting.last_error else ""
            found.append(f"{number}: {posting.amount} is {posting.status.value}{why}")
        elif posting.remote_total != posting.amount:
            found.append(f"{number}: {posting.amount} was recorded by {target} as "
                         f"{posting.remote_total}")
    return found
