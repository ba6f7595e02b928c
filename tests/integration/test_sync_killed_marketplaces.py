"""Marketplace and shop syncs (Amazon, Etsy, Flipkart, BigCommerce…) killed with SIGKILL at random points while the marketplace
keeps changing, then run to the end: every order is there exactly once, in its latest version.
The processes share a file keyring, as a workstation's syncs share the OS keyring (Etsy
replaces its refresh token on every use)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import keyring
import pytest
import sqlalchemy as sa
from keyrings.alt.file import PlaintextKeyring

from oms_desktop.model import Order, OrderLine, OrderStatus, SyncRun
from oms_desktop.storage import Database
from tests.connectors.marketplaces import PLATFORMS, add_channel
from tests.factories import small_world
from tests.integration.test_sync_killed import imported, wait_until

T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
SEED = int(os.environ.get("OMS_KILL_SEED", time.time()))
FAST = {"getOrders": (100.0, 100), "getOrderItems": (100.0, 100)}  # limits are not the subject
LATENCY = {"amazon": 0.02, "etsy": 0.15, "flipkart": 0.08, "bigcommerce": 0.02, "magento": 0.03,
           "square": 0.03}
UNLIMITED = {"amazon": {"rates": FAST}, "bigcommerce": {"quota": 100_000}}


@pytest.fixture
def file_keyring(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    yield {"XDG_DATA_HOME": str(tmp_path / "data"),
           "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}
    keyring.set_keyring(before)


def start_sync(url: str, code: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "oms_desktop", "sync", code, "--db", url],
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def change(platform, rng: random.Random) -> None:
    with platform.emu.lock:
        orders = platform.orders()
        for o in rng.sample(orders, 4):
            platform.edit(o, [("SKU-1", rng.randint(1, 9), "12.50"), ("SKU-2", 1, "3.99")])
        for o in rng.sample(orders, 2):
            platform.cancel(o)
        for _ in range(15):
            platform.add_order([("SKU-2", 2, "3.99")])


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(PLATFORMS))
def test_a_marketplace_sync_killed_then_resumed_has_no_duplicates_and_no_gaps(
        db_url, kind, file_keyring, cli_admin):
    rng = random.Random(SEED)
    print(f"OMS_KILL_SEED={SEED}")
    db = Database(db_url)
    small_world(db)
    platform = PLATFORMS[kind](**UNLIMITED.get(kind, {}))
    platform.emu.latency = LATENCY[kind]
    try:
        for i in range(240):
            platform.add_order([("SKU-1", 1 + i % 3, "12.50")], at=T0 + timedelta(seconds=37 * i))
        code = add_channel(db, platform)
        partial = []
        for round_no in range(3):
            proc = start_sync(db_url, code, file_keyring)
            low = (partial[-1] if partial else 0) + 1
            target = rng.randint(low, max(low, len(platform.orders()) - 60))
            wait_until(lambda: imported(db) >= target or proc.poll() is not None)
            time.sleep(rng.uniform(0, 0.3))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            partial.append(imported(db))
            change(platform, rng)
        assert all(0 < n < len(platform.orders()) for n in partial), partial
        final = start_sync(db_url, code, file_keyring)
        out, err = final.communicate(timeout=300)
        assert final.returncode == 0, err.decode()
        _assert_everything_once(db, platform)
        with db.uow(readonly=True) as uow:
            assert uow.session.scalars(sa.select(SyncRun.status).order_by(SyncRun.id)).all()[-1] == "ok"
    finally:
        platform.stop()
        db.dispose()


def _assert_everything_once(db: Database, platform) -> None:
    with db.uow(readonly=True) as uow:
        ours = {o.external_id: o for o in uow.session.scalars(sa.select(Order))}
        lines: dict[str, list] = {}
        for ext, sku, qty in uow.session.execute(
                sa.select(Order.external_id, OrderLine.sku, OrderLine.quantity).join(OrderLine)
                .order_by(Order.id, OrderLine.line_no)):
            lines.setdefault(ext, []).append((sku, qty))
        # An order cancelled before any sync saw it is no work here and is not imported.
        missing = [o for o in platform.orders() if platform.external_id(o) not in ours]
        assert all(platform.cancelled(o) for o in missing), "no gaps"
        assert len(ours) == len(platform.orders()) - len(missing), "no duplicates"
        for o in platform.orders():
            if o in missing:
                continue
            mine = ours[platform.external_id(o)]
            if platform.cancelled(o):
                assert mine.status == OrderStatus.cancelled or mine.active_holds
            else:
                assert lines[platform.external_id(o)] == platform.lines(o)
