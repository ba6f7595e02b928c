"""One marketplace report imported in a process of its own, so its peak memory is its own:

    python -m tests.benchmarks.report_import --db URL --file REPORT.txt [--no-subscribers]

prints {"seconds", "peak_rss_mb", "created", "failed", "fetched"} as JSON. `make_report` writes
the Amazon order report the benchmark reads (one or two items an order, a few rows of junk)."""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

AMAZON_COLUMNS = ["order-id", "order-item-id", "purchase-date", "buyer-email", "buyer-name",
                  "sku", "product-name", "quantity-purchased", "currency", "item-price",
                  "item-tax", "shipping-price", "ship-service-level", "recipient-name",
                  "ship-address-1", "ship-city", "ship-state", "ship-postal-code",
                  "ship-country"]
CITIES = [("Canton", "MI", "48817"), ("Denver", "CO", "80202"), ("Austin", "TX", "73301"),
          ("Portland", "OR", "97201"), ("Boston", "MA", "02108")]


def _rows(n: int):
    for i in range(1, n + 1):
        city, state, zip_code = CITIES[i % len(CITIES)]
        order = f"{100 + i % 900:03d}-{i:07d}-{(i * 7919) % 10_000_000:07d}"
        items = 2 if i % 5 == 0 else 1
        for k in range(items):
            sku = "SKU-1" if (i + k) % 2 else "SKU-2"
            yield [order, f"{i:011d}{k}", "2026-11-01T10:04:11Z", f"b{i}@mp.amazon.com",
                   f"Buyer {i}", sku, "Mug", str(1 + i % 3), "USD", f"{12 + i % 40}.50", "0",
                   "4.99", "Std", f"Buyer {i}", f"{i % 999 + 1} Main St", city, state,
                   zip_code, "US"]


def make_report(path: Path, orders: int) -> Path:
    """An Amazon order report of `orders` orders (a fifth of them with two items) and three
    rows of junk a seller's file really has (a blank line, a summary line, quantity 1.5)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\r\n")
        writer.writerow(AMAZON_COLUMNS)
        writer.writerows(_rows(orders))
        writer.writerow([])
        writer.writerow(["JUNK-1", "1", "", "", "", "SKU-1", "x", "1.5", "USD", "1.00"])
        writer.writerow([f"Total orders: {orders}"])
    return path


def run(url: str, report: Path, subscribers: bool) -> dict:
    from oms_desktop import bootstrap
    from oms_desktop.model import SYSTEM
    from oms_desktop.services import messagebus
    from oms_desktop.services.channels import setup as channels
    from oms_desktop.services.channels import sync
    from oms_desktop.storage import Database
    from tests.factories import small_world

    bootstrap.start()
    if not subscribers:
        messagebus._table.clear()
    db = Database(url)
    small_world(db)
    inbox = Path(tempfile.mkdtemp(prefix="inbox-", dir=report.parent))
    shutil.copy(report, inbox / report.name)
    channels.save_channel(db, actor=SYSTEM, kind="file", name="Amazon", code="amazon",
                          values={"format": "amazon", "inbox": str(inbox),
                                  "outbox": str(report.parent)})
    started = time.perf_counter()
    result = sync.sync_orders(db, actor=SYSTEM, code="amazon")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak), "status": result.status,
            "created": result.created, "failed": result.failed, "fetched": result.fetched}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--file", required=True, type=Path)
    parser.add_argument("--no-subscribers", action="store_true")
    args = parser.parse_args()
    json.dump(run(args.db, args.file, not args.no_subscribers), sys.stdout)


if __name__ == "__main__":
    main()
