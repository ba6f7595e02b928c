"""The sync of a channel whose orders arrive as report files: each file read once (known by
its size and SHA-256, whatever its name), in pages that any database takes in one
transaction each. A row that cannot be taken in, or a whole file that cannot be read, is kept
aside in the channel's sync errors with its reason, and the other rows and files go on.

An order id that comes back with another buyer than the order already imported under it is a
conflict, kept aside too: the two are never merged into one parcel."""

from __future__ import annotations

import json
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.base import ReportFiles
from oms_desktop.connectors.dto import Failure, FileIdentity, OrderDTO, Page
from oms_desktop.model import Actor, Order, ReportFile, utcnow
from oms_desktop.plugins.errors import PluginError
from oms_desktop.services.channels.new_orders import channel_orders
from oms_desktop.services.channels.updates import Counts, store_failure

BATCH = 1000
FINISHED = ("done", "refused")
CommitPage = Callable[..., Counts]


def pull_files(db, channel_id: int, connector: ReportFiles, *, run_id: int, actor: Actor,
               counts: Counts, progress, run_db, commit_page: CommitPage,
               full: bool = False) -> None:
    """Read the files not read yet (with `full`, every file again: nothing is duplicated)."""
    finished = set() if full else run_db(lambda: _finished(db, channel_id))
    for report in connector.report_files():
        if (report.sha256, report.size) in finished:
            continue
        finished.add((report.sha256, report.size))
        file_id = run_db(lambda: _begin(db, channel_id, report))
        mine = Counts()
        try:
            reading = connector.read_report(report, batch=BATCH)
            for page in reading.pages:
                mine.add(run_db(lambda: commit_page(db, channel_id, page, actor=actor,
                                                    run_id=run_id, screen=screen_buyers)))
                if progress is not None:
                    progress(counts, f"{report.name}: {mine.fetched} orders read")
        except PluginError as exc:
            run_db(lambda: _refuse(db, file_id, channel_id, report, str(exc), run_id))
            mine.failed += 1
        else:
            run_db(lambda: _end(db, file_id, reading.encoding, mine))
        counts.add(mine)


def _finished(db, channel_id: int) -> set[tuple[str, int]]:
    with db.uow(readonly=True) as uow:
        return set(uow.session.execute(sa.select(ReportFile.sha256, ReportFile.size).where(
            ReportFile.channel_id == channel_id, ReportFile.status.in_(FINISHED))).all())


def _begin(db, channel_id: int, report: FileIdentity) -> int:
    """The file's row, status reading (again, after a run stopped half-way through it)."""
    with db.uow() as uow:
        s = uow.session
        row = s.scalar(sa.select(ReportFile).where(
            ReportFile.channel_id == channel_id, ReportFile.sha256 == report.sha256,
            ReportFile.size == report.size))
        if row is None:
            row = ReportFile(channel_id=channel_id, sha256=report.sha256, size=report.size)
            s.add(row)
        row.name, row.status, row.started_at = report.name[:255], "reading", utcnow()
        s.flush()
        uow.commit()
        return row.id


def _end(db, file_id: int, encoding: str | None, counts: Counts) -> None:
    with db.uow() as uow:
        row = uow.session.get(ReportFile, file_id)
        row.status, row.encoding, row.finished_at = "done", encoding, utcnow()
        row.orders, row.failed = counts.created + counts.updated + counts.unchanged, counts.failed
        uow.commit()


def _refuse(db, file_id: int, channel_id: int, report: FileIdentity, reason: str,
            run_id: int) -> None:
    text = f"{report.name}: {reason}"
    with db.uow() as uow:
        row = uow.session.get(ReportFile, file_id)
        row.status, row.reason, row.finished_at = "refused", text, utcnow()
        raw = json.dumps({"report_file": report.name, "size": report.size,
                          "sha256": report.sha256})
        store_failure(uow.session, channel_id, Failure(raw, text), run_id=run_id)
        uow.commit()


# -- the same order id, another buyer ---------------------------------------------------------
def _buyer(email: str | None, name: str | None) -> tuple[str, str]:
    return (email or "").strip().casefold(), (name or "").strip().casefold()


def _differs(ours: tuple[str, str], theirs: tuple[str, str]) -> bool:
    return any(a and b and a != b for a, b in zip(ours, theirs))


def screen_buyers(session: Session, channel_id: int, page: Page) -> Page:
    """The page without the orders whose id is already taken by another buyer; those become
    failures with the reason."""
    ids = [o.external_id for o in page.orders]
    known = {ext: _buyer(email, name) for ext, email, name in channel_orders(
        session, sa.select(Order.external_id, Order.email, Order.ship_name), channel_id, ids)} \
        if ids else {}
    kept, conflicts = [], []
    for dto in page.orders:
        ours = known.get(dto.external_id)
        if ours is not None and _differs(ours, _buyer(dto.email, _ship_name(dto))):
            raw = page.raw.get(dto.external_id) or json.loads(dto.model_dump_json())
            conflicts.append(Failure(raw, _conflict(dto), dto.external_id, dto.updated_at))
        else:
            kept.append(dto)
    return Page(kept, page.failures + conflicts, page.high_water, page.raw)


def _ship_name(dto: OrderDTO) -> str | None:
    return dto.shipping.name if dto.shipping else dto.customer_name


def _conflict(dto: OrderDTO) -> str:
    return (f"conflict: order {dto.external_id} was imported for another buyer; this one "
            f"({_ship_name(dto) or dto.email}) is kept aside, not merged into it")
