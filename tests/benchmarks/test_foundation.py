"""Foundation figures (issue 2): seeding 100,000 demo orders on SQLite (target under 10 s),
the order queue's first and next page at a million orders on SQLite and PostgreSQL (under
10 ms), counts by status, and reserving stock for 10,000 waiting orders with
stock_ops.try_reserve (over 2,000 orders/s on SQLite)."""

from __future__ import annotations

import random
import shutil
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from oms_desktop.model import (
    SYSTEM, Location, LocationKind, MoveReason, Order, OrderLine, Reservation, Shipment,
    ShipmentLine, StockLevel,
)
from oms_desktop.services.orders import queue
from oms_desktop.services.inventory import stock_ops
from oms_desktop.demo.seed import order_states, seed_demo
from oms_desktop.services.lookup import virtual_location
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.services.inventory.stock import ledger_differences
from oms_desktop.storage import Database

pytestmark = pytest.mark.benchmark
TODAY = date(2026, 11, 27)
WAITING = 10_000
ORDERS_PER_TRANSACTION = 100


# -- (1) seeding --------------------------------------------------------------------------
def test_seeding_100k_demo_orders_on_sqlite(benchmark, tmp_path, sqlite_template):
    made = iter(range(100))

    def fresh_database():
        path = tmp_path / f"seed-{next(made)}.sqlite3"
        shutil.copy(sqlite_template, path)
        return (Database(f"sqlite:///{path}"),), {}

    def seed(db):
        summary = seed_demo(db, orders=100_000, seed=1, today=TODAY)
        db.dispose()
        return summary

    summary = benchmark.pedantic(seed, setup=fresh_database, rounds=3, iterations=1)
    assert sum(summary.states.values()) == 100_000
    benchmark.extra_info["rows"] = sum(summary.rows.values())


# -- (2) the queue at a million orders ----------------------------------------------------
@pytest.fixture(params=["sqlite", "postgresql"])
def million(request):
    kind = "pg" if request.param == "postgresql" else "sqlite"
    seeded = request.getfixturevalue(f"million_orders_{kind}")
    db = Database(seeded.url)
    yield db
    db.dispose()


VERIFIED = QueueFilter(statuses=("verified",))


def test_first_queue_page_by_status_sorted_by_ship_by(benchmark, million):
    page = benchmark(queue.fetch_page, million, VERIFIED, sort="ship_by", limit=100)
    assert len(page.rows) == 100 and page.next_after is not None


def test_next_queue_page_by_keyset(benchmark, million):
    first = queue.fetch_page(million, VERIFIED, sort="ship_by", limit=100)
    page = benchmark(queue.fetch_page, million, VERIFIED, sort="ship_by",
                     after=first.next_after, limit=100)
    assert len(page.rows) == 100
    assert not {r.id for r in page.rows} & {r.id for r in first.rows}


@pytest.mark.parametrize("sort", ["placed_at", "number", "total", "customer"])
def test_first_queue_page_by_status_for_the_other_sorts(benchmark, million, sort):
    page = benchmark(queue.fetch_page, million, VERIFIED, sort=sort, descending=True, limit=100)
    assert len(page.rows) == 100


def test_first_queue_page_of_all_open_states_sorted_by_ship_by(benchmark, million):
    open_states = QueueFilter(statuses=("new", "verified", "on_hold", "in_fulfilment"))
    page = benchmark(queue.fetch_page, million, open_states, sort="ship_by", limit=100)
    assert len(page.rows) == 100


def test_count_of_one_status(benchmark, million):
    assert benchmark(queue.count, million, VERIFIED) > 100_000


def test_count_by_status(benchmark, million):
    assert sum(benchmark(order_states, million).values()) == 1_000_000


# -- (3) reserving stock for waiting orders -------------------------------------------------
@pytest.fixture(scope="module")
def waiting_orders(tmp_path_factory, sqlite_template):
    """The demo's sites and catalogue, plenty of stock in WH1's bins, and 10,000 orders each
    with a waiting shipment from WH1 whose lines need reserving."""
    path = tmp_path_factory.mktemp("reserve") / "waiting.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    seed_demo(db, orders=0, seed=1, today=TODAY)
    bins = _stock_wh1(db)
    _waiting(db, bins)
    db.dispose()
    return path, bins


def _stock_wh1(db) -> dict[int, int]:
    """product id -> a WH1 bin holding 1,000 of it (received through the ledger)."""
    with db.uow() as uow:
        s = uow.session
        supplier = virtual_location(s, LocationKind.supplier)
        wh1 = s.scalar(sa.select(Location.id).where(Location.code == "WH1"))
        levels = s.execute(sa.select(StockLevel.product_id, StockLevel.location_id)
                           .where(StockLevel.site_id == wh1)).all()
        bins = dict(levels)
        for product_id, bin_id in bins.items():
            stock_ops.move(s, product_id=product_id, source=supplier,
                           target=s.get(Location, bin_id), quantity=1000,
                           reason=MoveReason.receipt, by=SYSTEM)
        uow.commit()
    return bins


def _waiting(db, bins: dict[int, int]) -> None:
    rng = random.Random(3)
    products = sorted(bins)
    now = datetime(2026, 11, 27, 9, tzinfo=timezone.utc)
    wh1 = next(iter(bins.values()))
    orders, lines, shipments, shipment_lines = [], [], [], []
    for n in range(1, WAITING + 1):
        orders.append(dict(id=n, number=f"R{n}", channel_id=1, external_id=f"R{n}",
                           status="in_fulfilment", currency="USD", placed_at=now,
                           created_at=now, updated_at=now, ship_name=f"Customer {n}"))
        shipments.append(dict(id=n, order_id=n, location_id=None, status="waiting",
                              created_at=now))
        for line_no, pid in enumerate(rng.sample(products, rng.choice((1, 1, 1, 2, 2, 3))), 1):
            line_id = len(lines) + 1
            qty = rng.choice((1, 1, 1, 2, 3))
            lines.append(dict(id=line_id, order_id=n, line_no=line_no, product_id=pid,
                              sku=f"P{pid}", name="item", quantity=qty))
            shipment_lines.append(dict(id=line_id, shipment_id=n, order_line_id=line_id,
                                       product_id=pid, quantity=qty))
    with db.engine.begin() as conn:
        site = conn.scalar(sa.select(Location.site_id).where(Location.id == wh1))
        for table, rows in ((Order, orders), (OrderLine, lines), (Shipment, shipments),
                            (ShipmentLine, shipment_lines)):
            conn.execute(sa.insert(table), rows)
        conn.execute(sa.update(Shipment).values(location_id=site))


def reserve_waiting(db: Database, bins: dict[int, int]) -> int:
    """Reserve every waiting shipment's lines with try_reserve, ORDERS_PER_TRANSACTION orders
    per unit of work; a shipment whose lines are all reserved becomes assigned."""
    locations = {bin_id: Location(id=bin_id, code=str(bin_id), name="bin",
                                  kind=LocationKind.bin) for bin_id in set(bins.values())}
    reserved = 0
    with db.uow(readonly=True) as uow:
        waiting = uow.session.scalars(sa.select(Shipment.id).where(
            Shipment.status == "waiting").order_by(Shipment.id)).all()
    for start in range(0, len(waiting), ORDERS_PER_TRANSACTION):
        batch = waiting[start:start + ORDERS_PER_TRANSACTION]
        with db.uow() as uow:
            s = uow.session
            done = set(batch)
            for line_id, shipment_id, product_id, qty in s.execute(
                    sa.select(ShipmentLine.id, ShipmentLine.shipment_id, ShipmentLine.product_id,
                              ShipmentLine.quantity).where(ShipmentLine.shipment_id.in_(batch))):
                got = stock_ops.try_reserve(s, product_id=product_id,
                                            location=locations[bins[product_id]],
                                            quantity=qty, shipment_line_id=line_id)
                if got is None:
                    done.discard(shipment_id)
            s.execute(sa.update(Shipment).where(Shipment.id.in_(done)).values(
                status="assigned"))
            reserved += len(done)
            uow.commit()
    return reserved


def test_reserving_stock_for_10k_waiting_orders_on_sqlite(benchmark, waiting_orders, tmp_path):
    template, bins = waiting_orders
    made = iter(range(100))

    def fresh_copy():
        path = tmp_path / f"reserve-{next(made)}.sqlite3"
        shutil.copy(template, path)
        return (Database(f"sqlite:///{path}"), bins), {}

    def run(db, bins):
        try:
            return reserve_waiting(db, bins), db
        finally:
            db.dispose()

    reserved, db = benchmark.pedantic(run, setup=fresh_copy, rounds=3, iterations=1)
    assert reserved == WAITING
    with db.uow(readonly=True) as uow:
        assert ledger_differences(uow.session) == []
        lines = uow.session.scalar(sa.select(sa.func.count()).select_from(Reservation))
    benchmark.extra_info["orders_per_second"] = round(WAITING / benchmark.stats["median"])
    benchmark.extra_info["reservations"] = lines
