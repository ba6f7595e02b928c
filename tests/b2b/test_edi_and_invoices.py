"""The drop folder keeps every file it cannot take, with the reason; a file seen twice is
taken once; payments take the early discount only in time and never more than is owed;
only the right people change terms and money."""

from datetime import timedelta
from decimal import Decimal

import pytest

from oms_desktop.errors import PermissionDenied, ValidationError
from oms_desktop.services.b2b import accounts, edi, invoices
from oms_desktop.services.orders import views as orders
from tests.b2b.acts import packed_b2b_shipments, ship
from tests.b2b.world import CHAIN, MANAGER, PACKER, SUPERVISOR, po_850, wholesale_world


@pytest.fixture
def world(db):
    wholesale_world(db)
    return db


def test_files_the_folder_cannot_take_are_kept_aside_with_their_reason(world, tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "1-good.x12").write_text(po_850())
    (inbox / "2-again.x12").write_text(po_850())  # the same interchange sent twice
    (inbox / "3-reused.x12").write_text(po_850(number="PO-5000"))  # control 101 reused
    (inbox / "4-not-us.x12").write_text(po_850(number="PO-6", control=106, receiver="OTHER"))
    (inbox / "5-stranger.x12").write_text(po_850(number="PO-7", control=107).replace(
        "CORNERSTORES", "STRANGER    "))
    (inbox / "6-binary.x12").write_bytes(b"ISA*\xff\xfe")
    got = {r.file_name: r for r in edi.receive_folder(world, actor=SUPERVISOR, folder=inbox)}

    assert got["1-good.x12"].ok and got["2-again.x12"].message == "already received"
    reasons = {name: (inbox / "rejected" / f"{name}.error.txt").read_text().strip()
               for name, r in got.items() if not r.ok}
    assert reasons == {
        "3-reused.x12": "interchange control number 101 from CORNERSTORES was already used by "
                        "1-good.x12",
        "4-not-us.x12": "interchange 106 is addressed to ZZ/OTHER, not to us",
        "5-stranger.x12": "no trading partner ZZ/STRANGER",
        "6-binary.x12": "not ASCII text"}
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["1-good.x12", "2-again.x12"]
    assert not [p for p in inbox.iterdir() if p.is_file()], "nothing is left behind or lost"
    assert [k for k, way, _ in edi.documents(world)] == ["850", "855"]


def test_a_duplicate_po_rolls_back_its_whole_interchange(world):
    edi.receive(world, actor=SUPERVISOR, content=po_850(), file_name="a")
    two = po_850(control=102)  # a new interchange, the same PO number again
    with pytest.raises(ValidationError, match="already received as order PO-4711"):
        edi.receive(world, actor=SUPERVISOR, content=two, file_name="b")
    assert [k for k, _, _ in edi.documents(world)] == ["850", "855"]


def test_paid_in_full_within_ten_days_takes_the_two_percent(world):
    [sid] = packed_b2b_shipments(world, 1)
    ship(world, {"shipments": [sid]}, 0)
    [inv] = invoices.list_invoices(world)
    early = inv.discount_until
    with pytest.raises(ValidationError, match="more than the 9.80 still owed"):
        invoices.record_payment(world, actor=SUPERVISOR, invoice=inv.number, amount="9.81",
                                received_on=early)
    with pytest.raises(PermissionDenied):
        invoices.record_payment(world, actor=PACKER, invoice=inv.number, amount="9.80")
    paid = invoices.record_payment(world, actor=SUPERVISOR, invoice=inv.number, amount="9.80",
                                   received_on=early)
    assert (paid.state, paid.discount_taken, paid.balance) == ("paid", Decimal("0.20"), 0)
    # the whole order is invoiced and paid: it no longer counts against the credit limit
    assert orders.get_order(world, inv.order_number).financial_status == "paid"


def test_part_payments_after_the_discount_days_add_up_to_the_total(world):
    [sid] = packed_b2b_shipments(world, 1)
    ship(world, {"shipments": [sid]}, 0)
    [inv] = invoices.list_invoices(world)
    day = inv.discount_until + timedelta(days=1)
    part = invoices.record_payment(world, actor=SUPERVISOR, invoice=inv.number, amount="4",
                                   received_on=day)
    assert (part.state, part.balance) == ("open", Decimal(6))
    with pytest.raises(ValidationError, match="not an amount of money above zero"):
        invoices.record_payment(world, actor=SUPERVISOR, invoice=inv.number, amount="-1")
    done = invoices.record_payment(world, actor=SUPERVISOR, invoice=inv.number, amount="6",
                                   received_on=day)
    assert (done.state, done.paid_total, done.discount_taken) == ("paid", Decimal(10), 0)
    with pytest.raises(ValidationError, match="already paid"):
        invoices.record_payment(world, actor=SUPERVISOR, invoice=inv.number, amount="1")


def test_terms_and_prices_are_a_managers_and_nonsense_is_refused(world):
    with pytest.raises(PermissionDenied):
        accounts.set_account(world, actor=SUPERVISOR, customer=CHAIN, terms="net 60")
    with pytest.raises(ValidationError, match="not like 'net 30'"):
        accounts.set_account(world, actor=MANAGER, customer=CHAIN, terms="whenever")
    with pytest.raises(ValidationError, match="not both"):
        accounts.add_price(world, actor=MANAGER, sku="SKU-1", unit_price="1",
                           customer=CHAIN, group="chains")


def test_a_spreadsheet_po_is_read_with_its_saved_mapping(world, tmp_path):
    from openpyxl import Workbook

    from oms_desktop.services.b2b import purchase_orders

    purchase_orders.save_mapping(world, actor=SUPERVISOR, name="xl", columns={
        "po_number": "Order", "sku": "Article", "quantity": "Units", "price": "Agreed",
        "city": "Town", "line1": "Address", "region": "State", "postal_code": "Zip"})
    book = Workbook()
    sheet = book.active
    sheet.append(["Order", "Article", "Units", "Agreed", "Address", "Town", "State", "Zip"])
    sheet.append(["X-1", "SKU-1", 3, 10, "1 Main St", "Peoria", "IL", "61602"])
    sheet.append(["X-2", "036000291452", 2, 3.5, "2 Main St", "Peoria", "IL", "61602"])
    book.save(tmp_path / "po.xlsx")
    made = purchase_orders.import_file(world, actor=SUPERVISOR, customer=CHAIN,
                                       path=tmp_path / "po.xlsx", mapping="xl")
    assert [(p.po_number, p.status, p.total, p.lines[0].status) for p in made] == [
        ("X-1", "verified", Decimal("30.00"), "accepted"),
        ("X-2", "verified", Decimal("7.00"), "accepted")]
    with pytest.raises(ValidationError, match="lacks quantity"):
        purchase_orders.save_mapping(world, actor=SUPERVISOR, name="bad",
                                     columns={"po_number": "A", "sku": "B"})
