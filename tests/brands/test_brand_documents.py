"""Every paper and e-mail of an order carries the brand of the order's channel: the packing
slip (name, address, logo, returns wording), the label's return address, the RMA slip and the
invoice (logo), the customer e-mail (the brand's sender and template). Printed documents are
rasterised and read back; an order of a channel without a brand carries the company's."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.documents import invoice, labels, rma_slip
from oms_desktop.model import SYSTEM, Channel, OutboxMessage, Shipment
from oms_desktop.services.automation import notifications
from oms_desktop.services.b2b.invoices import InvoiceLineView, InvoiceView
from oms_desktop.services.brands import profiles
from oms_desktop.services.floor import pack_documents
from oms_desktop.services.orders import allocation, pipeline
from oms_desktop.services.returns.rmas import RmaLineView, RmaView
from oms_desktop.services.shipping.carriers import ensure_packages, shipment_dto
from tests.brands.documents import barcodes, logo_box, raster, text

CORK_RED, CLAY_BLUE = (180, 60, 30), (40, 90, 160)


def allocated_shipment(db, order_id: int) -> int:
    pipeline.verify_orders(db, actor=SYSTEM, order_ids=[order_id])
    result = allocation.allocate_orders(db, actor=SYSTEM, order_ids=[order_id]).results[0]
    return result.shipments[0].id


def test_the_packing_slip_carries_the_brands_name_address_logo_and_returns_text(world, tmp_path):
    db, ids = world
    order = ids["TILL-A"][0]
    shipment = allocated_shipment(db, order)
    _, pdf = pack_documents.packing_slip_pdf(db, shipment)
    page = raster(pdf, tmp_path, "slip")
    words = text(pdf, tmp_path, "slip")
    assert f"ORD-{order}" in barcodes(page)
    assert "From Cork Homeware Ltd" in words and "1 Harbour Road" in words
    assert "Cork returns: within 60 days" in words
    left, top, right, bottom = logo_box(page, CORK_RED)
    assert left < page.width * 0.2 and top < page.height * 0.1  # top left, above the title
    assert logo_box(page, CLAY_BLUE) is None


def test_the_labels_return_address_is_the_brands(world, tmp_path):
    db, ids = world
    shipment = allocated_shipment(db, ids["WEB-CLAY"][0])
    with db.uow(readonly=True) as uow:
        dto = shipment_dto(uow.session, uow.session.get(Shipment, shipment))
    # Clay has no street of its own: its name on the store's address
    assert dto.ship_from.lines()[:2] == ["Clay Studio", "1 Park Street"]
    shipment = allocated_shipment(db, ids["TILL-B"][0])
    with db.uow() as uow:
        packed = uow.session.get(Shipment, shipment)
        ensure_packages(uow.session, packed)
        dto = shipment_dto(uow.session, packed)
    [label] = labels.collect(dto, tracking_number="1Z999", carrier="manual", service="std")
    assert label.ship_from == ("Cork Homeware Ltd", "1 Harbour Road", "Cork T12 X70", "IE")
    printed = text(labels.render_pdf([label]), tmp_path, "label")
    assert "Cork Homeware Ltd" in printed and "1 Harbour Road" in printed


def test_an_order_of_a_channel_without_a_brand_carries_the_company(world, tmp_path):
    db, ids = world
    profiles.assign_channel(db, actor=SYSTEM, channel="TILL-A", brand=None)
    _, pdf = pack_documents.packing_slip_pdf(db, allocated_shipment(db, ids["TILL-A"][1]))
    assert "Cork Homeware" not in text(pdf, tmp_path, "plain")
    assert logo_box(raster(pdf, tmp_path, "plain"), CORK_RED) is None


def test_the_customer_email_comes_from_the_brand_in_its_words(world):
    db, ids = world
    profiles.set_template(db, actor=SYSTEM, code="CLAY", kind="order_confirmation",
                          language=None, subject="Clay: $order_number is on the wheel",
                          body_text="Hi $customer_name, $shop_name made a note.",
                          body_html="<p>$shop_name</p>")
    with db.uow() as uow:
        s = uow.session
        for channel in ("WEB-CLAY", "TILL-A"):
            order_id = ids[channel][0]
            from oms_desktop.model import Order

            notifications.enqueue(s, "order_confirmation", order=s.get(Order, order_id))
        uow.commit()
    with db.uow(readonly=True) as uow:
        rows = {m.order_id: m for m in uow.session.execute(
            sa.select(OutboxMessage.__table__))}
    clay, cork = rows[ids["WEB-CLAY"][0]], rows[ids["TILL-A"][0]]
    assert (clay.sender, clay.subject) == ("Clay <studio@clay.example>",
                                           "Clay: WEB-CLAY-1 is on the wheel")
    assert "Clay Studio made a note" in clay.body_text
    assert cork.sender == "Cork Homeware <hello@cork.example>"
    assert "Cork Homeware Ltd" in cork.body_text  # the shared template, the brand's name
    message = notifications._email(clay, clay.sender or "shop@example.com")
    assert message["From"] == "Clay <studio@clay.example>"


def test_the_rma_slip_and_the_invoice_carry_the_logo(world, tmp_path):
    db, _ = world
    with db.uow(readonly=True) as uow:
        cork = profiles.for_channel(uow.session, uow.session.scalar(
            sa.select(Channel.id).where(Channel.code == "WEB-CORK")))
    rma = RmaView(7, "RMA-000007", 3, "WEB-CORK-1", "Ann Lee", "authorized", "refund",
                  "customer_arranged", None, datetime.now(timezone.utc),
                  [RmaLineView("MUG", 1, "defective", None, 0, False, [])])
    slip = rma_slip.render(rma_slip.collect(rma, return_to=list(cork.address),
                                            brand=cork.sender_name, logo_path=cork.logo_path))
    page = raster(slip, tmp_path, "rma")
    assert barcodes(page) == ["RMA-000007"] and logo_box(page, CORK_RED) is not None
    assert "1 Harbour Road" in text(slip, tmp_path, "rma")
    view = InvoiceView("INV-000001", "Shop Ltd", "WEB-CORK-1", "PO-1", "open", "Net 30",
                       date(2026, 12, 1), date(2026, 12, 31), None, Decimal(0), "GBP",
                       Decimal("14"), Decimal(0), Decimal(0), Decimal("14"), None,
                       ("Shop Ltd",), cork.address,
                       (InvoiceLineView("MUG", "Stoneware mug", 1, Decimal(14), Decimal(14)),),
                       cork.logo_path)
    pdf = invoice.render(invoice.collect(view))
    page = raster(pdf, tmp_path, "invoice")
    assert "INV-000001" in barcodes(page) and logo_box(page, CORK_RED) is not None
    assert "Cork Homeware Ltd" in text(pdf, tmp_path, "invoice")
