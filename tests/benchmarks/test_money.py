"""What the guards cost: a label purchase recorded before the carrier is asked (three short
transactions instead of one), and an upgrade of a 100,000-order SQLite file, copied aside
first and migrated in one transaction."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from oms_desktop.model import Actor, Role
from oms_desktop.demo.seed import seed_demo
from oms_desktop.services.shipping.labels import create_label
from oms_desktop.storage import Database, migrate
from tests.carriers.world import packed_shipment, shipping_world

pytestmark = pytest.mark.benchmark
PACKER = Actor("pat", Role.packer, station="SHIP-1")
LABELS = 40


def test_buying_and_storing_40_manual_labels(benchmark, db):
    shipping_world(db)
    shipments = [packed_shipment(db, number=f"B{n:04d}") for n in range(LABELS)]

    def buy_all():
        return [create_label(db, actor=PACKER, shipment_id=s, carrier="manual", fmt="zpl")
                for s in shipments]

    made = benchmark.pedantic(buy_all, rounds=1, iterations=1)
    assert len({m.tracking_number for m in made}) == LABELS
    print(f"\n{db.dialect}: {benchmark.stats.stats.mean / LABELS * 1000:.1f} ms per label")


def test_upgrading_a_100k_order_sqlite_file(benchmark, tmp_path, sqlite_template):
    path = tmp_path / "shop.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    seed_demo(db, orders=100_000, seed=1, today=date(2026, 11, 27))
    migrate.downgrade(db, "0002")  # the schema before the guards, with the data

    assert benchmark.pedantic(lambda: migrate.upgrade(db), rounds=1, iterations=1)
    assert len(list(tmp_path.glob("shop.sqlite3.before-migration-*"))) == 2
    print(f"\nupgrade with backup: {benchmark.stats.stats.mean:.2f} s, "
          f"{path.stat().st_size / 1e6:.0f} MB")
    db.dispose()
