"""A small world for the order pipeline: two warehouses (New Jersey, California) with bins in
walk order, a New York store that may ship (ship-from-store) and one that may not, products
(one a kit, one hazardous, one oversize), a web channel, and a helper that places orders."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import count

import sqlalchemy as sa

from oms_desktop.model import (
    Channel, Customer, CustomerKind, FinancialStatus, LocationKind, MoveReason, Order, OrderLine,
    Product,
)
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.inventory.catalog import add_location, add_product
from oms_desktop.services.lookup import location_by_code, virtual_location
from oms_desktop.model import SYSTEM
from oms_desktop.storage import Database

_numbers = count(1000)
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)


def pipeline_world(db: Database, *, sites: tuple[str, ...] = ("WH-NJ", "WH-CA")) -> None:
    spots = {"WH-NJ": ("US", "NJ", 100), "WH-CA": ("US", "CA", 100), "WH-TX": ("US", "TX", 50),
             "WH-DE": ("DE", "HE", 100)}
    with db.uow() as uow:
        s = uow.session
        org = add_location(s, code="ORG", name="Acme", kind=LocationKind.organisation)
        for code in sites:
            country, region, priority = spots[code]
            wh = add_location(s, code=code, name=code, kind=LocationKind.warehouse, parent=org,
                              country=country, region=region, priority=priority)
            zone = add_location(s, code=f"{code}-A", name="Aisle A", kind=LocationKind.zone,
                                parent=wh)
            for i in (3, 1, 2):  # created out of walk order on purpose
                add_location(s, code=f"{code}-A-0{i}", name=f"Bin {i}", kind=LocationKind.bin,
                             parent=zone, walk_sequence=i)
        add_location(s, code="STORE-NY", name="Manhattan store", kind=LocationKind.store,
                     parent=org, country="US", region="NY", ships_from=True)
        add_location(s, code="STORE-BK", name="Brooklyn store", kind=LocationKind.store,
                     parent=org, country="US", region="NY", ships_from=False)
        add_product(s, sku="MUG", name="Trail mug", price=Decimal("12.50"), weight_g=350)
        add_product(s, sku="SPOON", name="Camp spoon", price=Decimal("4.00"), weight_g=40)
        add_product(s, sku="KIT", name="Camp set", components={"MUG": 1, "SPOON": 2})
        add_product(s, sku="GAS", name="Fuel canister", price=Decimal("9.00"), hazmat=True)
        add_product(s, sku="TENT", name="Family tent", price=Decimal("300.00"), oversize=True)
        s.add(Channel(code="WEB", name="Web shop", kind="manual"))
        uow.commit()


def put_stock(db: Database, location: str, sku: str, quantity: int) -> None:
    """Stock in without announcing it (the world before the story starts)."""
    with db.uow() as uow:
        s = uow.session
        product = s.scalar(sa.select(Product).where(Product.sku == sku))
        stock_ops.move(s, product_id=product.id, source=virtual_location(s, LocationKind.supplier),
                       target=location_by_code(s, location), quantity=quantity,
                       reason=MoveReason.receipt, by=SYSTEM)
        uow.commit()


ADDRESS = dict(ship_name="Ann Lee", ship_line1="5 Main St", ship_city="Albany",
               ship_region="NY", ship_postal_code="12207", ship_country="US",
               billing_country="US")


def place_order(db: Database, lines: dict[str, int], *, customer: str | None = "Ann Lee",
                placed_at: datetime | None = None, business: dict | None = None,
                **fields) -> int:
    """A new paid order with these lines (SKU: quantity); fields override the defaults."""
    with db.uow() as uow:
        s = uow.session
        order = _order(s, lines, customer, business, placed_at, fields)
        s.add(order)
        uow.commit()
        return order.id


def _order(s, lines, customer, business, placed_at, fields) -> Order:
    number = fields.pop("number", None) or f"W{next(_numbers)}"
    products = {p.sku: p for p in s.scalars(sa.select(Product).where(Product.sku.in_(lines)))}
    order_lines = [OrderLine(line_no=i, product_id=products[sku].id, sku=sku,
                             name=products[sku].name, quantity=qty,
                             unit_price=products[sku].price or Decimal(10))
                   for i, (sku, qty) in enumerate(lines.items(), 1)]
    total = sum((l.unit_price * l.quantity for l in order_lines), Decimal(0))
    values = dict(ADDRESS, number=number, external_id=number, total=total, subtotal=total,
                  financial_status=FinancialStatus.paid, email="ann@example.com",
                  placed_at=placed_at or T0, channel_id=_channel(s))
    values.update(fields)
    order = Order(**values)
    order.lines = order_lines
    if customer:
        order.customer = _customer(s, customer, business)
    return order


def _channel(s) -> int:
    return s.scalar(sa.select(Channel.id).where(Channel.code == "WEB"))


def _customer(s, name: str, business: dict | None) -> Customer:
    found = s.scalar(sa.select(Customer).where(Customer.name == name))
    if found is None:
        found = Customer(name=name, email=f"{name.split()[0].lower()}@example.com",
                         kind=CustomerKind.business if business else CustomerKind.consumer,
                         **(business or {}))
        s.add(found)
    return found


def later(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)
