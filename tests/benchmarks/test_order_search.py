"""Searching the orders queue by any word at 100,000 demo orders, SQLite and PostgreSQL:

    OMS_TEST_POSTGRES_URL=… .venv/bin/python -m pytest tests/benchmarks/test_order_search.py \\
        -m benchmark --benchmark-enable -s

Each search is checked against the data (the right orders, all of them) and timed: the first
page of the queue (100 rows, by ship-by), the count, and for comparison the scan a
`LIKE '%word%'` search would make."""

from __future__ import annotations

import statistics
import time
from datetime import date

import pytest
import sqlalchemy as sa

from oms_desktop.demo.seed import seed_demo
from oms_desktop.model import Order, OrderLine
from oms_desktop.model.search import OrderWord
from oms_desktop.services.orders import queue
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.storage import Database
from oms_desktop.storage.migrate import upgrade
from tests.conftest import postgres_database

pytestmark = pytest.mark.benchmark
ORDERS = 100_000
ROUNDS = 7


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def orders_100k(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("search") / "search.sqlite3"
        yield from _seeded(f"sqlite:///{path}")
    else:
        with postgres_database("oms_bench_search") as url:
            yield from _seeded(url)


def _seeded(url: str):
    db = Database(url)
    upgrade(db)
    started = time.perf_counter()
    seed_demo(db, orders=ORDERS, seed=1, today=date(2026, 11, 27))
    with db.engine.connect() as conn:
        words = conn.scalar(sa.select(sa.func.count()).select_from(OrderWord))
    print(f"\n{db.dialect}: seeded {ORDERS:,} orders and {words:,} search words in "
          f"{time.perf_counter() - started:.1f} s")
    yield db
    db.dispose()


def timed(fn) -> tuple[float, object]:
    """Median milliseconds of ROUNDS calls, and the last answer."""
    times, answer = [], None
    for _ in range(ROUNDS):
        started = time.perf_counter()
        answer = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), answer


def every_id(db, flt) -> set[int]:
    ids, after = set(), None
    while True:
        page = queue.fetch_page(db, flt, after=after, limit=1000)
        ids.update(r.id for r in page.rows)
        if page.next_after is None:
            return ids
        after = page.next_after


def report(db, what: str, text: str, expected: set[int]) -> None:
    flt = QueueFilter(search=text)
    found = every_id(db, flt)
    assert expected and expected <= found, f"{what}: {len(expected - found)} orders missed"
    first_ms, page = timed(lambda: queue.fetch_page(db, flt, limit=100))
    count_ms, n = timed(lambda: queue.count(db, flt))
    assert n == len(found) and {r.id for r in page.rows} <= found
    print(f"{db.dialect} {what} {text!r}: {n:,} orders; first page {first_ms:.1f} ms, "
          f"count {count_ms:.1f} ms")


def ids_where(db, *where) -> set[int]:
    with db.engine.connect() as conn:
        return set(conn.scalars(sa.select(Order.id).where(*where)))


def test_a_surname_alone_finds_every_order_of_it(orders_100k, benchmark):
    db = orders_100k
    tremblay = ids_where(db, Order.ship_name.like("% Tremblay"))
    report(db, "surname", "Tremblay", tremblay)
    found = every_id(db, QueueFilter(search="Tremblay"))
    with db.engine.connect() as conn:  # nothing else: each has the word in a field we index
        other = conn.execute(sa.select(Order.ship_name, Order.email, Order.ship_city)
                             .where(Order.id.in_(sorted(found - tremblay)[:500]))).all()
    assert all("tremblay" in " ".join(filter(None, r)).lower() for r in other)
    flt = QueueFilter(search="Tremblay", statuses=("new", "verified", "on_hold"))
    benchmark.pedantic(lambda: queue.fetch_page(db, flt, limit=100), rounds=ROUNDS)


def test_two_words_a_prefix_an_email_word_and_an_sku(orders_100k):
    db = orders_100k
    mathis = ids_where(db, Order.ship_name == "Mathis Tremblay")
    report(db, "two words", "Mathis Tremblay", mathis)
    report(db, "prefix", "trembl", ids_where(db, Order.ship_name.like("% Tremblay")))
    with db.engine.connect() as conn:
        email, number = conn.execute(sa.select(Order.email, Order.number)
                                     .where(Order.email.is_not(None))
                                     .order_by(Order.id.desc()).limit(1)).one()
        sku = conn.scalar(sa.select(OrderLine.sku).order_by(OrderLine.id.desc()).limit(1))
    report(db, "whole e-mail", email, ids_where(db, Order.email == email))
    digits = "".join(c for c in number if c.isdigit())
    report(db, "order number digits", digits, ids_where(db, Order.number == number))
    report(db, "SKU", sku, ids_where(db, Order.id.in_(
        sa.select(OrderLine.order_id).where(OrderLine.sku == sku))))


def test_what_a_substring_scan_would_cost_for_comparison(orders_100k):
    db = orders_100k
    with db.engine.connect() as conn:
        scan_ms, n = timed(lambda: conn.scalar(
            sa.select(sa.func.count()).select_from(Order)
            .where(sa.func.lower(Order.ship_name).like("%tremblay%"))))
    assert n == len(ids_where(db, Order.ship_name.like("%Tremblay%")))
    print(f"{db.dialect} LIKE '%tremblay%' count (no index can serve it): {n:,} orders, "
          f"{scan_ms:.1f} ms")
