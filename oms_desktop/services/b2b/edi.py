"""X12 with trading partners through folders: 850s read from a drop folder (each file moved
to done/ or rejected/ with a one-line reason beside it, never lost), answered with an 855;
ship notices (856) and invoices (810) queued when a shipment ships. Every outbound
interchange is recorded first (the outbox) and written to the out folder by `send`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.documents.x12 import envelope, outbound
from oms_desktop.documents.x12.po850 import PurchaseOrder, read_850
from oms_desktop.errors import ConcurrentChange, OmsError, ValidationError
from oms_desktop.model import (
    EdiDirection, EdiDocument, Order, OrderLine, PurchaseOrderLine, TradingPartner, utcnow,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.b2b import purchase_orders as pos
from oms_desktop.services.shipping.carriers import take_number
from oms_desktop.storage import Database
from oms_desktop.storage.crashpoints import crash_point
from oms_desktop.values import Actor

ISA_SEQUENCE = "edi_interchange"


@dataclass(frozen=True)
class Received:
    file_name: str
    ok: bool
    message: str
    orders: tuple[pos.PoResult, ...] = ()


def us(session: Session) -> envelope.Party:
    """Our interchange identity (settings edi.isa_qualifier, edi.isa_id, edi.gs_id)."""
    isa_id = settings.get(session, "edi.isa_id", "OMSDESKTOP")
    return envelope.Party(settings.get(session, "edi.isa_qualifier", "ZZ"), isa_id,
                          settings.get(session, "edi.gs_id", isa_id))


def _them(p: TradingPartner) -> envelope.Party:
    return envelope.Party(p.isa_qualifier, p.isa_id, p.gs_id)


def receive(db: Database, *, actor: Actor, content: str, file_name: str) -> Received:
    """One interchange of 850s: all its purchase orders become orders, or none does."""
    require(actor, "b2b.orders")
    x = read_850(content)
    with db.uow() as uow:
        s = uow.session
        me = us(s)
        if (x.receiver_qualifier, x.receiver_id) != (me.qualifier, me.isa_id):
            raise ValidationError(f"interchange {x.control_number} is addressed to "
                                  f"{x.receiver_qualifier}/{x.receiver_id}, not to us")
        partner = _partner(s, x.sender_qualifier, x.sender_id)
        seen = _inbound(s, partner, x.control_number)
        if seen is not None:
            if seen.content == content:
                return Received(file_name, True, "already received")
            raise ValidationError(f"interchange control number {x.control_number} from "
                                  f"{partner.isa_id} was already used by {seen.file_name}")
        s.add(EdiDocument(partner_id=partner.id, direction=EdiDirection.inbound, kind="850",
                          control_number=x.control_number, file_name=file_name,
                          content=content))
        results = [pos.place_in_session(s, actor, partner.customer, _po(o), strict=False)
                   for o in x.orders]
        _queue_855(s, partner, x.orders, results)
        uow.commit()
    return Received(file_name, True, f"{len(results)} purchase order(s)", tuple(results))


def _partner(session: Session, qualifier: str, isa_id: str) -> TradingPartner:
    partner = session.scalar(sa.select(TradingPartner).where(
        TradingPartner.isa_qualifier == qualifier, TradingPartner.isa_id == isa_id))
    if partner is None:
        raise ValidationError(f"no trading partner {qualifier}/{isa_id}")
    return partner


def _inbound(session: Session, partner: TradingPartner, control: int) -> EdiDocument | None:
    return session.scalar(sa.select(EdiDocument).where(
        EdiDocument.partner_id == partner.id, EdiDocument.direction == EdiDirection.inbound,
        EdiDocument.control_number == control))


def _po(o: PurchaseOrder) -> pos.PoIn:
    return pos.PoIn(o.number, tuple(
        pos.LineIn(l.vendor_part or l.gtin, l.quantity, l.po_line, l.buyer_part, l.unit_price,
                   l.uom, l.requested_on) for l in o.lines), o.ordered_on, o.requested_on,
        o.ship_to)


def _queue_855(session: Session, partner: TradingPartner, orders, results) -> None:
    bodies = []
    for o, result in zip(orders, results):
        lines = []
        for po_line, r in zip(o.lines, result.lines):
            item = outbound.Item(po_line.po_line, po_line.quantity, po_line.uom,
                                 r.unit_price or po_line.unit_price or 0, po_line.buyer_part,
                                 r.sku or po_line.vendor_part or "")
            status = "changed" if r.price_changed else r.status
            lines.append(outbound.AckLine(item, status, r.quantity - r.backordered
                                          if r.status != "rejected" else 0, r.backordered,
                                          po_line.requested_on))
        bodies.append(outbound.ack_855(o.number, o.ordered_on or utcnow().date(), lines))
    queue(session, partner, "855", bodies, order_id=results[0].order_id)


def queue(session: Session, partner: TradingPartner, kind: str, bodies: list[list[str]],
          **refs) -> EdiDocument:
    """Record an outbound interchange (the outbox row), numbered from one sequence."""
    control = take_number(session, ISA_SEQUENCE)
    content = envelope.interchange(sender=us(session), receiver=_them(partner),
                                   control=control, at=utcnow(), kind=kind,
                                   transactions=bodies)
    doc = EdiDocument(partner_id=partner.id, direction=EdiDirection.outbound, kind=kind,
                      control_number=control, content=content,
                      file_name=f"{kind}_{partner.isa_id}_{control:09d}.x12", **refs)
    session.add(doc)
    return doc


def receive_folder(db: Database, *, actor: Actor, folder: Path) -> list[Received]:
    """Every file in the drop folder, oldest name first; each ends in done/ or rejected/."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder")
    out = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        out.append(_receive_file(db, actor, path))
    return out


def _receive_file(db: Database, actor: Actor, path: Path) -> Received:
    try:
        content = path.read_bytes().decode("ascii")
        result = receive(db, actor=actor, content=content, file_name=path.name)
    except FileNotFoundError:
        return Received(path.name, True, "taken by another station")
    except ConcurrentChange as exc:  # another station is taking it: it moves the file
        return Received(path.name, True, str(exc))
    except (OmsError, UnicodeDecodeError) as exc:
        message = str(exc) if isinstance(exc, OmsError) else "not ASCII text"
        target = _move(path, "rejected")
        target.with_name(target.name + ".error.txt").write_text(message + "\n")
        return Received(path.name, False, message)
    crash_point("edi.received")  # committed, not yet moved: read again, taken once
    _move(path, "done")
    return result


def _move(path: Path, where: str) -> Path:
    target_dir = path.parent / where
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    try:
        os.replace(path, target)
    except FileNotFoundError:  # another station reading the same folder moved it first
        pass
    return target


def send(db: Database, *, actor: Actor, folder: Path) -> list[str]:
    """Write every outbound interchange not yet sent into `folder` (whole files only: written
    aside, then renamed), then mark it sent. A crash between the two writes the same file
    again, under the same name."""
    require(actor, "b2b.orders")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with db.uow(readonly=True) as uow:
        pending = [(d.id, d.file_name, d.content) for d in uow.session.scalars(
            sa.select(EdiDocument).where(EdiDocument.direction == EdiDirection.outbound,
                                         EdiDocument.sent_at.is_(None))
            .order_by(EdiDocument.id))]
    for doc_id, name, content in pending:
        part = folder / f".{name}.part"
        part.write_text(content, encoding="ascii")
        os.replace(part, folder / name)
        crash_point("edi.written")  # written, not yet marked: written again, same name
        with db.uow() as uow:
            uow.session.execute(sa.update(EdiDocument).where(EdiDocument.id == doc_id)
                                .values(sent_at=datetime.now(timezone.utc)))
            uow.commit()
    return [name for _, name, _ in pending]


def documents(db: Database, *, order_id: int | None = None) -> list[tuple[str, str, str]]:
    """(kind, direction, file name) of the EDI documents, of one order when given."""
    with db.uow(readonly=True) as uow:
        query = sa.select(EdiDocument).order_by(EdiDocument.id)
        if order_id is not None:
            query = query.where(EdiDocument.order_id == order_id)
        return [(d.kind, d.direction.value, d.file_name) for d in uow.session.scalars(query)]


def po_lines(session: Session, order: Order) -> dict[int, PurchaseOrderLine]:
    """The buyer's PO details of an order's lines, by order line id."""
    rows = session.scalars(sa.select(PurchaseOrderLine).join(
        OrderLine, OrderLine.id == PurchaseOrderLine.order_line_id)
        .where(OrderLine.order_id == order.id))
    return {r.order_line_id: r for r in rows}
