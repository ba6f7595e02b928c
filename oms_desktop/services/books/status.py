"""What the outbox holds: each posting with its state, the target's id and its last error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import BookPosting, Channel, PostingStatus
from oms_desktop.storage import Database


@dataclass(frozen=True)
class PostingView:
    id: int
    target: str
    kind: str
    source_key: str
    number: str
    day: date
    channel: str
    currency: str
    amount: Decimal
    status: PostingStatus
    attempts: int
    remote_id: str | None
    remote_total: Decimal | None
    last_error: str | None
    next_attempt_at: datetime | None


def list_postings(db: Database, *, target: str | None = None, status: str | None = None,
                  limit: int = 500) -> list[PostingView]:
    with db.uow(readonly=True) as uow:
        query = (sa.select(BookPosting, Channel.code).outerjoin(Channel)
                 .order_by(BookPosting.id).limit(limit))
        if target:
            query = query.where(BookPosting.target == target)
        if status:
            query = query.where(BookPosting.status == PostingStatus(status))
        return [_view(p, code) for p, code in uow.session.execute(query)]


def counts(db: Database) -> dict[str, dict[str, int]]:
    """Per target, how many postings are in each state."""
    with db.uow(readonly=True) as uow:
        found: dict[str, dict[str, int]] = {}
        for target, status, n in uow.session.execute(
                sa.select(BookPosting.target, BookPosting.status, sa.func.count())
                .group_by(BookPosting.target, BookPosting.status)):
            found.setdefault(target, {})[PostingStatus(status).value] = n
        return found


def _view(p: BookPosting, channel: str | None) -> PostingView:
    return PostingView(p.id, p.target, p.kind, p.source_key, p.document.get("number", ""),
                       p.day, channel or "", p.currency, p.amount, p.status, p.attempts, p.remote_id,
                       p.remote_total, _why(p), p.next_attempt_at)


def _why(p: BookPosting) -> str | None:
    """The last error, or what a pending posting waits for (a payment: its invoice)."""
    if p.last_error is None and p.waits_for and p.status == PostingStatus.pending:
        return f"waits for {p.waits_for.replace(':', ' ', 1)} to be posted"
    return p.last_error
