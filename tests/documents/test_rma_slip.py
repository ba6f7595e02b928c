from datetime import datetime, timezone

import pypdfium2
import zxingcpp

from oms_desktop.documents import rma_slip
from oms_desktop.services.returns.rmas import RmaLineView, RmaView


def rma() -> RmaView:
    return RmaView(7, "RMA-000007", 3, "#1042", "Zoë Müller", "authorized", "refund",
                   "customer_arranged", None, datetime.now(timezone.utc),
                   [RmaLineView("SKU-1", 1, "changed_mind", None, 0, False, []),
                    RmaLineView("SKU-2", 2, "defective", None, 0, False, [])])


def test_the_rma_slip_barcode_scans_as_the_rma_number(tmp_path):
    data = rma_slip.collect(rma(), return_to=["Acme Returns", "1 Dock Road", "Newark NJ 07101"])
    pdf = rma_slip.render(data, page="Letter")

    page = pypdfium2.PdfDocument(pdf)[0]
    assert (round(page.get_width()), round(page.get_height())) == (612, 792)
    image = page.render(scale=203 / 72).to_pil()
    image.save(tmp_path / "rma.png")
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == ["RMA-000007"]
    text = page.get_textpage().get_text_range()
    assert "Zoë Müller" in text and "changed mind" in text and "Newark NJ 07101" in text
