"""The incremental order sync of one channel: fetch what changed since the cursor (minus an
overlap window), take each page in with its cursor in ONE transaction, and log the run.

A sync killed at any point loses nothing and duplicates nothing: a page's orders and the
cursor that covers them commit together, the next run starts from the last committed cursor
minus the overlap, and taking an order in twice is a no-op (keyed by channel and external
id). One serial worker per channel: runs of the same channel queue on a lock."""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterator

import sqlalchemy as sa

from sqlalchemy.orm import Session

from oms_desktop.connectors.base import Connector, ReportFiles
from oms_desktop.connectors.dto import UNREADABLE, OrderDTO, Page, describe_error
from oms_desktop.connectors.registry import load
from oms_desktop.model import Actor, Channel, SyncCursor, SyncError, SyncRun, utcnow
from oms_desktop.plugins.errors import PluginError
from oms_desktop.plugins.redaction import redact
from oms_desktop.policies.permissions import require
from oms_desktop.services.channels import channel_returns
from oms_desktop.services.channels.catalogue import CatalogueResult, pull_catalogue
from oms_desktop.services.channels.lock import channel_worker
from oms_desktop.services.channels.new_orders import link_new_products
from oms_desktop.services.channels.report_files import pull_files
from oms_desktop.services.channels.setup import build_connector, channel_by_code, get_channel
from oms_desktop.services.channels.updates import Counts, apply_page
from oms_desktop.storage import Database

STREAM = "orders"
OVERLAP = timedelta(minutes=5)

Progress = Callable[[Counts, str], None]
Screen = Callable[[Session, int, Page], Page]


@dataclass(frozen=True)
class SyncResult:
    channel: str
    run_id: int
    status: str
    fetched: int
    created: int
    updated: int
    unchanged: int
    failed: int
    flagged: int
    duration_s: float
    error: str | None = None
    catalogue: CatalogueResult | None = None  # what the store's catalogue brought first

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _direct(fn: Callable[[], object]) -> object:
    return fn()


def sync_orders(db: Database, *, actor: Actor, code: str, full: bool = False,
                connector: Connector | None = None, progress: Progress | None = None,
                run_db: Callable[[Callable[[], object]], object] = _direct) -> SyncResult:
    """Run one sync of a channel's orders. A failure is logged in the run and returned
    (status "failed"), not raised, so a scheduled run never dies silently. `run_db` runs
    each database step (the UI passes its database worker; network calls stay here)."""
    require(actor, "channels.sync")
    info = run_db(lambda: get_channel(db, code))
    with channel_worker(db, info.id):
        run_id, since = run_db(lambda: _start(db, info.id, full, actor))
        started = time.perf_counter()
        counts, error, catalogue = Counts(), None, None
        try:
            connector = connector or build_connector(info)
            if isinstance(connector, ReportFiles):
                pull_files(db, info.id, connector, run_id=run_id, actor=actor.via(f"sync:{code}"),
                           counts=counts, progress=progress, run_db=run_db,
                           commit_page=commit_page, full=full)
            else:
                catalogue = pull_catalogue(db, info.id, info.code, connector, actor=actor,
                                           full=full, run_db=run_db)
                _pull(db, info.id, connector, since, run_id, actor.via(f"sync:{code}"), counts,
                      progress, run_db)
        except PluginError as exc:
            error = str(exc)
        except Exception as exc:
            run_db(lambda: _finish(db, run_id, counts, "failed", f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            if connector is not None:
                connector.close()
        status = "failed" if error else "ok"
        run_db(lambda: _finish(db, run_id, counts, status, error))
        return SyncResult(info.code, run_id, status, counts.fetched, counts.created,
                          counts.updated, counts.unchanged, counts.failed, counts.flagged,
                          round(time.perf_counter() - started, 3), error, catalogue)


def _start(db: Database, channel_id: int, full: bool,
           actor: Actor) -> tuple[int, datetime | None]:
    """Open the run (runs left "running" by a killed process become "interrupted") and say
    where to start: the committed cursor minus the overlap, or everything."""
    with db.uow() as uow:
        s = uow.session
        s.execute(sa.update(SyncRun).where(SyncRun.channel_id == channel_id,
                                           SyncRun.status == "running")
                  .values(status="interrupted", finished_at=utcnow()))
        link_new_products(s, channel_id, actor.via("sync:link-products"))
        run = SyncRun(channel_id=channel_id, stream=STREAM, full=full, started_at=utcnow())
        s.add(run)
        cursor = s.scalar(sa.select(SyncCursor.cursor).where(
            SyncCursor.channel_id == channel_id, SyncCursor.stream == STREAM))
        uow.commit()
        since = None if full or not cursor else datetime.fromisoformat(cursor) - OVERLAP
        return run.id, since


def _pull(db: Database, channel_id: int, connector: Connector, since: datetime | None,
          run_id: int, actor: Actor, counts: Counts, progress: Progress | None,
          run_db: Callable) -> None:
    for page in prefetched(connector.fetch_orders(since)):
        counts.add(run_db(lambda: commit_page(db, channel_id, page, actor=actor,
                                              run_id=run_id)))
        if progress is not None:
            progress(counts, f"{counts.fetched} orders fetched")


def prefetched(pages: Iterator[Page], depth: int = 2) -> Iterator[Page]:
    """Fetch the next pages on a network thread while this one commits. Pages still come out
    in order, so the cursor rule is unchanged; a fetch error is raised here, in order."""
    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for page in pages:
                while not stop.is_set():
                    try:
                        box.put(("page", page), timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            box.put(("error", exc))

    worker = threading.Thread(target=produce, name="sync-fetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def commit_page(db: Database, channel_id: int, page: Page, *, actor: Actor,
                run_id: int | None, screen: Screen | None = None) -> Counts:
    """The page's orders, its failures, the run's counters and the cursor: one transaction.
    `screen` may move orders to the failures first, seeing the database."""
    with db.uow() as uow:
        s = uow.session
        channel = s.get(Channel, channel_id)
        if screen is not None:
            page = screen(s, channel_id, page)
        counts = apply_page(s, channel, page, actor=actor, run_id=run_id)
        if page.high_water is not None:
            _advance(s, channel_id, page.high_water)
        if run_id is not None:
            _count(s, run_id, counts)
        uow.commit()
        return counts


def _advance(session, channel_id: int, mark: datetime) -> None:
    row = session.scalar(sa.select(SyncCursor).where(
        SyncCursor.channel_id == channel_id, SyncCursor.stream == STREAM))
    if row is None:
        session.add(SyncCursor(channel_id=channel_id, stream=STREAM, cursor=mark.isoformat()))
    elif row.cursor is None or datetime.fromisoformat(row.cursor) < mark:
        row.cursor = mark.isoformat()


def _count(session, run_id: int, counts: Counts) -> None:
    r = SyncRun.__table__.c
    session.execute(sa.update(SyncRun.__table__).where(r.id == run_id).values(
        fetched=r.fetched + counts.fetched, created=r.created + counts.created,
        updated=r.updated + counts.updated, unchanged=r.unchanged + counts.unchanged,
        failed=r.failed + counts.failed))


def _finish(db: Database, run_id: int, counts: Counts, status: str, error: str | None) -> None:
    with db.uow() as uow:
        run = uow.session.get(SyncRun, run_id)
        run.status, run.error, run.finished_at = status, redact(error), utcnow()
        uow.commit()


# -- stored failures -------------------------------------------------------------------------

@dataclass(frozen=True)
class ErrorView:
    id: int
    channel: str
    external_id: str | None
    reason: str
    raw_payload: str
    retries: int
    created_at: datetime
    resolved_at: datetime | None


def list_errors(db: Database, code: str | None = None, *,
                include_resolved: bool = False) -> list[ErrorView]:
    with db.uow(readonly=True) as uow:
        q = (sa.select(SyncError, Channel.code).join(Channel, Channel.id == SyncError.channel_id)
             .order_by(SyncError.id.desc()))
        if code:
            q = q.where(Channel.code == code)
        if not include_resolved:
            q = q.where(SyncError.resolved_at.is_(None))
        return [ErrorView(e.id, c, e.external_id, e.reason, e.raw_payload, e.retries,
                          e.created_at, e.resolved_at) for e, c in uow.session.execute(q)]


def retry_errors(db: Database, *, actor: Actor, code: str,
                 connector: Connector | None = None) -> Counts:
    """Validate the stored payloads again (after a fix in the connector or the catalogue);
    an order the channel could not give us is asked for again. Those that pass are taken
    in, the others stay with their new reason."""
    require(actor, "channels.sync")
    info = get_channel(db, code)
    connector = connector or build_connector(info)
    page = Page()
    for err in list_errors(db, code):
        returned = channel_returns.from_payload(json.loads(err.raw_payload))
        if returned is not None:
            page.returns.append(returned)
            continue
        try:
            page.orders.append(_again(connector, err))
        except Exception as exc:  # noqa: BLE001 - the reason is stored for a person
            _note_retry(db, err.id, describe_error(exc))
    counts = commit_page(db, info.id, page, actor=actor.via(f"retry:{code}"), run_id=None)
    connector.close()
    return counts


def _again(connector: Connector, err: ErrorView) -> OrderDTO:
    payload = json.loads(err.raw_payload)
    if isinstance(payload, dict) and UNREADABLE in payload and err.external_id:
        return connector.fetch_order(err.external_id)
    return connector.parse_order(payload)


def _note_retry(db: Database, error_id: int, reason: str) -> None:
    with db.uow() as uow:
        err = uow.session.get(SyncError, error_id)
        err.retries += 1
        err.reason = reason[:2000]
        uow.commit()


def sync_all(db: Database, *, actor: Actor, full: bool = False) -> list[SyncResult]:
    with db.uow(readonly=True) as uow:
        rows = uow.session.execute(sa.select(Channel.code, Channel.kind).where(Channel.active)
                                   .order_by(Channel.code)).all()
    installed = load().classes  # channels without a connector (manual entry) have nothing to sync
    codes = [code for code, kind in rows if kind in installed]
    return [sync_orders(db, actor=actor, code=c, full=full) for c in codes]


@dataclass(frozen=True)
class RunView:
    id: int
    status: str
    full: bool
    fetched: int
    created: int
    updated: int
    unchanged: int
    failed: int
    started_at: datetime
    finished_at: datetime | None
    error: str | None

    @property
    def duration_s(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 1)


def recent_runs(db: Database, code: str, limit: int = 20) -> list[RunView]:
    with db.uow(readonly=True) as uow:
        channel = channel_by_code(uow.session, code)
        rows = uow.session.scalars(sa.select(SyncRun).where(SyncRun.channel_id == channel.id)
                                   .order_by(SyncRun.id.desc()).limit(limit))
        return [RunView(r.id, r.status, r.full, r.fetched, r.created, r.updated, r.unchanged,
                        r.failed, r.started_at, r.finished_at, r.error) for r in rows]
