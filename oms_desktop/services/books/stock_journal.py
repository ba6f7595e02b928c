"""The month's stock journal in the books: valued (`value_month`), queued once per month and
target (`queue_month`: under a lock, so two stations queueing the same month make one
posting and the second is told), and checked by the reconciliation (`differences`: a month
not queued, not taken, or stale since)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ConcurrentChange, ValidationError
from oms_desktop.model import Actor, BookPosting, PostingStatus, utcnow
from oms_desktop.policies.permissions import require
from oms_desktop.services.books import stock_value, targets
from oms_desktop.services.books.stock_value import StockMonth
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import claim, when

KIND = "stock"


def source_key(month: str) -> str:
    return f"stock:{month}"


def value_month(db: Database, *, month: str) -> StockMonth:
    stock_value.parse_month(month)
    with db.uow(readonly=True) as uow:
        return stock_value.month(uow.session, month)


@dataclass
class Queued:
    month: StockMonth
    postings: dict[str, int] = field(default_factory=dict)  # target -> posting id


def queue_month(db: Database, *, actor: Actor, month: str) -> Queued:
    """One posting of the month's journal for each set-up target that has none. Refused for
    a month not over yet, a month with nothing to book, and when every target has it
    already (the error names when it was queued)."""
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
    """The valued month's postings, for the targets that have none (see queue_month)."""
    require(actor, "books.post")
    month = valued.month
    with db.uow() as uow:
        s = uow.session
        claim(s, f"books.{source_key(month)}")  # a second station waits here, then sees ours
        names = targets.configured(s)
        if not names:
            raise ValidationError("No books target is set up (oms-desktop books setup …)")
        done = _queued(s, month)
        missing = [t for t in names if t not in done]
        if not missing:
            first_one = min(done.values(), key=lambda p: p.id)
            raise ConcurrentChange(
                f"The stock journal of {month} was queued already at "
                f"{when(first_one.created_at)} (posting {first_one.id}, "
                f"{first_one.status.value}); nothing was queued again")
        result = Queued(valued)
        for target in missing:
            row = _posting(target, valued)
            s.add(row)
            s.flush()
            result.postings[target] = row.id
        uow.commit()
        return result


def _posting(target: str, valued: StockMonth) -> BookPosting:
    doc = valued.journal
    return BookPosting(target=target, kind=KIND, source_key=source_key(valued.month),
                       idempotency_key=uuid.uuid4().hex, channel_id=None, order_id=None,
                       day=doc.day, currency=doc.currency, amount=doc.total,
                       document=doc.to_json(), source_digest=valued.digest)


def _queued(session: Session, month: str) -> dict[str, BookPosting]:
    return {p.target: p for p in session.scalars(sa.select(BookPosting).where(
        BookPosting.source_key == source_key(month)))}


def differences(session: Session, *, target: str, first: date, last: date) -> list[str]:
    """For each month that ended within first..last and moved the stock's value: its journal
    never queued for `target`, not taken (waiting, blocked, failed), or stale (the ledger up
    to the month's end changed after it was queued)."""
    names = stock_value.ended_months(first, last)
    found = []
    for valued in stock_value.months(session, names) if names else []:
        if not valued.journal.lines:
            continue
        posting = _queued(session, valued.month).get(target)
        found += _difference(valued, posting, target)
    return found


def _difference(valued: StockMonth, posting: BookPosting | None, target: str) -> list[str]:
    name, total = valued.journal.number, valued.journal.total
    if posting is None:
        return [f"{name}: {total} never queued for {target} "
                f"(oms-desktop books stock --month {valued.month} --queue)"]
    if posting.source_digest != valued.digest:
        return [f"{name}: stale, the stock moves up to {valued.last} changed after it was "
                f"queued ({posting.amount} then, {total} now); post the difference by hand"]
    if posting.status != PostingStatus.posted:
        why = f": {posting.last_error}" if posting.last_error else ""
        return [f"{name}: {posting.amount} is {posting.status.value}{why}"]
    if posting.remote_total != posting.amount:
        return [f"{name}: {posting.amount} was recorded by {target} as {posting.remote_total}"]
    return []
