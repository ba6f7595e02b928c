from collections import Counter

import pypdfium2
import pytest
import zxingcpp

from oms_desktop.documents import picklist
from oms_desktop.model import Actor, LocationKind, Role
from oms_desktop.services.floor import picking
from oms_desktop.services.inventory.catalog import add_location, add_product
from oms_desktop.services.lookup import location_by_code
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up

PICKER = Actor("pia", Role.packer)
DPI = 203


def decode_pages(pdf: bytes) -> list[list[str]]:
    """Every Code 128 on every page, rasterised as a 203 dpi thermal printer would."""
    doc = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in doc:
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128,
                                       try_rotate=False)
        pages.append([b.text for b in found])
    return pages


@pytest.fixture
def batch(sqlite_db):
    db = sqlite_db
    small_world(db)
    with db.uow() as uow:
        zone = location_by_code(uow.session, "WH1-A")
        for n in range(1, 19):
            add_location(uow.session, code=f"A{n}", name=f"A{n}", kind=LocationKind.bin,
                         parent=zone)
            add_product(uow.session, sku=f"TENT-{n:03d}", name=f"Tent model {n} with a long name")
        uow.commit()
    stock_up(db, {(f"TENT-{n:03d}", f"A{n}"): 50 for n in range(1, 19)})
    orders = [assigned_shipment(db, {f"TENT-{n:03d}": 1 + i % 2, f"TENT-{(n % 18) + 1:03d}": 1},
                                bins={f"TENT-{n:03d}": f"A{n}",
                                      f"TENT-{(n % 18) + 1:03d}": f"A{(n % 18) + 1}"})[0]
              for i, n in enumerate(range(1, 19))]
    view = picking.create_for_orders(db, actor=PICKER, orders=[str(o) for o in orders])
    return view, picklist.collect(view)


def test_collect_keeps_walk_order_and_tote_slots(batch):
    view, data = batch
    assert [r.bin for r in data.rows] == [f"A{n}" for n in range(1, 19)]
    assert data.rows[1].slots == "1×1  2×2" and len(data.slots) == 18
    assert data.units == sum(l.quantity for l in view.lines)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_barcode_on_a_batch_pick_list_decodes_to_its_value(batch, paper):
    view, data = batch
    pages = decode_pages(picklist.render_pdf(data, page=paper))
    assert len(pages) >= 2  # the list runs over a page: the header repeats
    expected = Counter({view.label: len(pages)})
    expected.update(r.bin for r in data.rows)
    expected.update(r.sku for r in data.rows)
    assert Counter(text for page in pages for text in page) == expected
    assert all(view.label in page for page in pages)


def test_unknown_paper_is_refused(batch):
    with pytest.raises(Exception, match="Paper must be one of A4, Letter"):
        picklist.render_pdf(batch[1], page="A3")
