"""Postings owed to the books, written by the event handlers in the transaction that shipped
or refunded, one per set-up target. Each has a source key (a second publication of the same
event adds nothing) and an idempotency key, fixed now, that every attempt sends, so the
target makes one document however often it is asked. With `books.mode` = "daily_summary"
sales are left to the day's summary (summaries.py); refunds are posted one by one."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.accounting import registry
from oms_desktop.accounting.base import Document
from oms_desktop.errors import OmsError
from oms_desktop.model import BookPosting, Channel, Invoice, Order, Refund, Shipment
from oms_desktop.services import settings
from oms_desktop.services.books import documents, invoicing
from oms_desktop.services.books.targets import configured
from oms_desktop.services.events import Event, RefundIssued

MODE_KEY = "books.mode"
MODES = ("per_order", "daily_summary")


def on_shipment_left(session: Session, event: Event) -> None:
    """Handler of ShipmentShipped and ShipmentPickedUp: the goods are sold (to a business
    customer: on the invoice issued for the shipment, whatever the mode)."""
    if not configured(session):
        return
    invoice = session.scalar(sa.select(Invoice).where(Invoice.shipment_id == event.shipment_id))
    if invoice is not None:
        order = session.get(Order, invoice.order_id)
        enqueue(session, invoicing.invoice_key(invoice.number),
                invoicing.invoice_document(session, invoice), channel_id=order.channel_id,
                order_id=order.id)
        return
    if settings.get(session, MODE_KEY, "per_order") == "daily_summary":
        return
    shipment = session.get(Shipment, event.shipment_id)
    if shipment is not None:
        enqueue(session, f"sale:shipment:{shipment.id}", documents.sale(session, shipment),
                channel_id=shipment.order.channel_id, order_id=shipment.order_id)


def on_refund_issued(session: Session, event: RefundIssued) -> None:
    row = session.get(Refund, event.refund_id)
    if row is not None and row.amount > 0 and configured(session):
        enqueue(session, f"refund:{row.id}", documents.refund(session, row),
                channel_id=session.get(Order, row.order_id).channel_id, order_id=row.order_id)


def enqueue(session: Session, source_key: str, doc: Document, *, channel_id: int | None,
            order_id: int | None, waits_for: str | None = None) -> int:
    """One posting of `doc` per set-up target that takes its kind and has none for
    `source_key`; how many. `waits_for` names the posting that must be posted first."""
    made = 0
    for target in configured(session):
        if not takes(target, doc.kind) or session.scalar(sa.select(BookPosting.id).where(
                BookPosting.target == target, BookPosting.source_key == source_key)):
            continue
        session.add(BookPosting(
            target=target, kind=doc.kind, source_key=source_key,
            idempotency_key=uuid.uuid4().hex, channel_id=channel_id, order_id=order_id,
            day=doc.day, currency=doc.currency, amount=doc.total, document=doc.to_json(),
            waits_for=waits_for))
        made += 1
    return made


def takes(target: str, kind: str) -> bool:
    """Whether the target's plugin takes documents of this kind (SAP: no payments, bills)."""
    try:
        return kind in registry.load().get(target).KINDS
    except OmsError:  # a target whose plugin is gone: its postings wait for it
        return True


def channel_id(session: Session, code: str) -> int:
    return session.scalar(sa.select(Channel.id).where(Channel.code == code))
