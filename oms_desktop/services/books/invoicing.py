"""A business customer's invoice and its payments as the books see them: the invoice as
issued (its lines, terms and due date) to the customer's own mapping (its company name), a
payment as money applied to that invoice."""

from __future__ import annotations

from sqlalchemy.orm import Session

from oms_desktop.accounting.base import DocLine, Document
from oms_desktop.accounting import trade
from oms_desktop.accounting.trade import PaymentDoc
from oms_desktop.model import Invoice, Order, Payment


def invoice_key(number: str) -> str:
    return f"invoice:{number}"


EXEMPT = trade.EXEMPT  # what carries no tax (SAP's shipping lines too)


def invoice_document(session: Session, inv: Invoice) -> Document:
    """Our invoices to business customers carry no tax (trade sales for resale), so their
    lines take the target's exempt tax code, not the country's: the target must not add
    any."""
    order = session.get(Order, inv.order_id)
    lines = tuple(DocLine(l.sku, l.name, l.quantity, l.unit_price) for l in inv.lines)
    return Document("invoice", inv.number, order.customer_po or order.number, inv.issued_on,
                    order.channel.code, inv.currency, EXEMPT, lines,
                    customer=customer_key(inv), due=inv.due_on, terms=inv.terms)


def customer_key(inv: Invoice) -> str:
    """A business customer's key in the mappings: its company name."""
    return inv.customer.company or inv.customer.name


def payment_document(inv: Invoice, pay: Payment) -> PaymentDoc:
    return PaymentDoc(f"{inv.number}-P{pay.id}", inv.number, pay.received_on,
                      customer_key(inv), inv.currency, pay.amount, pay.reference or "",
                      pay.discount)


