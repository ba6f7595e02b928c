"""Sync throughput: 10,000 new orders from the Shopify emulator (250 per page), and a re-sync
in which nothing changed. The emulator runs in its own process, as a remote shop would.

    OMS_TEST_POSTGRES_URL=… .venv/bin/python -m pytest tests/benchmarks/test_sync.py \
        -m benchmark --benchmark-enable
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services import channels, events, sync
from tests.connectors.shopify_emulator import TOKEN
from tests.factories import small_world

ORDERS = 10_000


@pytest.fixture(scope="module")
def remote_shop():
    proc = subprocess.Popen([sys.executable, "-m", "tests.connectors.shopify_emulator",
                             "--orders", str(ORDERS)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    yield url
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture(params=["sync only", "with subscribers"])
def subscribers(request, monkeypatch):
    if request.param == "sync only":  # the other areas' event subscribers are theirs to measure
        monkeypatch.setattr(events, "_handlers", [])
    return request.param


@pytest.mark.benchmark
def test_importing_10000_new_orders_then_a_resync_with_nothing_changed(
        benchmark, db, remote_shop, subscribers, monkeypatch):
    monkeypatch.setenv("OMS_SECRET_SHOP_ACCESS_TOKEN", TOKEN)
    small_world(db)
    channels.save_channel(db, actor=SYSTEM, kind="shopify", name="shop", code="shop",
                          values={"shop_url": remote_shop, "page_size": 250})
    cpu = time.process_time()
    first = benchmark.pedantic(lambda: sync.sync_orders(db, actor=SYSTEM, code="shop"),
                               rounds=1, iterations=1)
    cpu = time.process_time() - cpu
    assert (first.status, first.created) == ("ok", ORDERS)
    again = sync.sync_orders(db, actor=SYSTEM, code="shop")
    assert (again.created, again.updated) == (0, 0)
    benchmark.extra_info.update(import_s=first.duration_s, import_cpu_s=round(cpu, 2),
                                resync_s=again.duration_s,
                                resync_fetched=again.fetched, subscribers=subscribers)
    print(f"\n{db.dialect} {subscribers}: import {ORDERS} in {first.duration_s:.2f} s "
          f"({cpu:.1f} s CPU in this process, load {os.getloadavg()[0]:.1f}), "
          f"re-sync ({again.fetched} in the overlap window) in {again.duration_s:.2f} s")
