"""Dry-running one automation rule over 100,000 orders on SQLite: under 2 s (issue 3)."""

import random
import shutil
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.model import (
    SYSTEM, Channel, Customer, Order, OrderLine, OrderTag, Product, utcnow,
)
from oms_desktop.services.automation import rules
from oms_desktop.storage import Database

ORDERS = 100_000
COUNTRIES = ["US", "US", "US", "GB", "DE", "AT", "FR", "NL", "CA", "AU"]
STATUSES = ["new", "verified", "verified", "on_hold", "completed", "completed"]


def _orders(rng: random.Random, channels: int, customers: int):
    now = utcnow()
    for i in range(1, ORDERS + 1):
        yield dict(id=i, number=f"B{i:06d}", channel_id=1 + i % channels, external_id=str(i),
                   customer_id=1 + i % customers, status=rng.choice(STATUSES),
                   financial_status="paid", fulfilment_status="unfulfilled", currency="USD",
                   subtotal=Decimal(0), shipping_total=Decimal(0), tax_total=Decimal(0),
                   discount_total=Decimal(0), total=Decimal(rng.randint(500, 50_000)) / 100,
                   ship_country=rng.choice(COUNTRIES), requested_service="standard",
                   ship_by=date(2026, 12, 1) + timedelta(days=i % 10), priority=0,
                   placed_at=now, created_at=now, updated_at=now)


def _lines(rng: random.Random, products: int):
    for i in range(1, ORDERS + 1):
        for no in range(1, 1 + (1 if i % 3 else 3)):
            pid = rng.randint(1, products)
            yield dict(order_id=i, line_no=no, product_id=pid, sku=f"SKU-{pid}",
                       name=f"Product {pid}", quantity=rng.randint(1, 4),
                       unit_price=Decimal("9.99"), tax=Decimal(0), discount=Decimal(0))


@pytest.fixture(scope="module")
def big_db(tmp_path_factory, sqlite_template):
    """100,000 orders (about 167,000 lines, 10,000 tags) seeded with Core bulk inserts."""
    path = tmp_path_factory.mktemp("rules-bench") / "oms.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    seed(db)
    db.dispose()  # closing checkpoints the WAL, as a database at rest would be
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


def seed(db: Database) -> None:
    rng = random.Random(7)
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Channel), [dict(id=i, code=f"CH{i}", name=f"Channel {i}",
                                               kind="manual", settings={}, currency="USD",
                                               safety_buffer=0, active=True)
                                          for i in range(1, 5)])
        conn.execute(sa.insert(Customer), [dict(id=i, kind="business" if i % 5 else "consumer",
                                                name=f"C{i}", created_at=utcnow())
                                           for i in range(1, 2001)])
        conn.execute(sa.insert(Product), [dict(id=i, sku=f"SKU-{i}", name=f"Product {i}",
                                               weight_g=100 * (i % 20), length_mm=0,
                                               width_mm=0, height_mm=0, is_kit=False,
                                               hazmat=False, oversize=False, active=True)
                                          for i in range(1, 501)])
        conn.execute(sa.insert(Order), list(_orders(rng, 4, 2000)))
        conn.execute(sa.insert(OrderLine), list(_lines(rng, 500)))
        conn.execute(sa.insert(OrderTag), [dict(order_id=i, tag="vip")
                                           for i in range(1, ORDERS + 1, 10)])
    rules.create_rule(db, actor=SYSTEM, name="EU parcels by DHL", trigger="order_imported",
                      conditions=[{"field": "country", "op": "in", "value": ["DE", "AT"]},
                                  {"field": "total", "op": ">=", "value": 100}],
                      actions=[{"type": "set_shipping", "carrier": "dhl", "service": "paket"}])
    rules.create_rule(db, actor=SYSTEM, name="Heavy VIP orders", trigger="order_changed",
                      conditions=[{"field": "weight", "op": ">=", "value": 2000},
                                  {"field": "sku", "op": "any_in",
                                   "value": [f"SKU-{i}" for i in range(1, 100)]},
                                  {"field": "tags", "op": "not_contains", "value": "vip"}],
                      actions=[{"type": "add_tag", "tag": "heavy"},
                               {"type": "set_priority", "priority": 5}])


@pytest.mark.benchmark(timer=time.process_time)
@pytest.mark.parametrize("name", ["EU parcels by DHL", "Heavy VIP orders"])
def test_dry_running_one_rule_over_100k_orders_takes_under_two_seconds(benchmark, big_db, name):
    """Timed in CPU seconds of this process (SQLite runs in it too), which a busy shared
    machine does not inflate; the wall-clock times are kept in extra_info."""
    walls = []

    def run():
        start = time.perf_counter()
        try:
            return rules.dry_run(big_db, name)
        finally:
            walls.append(round(time.perf_counter() - start, 3))

    result = benchmark.pedantic(run, rounds=3, iterations=1)
    benchmark.extra_info["wall_seconds"] = walls
    benchmark.extra_info["orders_examined"] = result.examined
    assert result.examined > 0 and result.rows
    assert benchmark.stats.stats.median < 2.0
