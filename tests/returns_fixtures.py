"""A shipped order to return: stock received, reserved, packed and shipped through the
stock services, so the ledger is real."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import (
    SYSTEM, Channel, FinancialStatus, LocationKind, Order, OrderLine, Product, Reservation,
    Shipment, ShipmentLine,
)
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import location_by_code, virtual_location
from oms_desktop.storage import Database

PRICES = {"SKU-1": Decimal("40.00"), "SKU-2": Decimal("10.00")}


def shipped_order(db: Database, lines: dict[str, int], *, shipping=Decimal("8.00"),
                  tax_rate=Decimal("0.10")) -> int:
    """An order for `lines` (SKU: quantity) shipped from bin WH1-A-01; returns its id."""
    with db.uow() as uow:
        s = uow.session
        channel = s.scalar(sa.select(Channel).where(Channel.code == "WEB"))
        order = Order(number=f"#{1000 + (s.scalar(sa.select(sa.func.count(Order.id))) or 0)}",
                      channel=channel, external_id=f"ext-{len(lines)}-{id(lines)}",
                      currency="USD", shipping_total=shipping,
                      financial_status=FinancialStatus.paid, ship_name="Zoë Müller",
                      ship_country="US", email="zoe@example.com")
        subtotal = tax_total = Decimal(0)
        for n, (sku, qty) in enumerate(lines.items(), 1):
            product = s.scalar(sa.select(Product).where(Product.sku == sku))
            tax = PRICES[sku] * qty * tax_rate
            order.lines.append(OrderLine(line_no=n, product_id=product.id, sku=sku,
                                         name=product.name, quantity=qty,
                                         unit_price=PRICES[sku], tax=tax))
            subtotal, tax_total = subtotal + PRICES[sku] * qty, tax_total + tax
        order.subtotal, order.tax_total = subtotal, tax_total
        order.total = subtotal + tax_total + shipping
        s.add(order)
        s.flush()
        order.verify(by=SYSTEM)
        uow.commit()
    ship_everything(db, order.id)
    return order.id


def ship_everything(db: Database, order_id: int) -> None:
    """Receive, reserve, pack and ship every line of a verified order from bin WH1-A-01."""
    with db.uow() as uow:
        s = uow.session
        order = s.get(Order, order_id)
        bin_ = location_by_code(s, "WH1-A-01")
        customer = virtual_location(s, LocationKind.customer)
        supplier = virtual_location(s, LocationKind.supplier)
        shipment = Shipment(order=order)
        for line in order.lines:
            shipment.lines.append(ShipmentLine(order_line=line, product_id=line.product_id,
                                               quantity=line.quantity))
        s.add(shipment)
        s.flush()
        order.start_fulfilment(by=SYSTEM)
        shipment.assign(bin_.parent.parent, by=SYSTEM)
        for sl in shipment.lines:
            stock_ops.move(s, product_id=sl.product_id, source=supplier, target=bin_,
                           quantity=sl.quantity, reason="receipt", by=SYSTEM)
            got = stock_ops.try_reserve(s, product_id=sl.product_id, location=bin_,
                                        quantity=sl.quantity, shipment_line_id=sl.id)
            stock_ops.consume(s, s.get(Reservation, got.reservation_id), target=customer,
                              by=SYSTEM)
        shipment.pack(by=SYSTEM)
        shipment.ship(by=SYSTEM, tracking_number="1Z999AA10123456784")
        order.complete(by=SYSTEM)
        uow.commit()


def priced_order(db: Database, lines: list[tuple[str, int, str, str, str]], *,
                 shipping: str = "0.00") -> int:
    """A shipped order whose lines are (SKU, quantity, unit price, line discount, line tax);
    its total is what the customer paid. Returns its id."""
    with db.uow() as uow:
        s = uow.session
        channel = s.scalar(sa.select(Channel).where(Channel.code == "WEB"))
        n = (s.scalar(sa.select(sa.func.max(Order.id))) or 0) + 1
        order = Order(number=f"#P{n}", channel=channel, external_id=f"priced-{n}",
                      currency="USD", shipping_total=Decimal(shipping),
                      financial_status=FinancialStatus.paid, ship_name="Zoë Müller",
                      ship_country="US")
        for no, (sku, qty, price, discount, tax) in enumerate(lines, 1):
            product = s.scalar(sa.select(Product).where(Product.sku == sku))
            order.lines.append(OrderLine(line_no=no, product_id=product.id, sku=sku,
                                         name=product.name, quantity=qty,
                                         unit_price=Decimal(price), discount=Decimal(discount),
                                         tax=Decimal(tax)))
        order.subtotal = sum(l.unit_price * l.quantity - l.discount for l in order.lines)
        order.tax_total = sum(l.tax for l in order.lines)
        order.total = order.subtotal + order.tax_total + order.shipping_total
        s.add(order)
        s.flush()
        order.verify(by=SYSTEM)
        uow.commit()
    ship_everything(db, order.id)
    return order.id
