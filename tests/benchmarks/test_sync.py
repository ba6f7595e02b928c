"""Sync throughput: a first import of 10,000 orders from the Shopify emulator, and a re-sync in
which nothing changed. The emulator runs in its own process, as a remote shop would, with
every published rule on the Standard plan's figures and its bucket on real time: 1,000 points
at most per query, 100 points a second restored. The connector takes the first page (14
orders fit one query), sees thousands more and takes them as one bulk export.

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
from oms_desktop.services.channels import setup as channels
from oms_desktop.services import messagebus
from oms_desktop.services.channels import sync
from tests.connectors.shopify_emulator import TOKEN
from tests.factories import small_world

ORDERS = 10_000


@pytest.fixture(scope="module")
def remote_shop():
    proc = subprocess.Popen([sys.executable, "-m", "tests.connectors.shopify_emulator",
                             "--orders", str(ORDERS)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    yield url, proc.pid
    proc.stdin.close()
    proc.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(params=["sync only", "with subscribers"])
def subscribers(request, monkeypatch):
    if request.param == "sync only":  # the other areas' event subscribers are theirs to measure
        monkeypatch.setattr(messagebus, "_table", {})
    return request.param


@pytest.mark.benchmark
def test_importing_10000_new_orders_then_a_resync_with_nothing_changed(
        benchmark, db, remote_shop, subscribers, monkeypatch):
    monkeypatch.setenv("OMS_SECRET_SHOP_ACCESS_TOKEN", TOKEN)
    small_world(db)
    channels.save_channel(db, actor=SYSTEM, kind="shopify", name="shop", code="shop",
                          values={"shop_url": remote_shop[0], "page_size": 250})
    cpu, shop_cpu = time.process_time(), cpu_seconds(remote_shop[1])
    first = benchmark.pedantic(lambda: sync.sync_orders(db, actor=SYSTEM, code="shop"),
                               rounds=1, iterations=1)
    cpu, shop_cpu = time.process_time() - cpu, cpu_seconds(remote_shop[1]) - shop_cpu
    assert (first.status, first.created) == ("ok", ORDERS)
    again = sync.sync_orders(db, actor=SYSTEM, code="shop")
    assert (again.created, again.updated) == (0, 0)
    benchmark.extra_info.update(import_s=first.duration_s, import_cpu_s=round(cpu, 2),
                                shop_cpu_s=round(shop_cpu, 2),
                                resync_s=again.duration_s,
                                resync_fetched=again.fetched, subscribers=subscribers)
    print(f"\n{db.dialect} {subscribers}: import {ORDERS} in {first.duration_s:.2f} s "
          f"(CPU: {cpu:.1f} s ours, {shop_cpu:.1f} s the emulated shop; load "
          f"{os.getloadavg()[0]:.1f}), "
          f"re-sync ({again.fetched} in the overlap window) in {again.duration_s:.2f} s")
