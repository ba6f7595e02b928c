"""Flipkart as its Seller API v3 behaves: the notification signature of the documented
example; Flipkart's label read back by a barcode decoder; a pack that takes longer than one
push; the filter's rules; stock ten SKUs a call."""

import base64
from datetime import datetime, timezone

import httpx
import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp

from oms_desktop.connectors.dto import StockLevelDTO
from oms_desktop.connectors.flipkart import verify_notification
from oms_desktop.model import SYSTEM, ChannelOutbox, Shipment
from oms_desktop.services.channels import push, sync
from tests.connectors.marketplaces import FlipkartPlatform, add_channel
from tests.integration.test_sync_push import _start_shipment, receive

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
DOC_URL, DOC_SECRET = "http://seller.api.pilotseller.com/notify/fki", \
    "669a57f4-fe05-11e4-a322-1697f925ec7b"


@pytest.fixture
def seller():
    p = FlipkartPlatform()
    yield p
    p.stop()


def signed(app_id: str, digest: str) -> str:
    return "FKLOGIN " + base64.b64encode(f"{app_id}:{digest}".encode()).decode()


def test_a_notification_signed_as_the_documented_example_is_accepted_and_a_forgery_is_not():
    good = signed("app1", "83762abd87b41e66ddd58320a4e803251e72b776")
    date = "Tue, 19 May 2015 09:02:15 GMT"
    check = dict(url=DOC_URL, method="POST", app_id="app1", app_secret=DOC_SECRET)
    assert verify_notification(x_date=date, x_authorization=good, **check)
    assert not verify_notification(x_date="Tue, 19 May 2015 09:02:16 GMT",
                                   x_authorization=good, **check)
    assert not verify_notification(x_date=date, x_authorization=signed("app2", "83762abd87b4"
                                   "1e66ddd58320a4e803251e72b776"), **check)
    assert not verify_notification(x_date=date, x_authorization="FKLOGIN ???", **check)


def test_flipkarts_label_for_a_packed_shipment_decodes_to_its_tracking_id(seller):
    s = seller.add_order([("SKU-1", 1, "499.00")], at=T0)
    c = seller.connector()
    c.push_fulfilment(s["shipmentId"], lines=[], carrier=None, tracking_number=None)
    pdf = c.labels([s["shipmentId"]])
    [page] = pdfium.PdfDocument(pdf)
    found = zxingcpp.read_barcodes(page.render(scale=203 / 72, grayscale=True).to_pil())
    assert [r.text for r in found] == [s["_tracking"]]


def test_a_pack_still_running_leaves_the_push_pending_and_the_next_run_dispatches(
        world, memory_keyring):
    seller = FlipkartPlatform(pack_polls=20)  # Flipkart takes its time
    try:
        s = seller.add_order([("SKU-1", 1, "499.00")], at=T0)
        code = add_channel(world, seller)
        sync.sync_orders(world, actor=SYSTEM, code=code, connector=seller.connector())
        receive(world, "SKU-1", "WH1-A-01", 1)
        shipment_id = _start_shipment(world, s["shipmentId"], pack=False)
        with world.uow() as uow:
            push.enqueue_fulfilment(uow.session, uow.session.get(Shipment, shipment_id))
            uow.commit()
        first = push.drain_outbox(world, code=code, connector=seller.connector())
        assert (first.sent, first.waiting, s["state"]) == (0, 1, "PACKING_IN_PROGRESS")
        second = push.drain_outbox(world, code=code, connector=seller.connector())
        assert (second.sent, s["state"]) == (1, "READY_TO_DISPATCH")
        with world.uow(readonly=True) as uow:
            assert uow.session.scalar(sa.select(ChannelOutbox.attempts)) == 2
        assert [e for e in seller.emu.log if e[1].endswith("/labels")].__len__() == 1, \
            "packed once"
    finally:
        seller.stop()


@pytest.mark.parametrize("body, complaint", [
    ({"filter": {"type": "preDispatch", "states": ["SHIPPED"]}}, "states invalid"),
    ({"filter": {"type": "later", "states": ["APPROVED"]}}, "filter.type"),
    ({"filter": {"type": "preDispatch", "states": ["APPROVED"]},
      "pagination": {"pageSize": 21}}, "pageSize"),
])
def test_the_filter_refuses_what_flipkart_refuses(seller, body, complaint):
    token = seller.connector().auth.token()
    r = httpx.post(seller.emu.url + "/sellers/v3/shipments/filter", json=body,
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400 and complaint in r.json()["message"]


def test_stock_goes_ten_skus_a_call_and_an_unknown_fsn_fails_alone(seller):
    skus = [f"SKU-{i}" for i in range(12)]
    for sku in skus:
        seller.list_sku(sku, 0)
    c = seller.connector(fsn_by_sku={**dict(seller.emu.fsn), "SKU-0": "WRONGFSN0000000"})
    results = c.push_inventory([StockLevelDTO(s, 5) for s in skus + ["NOT-LISTED"]])
    assert [r.ok for r in results] == [False] + [True] * 11 + [False]
    assert "product_id" in results[0].error and "FSN" in results[-1].error
    assert len([e for e in seller.emu.log if "update/inventory" in e[1]]) == 2
    assert seller.emu.stock["SKU-11"] == 5

