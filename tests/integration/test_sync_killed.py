"""A sync process killed with SIGKILL at random points, while the shop keeps changing, then
run to the end: every order is there exactly once, in its latest version."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Order, OrderLine, OrderStatus, SyncRun
from oms_desktop.services.channels import setup as channels
from oms_desktop.storage import Database
from tests.connectors.shopify_emulator import TOKEN, ShopifyEmulator
from tests.factories import small_world

T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
SEED = int(os.environ.get("OMS_KILL_SEED", time.time()))


def start_sync(url: str) -> subprocess.Popen:
    env = {**os.environ, "OMS_SECRET_SHOP_ACCESS_TOKEN": TOKEN,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    return subprocess.Popen([sys.executable, "-m", "oms_desktop", "sync", "shop", "--db", url],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_until(condition, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        time.sleep(0.03)


def imported(db: Database) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(Order))


def change_the_shop(emu: ShopifyEmulator, rng: random.Random) -> None:
    """Edits, cancellations and new orders while syncs come and go."""
    with emu.lock:
        orders = list(emu.orders.values())
        for o in rng.sample(orders, 5):
            emu.set_lines(o, [("SKU-1", rng.randint(1, 9), "12.50"), ("SKU-2", 1, "3.99")])
            emu.touch(o)
        for o in rng.sample(orders, 2):
            o["cancelledAt"], o["closed"] = "2026-11-20T10:00:00Z", True
            emu.touch(o)
        for _ in range(20):
            emu.add_order(lines=[("SKU-2", 2, "3.99")])


@pytest.mark.slow
def test_a_sync_killed_at_random_points_then_resumed_has_no_duplicates_and_no_gaps(
        db_url, monkeypatch, cli_admin):
    rng = random.Random(SEED)
    print(f"OMS_KILL_SEED={SEED}")
    db = Database(db_url)
    small_world(db)
    emu = ShopifyEmulator(bucket=100_000, restore_rate=100_000).start()
    emu.latency = 0.05  # a remote shop's answer time: the import takes seconds, not less
    try:
        for i in range(600):
            emu.add_order(lines=[("SKU-1", 1 + i % 3, "12.50")],
                          updated_at=T0 + timedelta(seconds=37 * i))
        monkeypatch.setenv("OMS_SECRET_SHOP_ACCESS_TOKEN", TOKEN)
        channels.save_channel(db, actor=SYSTEM, kind="shopify", name="shop", code="shop",
                              values={"shop_url": emu.url, "page_size": 25})
        partial = []
        for round_no in range(4):
            proc = start_sync(db_url)
            if round_no == 0:  # anywhere in the first part, start-up included
                time.sleep(rng.uniform(0.2, 1.0))
            else:  # somewhere in the middle of the import
                low = partial[-1] + 1
                target = rng.randint(low, max(low, len(emu.orders) - 60))
                wait_until(lambda: imported(db) >= target or proc.poll() is not None)
                time.sleep(rng.uniform(0, 0.3))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            partial.append(imported(db))
            change_the_shop(emu, rng)
        assert all(0 < n < len(emu.orders) for n in partial[1:]), partial
        final = start_sync(db_url)
        out, err = final.communicate(timeout=120)
        assert final.returncode == 0, err.decode()
        _assert_everything_once(db, emu)
        print("orders after each kill:", partial)
        with db.uow(readonly=True) as uow:
            statuses = uow.session.scalars(sa.select(SyncRun.status)).all()
        assert statuses[-1] == "ok"
    finally:
        emu.stop()
        db.dispose()


def _assert_everything_once(db: Database, emu: ShopifyEmulator) -> None:
    with db.uow(readonly=True) as uow:
        s = uow.session
        ours = {o.external_id: o for o in s.scalars(sa.select(Order))}
        lines = {}
        for ext, sku, qty in s.execute(sa.select(Order.external_id, OrderLine.sku, OrderLine.quantity)
                                       .join(OrderLine).order_by(Order.id, OrderLine.line_no)):
            lines.setdefault(ext, []).append((sku, qty))
        assert len(ours) == len(emu.orders), "no gaps, no duplicates"
        for o in emu.orders.values():
            mine = ours[o["id"]]
            if o["cancelledAt"]:
                assert mine.status in (OrderStatus.cancelled,) or mine.active_holds
            else:
                assert lines[o["id"]] == [(l["sku"], l["quantity"]) for l in o["_lines"]]


@pytest.mark.slow
def test_two_sync_processes_started_together_run_one_after_the_other(db_url, monkeypatch,
                                                                     cli_admin):
    db = Database(db_url)
    small_world(db)
    emu = ShopifyEmulator(bucket=100_000, restore_rate=100_000).start()
    emu.latency = 0.01
    try:
        for i in range(300):
            emu.add_order(lines=[("SKU-1", 1, "12.50")], updated_at=T0 + timedelta(minutes=i))
        monkeypatch.setenv("OMS_SECRET_SHOP_ACCESS_TOKEN", TOKEN)
        channels.save_channel(db, actor=SYSTEM, kind="shopify", name="shop", code="shop",
                              values={"shop_url": emu.url, "page_size": 25})
        procs = [start_sync(db_url) for _ in range(2)]
        outcomes = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
        assert [rc for _, _, rc in outcomes] == [0, 0], [err.decode() for _, err, _ in outcomes]
        with db.uow(readonly=True) as uow:
            runs = uow.session.execute(sa.select(SyncRun.status, SyncRun.created, SyncRun.started_at,
                                                 SyncRun.finished_at).order_by(SyncRun.id)).all()
        assert sorted(r.created for r in runs) == [0, 300]
        assert runs[1].started_at >= runs[0].finished_at, "serial, not side by side"
        assert imported(db) == 300
    finally:
        emu.stop()
        db.dispose()
