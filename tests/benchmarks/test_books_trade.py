"""What a business customer's invoices and payments cost to post: 100 invoices and a payment
on each (200 postings, every payment claimed only once its invoice is posted) sent to the
QuickBooks emulator (no latency, its rate limit lifted) by one worker; then reconciled."""

from __future__ import annotations

import time
from datetime import date

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.b2b import invoices
from oms_desktop.services.books import posting, reconcile
from tests.books.qbo_emulator import QuickBooksEmulator
from tests.books.world import (
    books_world, business_customer, secrets_env, set_up_quickbooks, shipped,
)
from tests.keyrings import memory_keyring_installed

pytestmark = pytest.mark.benchmark
INVOICES = 100


def test_posting_100_invoices_and_their_payments(benchmark, db, monkeypatch):
    books_world(db)
    secrets_env(monkeypatch, "quickbooks")
    with memory_keyring_installed(), QuickBooksEmulator(per_second=100_000) as qbo:
        set_up_quickbooks(db, qbo)
        chain = business_customer(db, terms="net 30")
        for i in range(INVOICES):
            shipped(db, {"SKU-1": 1 + i % 3, "SKU-2": 1}, customer_id=chain)
        for inv in invoices.list_invoices(db):  # paid after every invoice was issued
            invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount=inv.total)

        result = benchmark.pedantic(
            lambda: posting.post_pending(db, actor=SYSTEM, target="quickbooks"),
            rounds=1, iterations=1)
        assert result.posted == 2 * INVOICES and len(qbo.docs["Payment"]) == INVOICES
        per_posting = benchmark.stats.stats.mean / (2 * INVOICES) * 1000
        started = time.perf_counter()
        report = reconcile.reconcile(db, target="quickbooks", first=date.today(),
                                     last=date.today())
        took = time.perf_counter() - started
        assert report.balanced, report.differences
    print(f"\n{db.dialect}: {per_posting:.1f} ms per posting; reconciled in {took * 1000:.0f} ms")
