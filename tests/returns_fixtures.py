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
    priced = [(sku, qty, PRICES[sku], Decimal(0), PRICES[sku] * qty * tax_rate)
              for sku, qty in lines.items()]
    return _shipped(db, priced, Decimal(shipping), lambda count, _: f"#{1000 + count}",
                    email="zoe@example.com")


def priced_order(db: Database, lines: list[tuple[str, int, str, str, str]], *,
                 shipping: str = "0.00") -> int:
    """A shipped order whose lines are (SKU, quantity, unit price, line discount, line tax);
    its total is what the customer paid. Returns its id."""
    priced = [(sku, qty, Decimal(price), Decimal(discount), Decimal(tax))
              for sku, qty, price, discount, tax in lines]
    return _shipped(db, priced, Decimal(shipping), lambda _, last: f"#P{last + 1}")


def _shipped(db: Database, lines, shipping: Decimal, number, *, email=None) -> int:
    """Place, verify and ship an order; `number(count, last id)` names it."""
    with db.uow() as uow:
        s = uow.session
        channel = s.scalar(sa.select(Channel).where(Channel.code == "WEB"))
        name = number(s.scalar(sa.select(sa.func.count(Order.id))) or 0,
                      s.scalar(sa.select(sa.func.max(Order.id))) or 0)
        order = Order(number=name, channel=channel, external_id=f"ext-{name}", currency="USD",
                      shipping_total=shipping, financial_status=FinancialStatus.paid,
                      ship_name="Zoë Müller", ship_country="US", email=email)
        for no, (sku, qty, price, discount, tax) in enumerate(lines, 1):
            product = s.scalar(sa.select(Product).where(Product.sku == sku))
            order.lines.append(OrderLine(line_no=no, product_id=product.id, sku=sku,
                                         name=product.name, quantity=qty, unit_price=price,
                                         discount=discount, tax=tax))
        order.subtotal = sum(l.unit_price * l.quantity - l.discount for l in order.lines)
        order.tax_total = sum(l.tax for l in order.lines)
        order.total = order.subtotal + order.tax_total + order.shipping_total
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



def returned_shopify_unit(db: Database, shop) -> tuple[str, str]:
    """A Shopify order synced and shipped, one spoon back defective and inspected: the
    channel's code and the RMA, ready to refund."""
    from oms_desktop.services.channels import sync
    from oms_desktop.services.returns.intake import finish_intake, receive_unit
    from oms_desktop.services.returns.rmas import RequestedLine, create_rma
    from tests.connectors.conftest import add_shopify_channel
    from tests.factories import small_world

    small_world(db)
    code = add_shopify_channel(db, shop)
    shop.add_order(lines=[("SKU-1", 1, "40.00"), ("SKU-2", 2, "10.00")])
    sync.sync_orders(db, actor=SYSTEM, code=code)
    with db.uow() as uow:
        order = uow.session.scalars(sa.select(Order)).one()
        order.verify(by=SYSTEM)
        uow.commit()
    ship_everything(db, order.id)
    rma = create_rma(db, actor=SYSTEM, order=order.id,
                     lines=[RequestedLine("SKU-2", 1, "defective")]).rma_number
    receive_unit(db, actor=SYSTEM, rma=rma, code="SKU-2", condition="defective",
                 disposition="return_to_vendor", location="WH1")
    finish_intake(db, actor=SYSTEM, rma=rma)
    return code, rma
