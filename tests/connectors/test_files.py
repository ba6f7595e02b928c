import csv
import os
import time
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from oms_desktop.connectors.dto import FulfilmentLine
from oms_desktop.connectors.files import FileConnector, read_rows
from oms_desktop.model import SYSTEM, Order, OrderLine
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.channels import sync

AMAZON_HEADER = ["order-id", "order-item-id", "purchase-date", "payments-date", "buyer-email",
                 "buyer-name", "sku", "product-name", "quantity-purchased", "currency",
                 "item-price", "item-tax", "shipping-price", "ship-service-level",
                 "recipient-name", "ship-address-1", "ship-address-2", "ship-city", "ship-state",
                 "ship-postal-code", "ship-country", "ship-phone-number"]


def amazon_row(order, item, sku, qty, price, **extra):
    row = dict.fromkeys(AMAZON_HEADER, "")
    row.update({"order-id": order, "order-item-id": item, "purchase-date": "2026-11-01T10:00:00+00:00",
                "buyer-email": "x@marketplace.amazon.com", "buyer-name": "Jane", "sku": sku,
                "product-name": f"Item {sku}", "quantity-purchased": str(qty), "currency": "USD",
                "item-price": price, "item-tax": "0.00", "shipping-price": "4.99",
                "ship-service-level": "Standard", "recipient-name": "Jane Roe",
                "ship-address-1": "1 Main St", "ship-city": "Canton", "ship-state": "MI",
                "ship-postal-code": "48817", "ship-country": "US"}, **extra)
    return row


def write_tsv(path, rows):
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=AMAZON_HEADER, delimiter="\t")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def folders(tmp_path):
    inbox, outbox = tmp_path / "in", tmp_path / "out"
    inbox.mkdir(), outbox.mkdir()
    return inbox, outbox


def test_an_amazon_report_groups_lines_by_order_and_uses_line_totals(folders):
    inbox, outbox = folders
    write_tsv(inbox / "orders.txt", [amazon_row("902-3159896-1390916", "111", "SKU-1", 2, "25.00"),
                                     amazon_row("902-3159896-1390916", "112", "SKU-2", 1, "3.99"),
                                     amazon_row("113-0000000-0000001", "211", "SKU-1", 1, "12.50")])
    c = FileConnector({"format": "amazon", "inbox": str(inbox), "outbox": str(outbox)}, {})
    [page] = list(c.fetch_orders(None))
    first = page.orders[0]
    assert [(l.sku, l.quantity, str(l.unit_price)) for l in first.lines] == [
        ("SKU-1", 2, "12.5000"), ("SKU-2", 1, "3.9900")]
    assert first.shipping.country == "US" and first.total == first.subtotal + first.shipping_total


def test_an_etsy_xlsx_report_is_read_through_a_saved_column_mapping(folders):
    inbox, outbox = folders
    book = Workbook()
    sheet = book.active
    sheet.append(["Sale Date", "Order Number", "Buyer", "Seller SKU", "Item Name", "Quantity",
                  "Price", "Currency", "Ship Name", "Ship Address1", "Ship City", "Ship State",
                  "Ship Zipcode", "Ship Country", "Transaction ID"])
    sheet.append(["11/20/26", "3050001", "ana", "MUG-BLUE", "Mug", 2, 25, "USD", "Ana B",
                  "5 Elm", "Brooklyn", "NY", "11201", "United States", "345678901"])
    book.save(inbox / "EtsySoldOrderItems2026-11.xlsx")
    settings = {"format": "etsy", "inbox": str(inbox), "outbox": str(outbox),
                "mapping": {"order_id": "Order Number", "sku": "Seller SKU"}}
    [page] = list(FileConnector(settings, {}).fetch_orders(None))
    [order] = page.orders
    assert (order.external_id, order.lines[0].sku, order.shipping.country) == ("3050001", "MUG-BLUE", "US")
    assert order.placed_at == datetime(2026, 11, 20, tzinfo=timezone.utc)


def test_a_row_without_a_price_fails_alone(folders):
    inbox, outbox = folders
    write_tsv(inbox / "orders.txt", [amazon_row("A-1", "1", "SKU-1", 1, "12.50"),
                                     amazon_row("A-2", "2", "SKU-1", 1, "")])
    [page] = list(FileConnector({"format": "amazon", "inbox": str(inbox),
                                 "outbox": str(outbox)}, {}).fetch_orders(None))
    assert [o.external_id for o in page.orders] == ["A-1"]
    assert page.failures[0].external_id == "A-2" and "price" in page.failures[0].reason


def test_shipping_confirmations_are_written_as_amazons_flat_file(folders):
    inbox, outbox = folders
    c = FileConnector({"format": "amazon", "inbox": str(inbox), "outbox": str(outbox)}, {})
    result = c.push_fulfilment("902-3159896-1390916", lines=[FulfilmentLine("111", 2)],
                               carrier="UPS", tracking_number="1Z999AA10123456784")
    c.push_fulfilment("113-0000000-0000001", lines=[FulfilmentLine("211", 1)], carrier="USPS",
                      tracking_number="9400")
    rows = read_rows(__import__("pathlib").Path(result.reference), "\t")
    assert list(rows[0]) == ["order-id", "order-item-id", "quantity", "ship-date", "carrier-code",
                             "carrier-name", "tracking-number", "ship-method"]
    assert [(r["order-id"], r["order-item-id"], r["tracking-number"]) for r in rows] == [
        ("902-3159896-1390916", "111", "1Z999AA10123456784"), ("113-0000000-0000001", "211", "9400")]


def test_file_channel_sync_imports_a_report_once_even_when_read_again(world, folders,
                                                                      memory_keyring):
    inbox, outbox = folders
    write_tsv(inbox / "orders.txt", [amazon_row("A-1", "1", "SKU-1", 1, "12.50"),
                                     amazon_row("A-2", "2", "SKU-2", 3, "11.97")])
    channels.save_channel(world, actor=SYSTEM, kind="file", name="Amazon", code="amazon",
                          values={"format": "amazon", "inbox": str(inbox), "outbox": str(outbox)})
    first = sync.sync_orders(world, actor=SYSTEM, code="amazon")
    again = sync.sync_orders(world, actor=SYSTEM, code="amazon", full=True)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    with world.uow(readonly=True) as uow:
        qty = uow.session.scalar(sa.select(OrderLine.quantity).join(Order).where(Order.external_id == "A-2"))
    assert qty == 3


def test_a_report_with_renamed_columns_fails_until_a_mapping_is_saved_then_retry_takes_it(
        world, folders, memory_keyring):
    inbox, outbox = folders
    header = [h if h != "sku" else "seller-sku" for h in AMAZON_HEADER]
    with (inbox / "orders.txt").open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(header)
        w.writerow([amazon_row("B-1", "9", "SKU-1", 2, "25.00")[h] for h in AMAZON_HEADER])
    values = {"format": "amazon", "inbox": str(inbox), "outbox": str(outbox)}
    channels.save_channel(world, actor=SYSTEM, kind="file", name="Amazon", code="amazon",
                          values=values)
    assert sync.sync_orders(world, actor=SYSTEM, code="amazon").failed == 1
    assert "missing sku" in sync.list_errors(world, "amazon")[0].reason
    channels.save_channel(world, actor=SYSTEM, kind="file", name="Amazon", code="amazon",
                          values={"mapping": '{"sku": "seller-sku"}'})
    counts = sync.retry_errors(world, actor=SYSTEM, code="amazon")
    assert counts.created == 1 and sync.list_errors(world, "amazon") == []
    assert channels.get_channel(world, "amazon").settings["mapping"] == {"sku": "seller-sku"}


def test_a_report_copied_in_with_an_old_modification_time_is_still_read(world, folders,
                                                                        memory_keyring):
    inbox, outbox = folders
    write_tsv(inbox / "today.txt", [amazon_row("C-1", "1", "SKU-1", 1, "12.50")])
    channels.save_channel(world, actor=SYSTEM, kind="file", name="Amazon", code="amazon",
                          values={"format": "amazon", "inbox": str(inbox), "outbox": str(outbox)})
    sync.sync_orders(world, actor=SYSTEM, code="amazon")
    old = inbox / "last-month.txt"
    write_tsv(old, [amazon_row("C-0", "1", "SKU-2", 1, "3.99")])
    os.utime(old, (time.time() - 40 * 86400, time.time() - 40 * 86400))
    assert sync.sync_orders(world, actor=SYSTEM, code="amazon").created == 1
