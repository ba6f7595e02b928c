"""Business customers: their account (terms, price group), trading partners for EDI, price
lists, purchase-order line details, invoices with payments, and the EDI document outbox."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, Versioned, utcnow
from oms_desktop.model.party import Customer


class B2BAccount(Base):
    """A business customer's trade terms: payment terms ("2/10 net 30") and price group."""

    __tablename__ = "b2b_accounts"

    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), primary_key=True)
    terms: Mapped[str] = mapped_column(sa.String(32), default="net 30")
    price_group: Mapped[str | None] = mapped_column(sa.String(32), index=True)

    customer: Mapped[Customer] = relationship()


class TradingPartner(Base):
    """Who sends us X12: the interchange sender (ISA05/ISA06) maps to one customer."""

    __tablename__ = "trading_partners"
    __table_args__ = (sa.UniqueConstraint("isa_qualifier", "isa_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    isa_qualifier: Mapped[str] = mapped_column(sa.String(2))
    isa_id: Mapped[str] = mapped_column(sa.String(15))
    gs_id: Mapped[str] = mapped_column(sa.String(15))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)

    customer: Mapped[Customer] = relationship()


class CustomerPrice(Base):
    """One price: for a customer or a price group, a SKU, from a quantity, between dates."""

    __tablename__ = "customer_prices"
    __table_args__ = (
        sa.CheckConstraint("(customer_id IS NULL) <> (price_group IS NULL)",
                           name="customer_or_group"),
        sa.CheckConstraint("min_qty >= 1", name="min_qty_positive"),
        sa.Index("ix_customer_prices_sku", "sku"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"))
    price_group: Mapped[str | None] = mapped_column(sa.String(32))
    sku: Mapped[str] = mapped_column(sa.String(64))
    min_qty: Mapped[int] = mapped_column(default=1)
    unit_price: Mapped[Decimal]
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]


class AckStatus(enum.StrEnum):
    accepted = "accepted"          # 855 ACK01 IA
    changed = "changed"            # IP: accepted at our (agreed) price
    backordered = "backordered"    # IB: part or all to follow
    rejected = "rejected"          # IR: unknown item


class PurchaseOrderLine(Base):
    """What the buyer's PO said about an order line, echoed in the 855, 856 and 810."""

    __tablename__ = "purchase_order_lines"

    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"),
                                               primary_key=True)
    po_line: Mapped[str] = mapped_column(sa.String(20))  # PO101, the buyer's line id
    buyer_part: Mapped[str | None] = mapped_column(sa.String(48))
    vendor_part: Mapped[str | None] = mapped_column(sa.String(48))
    uom: Mapped[str] = mapped_column(sa.String(2), default="EA")
    quantity: Mapped[int]  # as ordered
    price_asked: Mapped[Decimal | None]
    requested_on: Mapped[date | None]
    po_date: Mapped[date | None]  # BEG05, echoed in the 856's PRF and the 810's BIG
    ack: Mapped[AckStatus] = mapped_column(default=AckStatus.accepted)
    backordered: Mapped[int] = mapped_column(default=0)


class InvoiceStatus(enum.StrEnum):
    open = "open"
    paid = "paid"


class Invoice(Versioned, Base):
    """Issued when a shipment ships, numbered from one gap-free sequence."""

    __tablename__ = "invoices"
    __table_args__ = (sa.CheckConstraint("paid_total <= total", name="paid_within_total"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), unique=True)
    status: Mapped[InvoiceStatus] = mapped_column(default=InvoiceStatus.open)
    terms: Mapped[str] = mapped_column(sa.String(32))
    issued_on: Mapped[date]
    due_on: Mapped[date]
    discount_until: Mapped[date | None]
    discount_percent: Mapped[Decimal] = mapped_column(default=Decimal(0))
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    subtotal: Mapped[Decimal]
    total: Mapped[Decimal]
    paid_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    discount_taken: Mapped[Decimal] = mapped_column(default=Decimal(0))
    paid_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(64))

    lines: Mapped[list["InvoiceLine"]] = relationship(
        cascade="all, delete-orphan", order_by="InvoiceLine.id")
    payments: Mapped[list["Payment"]] = relationship(
        cascade="all, delete-orphan", order_by="Payment.id")
    customer: Mapped[Customer] = relationship()

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid_total - self.discount_taken


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"))
    sku: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str]
    quantity: Mapped[int]
    unit_price: Mapped[Decimal]
    amount: Mapped[Decimal]


class Payment(Base):
    __tablename__ = "invoice_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal]
    discount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    received_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EdiDirection(enum.StrEnum):
    inbound = "inbound"
    outbound = "outbound"


class EdiDocument(Base):
    """Every X12 interchange received or to be sent. Outbound ones are the outbox: written
    in the transaction that caused them, put in the partner's folder by `send`."""

    __tablename__ = "edi_documents"
    __table_args__ = (
        sa.UniqueConstraint("partner_id", "direction", "control_number"),
        sa.Index("ix_edi_documents_pending", "direction", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("trading_partners.id"))
    direction: Mapped[EdiDirection]
    kind: Mapped[str] = mapped_column(sa.String(3))  # 850, 855, 856, 810
    control_number: Mapped[int]
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id"))
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
