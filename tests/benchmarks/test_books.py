"""What posting to the books costs on our side: 200 shipped orders posted to the QuickBooks
emulator (no latency, its rate limit lifted) by one worker, each a claim, a send and a
record in transactions of their own; then their reconciliation."""

from __future__ import annotations

from datetime import date

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import posting, reconcile
from tests.books.qbo_emulator import QuickBooksEmulator
from tests.books.world import books_world, secrets_env, set_up_quickbooks, shipped
from tests.keyrings import memory_keyring_installed

pytestmark = pytest.mark.benchmark
ORDERS = 200


def test_posting_and_reconciling_200_orders(benchmark, db, monkeypatch):
    books_world(db)
    secrets_env(monkeypatch, "quickbooks")
    with memory_keyring_installed(), QuickBooksEmulator(per_second=100_000) as qbo:
        set_up_quickbooks(db, qbo)
        for i in range(ORDERS):
            shipped(db, {"SKU-1": 1 + i % 3, "SKU-2": 1})

        result = benchmark.pedantic(
            lambda: posting.post_pending(db, actor=SYSTEM, target="quickbooks"),
            rounds=1, iterations=1)
        assert result.posted == ORDERS and len(qbo.all_docs()) == ORDERS
        per_posting = benchmark.stats.stats.mean / ORDERS * 1000
        report = reconcile.reconcile(db, target="quickbooks", first=date.today(),
                                     last=date.today())
        assert report.balanced
    print(f"\n{db.dialect}: {per_posting:.1f} ms per posting")
