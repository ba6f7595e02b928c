"""Sending the outbox: one posting at a time is claimed with a lease (a guarded UPDATE that
one worker wins, whichever process or station it runs in), its mappings are resolved, it is
sent outside any transaction with its fixed idempotency key, and the answer is recorded by
the worker that still holds the lease. A worker killed after the target answered leaves the
posting `sending` until its lease runs out; the next run sends it again with the same key and
the target answers with the document it already made: posted once."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm

from oms_desktop.accounting import journals
from oms_desktop.accounting.base import AccountingTarget, Mapped, Posted, Refused
from oms_desktop.errors import OmsError
from oms_desktop.model import Actor, BookPosting, PostingStatus, utcnow
from oms_desktop.plugins.backoff import exponential
from oms_desktop.plugins.errors import AuthFailed, RateLimited, Transient
from oms_desktop.plugins.redaction import redact
from oms_desktop.policies.permissions import require
from oms_desktop.services.books import mappings, targets
from oms_desktop.storage import Database
from oms_desktop.storage.crashpoints import crash_point

LEASE_S = 300.0
MAX_ATTEMPTS = 8
_P = PostingStatus


@dataclass
class PostResult:
    target: str
    posted: int = 0
    failed: int = 0
    blocked: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def post_pending(db: Database, *, actor: Actor, target: str, lease_s: float = LEASE_S,
                 limit: int | None = None, plugin: AccountingTarget | None = None) -> PostResult:
    """Send what is due for `target` until nothing is left to claim (or `limit` sent)."""
    require(actor, "books.post")
    with db.uow(readonly=True) as uow:
        config = targets.target_settings(uow.session, target)
        known = mappings.load(uow.session, target)
    plugin = plugin or targets.build(target, config)
    me, result = worker_name(), PostResult(target)
    try:
        while limit is None or result.posted + result.failed < limit:
            claimed = claim(db, target=target, worker=me, lease_s=lease_s)
            if claimed is None:
                break
            _one(db, plugin, known, claimed, me, result)
    finally:
        plugin.close()
    return result


def _one(db: Database, plugin: AccountingTarget, known, claimed: tuple[int, dict, str],
         me: str, result: PostResult) -> None:
    posting_id, document, key = claimed
    doc = journals.load(document)
    mapped, missing = mappings.resolve(known, plugin, doc)
    if mapped is None:
        _finish(db, posting_id, me, status=_P.blocked, error=missing)
        result.blocked += 1
        return
    if doc.kind == "payment":
        mapped = _with_invoice(db, plugin.name, doc, mapped)
    try:
        posted = journals.send(plugin, doc, mapped, key=key)
    except Refused as exc:
        _finish(db, posting_id, me, status=_P.failed, error=str(exc), attempt=True)
        result.failed += 1
        result.errors.append(f"{doc.number}: {exc}")
        return
    except (RateLimited, Transient) as exc:
        _later(db, posting_id, me, exc)
        result.waiting += 1
        return
    except (AuthFailed, OmsError) as exc:  # nothing will go through: give it back, stop
        _finish(db, posting_id, me, status=_P.pending, error=str(exc))
        raise
    crash_point("books.posted")
    _finish(db, posting_id, me, status=_P.posted, posted=posted, attempt=True)
    result.posted += 1


def _with_invoice(db: Database, target: str, doc, mapped: Mapped) -> Mapped:
    """The payment's invoice as the target knows it (claimed only once it is posted)."""
    key = f"invoice:{doc.invoice}"
    with db.uow(readonly=True) as uow:
        remote = uow.session.scalar(sa.select(BookPosting.remote_id).where(
            BookPosting.target == target, BookPosting.source_key == key,
            BookPosting.status == _P.posted))
    return Mapped({**mapped.values, ("posted", key): remote})


def _ready():
    """Postings that wait for nothing, or for one the target has taken."""
    first = sa.orm.aliased(BookPosting)
    return sa.or_(BookPosting.waits_for.is_(None), sa.exists().where(
        first.target == BookPosting.target, first.source_key == BookPosting.waits_for,
        first.status == _P.posted))


def _due(now: datetime):
    return sa.or_(
        sa.and_(BookPosting.status == _P.pending,
                sa.or_(BookPosting.next_attempt_at.is_(None), BookPosting.next_attempt_at <= now)),
        sa.and_(BookPosting.status == _P.sending, BookPosting.lease_until < now))


def claim(db: Database, *, target: str, worker: str,
          lease_s: float = LEASE_S) -> tuple[int, dict, str] | None:
    """The next due posting, now leased to `worker`: (id, document, idempotency key), or None
    when nothing is due. A posting whose lease ran out (its worker died) is due again."""
    while True:
        with db.uow() as uow:
            now = utcnow()
            candidate = uow.session.scalar(
                sa.select(BookPosting.id).where(BookPosting.target == target, _due(now),
                                                _ready())
                .order_by(BookPosting.id).limit(1))
            if candidate is None:
                return None
            won = uow.session.execute(
                sa.update(BookPosting).where(BookPosting.id == candidate, _due(now))
                .values(status=_P.sending, lease_owner=worker,
                        lease_until=now + timedelta(seconds=lease_s))
                .execution_options(synchronize_session=False)).rowcount
            row = uow.session.execute(sa.select(BookPosting.document, BookPosting.idempotency_key)
                                      .where(BookPosting.id == candidate)).one()
            uow.commit()
        if won:
            return candidate, dict(row.document), row.idempotency_key


def _finish(db: Database, posting_id: int, worker: str, *, status: PostingStatus,
            error: str | None = None, posted: Posted | None = None, attempt: bool = False,
            next_at: datetime | None = None) -> bool:
    """Record an outcome, if `worker` still holds the lease (else another worker has it and
    will record the same answer)."""
    values: dict = {"status": status, "lease_owner": None, "lease_until": None,
                    "next_attempt_at": next_at}
    if error is not None or status == _P.posted:
        values["last_error"] = redact(error)
    if attempt:
        values["attempts"] = BookPosting.attempts + 1
    if posted is not None:
        values.update(remote_id=posted.remote_id, remote_number=posted.number,
                      remote_total=posted.total, posted_at=utcnow())
    with db.uow() as uow:
        done = uow.session.execute(
            sa.update(BookPosting).where(BookPosting.id == posting_id,
                                         BookPosting.status == _P.sending,
                                         BookPosting.lease_owner == worker)
            .values(**values).execution_options(synchronize_session=False)).rowcount
        uow.commit()
    return bool(done)


def _later(db: Database, posting_id: int, worker: str, exc: Exception) -> None:
    """Try again after the target's own wait (a 429's Retry-After) or a growing backoff;
    after MAX_ATTEMPTS failures the posting is failed with the last error."""
    with db.uow(readonly=True) as uow:
        attempts = uow.session.get(BookPosting, posting_id).attempts + 1
    wait = getattr(exc, "retry_after", None) or exponential(attempts, first=30.0, cap=3600.0)
    status = _P.failed if attempts >= MAX_ATTEMPTS and not isinstance(exc, RateLimited) \
        else _P.pending
    _finish(db, posting_id, worker, status=status, error=str(exc), attempt=True,
            next_at=utcnow() + timedelta(seconds=wait))


def retry(db: Database, *, actor: Actor, target: str, ids: list[int] | None = None) -> int:
    """Send failed and blocked postings (all, or these) again at the next run, with a fresh
    count of attempts (a mapping was fixed: the old failures say nothing of the next)."""
    require(actor, "books.post")
    with db.uow() as uow:
        query = sa.update(BookPosting).where(
            BookPosting.target == target, BookPosting.status.in_((_P.failed, _P.blocked)))
        if ids:
            query = query.where(BookPosting.id.in_(ids))
        count = uow.session.execute(query.values(status=_P.pending, next_attempt_at=None,
                                                 attempts=0)
                                    .execution_options(synchronize_session=False)).rowcount
        uow.commit()
    return count
