"""Invoices: issued when a business customer's shipment ships (in the shipping transaction,
numbered from one locked sequence, so two stations never share or skip a number), with the
customer's terms; payments recorded against them; open, overdue and paid; the aging report.
A customer with a trading partner also gets the 856 ship notice and the 810 invoice."""

from __future__ import annotations

import dataclasses

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.documents.x12 import outbound
from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    B2BAccount, FinancialStatus, Invoice, InvoiceLine, InvoiceStatus, Location, Order,
    Payment, Shipment, TradingPartner, utcnow,
)
from oms_desktop.policies import trade_terms
from oms_desktop.policies.permissions import require
from oms_desktop.services import messagebus, settings
from oms_desktop.services.b2b import edi
from oms_desktop.services.brands import profiles
from oms_desktop.services.events import PaymentRecorded, ShipmentShipped
from oms_desktop.services.freight import bookings, pallets
from oms_desktop.services.shipping.carriers import assign_ssccs, ensure_packages, take_number
from oms_desktop.storage import Database
from oms_desktop.values import Actor

SEQUENCE = "invoice"


@dataclass(frozen=True)
class InvoiceLineView:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceView:
    number: str
    customer: str
    order_number: str
    po_number: str | None
    state: str  # open | overdue | paid
    terms: str
    issued_on: date
    due_on: date
    discount_until: date | None
    discount_percent: Decimal
    currency: str
    total: Decimal
    paid_total: Decimal
    discount_taken: Decimal
    balance: Decimal
    paid_on: date | None
    bill_to: tuple[str, ...]
    seller: tuple[str, ...]  # our name and the shipping site's address (or the brand's)
    lines: tuple[InvoiceLineView, ...]
    logo_path: str | None = None  # the brand's logo, when the order's channel has a brand


# -- issuing: a handler of ShipmentShipped ----------------------------------------------------
def on_shipment_shipped(session: Session, event: ShipmentShipped) -> None:
    shipment = session.get(Shipment, event.shipment_id)
    order = shipment.order
    account = session.get(B2BAccount, order.customer_id) if order.customer_id else None
    if account is None:
        return
    invoice = issue(session, event.actor, shipment, account)
    partner = session.scalars(sa.select(TradingPartner).where(
        TradingPartner.customer_id == order.customer_id).order_by(TradingPartner.id)).first()
    if partner is not None:
        ensure_packages(session, shipment)
        assign_ssccs(session, shipment)
        session.flush()
        _queue_asn(session, partner, shipment)
        _queue_810(session, partner, shipment, invoice)


def issue(session: Session, actor: Actor, shipment: Shipment, account: B2BAccount) -> Invoice:
    terms = trade_terms.parse_terms(account.terms)
    today = utcnow().date()
    lines = [InvoiceLine(order_line_id=l.order_line_id, sku=l.order_line.sku,
                         name=l.order_line.name, quantity=l.quantity,
                         unit_price=l.order_line.unit_price,
                         amount=l.order_line.unit_price * l.quantity) for l in shipment.lines]
    subtotal = sum((l.amount for l in lines), Decimal(0))
    invoice = Invoice(number=f"INV-{take_number(session, SEQUENCE):06d}",
                      customer_id=shipment.order.customer_id, order_id=shipment.order_id,
                      shipment_id=shipment.id, terms=terms.text, issued_on=today,
                      due_on=terms.due(today), discount_until=terms.discount_until(today),
                      discount_percent=terms.discount_percent,
                      currency=shipment.order.currency, subtotal=subtotal, total=subtotal,
                      created_by=actor.name, lines=lines)
    session.add(invoice)
    session.flush()
    return invoice


def _address(order: Order) -> outbound.Address:
    store = (order.notes or "").removeprefix("Ship-to store ") or None
    return outbound.Address(order.ship_name or "", store, order.ship_line1, order.ship_city,
                            order.ship_region, order.ship_postal_code, order.ship_country)


def _ship_from(session: Session, shipment: Shipment) -> outbound.Address:
    loc = shipment.location
    site = session.get(Location, loc.site_id) if loc is not None and loc.site_id else loc
    name = settings.get(session, "company.name", site.name if site else "")
    if site is None:
        return outbound.Address(name, None, None, None, None, None, None)
    return outbound.Address(name, site.code, site.address_line1, site.city, site.region,
                            site.postal_code, site.country)


def _item(po, line) -> outbound.Item:
    p = po.get(line.order_line_id)
    return outbound.Item(p.po_line if p else str(line.order_line.line_no), line.quantity,
                         p.uom if p else "EA", line.order_line.unit_price,
                         p.buyer_part if p else None, line.order_line.sku)


def _po_date(po: dict) -> date | None:
    return next((p.po_date for p in po.values() if p.po_date), None)


def _queue_asn(session: Session, partner: TradingPartner, shipment: Shipment) -> None:
    order, po = shipment.order, edi.po_lines(session, shipment.order)
    by_sku = {l.order_line.sku: l for l in shipment.lines}
    packs = {p.id: outbound.Pack(p.sscc, tuple(
        replace(_item(po, by_sku[sku]), quantity=qty) for sku, qty in (p.contents or {}).items()
        if sku in by_sku)) for p in shipment.packages}
    tares = tuple(outbound.Tare(sscc, tuple(packs.pop(i) for i in ids))
                  for sscc, ids in pallets.tares(session, shipment.id))
    grams = sum(p.weight_g or 0 for p in shipment.packages)
    booking = bookings.booking_of(session, shipment.id)
    notice = outbound.ShipNotice(
        shipment.label, order.customer_po or order.number, _po_date(po),
        shipment.shipped_at or utcnow(), shipment.provider or shipment.carrier,
        shipment.tracking_number,
        (Decimal(grams) / Decimal("453.59237")) if grams else None,
        _address(order), _ship_from(session, shipment), tuple(packs.values()), tares,
        booking.scac if booking else None, booking.bol_number if booking else None)
    edi.queue(session, partner, "856", [outbound.asn_856(notice)], order_id=order.id,
              shipment_id=shipment.id)


def _queue_810(session: Session, partner: TradingPartner, shipment: Shipment,
               invoice: Invoice) -> None:
    order, po = shipment.order, edi.po_lines(session, shipment.order)
    terms = trade_terms.parse_terms(invoice.terms)
    doc = outbound.InvoiceDoc(
        invoice.number, invoice.issued_on, order.customer_po or order.number,
        _po_date(po), (shipment.shipped_at or utcnow()).date(), _address(order),
        terms.net_days, terms.discount_percent, terms.discount_days,
        tuple(_item(po, l) for l in shipment.lines), invoice.total)
    edi.queue(session, partner, "810", [outbound.invoice_810(doc)], order_id=order.id,
              shipment_id=shipment.id, invoice_id=invoice.id)


# -- payments ---------------------------------------------------------------------------------
def record_payment(db: Database, *, actor: Actor, invoice: str, amount: Decimal | str,
                   received_on: date | None = None, reference: str | None = None
                   ) -> InvoiceView:
    """What the customer paid. Paid in full within the discount period, the early-payment
    discount is taken; more than the balance is refused."""
    require(actor, "b2b.payments")
    paid = trade_terms.money_above_zero(amount)
    day = received_on or utcnow().date()
    with db.uow() as uow:
        s = uow.session
        inv = _invoice(s, invoice, locked=True)
        if inv.status == InvoiceStatus.paid:
            raise ValidationError(f"invoice {inv.number} is already paid ({inv.paid_on})")
        first = inv.paid_total == 0
        discount = trade_terms.discount_allowed(inv.total, inv.discount_percent,
                                                inv.discount_until, day) if first else 0
        settles = inv.balance - discount
        if paid > inv.balance or (paid > settles and paid != inv.balance):
            raise ValidationError(f"invoice {inv.number}: {paid:.2f} is more than the "
                                  f"{settles:.2f} still owed")
        if paid != settles:
            discount = Decimal(0)
        payment = Payment(amount=paid, discount=discount, received_on=day,
                          reference=reference, recorded_by=actor.name)
        inv.payments.append(payment)
        inv.paid_total += paid
        inv.discount_taken += discount
        if inv.balance == 0:
            inv.status, inv.paid_on = InvoiceStatus.paid, day
            _settle_order(s, inv.order_id)
        s.flush()
        messagebus.publish(s, PaymentRecorded(actor=actor, order_id=inv.order_id,
                                              invoice_id=inv.id, payment_id=payment.id))
        uow.commit()
        return _view(s, inv, day)




def _settle_order(session: Session, order_id: int) -> None:
    """The order counts as paid (and no longer against the credit limit) once every unit
    is invoiced and every invoice paid."""
    order = session.get(Order, order_id)
    invoiced = session.scalar(sa.select(sa.func.count()).select_from(InvoiceLine).join(
        Invoice).where(Invoice.order_id == order_id))
    open_left = session.scalar(sa.select(sa.func.count(Invoice.id)).where(
        Invoice.order_id == order_id, Invoice.status == InvoiceStatus.open))
    units = session.scalar(sa.select(sa.func.sum(InvoiceLine.quantity)).join(Invoice).where(
        Invoice.order_id == order_id)) or 0
    if invoiced and not open_left and units >= sum(l.quantity for l in order.lines):
        order.financial_status = FinancialStatus.paid


# -- reading ----------------------------------------------------------------------------------
def _invoice(session: Session, number: str, *, locked: bool = False) -> Invoice:
    query = sa.select(Invoice).where(Invoice.number == number.strip())
    found = session.scalar(query.with_for_update() if locked else query)
    if found is None:
        raise NotFound(f"No invoice {number!r}")
    return found


def state(inv: Invoice, today: date) -> str:
    if inv.status == InvoiceStatus.paid:
        return "paid"
    return "overdue" if inv.due_on < today else "open"


def _view(session: Session, inv: Invoice, today: date) -> InvoiceView:
    order = session.get(Order, inv.order_id)
    c = inv.customer
    bill_to = tuple(x for x in (c.company or c.name, order.ship_line1,
                                " ".join(filter(None, (order.ship_city, order.ship_region,
                                                       order.ship_postal_code))),
                                order.ship_country) if x)
    return InvoiceView(
        inv.number, c.company or c.name, order.number, order.customer_po, state(inv, today),
        inv.terms, inv.issued_on, inv.due_on, inv.discount_until, inv.discount_percent,
        inv.currency, inv.total, inv.paid_total, inv.discount_taken, inv.balance, inv.paid_on,
        bill_to, _seller(session, inv), tuple(InvoiceLineView(l.sku, l.name, l.quantity, l.unit_price, l.amount)
                       for l in inv.lines), _logo(session, order))


def _logo(session: Session, order: Order) -> str | None:
    brand = profiles.for_order(session, order)
    return brand.logo_path if brand else None


def _seller(session: Session, inv: Invoice) -> tuple[str, ...]:
    brand = profiles.for_order(session, inv.order_id)
    if brand is not None and len(brand.address) > 1:  # the brand bills under its own address
        return brand.address
    a = _ship_from(session, session.get(Shipment, inv.shipment_id))
    if brand is not None:
        a = dataclasses.replace(a, name=brand.sender_name)
    place = " ".join(x for x in (a.city, a.region, a.postal_code) if x)
    return tuple(x for x in (a.name, a.line1, place, a.country) if x)


def get_invoice(db: Database, number: str, *, today: date | None = None) -> InvoiceView:
    with db.uow(readonly=True) as uow:
        return _view(uow.session, _invoice(uow.session, number), today or utcnow().date())


def list_invoices(db: Database, *, state_is: str | None = None, order_id: int | None = None,
                  today: date | None = None) -> list[InvoiceView]:
    day = today or utcnow().date()
    with db.uow(readonly=True) as uow:
        query = sa.select(Invoice).order_by(Invoice.id)
        if order_id is not None:
            query = query.where(Invoice.order_id == order_id)
        views = [_view(uow.session, i, day) for i in uow.session.scalars(query)]
    return [v for v in views if state_is is None or v.state == state_is]


@dataclass(frozen=True)
class AgingRow:
    customer: str
    buckets: dict  # bucket name -> balance
    total: Decimal


def aging(db: Database, *, today: date | None = None) -> list[AgingRow]:
    """Open balances per customer by days past due: current, 1-30, 31-60, 61-90, 90+."""
    day = today or utcnow().date()
    found: dict[str, dict] = defaultdict(lambda: dict.fromkeys(trade_terms.AGING_BUCKETS,
                                                               Decimal(0)))
    with db.uow(readonly=True) as uow:
        for inv in uow.session.scalars(sa.select(Invoice).where(
                Invoice.status == InvoiceStatus.open).order_by(Invoice.id)):
            who = inv.customer.company or inv.customer.name
            found[who][trade_terms.aging_bucket(inv.due_on, day)] += inv.balance
    return [AgingRow(who, b, sum(b.values(), Decimal(0))) for who, b in sorted(found.items())]
