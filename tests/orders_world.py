"""Orders for shell, queue and benchmark tests, seeded with Core bulk inserts (fast at 1M)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import Channel, Customer, Order, OrderLine, OrderStatus, OrderTag
from oms_desktop.model.search import OrderWord, index_rows
from oms_desktop.storage import Database

NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
         "Donald Knuth", "Margaret Hamilton", "Ken Thompson", "Frances Allen", "John Backus"]
COUNTRIES = ["US", "US", "US", "CA", "GB", "DE", "FR"]
STATUSES = [OrderStatus.new] * 5 + [OrderStatus.verified] * 2 + [
    OrderStatus.on_hold, OrderStatus.in_fulfilment, OrderStatus.completed]


def ensure_channels(db: Database) -> dict[str, int]:
    with db.uow() as uow:
        s = uow.session
        for code, name in (("WEB", "Web shop"), ("AMZ", "Amazon"), ("EBAY", "eBay")):
            if s.scalar(sa.select(Channel.id).where(Channel.code == code)) is None:
                s.add(Channel(code=code, name=name, kind="manual"))
        uow.commit()
        return dict(s.execute(sa.select(Channel.code, Channel.id)).all())


def seed_orders(db: Database, count: int, *, seed: int = 7, batch: int = 20_000,
                start_id: int = 1, lines: bool = True) -> None:
    """`count` orders with ids from start_id, one line each (when `lines`), a few tagged."""
    rnd = random.Random(seed)
    channels = list(ensure_channels(db).values())
    today = date.today()
    placed0 = datetime.now(timezone.utc) - timedelta(days=30)
    with db.engine.begin() as conn:
        for first in range(start_id, start_id + count, batch):
            ids = range(first, min(first + batch, start_id + count))
            orders = [_order(i, rnd, channels, today, placed0) for i in ids]
            conn.execute(sa.insert(Order), orders)
            order_lines = [_line(o) for o in orders] if lines else []
            if order_lines:
                conn.execute(sa.insert(OrderLine), order_lines)
            conn.execute(sa.insert(OrderWord), index_rows(orders, order_lines))
            tags = [{"order_id": o["id"], "tag": "vip"} for o in orders if o["id"] % 50 == 0]
            if tags:
                conn.execute(sa.insert(OrderTag), tags)
        if db.dialect == "postgresql":
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))")
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('order_lines', 'id'), "
                                 "(SELECT max(id) FROM order_lines))")


def _order(i: int, rnd: random.Random, channels: list[int], today: date,
           placed0: datetime) -> dict:
    total = Decimal(rnd.randrange(500, 50_000)) / 100
    placed = placed0 + timedelta(seconds=i * 7 % (30 * 86400))
    return dict(id=i, number=f"{1000 + i}", channel_id=channels[i % len(channels)],
                external_id=f"EXT-{i}", status=STATUSES[i % len(STATUSES)],
                currency="USD", subtotal=total, total=total,
                email=f"customer{i % 5000}@example.com", ship_name=NAMES[i % len(NAMES)],
                ship_city="Springfield", ship_country=COUNTRIES[i % len(COUNTRIES)],
                ship_by=today + timedelta(days=rnd.randrange(-3, 8)), placed_at=placed,
                created_at=placed, updated_at=placed,
                carrier=("ups", "usps", "fedex", None)[i % 4])


def _line(order: dict) -> dict:
    return dict(id=order["id"], order_id=order["id"], line_no=1, sku=f"SKU-{order['id'] % 200}",
                name="Trail mug", quantity=1 + order["id"] % 3, unit_price=order["total"])


def add_customer(db: Database, name: str, kind: str = "business") -> int:
    with db.uow() as uow:
        customer = Customer(name=name, kind=kind, email=f"{name.split()[0].lower()}@example.com")
        uow.session.add(customer)
        uow.commit()
        return customer.id
