"""Assigned shipments for floor tests, built directly (order, shipment, stock, reservations)
so the floor does not depend on the pipeline's allocation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import (
    SYSTEM, Channel, LocationKind, MoveReason, Order, OrderLine, Product, Shipment,
    ShipmentLine,
)
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import location_by_code, virtual_location
from oms_desktop.storage import Database


def stock_up(db: Database, stock: dict[tuple[str, str], int]) -> None:
    """Receive {(sku, bin): quantity}."""
    with db.uow() as uow:
        s = uow.session
        supplier = virtual_location(s, LocationKind.supplier)
        for (sku, code), qty in stock.items():
            product = s.scalar(sa.select(Product).where(Product.sku == sku))
            stock_ops.move(s, product_id=product.id, source=supplier,
                           target=location_by_code(s, code), quantity=qty,
                           reason=MoveReason.receipt, by=SYSTEM)
        uow.commit()


def assigned_shipment(db: Database, lines: dict[str, int], *, bins: dict[str, str],
                      site: str = "WH1", number: str | None = None, carrier: str | None = None,
                      priority: int = 0, ship_by: date | None = None,
                      pickup_at: str | None = None) -> tuple[int, int]:
    """An order with `lines` {sku: qty}, one shipment reserved at `bins` {sku: bin code} and
    assigned to `site`: (order_id, shipment_id)."""
    with db.uow() as uow:
        s = uow.session
        channel = s.scalar(sa.select(Channel).where(Channel.code == "WEB"))
        count = s.scalar(sa.select(sa.func.count(Order.id))) + 1
        order = Order(number=number or f"WEB-{1000 + count}", channel=channel,
                      external_id=f"ext-{count}", ship_name="Ada Lovelace",
                      ship_line1="1 Analytical Way", ship_city="London",
                      ship_postal_code="N1 9GU", ship_country="GB", carrier=carrier,
                      priority=priority, ship_by=ship_by, total=Decimal("10"),
                      pickup_location_id=location_by_code(s, pickup_at).id if pickup_at else None)
        shipment = Shipment(order=order, carrier=carrier)
        for n, (sku, qty) in enumerate(lines.items(), start=1):
            product = s.scalar(sa.select(Product).where(Product.sku == sku))
            line = OrderLine(line_no=n, product_id=product.id, sku=sku, name=product.name,
                             quantity=qty)
            order.lines.append(line)
            shipment.lines.append(ShipmentLine(order_line=line, product_id=product.id,
                                               quantity=qty))
        s.add_all([order, shipment])
        s.flush()
        for sl in shipment.lines:
            sku = sl.order_line.sku
            got = stock_ops.try_reserve(s, product_id=sl.product_id,
                                        location=location_by_code(s, bins[sku]),
                                        quantity=sl.quantity, shipment_line_id=sl.id,
                                        reference=shipment.label)
            assert got is not None, f"not enough {sku} at {bins[sku]}"
        order.verify(by=SYSTEM)
        order.start_fulfilment(by=SYSTEM)
        shipment.assign(location_by_code(s, site), by=SYSTEM)
        uow.commit()
        return order.id, shipment.id
