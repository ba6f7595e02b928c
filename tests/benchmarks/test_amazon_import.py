"""First import of 10,000 Amazon orders from the emulator within Amazon's documented limits:
getOrders 0.0167 requests/s (burst 20), getOrderItems 0.5/s (burst 30), each on its own
bucket. The items calls set the floor: (10,000 - 30) / 0.5 = 19,940 s, 5 h 32 min, however
fast we are. The emulator and the connector share an emulated clock (a wait costs no real
time; real time still counts), so the run reports the emulated time the import took against
that floor, and the real time our own work took.

    OMS_TEST_POSTGRES_URL=… .venv/bin/python -m pytest tests/benchmarks/test_amazon_import.py \
        -m benchmark --benchmark-enable -s
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from oms_desktop.connectors.amazon import RATES
from oms_desktop.model import SYSTEM
from oms_desktop.services.channels import sync
from tests.connectors.conftest import memory_keyring  # noqa: F401 - fixture
from tests.connectors.marketplaces import AmazonPlatform, add_channel
from tests.factories import small_world

ORDERS, PAGE = 10_000, 100
T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)


def floor_seconds() -> float:
    """What the documented buckets impose: each operation's calls beyond its burst at its
    rate; the two run side by side, so the slower one is the floor."""
    (orders_rate, orders_burst), (items_rate, items_burst) = RATES["getOrders"], RATES["getOrderItems"]
    pages = -(-ORDERS // PAGE)
    return max(max(0, pages - orders_burst) / orders_rate,
               max(0, ORDERS - items_burst) / items_rate)


@pytest.mark.benchmark
def test_first_import_of_10000_amazon_orders_within_the_rate_limits(benchmark, db,
                                                                   memory_keyring):
    small_world(db)
    amazon = AmazonPlatform()
    try:
        for i in range(ORDERS):
            amazon.add_order([("SKU-1", 1 + i % 3, "12.50"), ("SKU-2", 1, "3.99")],
                             at=T0 + timedelta(seconds=30 * i))
        code = add_channel(db, amazon, page_size=PAGE)
        connector = amazon.connector(page_size=PAGE)
        emulated, wall = amazon.emu.clock.now(), time.perf_counter()
        result = benchmark.pedantic(lambda: sync.sync_orders(db, actor=SYSTEM, code=code,
                                                             connector=connector),
                                    rounds=1, iterations=1)
        emulated, wall = amazon.emu.clock.now() - emulated, time.perf_counter() - wall
    finally:
        amazon.stop()
    assert (result.status, result.created) == ("ok", ORDERS)
    assert amazon.emu.refused == [], "paced, never refused"
    floor = floor_seconds()
    assert floor <= emulated < floor * 1.02 + wall
    benchmark.extra_info.update(emulated_s=round(emulated), floor_s=round(floor),
                                wall_s=round(wall, 1))
    print(f"\n{db.dialect}: {ORDERS} Amazon orders in {emulated:,.0f} s of Amazon's time "
          f"(floor {floor:,.0f} s = {floor / 3600:.2f} h; {emulated / floor - 1:+.2%}), "
          f"{wall:.1f} s of real time (load {os.getloadavg()[0]:.1f})")
