"""Issue 14, the files half: marketplace reports as sellers really export them, synced through
the program's own service on SQLite and PostgreSQL. Each file is read once; a file or a row that
cannot be taken in is kept aside in `sync errors` with one clear reason, and never stops the
good rows, the other files or the next sync."""

import zipfile

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Order, OrderLine, ReportFile
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.channels import sync
from tests.connectors.report_exports import (
    ETSY, FLIPKART, amazon_orders, amazon_row, etsy_row, flipkart_row, write_amazon, write_csv,
)


@pytest.fixture
def inbox(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    return tmp_path / "in"


def file_channel(db, inbox, fmt: str = "amazon", code: str = "amazon") -> str:
    channels.save_channel(db, actor=SYSTEM, kind="file", name=code.title(), code=code,
                          values={"format": fmt, "inbox": str(inbox),
                                  "outbox": str(inbox.parent / "out")})
    return code


def imported(db) -> dict[str, Order]:
    with db.uow(readonly=True) as uow:
        orders = uow.session.scalars(sa.select(Order)).all()
        for o in orders:
            list(o.lines)
        uow.session.expunge_all()
        return {o.external_id: o for o in orders}


def reasons(db, code: str = "amazon") -> dict[str | None, str]:
    return {e.external_id: e.reason for e in sync.list_errors(db, code)}


def test_a_bad_file_is_kept_aside_and_never_blocks_the_good_ones(world, inbox, memory_keyring):
    write_amazon(inbox / "orders-1.txt", amazon_orders(20))
    (inbox / "orders-2.xlsx").write_bytes(b"order-id\tsku\r\nnot really a workbook\r\n")
    code = file_channel(world, inbox)
    runs = [sync.sync_orders(world, actor=SYSTEM, code=code) for _ in range(3)]
    assert [r.status for r in runs] == ["ok", "ok", "ok"]
    assert [r.created for r in runs] == [20, 0, 0] and len(imported(world)) == 20
    [reason] = reasons(world).values()
    assert reason.startswith("orders-2.xlsx: not a readable XLSX workbook")
    assert "\n" not in reason and [r.failed for r in runs] == [1, 0, 0]  # read once
    sync.retry_errors(world, actor=SYSTEM, code=code)
    assert list(reasons(world).values()) == ["orders-2.xlsx could not be read as a whole: "
                                             "export it again and drop the new file in the inbox"]


def test_each_file_is_read_once_and_a_new_one_is_still_taken(world, inbox, memory_keyring):
    write_amazon(inbox / "orders-1.txt", amazon_orders(3))
    code = file_channel(world, inbox)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    again = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (again.fetched, again.created) == (0, 0)
    write_amazon(inbox / "orders-1 (copy).txt", amazon_orders(3))  # same bytes, other name
    write_amazon(inbox / "orders-2.txt", amazon_orders(2, start=4))
    third = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (third.fetched, third.created) == (2, 2)
    with world.uow(readonly=True) as uow:
        files = uow.session.execute(sa.select(ReportFile.name, ReportFile.status,
                                              ReportFile.orders)).all()
    assert sorted(files) == [("orders-1.txt", "done", 3), ("orders-2.txt", "done", 2)]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-8-sig"])
def test_reports_saved_in_the_encodings_spreadsheets_use_are_read_right(world, inbox,
                                                                      memory_keyring, encoding):
    rows = [amazon_row("113-1", "1", buyer="Jürgen Müller", **{"ship-city": "Köln"}),
            amazon_row("113-2", "2", buyer="François Lefèvre", **{"ship-city": "Besançon"})]
    if encoding == "cp1252":
        rows[1]["product-name"] = "Mug “Alpine” – 10€"
    write_amazon(inbox / "orders.txt", rows, encoding=encoding, junk=True)
    sync.sync_orders(world, actor=SYSTEM, code=file_channel(world, inbox))
    orders = imported(world)
    assert (orders["113-1"].ship_name, orders["113-1"].ship_city) == ("Jürgen Müller", "Köln")
    assert orders["113-2"].ship_city == "Besançon" and reasons(world) == {}
    if encoding == "cp1252":
        assert orders["113-2"].lines[0].name == "Mug “Alpine” – 10€"


JUNK = {
    "quantity 10^12": ({"quantity-purchased": "1000000000000", "item-price": "0.00"},
                       "quantity: Input should be less than or equal to 1000000"),
    "price 10^20": ({"item-price": "100000000000000000000"},
                    "unit_price: Input should be less than or equal to 1000000000"),
    "a 5,000-character name": ({"product-name": "Mug " * 1250},
                               "name: String should have at most 255 characters"),
    "quantity 1.9": ({"quantity-purchased": "1.9"}, "quantity must be a whole number"),
    "currency XYZ": ({"currency": "XYZ"}, "'XYZ' is not an ISO 4217 currency code"),
}


@pytest.mark.parametrize("case", list(JUNK))
def test_a_row_with_junk_is_kept_aside_with_its_reason_and_the_rest_imported(
        world, inbox, memory_keyring, case):
    values, reason = JUNK[case]
    rows = amazon_orders(3)
    rows.insert(1, amazon_row("113-BAD", "99", **values))
    write_amazon(inbox / "orders.txt", rows)
    code = file_channel(world, inbox)
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (result.status, result.created, result.failed) == ("ok", 3, 1)
    assert "113-BAD" not in imported(world)
    assert reason in reasons(world)["113-BAD"]
    write_amazon(inbox / "next.txt", amazon_orders(1, start=50))
    assert sync.sync_orders(world, actor=SYSTEM, code=code).created == 1


def test_an_order_id_of_400_characters_is_kept_aside_whole(world, inbox, memory_keyring):
    long_id = "113-" + "9" * 396
    write_amazon(inbox / "orders.txt", [amazon_row(long_id, "1"), *amazon_orders(2)])
    code = file_channel(world, inbox)
    assert sync.sync_orders(world, actor=SYSTEM, code=code).created == 2
    [error] = sync.list_errors(world, code)
    assert "external_id: String should have at most 128 characters" in error.reason
    assert long_id in error.raw_payload and long_id.startswith(error.external_id)


def test_two_buyers_under_one_order_id_are_a_conflict_not_one_parcel(world, inbox,
                                                                   memory_keyring):
    write_amazon(inbox / "orders.txt", [
        amazon_row("113-7", "1", "SKU-1", buyer="Jane Roe"),
        amazon_row("113-7", "2", "SKU-2", buyer="John Doe",
                   **{"ship-address-1": "9 Elm St", "ship-postal-code": "10001"}),
        *amazon_orders(2)])
    code = file_channel(world, inbox)
    assert sync.sync_orders(world, actor=SYSTEM, code=code).created == 2
    assert "113-7" not in imported(world)
    assert reasons(world)["113-7"].startswith("conflict: rows of order 113-7 name different buyers")


def test_an_order_id_already_imported_for_another_buyer_is_a_conflict(world, inbox,
                                                                    memory_keyring):
    write_amazon(inbox / "monday.txt", [amazon_row("113-8", "1", buyer="Jane Roe")])
    code = file_channel(world, inbox)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    write_amazon(inbox / "tuesday.txt", [amazon_row("113-8", "1", buyer="John Doe",
                                                    **{"ship-address-1": "9 Elm St"})])
    assert sync.sync_orders(world, actor=SYSTEM, code=code).failed == 1
    assert imported(world)["113-8"].ship_name == "Jane Roe"
    assert reasons(world)["113-8"].startswith("conflict: order 113-8 was imported for another")


def test_the_rows_of_one_order_are_gathered_wherever_they_stand(world, inbox, memory_keyring):
    rows = amazon_orders(3)
    rows.insert(0, amazon_row("113-9", "1", "SKU-1", qty="2", price="25.00"))
    rows.append(amazon_row("113-9", "2", "SKU-2", qty="1", price="3.99"))
    write_amazon(inbox / "orders.txt", rows)
    sync.sync_orders(world, actor=SYSTEM, code=file_channel(world, inbox))
    lines = imported(world)["113-9"].lines
    assert sorted((l.sku, l.quantity) for l in lines) == [("SKU-1", 2), ("SKU-2", 1)]


def test_etsy_and_flipkart_exports_with_a_bom_and_spelled_out_countries(world, inbox,
                                                                       memory_keyring):
    write_csv(inbox / "EtsySoldOrderItems2026-11.csv", ETSY, [
        etsy_row("3050001", "345678901", "SKU-1", qty="2"),
        etsy_row("3050001", "345678902", "SKU-2")], encoding="utf-8-sig")
    etsy = file_channel(world, inbox, "etsy", "etsy")
    assert sync.sync_orders(world, actor=SYSTEM, code=etsy).created == 1
    order = imported(world)["3050001"]
    assert (order.ship_name, order.ship_country, order.currency) == ("Ana Müller", "DE", "EUR")
    assert len(order.lines) == 2
    flip_inbox = inbox.parent / "flipkart"
    flip_inbox.mkdir()
    write_csv(flip_inbox / "Orders_2026-11-20.csv", FLIPKART, [
        flipkart_row("OD1", "2001", "SKU-1", qty="3"), flipkart_row("OD2", "2002", "SKU-2",
                                                                   qty="0.5")])
    flip = file_channel(world, flip_inbox, "flipkart", "flipkart")
    result = sync.sync_orders(world, actor=SYSTEM, code=flip)
    assert (result.created, result.failed) == (1, 1)
    assert imported(world)["OD1"].currency == "INR"
    assert "whole number" in reasons(world, flip)["OD2"]


def test_a_truncated_workbook_is_refused_and_a_good_one_read(world, inbox, memory_keyring):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(amazon_orders(1)[0]))
    for row in amazon_orders(4):
        book.active.append(list(row.values()))
    book.save(inbox / "good.xlsx")
    whole = (inbox / "good.xlsx").read_bytes()
    (inbox / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    code = file_channel(world, inbox)
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (result.created, result.failed) == (4, 1)
    assert reasons(world)[None].startswith("cut.xlsx: not a readable XLSX workbook")
    assert zipfile.is_zipfile(inbox / "good.xlsx")


def test_the_largest_quantity_allowed_is_taken_whole(world, inbox, memory_keyring):
    write_amazon(inbox / "orders.txt", [amazon_row("113-5", "1", qty="1000000",
                                                   price="999999.99")])
    code = file_channel(world, inbox)
    assert sync.sync_orders(world, actor=SYSTEM, code=code).created == 1
    with world.uow(readonly=True) as uow:
        qty = uow.session.scalar(sa.select(OrderLine.quantity))
    assert qty == 1_000_000


def test_a_workbook_whose_sheet_is_damaged_is_refused_in_one_line(world, inbox, memory_keyring,
                                                                 tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(amazon_orders(1)[0]))
    book.active.append(list(amazon_orders(1)[0].values()))
    book.save(tmp_path / "whole.xlsx")
    with zipfile.ZipFile(tmp_path / "whole.xlsx") as src, \
            zipfile.ZipFile(inbox / "damaged.xlsx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: len(data) // 2] if "worksheets/sheet" in item.filename
                         else data)
    write_amazon(inbox / "good.txt", amazon_orders(2, start=10))
    code = file_channel(world, inbox)
    assert sync.sync_orders(world, actor=SYSTEM, code=code).created == 2
    [reason] = reasons(world).values()
    assert reason.startswith("damaged.xlsx: the workbook is damaged (") and "\n" not in reason
