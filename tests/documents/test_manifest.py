"""The local end-of-day manifest: every package with its tracking barcode (decoded back), the
totals, on as many pages as it takes."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pypdfium2 as pdfium
import zxingcpp

from oms_desktop.documents.manifest import ManifestData, ManifestRow, render


def data(count: int) -> ManifestData:
    rows = tuple(ManifestRow(f"SHP-{i}", f"100{i}", f"Customer {i}", "Courier",
                             f"LC{i:010d}", 1 + i % 2, 500, Decimal("4.50"))
                 for i in range(1, count + 1))
    return ManifestData("manual", date(2026, 11, 27), "Acme Outdoor", rows,
                        datetime(2026, 11, 27, 16, 55, tzinfo=timezone.utc), "sue")


def test_every_tracking_barcode_on_the_manifest_decodes():
    manifest = data(5)
    pdf = pdfium.PdfDocument(render(manifest))
    image = pdf[0].render(scale=203 / 72, grayscale=True).to_pil()
    found = sorted(r.text for r in zxingcpp.read_barcodes(image))
    assert found == sorted(r.tracking_number for r in manifest.rows)


def test_the_totals_are_printed_on_the_last_page():
    manifest = data(30)
    pdf = pdfium.PdfDocument(render(manifest, paper="Letter"))
    assert len(pdf) == 3 and pdf[0].get_size() == (612.0, 792.0)
    last = " ".join(pdf[len(pdf) - 1].get_textpage().get_text_range().split())
    assert "Shipments: 30 Packages: 45 Weight: 15.00 kg Cost: 135.00 USD" in last
    assert "Page 3 of 3" in last
    first = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "Manifest: MANUAL Fri 27 Nov 2026" in first and "Received by driver" not in first
