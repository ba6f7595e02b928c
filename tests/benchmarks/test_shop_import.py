"""First import of 2,000 BigCommerce orders from the emulator within the store's quota
(Standard plan: 150 requests a 30 s window, shared by every app of the store). Orders v2 lists
them 250 a page but links their products and shipping addresses, two calls more an order:
4,009 requests, 27 windows, so the quota's floor is 26 resets of 30 s = 780 s, whatever our
speed. The emulator and the connector share an emulated clock (a wait costs no real time; real
time still counts). Magento (no limit on the admin API) and Square (no published limit) are
timed for the same import, our own work only.

    OMS_TEST_POSTGRES_URL=… .venv/bin/python -m pytest tests/benchmarks/test_shop_import.py \
        -m benchmark --benchmark-enable -s
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.channels import sync
from tests.connectors.conftest import memory_keyring  # noqa: F401 - fixture
from tests.connectors.marketplaces import PLATFORMS, add_channel
from tests.factories import small_world

ORDERS = 2_000
PAGES = {"bigcommerce": 250, "magento": 300, "square": 500}
QUOTA, WINDOW_S = 150, 30.0
T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)


def bigcommerce_floor() -> float:
    calls = 2 * ORDERS + -(-ORDERS // PAGES["bigcommerce"]) + 1  # the last page: 204
    return (-(-calls // QUOTA) - 1) * WINDOW_S


@pytest.mark.benchmark
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_first_import_of_2000_shop_orders(benchmark, db, memory_keyring, kind):
    small_world(db)
    shop = PLATFORMS[kind]()
    try:
        for i in range(ORDERS):
            shop.add_order([("SKU-1", 1 + i % 3, "12.50"), ("SKU-2", 1, "3.99")],
                           at=T0 + timedelta(seconds=30 * i))
        code = add_channel(db, shop, page_size=PAGES[kind])
        connector = shop.connector(page_size=PAGES[kind])
        emulated, wall = shop.emu.clock.now(), time.perf_counter()
        result = benchmark.pedantic(lambda: sync.sync_orders(db, actor=SYSTEM, code=code,
                                                             connector=connector),
                                    rounds=1, iterations=1)
        emulated, wall = shop.emu.clock.now() - emulated, time.perf_counter() - wall
    finally:
        shop.stop()
    assert (result.status, result.created) == ("ok", ORDERS)
    line = f"\n{db.dialect} {kind}: {ORDERS} orders in {wall:.1f} s of real time"
    if kind == "bigcommerce":
        assert shop.emu.refused == 0, "paced by the window, never refused"
        floor = bigcommerce_floor()
        assert floor <= emulated < floor + WINDOW_S + wall
        line += f", {emulated:,.0f} s of the store's time (quota floor {floor:,.0f} s)"
        benchmark.extra_info.update(emulated_s=round(emulated), floor_s=round(floor))
    benchmark.extra_info.update(wall_s=round(wall, 1))
    print(line + f" (load {os.getloadavg()[0]:.1f})")
