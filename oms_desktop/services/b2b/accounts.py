"""Business customers' accounts: payment terms, credit limit, price group, their prices and
their EDI trading-partner identity. A manager sets them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    B2BAccount, Customer, CustomerKind, CustomerPrice, Product, TradingPartner,
)
from oms_desktop.policies import trade_terms
from oms_desktop.policies.permissions import require
from oms_desktop.storage import Database
from oms_desktop.values import Actor


@dataclass(frozen=True)
class AccountView:
    customer_id: int
    name: str
    terms: str
    credit_limit: Decimal | None
    price_group: str | None


def customer_by_ref(session: Session, ref: str | int) -> Customer:
    """A business customer by id, company or name."""
    text = str(ref).strip()
    where = Customer.id == int(text) if text.isdigit() else \
        sa.or_(Customer.company == text, Customer.name == text)
    found = session.scalars(sa.select(Customer).where(where).order_by(Customer.id)).first()
    if found is None:
        raise NotFound(f"No customer {text!r}")
    return found


def account_of(session: Session, customer: Customer) -> B2BAccount:
    account = session.get(B2BAccount, customer.id)
    if account is None:
        raise ValidationError(f"{customer.company or customer.name} has no business account "
                              "(set its terms first)")
    return account


def set_account(db: Database, *, actor: Actor, customer: str, terms: str = "net 30",
                credit_limit: Decimal | None = None, price_group: str | None = None,
                email: str | None = None) -> AccountView:
    """Make (or change) a business customer's account; the customer is made if new."""
    require(actor, "b2b.manage")
    parsed = _terms(terms)
    with db.uow() as uow:
        s = uow.session
        try:
            c = customer_by_ref(s, customer)
        except NotFound:
            c = Customer(name=customer, company=customer, email=email)
            s.add(c)
        c.kind, c.credit_limit = CustomerKind.business, credit_limit
        c.payment_terms_days = parsed.net_days  # what verification's credit check reads
        s.flush()
        account = s.get(B2BAccount, c.id) or B2BAccount(customer_id=c.id)
        account.terms, account.price_group = parsed.text, price_group
        s.add(account)
        uow.commit()
        return AccountView(c.id, c.company or c.name, account.terms, c.credit_limit,
                           account.price_group)


def _terms(text: str) -> trade_terms.Terms:
    try:
        return trade_terms.parse_terms(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def add_partner(db: Database, *, actor: Actor, customer: str, isa_id: str,
                qualifier: str = "ZZ", gs_id: str | None = None) -> int:
    """Map an interchange sender (ISA05/ISA06) to a business customer."""
    require(actor, "b2b.manage")
    if not isa_id.strip() or len(isa_id) > 15 or len(qualifier) != 2:
        raise ValidationError("an ISA id has 1 to 15 characters and its qualifier 2")
    with db.uow() as uow:
        c = customer_by_ref(uow.session, customer)
        account_of(uow.session, c)
        partner = TradingPartner(isa_qualifier=qualifier, isa_id=isa_id.strip(),
                                 gs_id=(gs_id or isa_id).strip(), customer_id=c.id)
        uow.session.add(partner)
        uow.flush()
        uow.commit()
        return partner.id


def add_price(db: Database, *, actor: Actor, sku: str, unit_price: Decimal | str,
              customer: str | None = None, group: str | None = None, min_qty: int = 1,
              valid_from: date | None = None, valid_to: date | None = None) -> int:
    """A customer's or a price group's price for a SKU from a quantity, between dates."""
    require(actor, "b2b.manage")
    if (customer is None) == (group is None):
        raise ValidationError("a price is for a customer or for a price group, not both")
    price = _money(unit_price)
    if min_qty < 1 or (valid_from and valid_to and valid_to < valid_from):
        raise ValidationError("the quantity break starts at 1 or more and dates run forward")
    with db.uow() as uow:
        s = uow.session
        if s.scalar(sa.select(Product.id).where(Product.sku == sku)) is None:
            raise NotFound(f"No product with SKU {sku!r}")
        cid = customer_by_ref(s, customer).id if customer else None
        row = CustomerPrice(customer_id=cid, price_group=group, sku=sku, min_qty=min_qty,
                            unit_price=price, valid_from=valid_from, valid_to=valid_to)
        s.add(row)
        uow.flush()
        uow.commit()
        return row.id


def _money(value) -> Decimal:
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not a price") from None
    if price < 0 or not price.is_finite():
        raise ValidationError(f"{value!r} is not a price")
    return price


def price_book(session: Session, customer: Customer,
               skus: set[str]) -> dict[str, list[trade_terms.PriceRow]]:
    """The customer's and its group's price rows for these SKUs, in one query."""
    account = session.get(B2BAccount, customer.id)
    group = account.price_group if account else None
    who = CustomerPrice.customer_id == customer.id
    if group:
        who = sa.or_(who, CustomerPrice.price_group == group)
    book: dict[str, list[trade_terms.PriceRow]] = {sku: [] for sku in skus}
    for r in session.scalars(sa.select(CustomerPrice).where(
            CustomerPrice.sku.in_(sorted(skus)), who)):
        book[r.sku].append(trade_terms.PriceRow(r.unit_price, r.min_qty, r.valid_from,
                                                r.valid_to, r.customer_id is not None))
    return book


def price_for(session: Session, customer: Customer, product: Product, quantity: int,
              on: date) -> tuple[Decimal, str]:
    """What this customer pays for `quantity` of `product` on a day, and why."""
    rows = price_book(session, customer, {product.sku})[product.sku]
    return trade_terms.choose_price(rows, quantity, on, product.price or Decimal(0))
