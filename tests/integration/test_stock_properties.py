"""Random sequences of stock operations keep the books right."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from oms_desktop.errors import InsufficientStock
from oms_desktop.model import SYSTEM
from oms_desktop.services.inventory import stock
from oms_desktop.storage import Database
from tests.factories import small_world

SKUS = st.sampled_from(["SKU-1", "SKU-2"])
BINS = st.sampled_from(["WH1-A-01", "WH1-A-02", "WH1-A-03", "STORE1"])
QTY = st.integers(min_value=1, max_value=7)


def machine_for(url: str):
    class StockBooks(RuleBasedStateMachine):
        """Mirrors the expected on_hand/reserved in a dict and compares after every step."""

        def __init__(self):
            super().__init__()
            self.db = Database(url)
            _empty(self.db)
            small_world(self.db)
            self.on_hand: dict[tuple[str, str], int] = {}
            self.reserved: dict[int, tuple[str, str, int]] = {}

        def _held(self, key):
            return sum(q for s, l, q in self.reserved.values() if (s, l) == key)

        def _available(self, key):
            return self.on_hand.get(key, 0) - self._held(key)

        @rule(sku=SKUS, loc=BINS, qty=QTY)
        def receive(self, sku, loc, qty):
            stock.receive(self.db, actor=SYSTEM, sku=sku, location=loc, quantity=qty)
            self.on_hand[(sku, loc)] = self.on_hand.get((sku, loc), 0) + qty

        @rule(sku=SKUS, loc=BINS, delta=st.integers(-7, 7).filter(bool))
        def adjust(self, sku, loc, delta):
            key = (sku, loc)
            if delta < 0 and -delta > self._available(key):
                with pytest.raises(InsufficientStock):
                    stock.adjust(self.db, actor=SYSTEM, sku=sku, location=loc, delta=delta,
                                 reason_code="count")
                return
            stock.adjust(self.db, actor=SYSTEM, sku=sku, location=loc, delta=delta,
                         reason_code="count")
            self.on_hand[key] = self.on_hand.get(key, 0) + delta

        @rule(sku=SKUS, src=BINS, dst=BINS, qty=QTY)
        def move(self, sku, src, dst, qty):
            if src == dst:
                return
            if qty > self._available((sku, src)):
                with pytest.raises(InsufficientStock):
                    stock.move(self.db, actor=SYSTEM, sku=sku, source=src, target=dst,
                               quantity=qty)
                return
            stock.move(self.db, actor=SYSTEM, sku=sku, source=src, target=dst, quantity=qty)
            self.on_hand[(sku, src)] -= qty
            self.on_hand[(sku, dst)] = self.on_hand.get((sku, dst), 0) + qty

        @rule(sku=SKUS, loc=BINS, qty=QTY)
        def reserve(self, sku, loc, qty):
            result = stock.reserve(self.db, actor=SYSTEM, sku=sku, location=loc, quantity=qty)
            assert result.ok == (qty <= self._available((sku, loc)))
            if result.ok:
                self.reserved[result.reservation_id] = (sku, loc, qty)

        @precondition(lambda self: self.reserved)
        @rule(data=st.data(), ship=st.booleans())
        def release_or_ship(self, data, ship):
            rid = data.draw(st.sampled_from(sorted(self.reserved)))
            sku, loc, qty = self.reserved.pop(rid)
            if ship:
                stock.consume(self.db, actor=SYSTEM, reservation_id=rid)
                self.on_hand[(sku, loc)] -= qty
            else:
                stock.release(self.db, actor=SYSTEM, reservation_id=rid)

        @invariant()
        def books_match(self):
            rows = {(r.sku, r.location): r for r in stock.levels(self.db)}
            for key, qty in self.on_hand.items():
                row = rows.get(key)
                assert (row.on_hand if row else 0) == qty
                assert (row.reserved if row else 0) == self._held(key)
            assert all(r.available >= 0 for r in rows.values())
            assert stock.reconcile(self.db) == []

        def teardown(self):
            self.db.dispose()

    return StockBooks


def _empty(db: Database) -> None:
    import sqlalchemy as sa

    names = [n for n in sa.inspect(db.engine).get_table_names() if n != "alembic_version"]
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for name in names:
                conn.exec_driver_sql(f'DELETE FROM "{name}"')
        else:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")


def test_random_stock_operations_keep_ledger_levels_and_reservations_in_step(db_url):
    machine = machine_for(db_url)
    machine.TestCase.settings = settings(
        max_examples=15, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    machine.TestCase().runTest()
