"""A staged wholesale week: the chain's 850 asks for twelve mugs on Tuesday and six mugs with
three spoons on Thursday. The 855 confirms each line with its date; each delivery stage is
released the day before its date, picked that day, packed in cartons, put on a pallet with
its SSCC label, booked with a freight carrier and shipped with its 856 (pallet ▸ carton ▸
item); each shipment is invoiced with an 810 and a PDF, and the chain pays."""

from datetime import date, timedelta
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp

from oms_desktop.documents import invoice as invoice_pdf
from oms_desktop.documents.freight import pallet_label, sheets
from oms_desktop.services import settings
from oms_desktop.services.b2b import deliveries, edi, invoices
from oms_desktop.services.floor import picking
from oms_desktop.services.floor.pick_lists import create_for_orders
from oms_desktop.services.freight import bookings, pallets
from oms_desktop.services.orders import views as orders
from oms_desktop.services.shipping import labels
from tests.b2b.freight_world import pack
from tests.b2b.world import (
    PACKER, SUPERVISOR, bots_accepts, check_envelope, po_850, segments, wholesale_world,
)

MONDAY = date(2026, 12, 14)
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 3))


def dated_850() -> str:
    """Twelve mugs for Tuesday; six mugs and three spoons for Thursday (DTM*002 per line)."""
    lines = [("1", 12, "9.00", "B-100", "SKU-1"), ("2", 6, "10.00", "B-100", "SKU-1"),
             ("3", 3, "3.50", "B-200", "SKU-2")]
    days = {"1": TUESDAY, "2": THURSDAY, "3": THURSDAY}
    out = []
    for seg in po_850(number="PO-5000", lines=lines).split("~\n"):
        out.append(seg)
        if seg.startswith("PO1*"):
            out.append(f"DTM*002*{days[seg.split('*')[1]]:%Y%m%d}")
        if seg.startswith("SE*"):
            out[-1] = f"SE*{int(seg.split('*')[1]) + 3}*0001"
    return "~\n".join(out)


@pytest.fixture
def world(db):
    wholesale_world(db, credit_limit="5000")
    with db.uow() as uow:
        settings.put(uow.session, "freight.release_days_ahead", 1)
        uow.commit()
    return db


def sent(db, folder, kind):
    """The `kind` interchanges written to `folder` since the last look, checked whole."""
    edi.send(db, actor=SUPERVISOR, folder=folder)
    texts = []
    for path in sorted(folder.glob(f"{kind}_*.x12")):
        text = path.read_text()
        bots_accepts(text)
        check_envelope(segments(text))
        texts.append(segments(text))
        path.rename(path.with_suffix(".seen"))
    return texts


def pick(db, order_id, bins):
    pick_list = create_for_orders(db, actor=PACKER, orders=[str(order_id)])
    for value, qty in bins:
        assert picking.scan(db, actor=PACKER, pick_list_id=pick_list.id, value=value,
                            quantity=qty).ok, value


def onto_pallet_and_away(db, sid, pro, screenshot_dir, name):
    """Every carton onto one pallet, its label read back, booked, shipped: the pallet."""
    pallet = pallets.palletise(db, actor=PACKER, shipment_id=sid)
    bookings.book(db, actor=SUPERVISOR, shipment_id=sid, carrier="Old Dominion",
                  scac="ODFL", pro_number=pro, freight_class="70")
    papers = bookings.papers(db, sid)
    [page] = pdfium.PdfDocument(pallet_label.render_pdf(pallet_label.collect(papers)))
    image = page.render(scale=203 / 72, grayscale=True).to_pil()
    assert {r.text for r in zxingcpp.read_barcodes(image)} == {f"(00){pallet.sscc}",
                                                               "(420)62701"}
    image.save(screenshot_dir / f"{name}_pallet_label.png")
    bol = pdfium.PdfDocument(sheets.render(sheets.bill_of_lading(papers)))[0]
    assert pro in bol.get_textpage().get_text_range()
    labels.mark_shipped(db, actor=PACKER, shipment_id=sid)
    return pallet


def asn_tree(segs) -> list[tuple[str, str, str]]:
    return [(s[1], s[2], s[3]) for s in segs if s[0] == "HL"]


def test_two_stages_picked_on_their_days_palletised_noticed_invoiced_and_paid(
        world, tmp_path, screenshot_dir):
    db, out = world, tmp_path / "out"
    # Monday: the 850 arrives with a date on every line; one order, two delivery stages.
    [po] = edi.receive(db, actor=SUPERVISOR, content=dated_850(), file_name="po.x12").orders
    assert (po.status, po.total) == ("verified", Decimal("178.50"))
    assert [(s.number, s.due_on, s.release_on, s.lines) for s in
            deliveries.list_stages(db, order="PO-5000")] == [
        (1, TUESDAY, MONDAY, {"SKU-1": 12}), (2, THURSDAY, WEDNESDAY, {"SKU-1": 6, "SKU-2": 3})]

    # The 855 accepts each line for its own date.
    [ack] = sent(db, out, "855")
    assert [s[:6] for s in ack if s[0] == "ACK"] == [
        ["ACK", "IA", "12", "EA", "068", "20261215"], ["ACK", "IA", "6", "EA", "068", "20261217"],
        ["ACK", "IA", "3", "EA", "068", "20261217"]]

    # Monday's release run: Tuesday's stage only.
    released = deliveries.release_due(db, actor=SUPERVISOR, today=MONDAY)
    assert [(s.number, s.status) for s in released.stages] == [(1, "released")]
    [first] = [s for s in orders.get_order(db, po.order_id).shipments]

    # Tuesday: picked, packed in two cartons of six, onto a pallet, booked and shipped.
    pick(db, po.order_id, (("WH1-A-01", 1), ("SKU-1", 12)))
    pack(db, first.id, cartons=((("SKU-1", 6),), (("SKU-1", 6),)), weights=(2300, 2300))
    pallet1 = onto_pallet_and_away(db, first.id, "PRO1001", screenshot_dir, "tuesday")
    [asn] = sent(db, out, "856")
    assert asn_tree(asn) == [("1", "", "S"), ("2", "1", "O"), ("3", "2", "T"), ("4", "3", "P"),
                             ("5", "4", "I"), ("6", "3", "P"), ("7", "6", "I")]
    assert [s[2] for s in asn if s[0] == "MAN"][0] == pallet1.sscc
    assert ["REF", "CN", "PRO1001"] in asn and ["TD1", "PLT94", "1"] in asn
    [inv810] = sent(db, out, "810")
    assert ["TDS", "10800"] in inv810

    # Wednesday's release run: Thursday's stage, as a shipment of its own.
    assert deliveries.release_due(db, actor=SUPERVISOR, today=TUESDAY).stages == ()
    released = deliveries.release_due(db, actor=SUPERVISOR, today=WEDNESDAY)
    assert [(s.number, s.status) for s in released.stages] == [(2, "released")]
    second = next(s for s in orders.get_order(db, po.order_id).shipments if s.id != first.id)
    pick(db, po.order_id, (("WH1-A-01", 1), ("SKU-1", 6), ("WH1-A-02", 1), ("SKU-2", 3)))
    pack(db, second.id, cartons=((("SKU-1", 6),), (("SKU-2", 3),)), weights=(2300, 200))
    pallet2 = onto_pallet_and_away(db, second.id, "PRO1002", screenshot_dir, "wednesday")
    [asn] = sent(db, out, "856")
    assert [s[3] for s in asn if s[0] == "HL"] == ["S", "O", "T", "P", "I", "P", "I"]
    assert [s[2] for s in asn if s[0] == "MAN"][0] == pallet2.sscc != pallet1.sscc
    assert [s[:4] for s in asn if s[0] == "LIN"] == [["LIN", "2", "BP", "B-100"],
                                                    ["LIN", "3", "BP", "B-200"]]
    [inv810] = sent(db, out, "810")
    assert ["TDS", "7050"] in inv810
    stages = deliveries.list_stages(db, order="PO-5000")
    assert [[status for _, status in s.shipments] for s in stages] == [["shipped"], ["shipped"]]

    # Two invoices, one per stage, as PDFs; the chain pays the first within ten days (2 %
    # off) and the second in full later: the order is paid.
    one, two = invoices.list_invoices(db, order_id=po.order_id)
    assert (one.total, two.total) == (Decimal("108.00"), Decimal("70.50"))
    document = pdfium.PdfDocument(invoice_pdf.render(invoice_pdf.collect(two)))
    assert "PO-5000" in document[0].get_textpage().get_text_range()
    assert [b.text for b in zxingcpp.read_barcodes(document[0].render(scale=3).to_pil())] == [
        two.number]
    invoices.record_payment(db, actor=SUPERVISOR, invoice=one.number, amount="105.84",
                            received_on=one.discount_until)
    assert orders.get_order(db, po.order_id).financial_status == "pending"
    invoices.record_payment(db, actor=SUPERVISOR, invoice=two.number, amount="70.50",
                            received_on=two.due_on)
    assert orders.get_order(db, po.order_id).financial_status == "paid"
