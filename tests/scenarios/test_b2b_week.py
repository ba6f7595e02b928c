"""A wholesale week: a retail chain's 850 arrives, the 855 answers it, the goods are picked,
packed in two cartons and shipped, the 856 and the 810 go out with a PDF invoice, and the
chain pays late. Another order goes over the credit limit and waits for a manager."""

from datetime import timedelta
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp

from oms_desktop.documents import invoice as invoice_pdf
from oms_desktop.errors import PermissionDenied
from oms_desktop.policies.barcodes import gs1_check_digit
from oms_desktop.services.b2b import edi, invoices, purchase_orders
from oms_desktop.services.floor import packing, picking
from oms_desktop.services.orders import allocation, backorders, pipeline
from oms_desktop.services.orders import views as orders
from oms_desktop.services.shipping import labels
from tests.b2b.world import (
    CHAIN, GS1_PREFIX, MANAGER, PACKER, SUPERVISOR, bots_accepts, check_envelope, po_850, segments,
    wholesale_world,
)


@pytest.fixture
def world(db):
    wholesale_world(db)
    return db


def _sent(db, tmp_path, kind):
    out = tmp_path / "out"
    edi.send(db, actor=SUPERVISOR, folder=out)
    [path] = out.glob(f"{kind}_*.x12")
    text = path.read_text()
    bots_accepts(text)
    segs = segments(text)
    check_envelope(segs)
    return segs


def _pick_and_pack(db, order_id):
    [allocated] = allocation.allocate_orders(db, actor=SUPERVISOR, order_ids=[order_id]).results
    [shipment] = [s for s in allocated.shipments if s.status == "assigned"]
    waiting = [s for s in allocated.shipments if s.status == "waiting"]
    pick_list = picking.create_for_orders(db, actor=PACKER, orders=[str(order_id)])
    for value, qty in (("WH1-A-01", 1), ("SKU-1", 12), ("WH1-A-02", 1), ("SKU-2", 3)):
        assert picking.scan(db, actor=PACKER, pick_list_id=pick_list.id, value=value,
                            quantity=qty).ok
    sid = orders.get_order(db, order_id).shipments[0].id
    packing.open_shipment(db, actor=PACKER, value=f"SHP-{sid}")
    for _ in range(2):  # twelve mugs in the first carton, six at a time
        assert packing.scan_item(db, actor=PACKER, shipment_id=sid, value="SKU-1",
                                 quantity=6).ok
    packing.new_package(db, actor=PACKER, shipment_id=sid, weight_g=4300)
    assert packing.scan_item(db, actor=PACKER, shipment_id=sid, value="SKU-2", quantity=3).ok
    packing.complete(db, actor=PACKER, shipment_id=sid, weight_g=200)
    return sid, shipment, waiting


def test_an_850_is_acknowledged_shipped_with_an_asn_invoiced_and_paid_late(
        world, tmp_path, screenshot_dir):
    db = world
    # Monday: the chain's 850 lands in the drop folder. Twelve mugs at the agreed 9.00,
    # five spoons at 3.00 (their price is 3.50, and only three are in stock), and an item
    # we do not sell.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "po4711.x12").write_text(po_850())
    [got] = edi.receive_folder(db, actor=SUPERVISOR, folder=inbox)
    assert got.ok and (inbox / "done" / "po4711.x12").exists()
    [po] = got.orders
    assert (po.status, po.total) == ("verified", Decimal("125.50"))
    assert [(l.po_line, l.status, l.unit_price, l.backordered) for l in po.lines] == [
        ("1", "accepted", Decimal("9.00"), 0), ("2", "backordered", Decimal("3.50"), 2),
        ("3", "rejected", Decimal(0), 0)]

    # The 855 answers line by line: accepted; three at our price now (IP) and two
    # back-ordered; rejected.
    segs = _sent(db, tmp_path, "855")
    assert segs[3][:4] == ["BAK", "00", "AC", "PO-4711"]
    acks = [s[:3] for s in segs if s[0] == "ACK"]
    assert acks == [["ACK", "IA", "12"], ["ACK", "IP", "3"], ["ACK", "IB", "2"],
                    ["ACK", "IR", "2"]]
    assert ["PO1", "2", "5", "EA", "3.5", "", "BP", "B-200", "VP", "SKU-2"] in segs

    # Tuesday: allocated (the two missing spoons wait as a backorder), picked bin by bin,
    # packed in two cartons, a label bought and the truck takes it.
    sid, shipment, waiting = _pick_and_pack(db, po.order_id)
    assert shipment.lines == {"SKU-1": 12, "SKU-2": 3} and waiting[0].lines == {"SKU-2": 2}
    labels.create_label(db, actor=PACKER, shipment_id=sid, fmt="zpl")
    labels.mark_shipped(db, actor=PACKER, shipment_id=sid)

    # The 856 went out with the shipment: shipment ▸ order ▸ two packs ▸ their items, each
    # HL naming its parent, each pack's SSCC-18 from our GS1 prefix, carrier and tracking.
    segs = _sent(db, tmp_path, "856")
    hls = [(s[1], s[2], s[3]) for s in segs if s[0] == "HL"]
    assert hls == [("1", "", "S"), ("2", "1", "O"), ("3", "2", "P"), ("4", "3", "I"),
                   ("5", "2", "P"), ("6", "5", "I")]
    ssccs = [s[2] for s in segs if s[0] == "MAN"]
    assert len(ssccs) == 2 and all(x[1:8] == GS1_PREFIX for x in ssccs)
    assert all(len(x) == 18 and gs1_check_digit(x[:17]) == int(x[17]) for x in ssccs)
    detail = orders.get_order(db, po.order_id)
    tracking = detail.shipments[0].tracking_number
    assert ["REF", "CN", tracking] in segs
    assert [s[:4] for s in segs if s[0] == "SN1"] == [["SN1", "", "12", "EA"],
                                                     ["SN1", "", "3", "EA"]]
    assert ["PRF", "PO-4711", "", "", "20261201"] in segs  # the buyer's PO date
    assert next(s for s in segs if s[0] == "CTT")[1] == "6"

    # The invoice was issued as it shipped: 12 x 9.00 + 3 x 3.50, 2/10 net 30, and an 810.
    [inv] = invoices.list_invoices(db, order_id=po.order_id)
    assert (inv.number, inv.total, inv.terms, inv.state) == (
        "INV-000001", Decimal("118.50"), "2/10 net 30", "open")
    assert inv.due_on == inv.issued_on + timedelta(days=30)
    segs = _sent(db, tmp_path, "810")
    assert next(s for s in segs if s[0] == "BIG")[2] == "INV-000001"
    assert ["ITD", "08", "3", "2", "", "10", "", "30"] in segs
    assert ["TDS", "11850"] in segs
    assert [s[1:5] for s in segs if s[0] == "IT1"] == [["1", "12", "EA", "9"],
                                                       ["2", "3", "EA", "3.5"]]

    # The PDF invoice reads back with its number, terms and total.
    assert inv.seller[:1] == ("Acme Outdoor Wholesale",)
    pdf = invoice_pdf.render(invoice_pdf.collect(inv))
    document = pypdfium2.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    for expected in ("INV-000001", "2/10 net 30", "118.50", "PO-4711", CHAIN):
        assert expected in text
    image = document[0].render(scale=3).to_pil()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == ["INV-000001"]
    image.reduce(2).save(screenshot_dir / "b2b_invoice.png")

    # Forty-five days on, nothing paid: overdue, 15 days late in the aging report.
    late = inv.issued_on + timedelta(days=45)
    assert invoices.get_invoice(db, inv.number, today=late).state == "overdue"
    [row] = invoices.aging(db, today=late)
    assert row.buckets["1-30"] == Decimal("118.50") and row.total == Decimal("118.50")

    # The cheque arrives: too late for the 2 % discount, so the full amount settles it.
    paid = invoices.record_payment(db, actor=SUPERVISOR, invoice=inv.number, amount="118.50",
                                   received_on=late, reference="CHQ 5521")
    assert (paid.state, paid.discount_taken, paid.balance) == ("paid", 0, 0)
    assert invoices.aging(db, today=late) == []
    assert orders.get_order(db, po.order_id).financial_status == "pending", \
        "two spoons are still to come: the order stays open against the credit limit"

    # The supplier's spoons arrive: the backorder is allocated, packed, shipped with its own
    # 856, and invoiced on its own; paid within ten days, with the discount.
    backorders.receive(db, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=2,
                       reference="SUPPLIER-88")
    rest = next(s.id for s in orders.get_order(db, po.order_id).shipments
                if s.status == "assigned")
    packing.open_shipment(db, actor=PACKER, value=f"SHP-{rest}")
    packing.scan_item(db, actor=PACKER, shipment_id=rest, value="SKU-2", quantity=2)
    packing.complete(db, actor=PACKER, shipment_id=rest, weight_g=90)
    labels.mark_shipped(db, actor=PACKER, shipment_id=rest)
    second = invoices.list_invoices(db, order_id=po.order_id)[-1]
    assert (second.number, second.total) == ("INV-000002", Decimal("7.00"))
    (tmp_path / "out").rename(tmp_path / "week-1")
    segs = _sent(db, tmp_path, "856")
    assert [s[3] for s in segs if s[0] == "HL"] == ["S", "O", "P", "I"]
    invoices.record_payment(db, actor=SUPERVISOR, invoice=second.number, amount="6.86",
                            received_on=second.discount_until)
    assert orders.get_order(db, po.order_id).financial_status == "paid"


def test_an_order_over_the_credit_limit_waits_for_a_manager(db, tmp_path):
    wholesale_world(db, credit_limit="200")
    # The first PO (125.50) is within the limit and verified.
    [first] = edi.receive(db, actor=SUPERVISOR, content=po_850(), file_name="a.x12").orders
    assert first.status == "verified"

    # A second PO comes as a spreadsheet with the chain's saved column mapping: 100.00 more
    # would make 225.50 open against a 200.00 limit, so it is held.
    purchase_orders.save_mapping(db, actor=SUPERVISOR, name="corner", columns={
        "po_number": "PO", "sku": "Item", "quantity": "Qty", "buyer_part": "Their item",
        "name": "Store", "line1": "Street", "city": "City", "region": "State",
        "postal_code": "ZIP"})
    sheet = tmp_path / "po.csv"
    head, store = "PO,Item,Their item,Qty,Store,Street,City,State,ZIP\n", \
        "Corner Store 7,7 Elm Street,Peoria,IL,61602"
    sheet.write_text(f"{head}PO-4800,SKU-1,B-100,10,{store}\nPO-4800,SKU-1,B-100,0,{store}\n")
    with pytest.raises(Exception, match="quantity 0 is not whole|must be positive"):
        purchase_orders.import_file(db, actor=SUPERVISOR, customer=CHAIN, path=sheet,
                                    mapping="corner")
    sheet.write_text(f"{head}PO-4800,SKU-1,B-100,10,{store}\n"
                     f"PO-4800,4006381333931,B-100,1,{store}\n")
    [second] = purchase_orders.import_file(db, actor=SUPERVISOR, customer=CHAIN, path=sheet,
                                           mapping="corner")
    assert (second.status, second.holds, second.total) == (
        "on_hold", ("credit_limit",), Decimal("100.00"))
    held = orders.get_order(db, second.order_id)
    assert [(h.reason, h.note) for h in held.holds if h.reason == "credit_limit"] == [(
        "credit_limit", "Credit limit 200.0000 exceeded: open 125.5000 + this order 100.0000"
                        " = 225.5000")]

    # A supervisor may not lift a credit hold; the manager does, and it is recorded.
    with pytest.raises(PermissionDenied):
        pipeline.release_order(db, actor=SUPERVISOR, order_id=second.order_id)
    released = pipeline.release_order(db, actor=MANAGER, order_id=second.order_id)
    assert released.status == "verified"
    timeline = orders.get_order(db, second.order_id).timeline
    assert any(e.action == "release" and e.actor == "max" for e in timeline)
