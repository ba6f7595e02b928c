"""Orders for the automation, replenishment and notification tests (plain ORM inserts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import Channel, Customer, CustomerKind, Order, OrderLine, Product
from oms_desktop.services.events import Event, OrderImported
from oms_desktop.services.messagebus import publish
from oms_desktop.storage import Database


def make_order(db: Database, number: str, *, lines: dict[str, int] | None = None,
               country: str = "US", total: str = "50", channel: str = "WEB",
               email: str | None = "ann@example.com", language: str | None = None,
               kind: CustomerKind = CustomerKind.consumer, ship_by: date | None = None,
               service: str | None = None, publish_as=None) -> int:
    """An order (new) with lines {sku: qty}; with `publish_as` an "order.imported" event is
    published in the same transaction, as the import pipeline does."""
    with db.uow() as uow:
        s = uow.session
        chan = s.scalar(sa.select(Channel).where(Channel.code == channel))
        customer = Customer(name=f"Customer {number}", email=email, kind=kind,
                            language=language)
        order = Order(number=number, channel=chan, external_id=number, customer=customer,
                      email=email, ship_name=f"Ann {number}", ship_country=country,
                      total=Decimal(total), ship_by=ship_by, requested_service=service)
        for no, (sku, qty) in enumerate((lines or {"SKU-1": 1}).items(), start=1):
            product = s.scalar(sa.select(Product).where(Product.sku == sku))
            order.lines.append(OrderLine(line_no=no, product_id=product.id, sku=sku,
                                         name=product.name, quantity=qty))
        s.add(order)
        s.flush()
        if publish_as is not None:
            publish(s, OrderImported(actor=publish_as, order_id=order.id))
        uow.commit()
        return order.id


def fire(db: Database, event: Event) -> None:
    """Publish one event in its own unit of work, as a service would."""
    with db.uow() as uow:
        publish(uow.session, event)
        uow.commit()
