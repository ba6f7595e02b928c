"""What the purchase-order and credit screens ask of the database: the business customers
with their last ship-to, the items a scan or a paste names with the customer's prices and
quantity breaks, the credit position before saving, the save itself (once per customer and
PO number, whatever stations or key presses race), and the credit holds a manager releases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oms_desktop.documents import invoice as invoice_pdf
from oms_desktop.errors import ConcurrentChange, NotFound, OmsError, ValidationError
from oms_desktop.model import (
    AuditEvent, B2BAccount, Customer, FinancialStatus, HoldReason, Invoice, InvoiceStatus,
    Order, OrderHold, OrderStatus, Product, ProductBarcode, Setting, utcnow,
)
from oms_desktop.policies import trade_terms
from oms_desktop.policies.permissions import require

from oms_desktop.services.b2b import invoices
from oms_desktop.services.b2b import purchase_orders as pos
from oms_desktop.services.b2b.accounts import price_book
from oms_desktop.services.orders.pipeline import release_order
from oms_desktop.services.users import scope
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import Change, told
from oms_desktop.values import Actor

UNPAID = (FinancialStatus.pending, FinancialStatus.authorized)
SHIP_TO = {"name": "ship_name", "line1": "ship_line1", "line2": "ship_line2",
           "city": "ship_city", "region": "ship_region", "postal_code": "ship_postal_code",
           "country": "ship_country"}
MAX_PO_NUMBER = 40


@dataclass(frozen=True)
class BusinessCustomer:
    id: int
    name: str
    terms: str
    credit_limit: Decimal | None
    ship_to: dict = field(default_factory=dict)  # the last order's, to start from


def business_customers(db: Database) -> list[BusinessCustomer]:
    """Customers with a business account, by name."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        rows = s.execute(sa.select(Customer, B2BAccount.terms).join(
            B2BAccount, B2BAccount.customer_id == Customer.id))
        found = [BusinessCustomer(c.id, c.company or c.name, terms, c.credit_limit,
                                  _last_ship_to(s, c.id)) for c, terms in rows]
    return sorted(found, key=lambda c: c.name.casefold())


def _last_ship_to(session: Session, customer_id: int) -> dict:
    order = session.scalars(sa.select(Order).where(Order.customer_id == customer_id)
                            .order_by(Order.id.desc()).limit(1)).first()
    if order is None:
        return {}
    return {k: getattr(order, col) for k, col in SHIP_TO.items() if getattr(order, col)}


# -- items and prices -------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """A product as a purchase-order line needs it, with the customer's price rows."""
    code: str  # as scanned or typed
    sku: str
    name: str
    list_price: Decimal
    prices: tuple[trade_terms.PriceRow, ...] = ()

    def price(self, quantity: int, on: date) -> tuple[Decimal, str]:
        return trade_terms.choose_price(list(self.prices), quantity, on, self.list_price)

    def breaks(self, on: date) -> tuple[tuple[int, Decimal], ...]:
        """(from quantity, unit price) the customer pays on the day, lowest quantity first."""
        steps = sorted({r.min_qty for r in self.prices if r.min_qty > 1} | {1})
        return tuple((q, self.price(q, on)[0]) for q in steps)


def find_items(db: Database, *, customer_id: int, codes: Iterable[str]) -> dict[str, Item]:
    """The items `codes` (SKUs or barcodes) name, keyed by the code as given; unknown codes
    are left out. Two queries for the products, one for the prices."""
    wanted = sorted({c.strip() for c in codes if c and c.strip()})
    with db.uow(readonly=True) as uow:
        s = uow.session
        customer = _customer(s, customer_id)
        products = {p.sku: p for p in s.scalars(sa.select(Product).where(
            Product.sku.in_(wanted)))}
        for code, product in s.execute(sa.select(ProductBarcode.code, Product).join(
                Product).where(ProductBarcode.code.in_(wanted))):
            products.setdefault(code, product)
        book = price_book(s, customer, {p.sku for p in products.values()})
        return {code: Item(code, p.sku, p.name, p.price or Decimal(0), tuple(book[p.sku]))
                for code, p in products.items()}


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None or session.get(B2BAccount, customer_id) is None:
        raise NotFound(f"No business customer with id {customer_id}")
    return customer


# -- credit -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Credit:
    limit: Decimal | None  # None: no limit
    open_invoices: Decimal  # what is still owed on issued invoices
    open_orders: Decimal  # unpaid orders beyond their open invoices' balances
    adding: Decimal  # this order

    @property
    def after(self) -> Decimal:
        return self.open_invoices + self.open_orders + self.adding

    @property
    def over(self) -> bool:
        return self.limit is not None and self.after > self.limit

    @property
    def headroom(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.after


def credit_check(db: Database, *, customer_id: int, adding: Decimal = Decimal(0)) -> Credit:
    """The customer's credit position if an order of `adding` were saved now."""
    with db.uow(readonly=True) as uow:
        return _credit(uow.session, _customer(uow.session, customer_id), adding)


def _credit(session: Session, customer: Customer, adding: Decimal) -> Credit:
    """Open invoices at their balance; open orders: what the unpaid orders add beyond those
    balances. Together they are what verification's credit check counts (every unpaid
    order's total, an invoice part-paid included), so the preview says what saving does."""
    balance = Invoice.total - Invoice.paid_total - Invoice.discount_taken
    unpaid = (Order.customer_id == customer.id, Order.status != OrderStatus.cancelled,
              Order.financial_status.in_(UNPAID))
    open_invoices = _sum(session, sa.select(sa.func.sum(balance)).where(
        Invoice.customer_id == customer.id, Invoice.status == InvoiceStatus.open))
    invoiced_unpaid = _sum(session, sa.select(sa.func.sum(balance)).join(
        Order, Order.id == Invoice.order_id).where(Invoice.status == InvoiceStatus.open,
                                                   *unpaid))
    orders = _sum(session, sa.select(sa.func.sum(Order.total)).where(*unpaid))
    return Credit(customer.credit_limit, open_invoices, orders - invoiced_unpaid,
                  Decimal(adding))


def _sum(session: Session, query) -> Decimal:
    return Decimal(session.scalar(query) or 0)


# -- saving a purchase order ------------------------------------------------------------------
@dataclass(frozen=True)
class PoLine:
    code: str
    quantity: int
    requested_on: date | None = None


@dataclass(frozen=True)
class Saved:
    order_id: int
    order_number: str
    po_number: str
    status: str
    total: Decimal
    holds: tuple[str, ...]
    lines: tuple[pos.LineResult, ...]

    @property
    def credit_hold(self) -> bool:
        return HoldReason.credit_limit.value in self.holds


def save_po(db: Database, *, actor: Actor, customer_id: int, po_number: str,
            lines: Iterable[PoLine], requested_on: date | None = None,
            ship_to: dict | None = None) -> Saved:
    """Make the order. A customer's PO number is taken once: a second save of it (a double
    press, another station at the same moment) is refused naming who saved it and when."""
    number = (po_number or "").strip()
    if not number or len(number) > MAX_PO_NUMBER or any(ch.isspace() for ch in number):
        raise ValidationError(f"A PO number has 1 to {MAX_PO_NUMBER} characters, no spaces")
    po = pos.PoIn(number, tuple(pos.LineIn(l.code, l.quantity, requested_on=l.requested_on)
                                for l in lines),
                  requested_on=requested_on, ship_to={k: v for k, v in (ship_to or {}).items()
                                                      if v})
    try:
        r = pos.place_order(db, actor=actor, customer=str(customer_id), po=po)
    except (IntegrityError, OmsError) as exc:
        taken = _taken(db, customer_id, number)
        if taken is not None:
            raise taken from exc
        raise
    return Saved(r.order_id, r.order_number, r.po_number, r.status, r.total, r.holds, r.lines)


def _taken(db: Database, customer_id: int, number: str) -> ConcurrentChange | None:
    """Who saved this customer's PO number, as a refusal; None when nobody did."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        order = s.scalars(sa.select(Order).where(
            Order.external_id == f"{customer_id}:{number}")).first()
        if order is None:
            return None
        first = s.scalars(sa.select(AuditEvent).where(AuditEvent.order_id == order.id)
                          .order_by(AuditEvent.id).limit(1)).first()
        who = Change("save", first.actor_name, first.station, first.at) if first else \
            Change("save", "someone", None, order.created_at)
        c = s.get(Customer, customer_id)
        return told(f"PO {number} of {c.company or c.name}", who,
                    done=f"already saved as order {order.number}")


def mapping_names(db: Database) -> list[str]:
    """The saved column mappings for purchase-order files."""
    with db.uow(readonly=True) as uow:
        keys = uow.session.scalars(sa.select(Setting.key).where(
            Setting.key.startswith(pos.MAPPING_KEY)))
        return sorted(k.removeprefix(pos.MAPPING_KEY) for k in keys)


def upload(db: Database, *, actor: Actor, customer_id: int, path: Path,
           mapping: str) -> list[pos.PoResult]:
    """A CSV/XLSX file of purchase orders read with a saved mapping (all or nothing)."""
    return pos.import_file(db, actor=actor, customer=str(customer_id), path=Path(path),
                           mapping=mapping)


# -- credit holds and invoices ----------------------------------------------------------------
@dataclass(frozen=True)
class HeldOrder:
    order_id: int
    number: str
    po_number: str | None
    total: Decimal
    placed_on: date
    note: str


@dataclass(frozen=True)
class HeldCustomer:
    customer_id: int
    name: str
    credit: Credit
    orders: tuple[HeldOrder, ...]


def credit_holds(db: Database, *, actor: Actor | None = None) -> list[HeldCustomer]:
    """Customers with orders on credit hold, each with its credit position and those orders;
    for a person limited to brands or sites, the held orders they may see."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        rows = s.execute(sa.select(Order, OrderHold.note).join(OrderHold).where(
            OrderHold.reason == HoldReason.credit_limit, OrderHold.released_at.is_(None),
            Order.status == OrderStatus.on_hold, *scope.orders_where(scope.of(s, actor)))
            .order_by(Order.customer_id, Order.id))
        held: dict[int, list[HeldOrder]] = {}
        for order, note in rows:
            held.setdefault(order.customer_id, []).append(HeldOrder(
                order.id, order.number, order.customer_po, order.total,
                order.placed_at.date(), note or ""))
        out = [HeldCustomer(cid, (c := s.get(Customer, cid)).company or c.name,
                            _credit(s, c, Decimal(0)), tuple(orders))
               for cid, orders in held.items() if cid is not None]
    return sorted(out, key=lambda h: h.name.casefold())


def release_credit_hold(db: Database, *, actor: Actor, order_id: int):
    """A manager (or admin) lifts an order's credit hold; anyone else is refused here,
    whatever the screen offered. A second release is refused naming the first."""
    require(actor, "orders.release")
    return release_order(db, actor=actor, order_id=order_id,
                         reasons={HoldReason.credit_limit.value})


def invoice_pdf_bytes(db: Database, number: str, *, page: str = "A4") -> bytes:
    return invoice_pdf.render(invoice_pdf.collect(invoices.get_invoice(db, number)), page=page)


def today() -> date:
    return utcnow().date()
