"""Label throughput: 1,000 locally rendered 4x6 PDF labels in one file under 3 s, 10,000 ZPL
labels under 1 s (each label with a Code 128 tracking barcode and a GS1-128 SSCC)."""

import pypdfium2 as pdfium
import pytest

from oms_desktop.carriers.base import AddressDTO, ParcelDTO, ShipmentDTO
from oms_desktop.documents import labels, zpl
from oms_desktop.policies.barcodes import sscc

pytestmark = pytest.mark.benchmark

FROM = AddressDTO("Acme Outdoor", "388 Townsend St", "San Francisco", "94107", "US",
                  region="CA")


def many(count: int) -> list[labels.LabelData]:
    out = []
    for i in range(count):
        dto = ShipmentDTO(i, f"ORDER-{i}", FROM,
                          AddressDTO(f"Customer Zoë {i}", f"{i} Harbor Dr", "Redondo Beach",
                                     "90277", "US", region="CA"),
                          (ParcelDTO(1, 700, sscc=sscc("0614141", i)),))
        out += labels.collect(dto, tracking_number=f"9400111899{i:012d}", carrier="manual",
                              service="Courier")
    return out


def test_1000_pdf_labels_in_one_file_under_3_seconds(benchmark):
    data = many(1000)
    pdf = benchmark.pedantic(labels.render_pdf, args=(data,), rounds=3, iterations=1)
    assert len(pdfium.PdfDocument(pdf)) == 1000
    assert benchmark.stats.stats.max < 3.0


def test_10000_zpl_labels_under_1_second(benchmark):
    data = many(10_000)
    text = benchmark.pedantic(zpl.render, args=(data,), rounds=3, iterations=1)
    assert text.count("^XA") == 10_000
    assert benchmark.stats.stats.max < 1.0
