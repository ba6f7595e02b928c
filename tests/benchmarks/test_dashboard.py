"""The dashboard and the inventory tree at scale, on SQLite and (when configured) PostgreSQL:
1,000,000 orders with 1,500,000 audit events (a year of order, pack and ship events), and
100,000 stock levels over 2,000 bins. The dashboard is one background op; the figures go into
the README."""

import random
import shutil
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, AuditEvent, Channel, Location, Order, Product, StockLevel
from oms_desktop.services.orders import dashboard
from oms_desktop.services.inventory import views as inventory_views
from oms_desktop.storage import Database
from oms_desktop.storage.migrate import upgrade
from tests.conftest import postgres_database

pytestmark = pytest.mark.benchmark

ORDERS = 1_000_000
STATUSES = ["completed"] * 14 + ["cancelled", "new", "verified", "on_hold", "in_fulfilment"]
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
BATCH = 50_000


def _orders(rng):
    today = NOW.date()
    for i in range(1, ORDERS + 1):
        yield dict(id=i, number=f"B{i:07d}", channel_id=1, external_id=str(i),
                   status=rng.choice(STATUSES), financial_status="paid",
                   fulfilment_status="unfulfilled", currency="USD", subtotal=0,
                   shipping_total=0, tax_total=0, discount_total=0, total=0, priority=0,
                   ship_by=today + timedelta(days=rng.randint(-5, 5)),
                   placed_at=NOW, created_at=NOW, updated_at=NOW)


def _events(rng):
    """Per order: one order event, and a pack and a ship event spread over the last year."""
    for i in range(1, ORDERS + 1):
        at = NOW - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        yield dict(entity="order", entity_id=i, order_id=i, action="verify",
                   actor_name="system", at=at)
        if i % 2 == 0:
            action = "pack" if i % 4 == 0 else "ship"
            yield dict(entity="shipment", entity_id=i, order_id=i, action=action,
                       actor_name=f"packer{i % 12}", at=at)


def _batched(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(db: Database) -> None:
    rng = random.Random(11)
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Channel), [dict(id=1, code="WEB", name="Web", kind="manual",
                                               settings={}, currency="USD", safety_buffer=0,
                                               active=True)])
        for batch in _batched(_orders(rng)):
            conn.execute(sa.insert(Order), batch)
        for batch in _batched(_events(rng)):
            conn.execute(sa.insert(AuditEvent), batch)
        _stock(conn, rng)
        conn.exec_driver_sql("ANALYZE")


def _stock(conn, rng) -> None:
    """ORG ▸ WH ▸ 20 zones ▸ 100 bins each; 500 products; 100,000 stock levels."""
    locs = [dict(id=1, code="ORG", name="Org", kind="organisation", parent_id=None, site_id=None),
            dict(id=2, code="WH", name="Warehouse", kind="warehouse", parent_id=1, site_id=2)]
    bins = []
    for z in range(20):
        zid = 3 + z * 101
        locs.append(dict(id=zid, code=f"Z{z:02d}", name=f"Zone {z}", kind="zone",
                         parent_id=2, site_id=2))
        for b in range(100):
            bins.append(zid + 1 + b)
            locs.append(dict(id=zid + 1 + b, code=f"Z{z:02d}-{b:03d}", name=f"Bin {b}",
                             kind="bin", parent_id=zid, site_id=2))
    conn.execute(sa.insert(Location), [dict(sellable=True, ships_from=True, priority=100,
                                            active=True, **row) for row in locs])
    conn.execute(sa.insert(Product), [dict(id=p, sku=f"P{p:04d}", name=f"Product {p}",
                                           weight_g=0, length_mm=0, width_mm=0, height_mm=0,
                                           is_kit=False, hazmat=False, oversize=False,
                                           active=True) for p in range(1, 501)])
    pairs = rng.sample([(p, b) for p in range(1, 501) for b in bins], 100_000)
    conn.execute(sa.insert(StockLevel), [dict(product_id=p, location_id=b, site_id=2,
                                              on_hand=rng.randint(1, 50), reserved=0)
                                         for p, b in pairs])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def big_db(request, tmp_path_factory, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("dashboard-bench") / "oms.sqlite3"
        shutil.copy(sqlite_template, path)
        yield from _seeded(f"sqlite:///{path}")
        return
    yield from _postgres()


def _seeded(url: str):
    db = Database(url)
    upgrade(db)
    seed(db)
    if db.dialect == "postgresql":  # the visibility map lets counts read indexes only
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    db.dispose()  # at rest: SQLite's WAL checkpointed
    db = Database(url)
    yield db
    db.dispose()


def _postgres():
    with postgres_database("oms_bench_dash") as url:
        yield from _seeded(url)


def test_the_dashboard_at_a_million_orders(benchmark, big_db):
    board = benchmark(dashboard.dashboard, big_db, actor=SYSTEM, now=NOW, tz=timezone.utc)
    assert sum(n for _, n in board.by_status) == ORDERS
    assert board.packed_today > 0 and board.shipped_orders_30d > 0


def test_the_inventory_tree_over_100k_stock_levels(benchmark, big_db):
    roots = benchmark(inventory_views.location_tree, big_db, actor=SYSTEM)
    assert roots[0].on_hand > 0 and len(roots[0].children[0].children) == 20
