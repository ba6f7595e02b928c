"""The print queue: every label or document sent to a printer is a PrintJob (queued → sent |
failed). A failed job keeps its error and can be retried, on the same or another printer; any
label can be reprinted (a new job with the label's stored bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from oms_desktop.devices.printing import (
    PrinterError, PrinterProfile, load_station, profiles_path, send,
)
from oms_desktop.errors import NotFound
from oms_desktop.model import Actor, PrintJob, PrintJobState, utcnow
from oms_desktop.policies.permissions import require
from oms_desktop.services.shipping.carriers import active_label, shipment_by_ref
from oms_desktop.storage import Database


@dataclass(frozen=True)
class PrintJobView:
    id: int
    kind: str
    title: str
    format: str
    printer: str
    state: str
    error: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None


def _view(job: PrintJob) -> PrintJobView:
    return PrintJobView(job.id, job.kind, job.title, job.format, job.printer.get("name", "?"),
                        job.state.value, job.error, job.attempts, job.created_at, job.sent_at)


def _queue(db: Database, actor: Actor, **fields) -> int:
    with db.uow() as uow:
        job = PrintJob(created_by=actor.name, station=actor.station, **fields)
        uow.session.add(job)
        uow.session.flush()
        uow.commit()
        return job.id


def _deliver(db: Database, job_id: int, printer: PrinterProfile | None) -> PrintJobView:
    """Send one job (outside any transaction), then record sent or failed."""
    with db.uow(readonly=True) as uow:
        job = uow.session.get(PrintJob, job_id)
        profile = printer or PrinterProfile.from_dict(job.printer)
        content, fmt = job.content, job.format
    error = None
    try:
        send(profile, content, fmt)
    except PrinterError as exc:
        error = str(exc)
    with db.uow() as uow:
        job = uow.session.get(PrintJob, job_id)
        job.printer, job.attempts = profile.as_dict(), job.attempts + 1
        job.state = PrintJobState.failed if error else PrintJobState.sent
        job.error, job.sent_at = error, None if error else utcnow()
        uow.commit()
        return _view(job)


def print_document(db: Database, *, actor: Actor, title: str, content: bytes, fmt: str,
                   printer: PrinterProfile, kind: str = "document",
                   label_id: int | None = None) -> PrintJobView:
    job_id = _queue(db, actor, kind=kind, title=title, format=fmt, content=content,
                    printer=printer.as_dict(), label_id=label_id)
    return _deliver(db, job_id, None)


def print_label(db: Database, *, actor: Actor, shipment_id,
                printer: PrinterProfile | None = None) -> PrintJobView:
    """Print (or reprint) the shipment's current label, exactly the stored bytes, on the
    given printer or this station's label printer (devices.printing.load_station)."""
    require(actor, "shipping.label")
    printer = printer or _station_label_printer()
    with db.uow(readonly=True) as uow:
        shipment = shipment_by_ref(uow.session, shipment_id)
        label = active_label(uow.session, shipment.id)
        if label is None:
            raise NotFound(f"{shipment.label} has no label to print")
        title = f"{shipment.label} {label.carrier} {label.tracking_number}"
        content, fmt, label_id = label.content, label.format, label.id
    return print_document(db, actor=actor, title=title, content=content, fmt=fmt,
                          printer=printer, kind="label", label_id=label_id)


def _station_label_printer() -> PrinterProfile:
    printer = load_station().label
    if printer is None:
        raise PrinterError(f"No label printer is set up for this station ({profiles_path()})")
    return printer


def retry(db: Database, *, actor: Actor, job_id: int,
          printer: PrinterProfile | None = None) -> PrintJobView:
    """Send a job again, on its own printer or on another one."""
    require(actor, "shipping.label")
    with db.uow(readonly=True) as uow:
        if uow.session.get(PrintJob, job_id) is None:
            raise NotFound(f"No print job {job_id}")
    return _deliver(db, job_id, printer)


def jobs(db: Database, *, state: str | None = None, limit: int = 100) -> list[PrintJobView]:
    with db.uow(readonly=True) as uow:
        query = sa.select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)
        if state:
            query = query.where(PrintJob.state == PrintJobState(state))
        return [_view(j) for j in uow.session.scalars(query)]
