"""What the books are told: a shipment as a sale (its lines at the order's prices, their
share of the order's tax and discounts, the order's shipping charge on its first shipment), a
refund as a refund of the units it paid back. One builder serves the postings, the journal
and the reconciliation, so they speak of the same amounts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.accounting.base import CENT, DocLine, Document
from oms_desktop.model import (
    SHIPPED_STATES, AuditEvent, Invoice, Order, Refund, ReturnLine, ReturnUnit, Shipment,
    utcnow,
)


def shipment_day(session: Session, shipment: Shipment) -> date:
    """The day the goods left: shipped, or handed over at the counter (click & collect)."""
    return (shipment.shipped_at or session.scalar(_handed_over(shipment.id)) or utcnow()).date()


def _handed_over(shipment_id):
    return sa.select(sa.func.max(AuditEvent.at)).where(
        AuditEvent.entity == "shipment", AuditEvent.entity_id == shipment_id,
        AuditEvent.action == "hand_over")


def first_shipment_id(session: Session, order_id: int) -> int | None:
    """The order's shipment that left first (it carries the order's shipping charge): by
    when it left, not by when it was made, so the answer never changes once given."""
    return session.scalar(sa.select(Shipment.id).where(
        Shipment.order_id == order_id, Shipment.status.in_(SHIPPED_STATES))
        .order_by(Shipment.shipped_at.is_(None), Shipment.shipped_at, Shipment.id).limit(1))


def sale(session: Session, shipment: Shipment) -> Document:
    order = shipment.order
    lines, discount = [], Decimal(0)
    for sl in shipment.lines:
        ol = sl.order_line
        share = Decimal(sl.quantity) / Decimal(ol.quantity or 1)
        lines.append(DocLine(ol.sku, ol.name, sl.quantity, ol.unit_price,
                             (ol.tax * share).quantize(CENT)))
        discount += ol.discount * share
    first = first_shipment_id(session, order.id) in (None, shipment.id)
    return Document("sale", f"{order.number}-S{shipment.id}", order.number,
                    shipment_day(session, shipment), order.channel.code, order.currency,
                    tax_country(order), tuple(lines),
                    shipping=order.shipping_total if first else Decimal(0),
                    discount=discount.quantize(CENT))


def refund(session: Session, row: Refund) -> Document:
    """The refunded units at their order prices with their share of the refunded tax; what
    the refund kept back (a restocking fee, a grade's deduction) is a discount, anything it
    gave beyond the units' prices is added to the shipping refund."""
    order = session.get(Order, row.order_id)
    counts: dict = defaultdict(int)
    for line_id in session.scalars(sa.select(ReturnLine.order_line_id).join(ReturnUnit.line)
                                   .where(ReturnUnit.refund_id == row.id)):
        counts[line_id] += 1
    by_id = {l.id: l for l in order.lines}
    goods = [(by_id[i], q) for i, q in sorted(counts.items()) if i in by_id]
    lines = _spread_tax(goods, row.tax_amount)
    rest = row.amount - sum((l.amount for l in lines), Decimal(0)) - row.tax_amount \
        - row.shipping_amount
    return Document("refund", f"{order.number}-R{row.id}", order.number,
                    row.created_at.date(), order.channel.code, row.currency,
                    tax_country(order), tuple(lines),
                    shipping=(row.shipping_amount + max(rest, Decimal(0))).quantize(CENT),
                    discount=max(-rest, Decimal(0)).quantize(CENT),
                    customer=invoiced_to(session, order.id))


def invoiced_to(session: Session, order_id: int) -> str | None:
    """The business customer an order was invoiced to (its refunds are theirs), if any."""
    invoice = session.scalars(sa.select(Invoice).where(Invoice.order_id == order_id)
                              .order_by(Invoice.id)).first()
    return invoice and (invoice.customer.company or invoice.customer.name)


def _spread_tax(goods, tax: Decimal) -> list[DocLine]:
    base = sum((l.unit_price * q for l, q in goods), Decimal(0))
    lines, left = [], tax
    for n, (l, q) in enumerate(goods):
        part = left if n == len(goods) - 1 else (tax * l.unit_price * q / base).quantize(CENT)
        left -= part
        lines.append(DocLine(l.sku, l.name, q, l.unit_price, part))
    return lines


def tax_country(order: Order) -> str:
    return (order.billing_country or order.ship_country or "none").upper()


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time.min, tzinfo=timezone.utc)
    return start, datetime.combine(last, time.min, tzinfo=timezone.utc) + timedelta(days=1)


def shipped_between(session: Session, first: date, last: date) -> list[Shipment]:
    """Shipments that left on the days first..last (UTC), in id order; not those invoiced to
    a business customer (their invoice is the sale: services/books/invoicing.py)."""
    start, end = _bounds(first, last)
    collected = sa.select(AuditEvent.entity_id).where(
        AuditEvent.entity == "shipment", AuditEvent.action == "hand_over",
        AuditEvent.at >= start, AuditEvent.at < end)
    return list(session.scalars(sa.select(Shipment).where(
        Shipment.status.in_(SHIPPED_STATES), ~Shipment.id.in_(sa.select(Invoice.shipment_id)),
        sa.or_(
            sa.and_(Shipment.shipped_at >= start, Shipment.shipped_at < end),
            sa.and_(Shipment.shipped_at.is_(None), Shipment.id.in_(collected))))
        .order_by(Shipment.id)))


def refunds_between(session: Session, first: date, last: date) -> list[Refund]:
    """Refunds (of money, not nothing) made on the days first..last (UTC)."""
    start, end = _bounds(first, last)
    return list(session.scalars(sa.select(Refund).where(
        Refund.amount > 0, Refund.created_at >= start, Refund.created_at < end)
        .order_by(Refund.id)))
