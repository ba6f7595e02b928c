"""What the purchase-order and credit screens ask of the services, on SQLite and PostgreSQL:
items by SKU or barcode with the customer's prices and breaks, the credit position before
saving, a PO number saved once, credit holds that only a manager releases, the invoice PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms_desktop.errors import ConcurrentChange, PermissionDenied, ValidationError
from oms_desktop.services.b2b import desk, invoices
from oms_desktop.services.b2b import purchase_orders as pos
from oms_desktop.services.orders import views as orders
from tests.b2b.acts import ADDRESS, packed_b2b_shipments, ship
from tests.b2b.world import CHAIN, MANAGER, SUPERVISOR, wholesale_world

D = Decimal


@pytest.fixture
def chain(db) -> int:
    wholesale_world(db)
    [customer] = desk.business_customers(db)
    return customer.id


def save(db, chain, number="PO-1", lines=(("SKU-1", 2),), actor=SUPERVISOR):
    return desk.save_po(db, actor=actor, customer_id=chain, po_number=number,
                        lines=[desk.PoLine(c, q) for c, q in lines], ship_to=ADDRESS)


def test_the_business_customers_are_listed_with_their_terms_and_last_ship_to(db, chain):
    [c] = desk.business_customers(db)
    assert (c.name, c.terms, c.credit_limit, c.ship_to) == (CHAIN, "2/10 net 30", D("1000"), {})
    save(db, chain)
    [c] = desk.business_customers(db)
    assert c.ship_to["city"] == "Springfield" and c.ship_to["line1"] == "12 High Street"


def test_items_are_found_by_sku_or_barcode_with_the_customers_quantity_breaks(db, chain):
    found = desk.find_items(db, customer_id=chain,
                            codes=["SKU-1", "036000291452", "NO-SUCH", " "])
    assert sorted(found) == ["036000291452", "SKU-1"]
    mug, spoon = found["SKU-1"], found["036000291452"]
    day = desk.today()
    assert mug.breaks(day) == ((1, D("10.00")), (10, D("9.00")))  # the chains' price list
    assert mug.price(9, day)[0] == D("10.00") and mug.price(10, day)[0] == D("9.00")
    assert (spoon.sku, spoon.price(50, day)) == ("SKU-2", (D("3.50"), "customer price from 1"))


def test_the_credit_check_counts_open_invoices_and_open_orders_and_this_order(db, chain):
    assert desk.credit_check(db, customer_id=chain, adding=D("900")) == desk.Credit(
        D("1000"), D(0), D(0), D("900"))
    [sid] = packed_b2b_shipments(db, 1)  # one mug ordered (10.00), packed
    save(db, chain, "PO-2", [("SKU-2", 10)])  # 35.00 not shipped yet
    assert desk.credit_check(db, customer_id=chain).open_orders == D("45.00")
    ship(db, {"shipments": [sid]}, 0)  # the mug is invoiced: it moves to open invoices
    credit = desk.credit_check(db, customer_id=chain, adding=D("960"))
    assert (credit.open_invoices, credit.open_orders, credit.after) == (
        D("10.00"), D("35.00"), D("1005.00"))
    assert credit.over and credit.headroom == D("-5.00")


def test_a_po_number_is_saved_once_and_the_second_save_says_who_saved_it(db, chain):
    saved = save(db, chain, "PO-77", [("SKU-1", 12), ("4006381333931", 1)])
    assert (saved.status, saved.total, saved.credit_hold) == ("verified", D("118.00"), False)  # 12 x 9.00 + 1 x 10.00
    with pytest.raises(ConcurrentChange, match=r"PO PO-77 of Corner Stores Inc was already "
                                               r"saved as order PO-77 by sam \(OFFICE-1\)"):
        save(db, chain, "PO-77", [("SKU-2", 1)])
    assert [o.number for o in orders.list_orders(db)] == ["PO-77"]


@pytest.mark.parametrize("number", ["", "  ", "PO 1", "P" * 41])
def test_a_po_number_with_spaces_or_too_long_is_refused(db, chain, number):
    with pytest.raises(ValidationError, match="A PO number has 1 to 40 characters"):
        save(db, chain, number)


def test_an_unknown_item_refuses_the_save_and_keeps_nothing(db, chain):
    with pytest.raises(Exception, match="NO-SUCH"):
        save(db, chain, "PO-3", [("SKU-1", 1), ("NO-SUCH", 1)])
    assert orders.list_orders(db) == []


def test_over_the_limit_the_order_is_saved_on_credit_hold_that_only_a_manager_releases(db,
                                                                                        chain):
    held = save(db, chain, "PO-BIG", [("SKU-1", 120)])  # 120 x 9.00 = 1,080.00 > 1,000
    assert (held.status, held.credit_hold) == ("on_hold", True)
    [customer] = desk.credit_holds(db)
    assert (customer.name, customer.credit.open_orders) == (CHAIN, D("1080.00"))
    assert [(o.number, o.total) for o in customer.orders] == [("PO-BIG", D("1080.00"))]
    assert "Credit limit 1000" in customer.orders[0].note

    with pytest.raises(PermissionDenied, match="manager or above"):
        desk.release_credit_hold(db, actor=SUPERVISOR, order_id=held.order_id)
    assert desk.credit_holds(db) != []
    done = desk.release_credit_hold(db, actor=MANAGER, order_id=held.order_id)
    assert done.status == "verified" and desk.credit_holds(db) == []
    with pytest.raises(ConcurrentChange, match="released by max"):
        desk.release_credit_hold(db, actor=MANAGER, order_id=held.order_id)


def test_saved_mappings_are_listed_and_a_file_is_uploaded_with_one(db, chain, tmp_path):
    pos.save_mapping(db, actor=SUPERVISOR, name="corner",
                     columns={"po_number": "PO", "sku": "Item", "quantity": "Qty"})
    assert desk.mapping_names(db) == ["corner"]
    path = tmp_path / "po.csv"
    path.write_text("PO,Item,Qty\nF-1,SKU-1,2\nF-1,SKU-2,3\n")
    [result] = desk.upload(db, actor=SUPERVISOR, customer_id=chain, path=path,
                           mapping="corner")
    assert (result.po_number, result.total) == ("F-1", D("30.50"))


def test_the_invoice_pdf_is_rendered_for_the_preview(db, chain):
    [sid] = packed_b2b_shipments(db, 1)
    ship(db, {"shipments": [sid]}, 0)
    [inv] = invoices.list_invoices(db)
    pdf = desk.invoice_pdf_bytes(db, inv.number)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_a_person_limited_to_a_store_sees_no_other_channels_credit_holds(db, chain):
    from oms_desktop.services.users import accounts as people
    from oms_desktop.values import Actor, Role

    admin = Actor("ada", Role.admin, station="OFFICE-1")
    held = save(db, chain, "PO-BIG", [("SKU-1", 120)])
    assert held.credit_hold
    made = people.create_user(db, actor=admin, username="fran", display_name="Fran",
                              role="manager", secret="9999")
    people.set_sites(db, actor=admin, user_id=made.id, locations=["STORE1"])
    fran = Actor("fran", Role.manager, user_id=made.id, station="STORE1")
    assert desk.credit_holds(db, actor=fran) == []
    assert [h.name for h in desk.credit_holds(db, actor=MANAGER)] == [CHAIN]


def test_the_preview_counts_what_verification_counts_when_an_invoice_is_part_paid(db, chain):
    import re

    [sid] = packed_b2b_shipments(db, 1)  # one mug, 10.00
    ship(db, {"shipments": [sid]}, 0)
    [inv] = invoices.list_invoices(db)
    invoices.record_payment(db, actor=SUPERVISOR, invoice=inv.number, amount="4.00")
    credit = desk.credit_check(db, customer_id=chain)
    assert (credit.open_invoices, credit.open_orders) == (D("6.00"), D("4.00"))

    held = save(db, chain, "PO-BIG", [("SKU-1", 120)])  # the order is unpaid until settled
    [customer] = desk.credit_holds(db)
    counted = D(re.search(r"open ([\d.]+) \+", customer.orders[0].note)[1])
    assert held.credit_hold and counted == credit.open_invoices + credit.open_orders
