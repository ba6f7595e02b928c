"""4x6 labels read back as a warehouse would: PDFs rasterised at 203 dpi and every barcode
decoded (zxing-cpp) to the exact tracking number or SSCC; ZPL checked field by field."""

import pypdfium2 as pdfium
import pytest
import zxingcpp

from oms_desktop.carriers.base import AddressDTO, ParcelDTO, ShipmentDTO
from oms_desktop.documents import labels, zpl
from oms_desktop.policies.barcodes import gs1_check_digit, sscc
from tests.carriers.zpl_reader import barcodes, fields, formats, texts

FROM = AddressDTO("Acme Outdoor", "388 Townsend St", "San Francisco", "94107", "US",
                  region="CA")
TO = AddressDTO("Zoë Ämmänen", "179 N Harbor Dr", "Redondo Beach", "90277", "US", region="CA")
SSCCS = [sscc("0614141", 123456789, 1), sscc("0614141", 123456790, 1)]
DTO = ShipmentDTO(7, "ORDER-1001", FROM, TO, tuple(
    ParcelDTO(i + 1, 700, 300, 200, 100, code) for i, code in enumerate(SSCCS)))


def decode_pages(pdf: bytes, dpi: int = 203) -> list[dict[str, str]]:
    """Per page: symbology identifier -> decoded text, rasterised at the printer's dpi."""
    pages = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        pages.append({r.text: r.symbology_identifier for r in zxingcpp.read_barcodes(image)})
    return pages


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("tracking", ["1Z999AA10123456784", "9400111899223344556677",
                                      "LC0000000042"])
def test_every_barcode_on_a_pdf_label_decodes_exactly(dpi, tracking):
    pdf = labels.render_pdf(labels.collect(DTO, tracking_number=tracking, carrier="ups",
                                           service="Ground"), dpi=dpi)
    pages = decode_pages(pdf)
    assert len(pages) == 2
    for page, code in zip(pages, SSCCS):
        assert page == {tracking: "]C0", f"(00){code}": "]C1"}  # ]C1: GS1-128 with FNC1
        assert gs1_check_digit(code[:17]) == int(code[17])


def test_the_pdf_page_is_exactly_4_by_6_inches_and_unrotated():
    pdf = labels.render_pdf(labels.collect(DTO, tracking_number="X1", carrier="manual",
                                           service="Courier"))
    for page in pdfium.PdfDocument(pdf):
        assert page.get_size() == (288.0, 432.0)
        assert page.get_rotation() == 0


def test_the_pdf_carries_the_addresses_and_the_sscc_in_human_text():
    pdf = labels.render_pdf(labels.collect(DTO, tracking_number="1Z999AA10123456784",
                                           carrier="ups", service="Ground"))
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    for expected in ("Zoë Ämmänen", "Redondo Beach CA 90277", "Acme Outdoor", "UPS",
                     "Ground", "(00) 1 0614141123456789 7", "TRACKING # 1Z999AA10123456784",
                     "Pkg 1 of 2"):
        assert expected in text


@pytest.mark.parametrize("dpi, width, length, module, sscc_module", [
    (203, 812, 1218, 2, 4), (300, 1200, 1800, 3, 6)])
def test_zpl_labels_are_sized_for_the_printer_and_carry_every_field(dpi, width, length,
                                                                     module, sscc_module):
    text = zpl.render(labels.collect(DTO, tracking_number="1Z999AA10123456784",
                                     carrier="ups", service="Ground"), dpi=dpi)
    [first, second] = formats(text)
    assert first.startswith("^XA\n^CI28\n") and first.endswith("^XZ")
    assert f"^PW{width}" in first and f"^LL{length}" in first
    assert first.index(f"^LL{length}") < first.index("^FS")  # ^LL before the first ^FS
    assert barcodes(first) == [">:1Z999AA10123456784", ">;>800" + SSCCS[0]]
    assert barcodes(second) == [">:1Z999AA10123456784", ">;>800" + SSCCS[1]]
    tracking, carton = [f for f in fields(first) if f.is_code128]
    assert f"^BY{module}^BCN," in tracking.commands and ",Y,N,N" in tracking.commands
    assert f"^BY{sscc_module}^BCN," in carton.commands
    assert ["FROM: Acme Outdoor", "Zoë Ämmänen", "179 N Harbor Dr", "Redondo Beach CA 90277",
            "UPS  Ground", "(00) 1 0614141123456789 7"] == [
        t for t in texts(first) if t.startswith(("FROM", "Zo", "179", "Red", "UPS", "(00)"))]


def test_the_sscc_barcode_fits_the_label_with_quiet_zones():
    text = zpl.render_one(labels.collect(DTO, tracking_number="1Z999AA10123456784",
                                         carrier="ups", service="Ground")[0])
    carton = [f for f in fields(text) if f.is_code128][1]
    modules = 13 * 11 + 13  # start C, FNC1, 10 pairs, check; stop (apis.md section 8)
    assert carton.x + modules * 4 + 10 * 4 <= 812 and carton.x >= 10 * 4


def test_zpl_escapes_what_the_printer_would_read_as_commands():
    dto = ShipmentDTO(1, "R", FROM, AddressDTO("A^B~C_D", "1 St", "X", "1", "US"),
                      (ParcelDTO(1, 100),))
    text = zpl.render(labels.collect(dto, tracking_number="AB>1", carrier="m", service="s"))
    assert "^FDA_5EB_7EC_5FD^FS" in text
    assert barcodes(text) == [">:AB><1"]
    assert "A^B~C_D" in texts(text)
