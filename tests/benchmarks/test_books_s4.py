"""What posting to S/4HANA costs on our side: 200 shipped orders posted to the S/4HANA
emulator (no latency) by one worker, each a claim, a look-up of our number, a deep insert
with the session's CSRF token and a record, in transactions of their own."""

from __future__ import annotations

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import posting
from tests.books.s4_emulator import S4Emulator
from tests.books.test_s4hana import set_up_s4
from tests.books.world import books_world, shipped
from tests.keyrings import memory_keyring_installed

pytestmark = pytest.mark.benchmark
ORDERS = 200


def test_posting_200_orders_to_s4hana(benchmark, db, monkeypatch):
    books_world(db)
    with memory_keyring_installed(), S4Emulator() as s4:
        set_up_s4(db, s4, monkeypatch)
        for i in range(ORDERS):
            shipped(db, {"SKU-1": 1 + i % 3, "SKU-2": 1})

        result = benchmark.pedantic(
            lambda: posting.post_pending(db, actor=SYSTEM, target="s4hana"),
            rounds=1, iterations=1)
        assert result.posted == ORDERS and len(s4.all_orders()) == ORDERS
        assert s4.fetches == 1 and len(s4.writes()) == ORDERS
    per_posting = benchmark.stats.stats.mean / ORDERS * 1000
    print(f"\n{db.dialect}: {per_posting:.1f} ms per posting")
