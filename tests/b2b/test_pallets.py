"""Cartons onto pallets: each pallet an SSCC-18 of its own, a carton on one pallet only; the
pallet label, packing list and bill of lading printed, rasterised and their barcodes
decoded the way the dock's scanner would; the freight booking recorded once."""

from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp

from oms_desktop.documents.freight import pallet_label, sheets
from oms_desktop.errors import ConcurrentChange, NotFound, ValidationError
from oms_desktop.policies.barcodes import gs1_check_digit
from oms_desktop.services.freight import bookings, pallets
from tests.b2b.freight_world import packed_in_cartons
from tests.b2b.world import GS1_PREFIX, PACKER, SUPERVISOR, wholesale_world


@pytest.fixture
def packed(db):
    wholesale_world(db, credit_limit="100000")
    return db, packed_in_cartons(db)[1]


def decoded(pdf: bytes, dpi: int = 203) -> list[dict[str, str]]:
    """Per page: decoded text -> symbology identifier (]C1 is GS1-128, ]C0 Code 128)."""
    return [{r.text: r.symbology_identifier for r in zxingcpp.read_barcodes(
        page.render(scale=dpi / 72, grayscale=True).to_pil())} for page in pdfium.PdfDocument(pdf)]


def sound(sscc: str) -> bool:
    return len(sscc) == 18 and sscc[1:8] == GS1_PREFIX and gs1_check_digit(sscc[:17]) == int(
        sscc[17])


def book(db, sid, **over):
    values = dict(carrier="Old Dominion Freight Line", scac="ODFL", pro_number="0123456789",
                  freight_class="70", pickup_on=date(2026, 12, 9))
    return bookings.book(db, actor=SUPERVISOR, shipment_id=sid, **{**values, **over})


def test_cartons_go_on_pallets_each_with_its_own_sscc(packed):
    db, sid = packed
    first = pallets.palletise(db, actor=PACKER, shipment_id=sid, cartons=["1", "2"])
    assert (first.number, [c.number for c in first.cartons]) == (1, [1, 2])
    assert first.gross_weight_g == 20000 + 4600
    carton_ssccs = [c.sscc for c in first.cartons]
    # the spoons' carton by its scanned SSCC (with the AI, as a GS1-128 scan gives it)
    third = pallets.shipment_pallets(db, sid).loose[0].sscc
    second = pallets.palletise(db, actor=PACKER, shipment_id=sid, cartons=[f"00{third}"])
    assert [c.number for c in second.cartons] == [3]
    every = [first.sscc, second.sscc, *carton_ssccs, third]
    assert all(sound(x) for x in every) and len(set(every)) == 5

    with pytest.raises(ConcurrentChange) as twice:
        pallets.palletise(db, actor=PACKER, shipment_id=sid, cartons=["1"], pallet="2")
    assert str(twice.value).startswith(f"carton {carton_ssccs[0]} is already on pallet 1 "
                                       f"({first.sscc}): put there by pat (PACK-1) at ")
    with pytest.raises(ValidationError, match="every carton of SHP-.* is on a pallet already"):
        pallets.palletise(db, actor=PACKER, shipment_id=sid)
    found = pallets.shipment_pallets(db, sid)
    assert [len(p.cartons) for p in found.pallets] == [2, 1] and found.loose == ()


def test_what_is_not_packed_or_not_labelled_cannot_be_palletised(db):
    wholesale_world(db, credit_limit="100000")
    _, sid = packed_in_cartons(db)
    with pytest.raises(NotFound, match="no pallet '9'"):
        pallets.palletise(db, actor=PACKER, shipment_id=sid, pallet="9")
    with pytest.raises(NotFound, match="no carton '7'"):
        pallets.palletise(db, actor=PACKER, shipment_id=sid, cartons=["7"])
    from oms_desktop.services import settings
    with db.uow() as uow:
        settings.put(uow.session, "gs1.company_prefix", "")
        uow.commit()
    with pytest.raises(ValidationError, match="set gs1.company_prefix first"):
        pallets.palletise(db, actor=PACKER, shipment_id=sid)
    assert pallets.shipment_pallets(db, sid).pallets == ()


def test_a_booking_is_checked_recorded_once_and_gives_a_gsin_bill_of_lading(packed):
    db, sid = packed
    with pytest.raises(ValidationError, match="has no pallets"):
        book(db, sid)
    pallets.palletise(db, actor=PACKER, shipment_id=sid)
    for bad, says in ((dict(scac="OD1"), "SCAC 'OD1' is not 2 to 4 letters"),
                      (dict(freight_class="71"), "freight class '71' is not an NMFC class"),
                      (dict(pro_number="12*4"), r"PRO number '12\*4'")):
        with pytest.raises(ValidationError, match=says):
            book(db, sid, **bad)
    got = book(db, sid)
    assert len(got.bol_number) == 17 and got.bol_number.startswith(GS1_PREFIX)
    assert gs1_check_digit(got.bol_number[:16]) == int(got.bol_number[16])
    with pytest.raises(ConcurrentChange, match="was booked with Old Dominion .*by sam"):
        book(db, sid, pro_number="999999")


def test_the_pallet_labels_decode_to_each_pallets_sscc_and_the_ship_to_zip(packed,
                                                                          screenshot_dir):
    db, sid = packed
    one = pallets.palletise(db, actor=PACKER, shipment_id=sid, cartons=["1", "2"])
    two = pallets.palletise(db, actor=PACKER, shipment_id=sid)
    book(db, sid)
    labels = pallet_label.collect(bookings.papers(db, sid))
    for dpi in pallet_label.DPIS:
        pdf = pallet_label.render_pdf(labels, dpi=dpi)
        assert decoded(pdf, dpi) == [{f"(00){one.sscc}": "]C1", "(420)62701": "]C1"},
                                     {f"(00){two.sscc}": "]C1", "(420)62701": "]C1"}]
    document = pdfium.PdfDocument(pallet_label.render_pdf(labels))
    assert document[0].get_size() == (288.0, 432.0)
    text = document[0].get_textpage().get_text_range()
    second = document[1].get_textpage().get_text_range()
    for expected in ("PALLET 1 of 2", "2 cartons", "gross 24.6 kg", "OLD DOMINION",
                     "PRO 0123456789", "PO PO-7100", "Corner Store 12", "Springfield"):
        assert expected in text, expected
    for expected in ("PALLET 2 of 2", "1 cartons"):
        assert expected in second, expected
    document[0].render(scale=2).to_pil().save(screenshot_dir / "pallet_label.png")


def test_the_packing_list_and_the_bill_of_lading_read_back(packed, screenshot_dir):
    db, sid = packed
    one = pallets.palletise(db, actor=PACKER, shipment_id=sid, cartons=["1", "2"])
    with pytest.raises(ValueError, match="not booked"):
        sheets.bill_of_lading(bookings.papers(db, sid))
    b = book(db, sid)
    papers = bookings.papers(db, sid)
    listing = sheets.render(sheets.packing_list(papers), page="A4")
    text = pdfium.PdfDocument(listing)[0].get_textpage().get_text_range()
    for expected in (one.sscc, *(c.sscc for c in one.cartons), "not on a pallet 3",
                     "6 x SKU-1 Trail mug", "1 pallets", "3 cartons", "15 units",
                     "24.8 kg gross", b.bol_number):
        assert expected in text, expected
    assert decoded(listing, 300) == [{f"SHP-{sid}": "]C0"}]

    bol = sheets.render(sheets.bill_of_lading(papers))
    page = pdfium.PdfDocument(bol)[0]
    text = page.get_textpage().get_text_range()
    for expected in ("STRAIGHT BILL OF LADING", "SCAC ODFL", "Corner Stores Inc",
                     "Acme Outdoor Wholesale", "PO PO-7100", "2 handling units",
                     "3 packages", "55 lb", "Pickup 2026-12-09", "Trail mug", "Camp spoon"):
        assert expected in text, expected
    assert decoded(bol, 300) == [{b.bol_number: "]C0", "0123456789": "]C0"}]
    page.render(scale=1.5).to_pil().save(screenshot_dir / "bill_of_lading.png")
    pdfium.PdfDocument(listing)[0].render(scale=1.5).to_pil().save(
        screenshot_dir / "pallet_packing_list.png")
