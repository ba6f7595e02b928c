"""A warehouse's day with a Shopify store (issue 13, "An outbound-day scenario"), on SQLite and
PostgreSQL, in process, through the services the screens and the command line call:

- outbound: the store's orders synced, verified, allocated, a wave pick list printed (its PDF
  rasterised and every barcode read back with zxing-cpp) and scanned from what was read, packed,
  labelled through the shipping-method map, manifested, the tracking pushed back to the store
  (the store emulator holds the fulfilment with the number), and the stock reconciled;
- returns: an RMA for what came back, intake (one unit restocked, one quarantined), and the
  refund pushed to the store (the store emulator holds it)."""

from decimal import Decimal

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp

from oms_desktop.model import Actor, Order, Role, Shipment
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services.channels import sync
from oms_desktop.services.floor import picking
from oms_desktop.services.floor.pick_documents import pick_list_pdf
from oms_desktop.services.inventory import stock
from oms_desktop.services.orders import allocation, pipeline
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.refunds import issue_refund
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.shipping import manifests, methods, needs_label, tracking
from tests.carriers.world import shipping_world
from tests.connectors.conftest import FITTING_PAGE, add_shopify_channel
from tests.connectors.conftest import memory_keyring, shopify  # noqa: F401 - fixtures
from tests.scenarios.floor_walk import pack_all

MANAGER = Actor("max", Role.manager, station="OFFICE-1")
SUPERVISOR = Actor("sam", Role.supervisor, station="OFFICE-1")
PICKER = Actor("pia", Role.packer, station="PICK-1")
PACKER = Actor("pat", Role.packer, station="PACK-1")
MUG, SPOON = "4006381333931", "036000291452"  # SKU-1 and SKU-2 as printed on the goods
DPI = 203


@pytest.fixture
def world(db, shopify, memory_keyring):
    shipping_world(db)  # WH1 with 100 mugs (WH1-A-01) and 100 spoons (WH1-A-02), own fleet
    return db, shopify


def printed_barcodes(pdf: bytes) -> list[str]:
    """Every barcode on every page, as a 203 dpi printer puts it on paper."""
    found = []
    for page in pypdfium2.PdfDocument(pdf):
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
        found += [b.text for b in zxingcpp.read_barcodes(image)]
    return found


def on_hand(db) -> dict[str, int]:
    """Units in the building, sellable or not, per SKU."""
    return {sku: sum(r.on_hand for r in stock.levels(db, sku=sku)) for sku in ("SKU-1", "SKU-2")}


def outbound_day(db, shop) -> dict:
    """The outbound day; what it shipped, for the returns day."""
    before = on_hand(db)
    # The store took two orders overnight, shipped as the store names its methods.
    standard = shop.add_order(lines=[("SKU-1", 2, "40.00"), ("SKU-2", 1, "10.00")])
    express = shop.add_order(lines=[("SKU-2", 3, "10.00")])
    standard["shippingLine"]["title"] = "Standard Shipping"
    express["shippingLine"]["title"] = "Express Shipping"
    # The manager maps both methods to the own fleet's services once.
    methods.set_mapping(db, actor=MANAGER, method="Standard Shipping", carrier="manual",
                        service="Economy")
    methods.set_mapping(db, actor=MANAGER, method="Express Shipping", carrier="manual",
                        service="Courier")

    # Morning: the store is synced; both orders arrive new.
    code = add_shopify_channel(db, shop, page_size=FITTING_PAGE)
    run = sync.sync_orders(db, actor=SUPERVISOR, code=code)
    assert (run.status, run.created) == ("ok", 2), run.error
    with db.uow(readonly=True) as uow:
        ids = dict(uow.session.execute(sa.select(Order.external_id, Order.id)).all())
    order_ids = [ids[standard["id"]], ids[express["id"]]]

    # The supervisor verifies them (paid, addressed, not risky) and allocates the stock.
    verified = pipeline.verify_orders(db, actor=SUPERVISOR, order_ids=order_ids).results
    assert [r.status for r in verified] == ["verified", "verified"]
    allocated = allocation.allocate_orders(db, actor=SUPERVISOR, order_ids=order_ids).results
    assert [r.status for r in allocated] == ["in_fulfilment", "in_fulfilment"]

    # A wave pick list is printed; the picker reads it from paper: every barcode decodes.
    wave = picking.create_wave(db, actor=PICKER, limit=10)
    on_paper = printed_barcodes(pick_list_pdf(wave))
    assert wave.label in on_paper
    assert {line.bin for line in wave.lines} <= set(on_paper)

    # The picker scans the list, then bin by bin what the paper says, then the goods.
    gtin = {"SKU-1": MUG, "SKU-2": SPOON}
    view = picking.scan(db, actor=PICKER, pick_list_id=wave.id, value=wave.label).view
    while view.current is not None:
        line = view.current
        assert picking.scan(db, actor=PICKER, pick_list_id=wave.id, value=line.bin).ok
        answer = picking.scan(db, actor=PICKER, pick_list_id=wave.id, value=gtin[line.sku],
                              quantity=line.remaining)
        assert answer.ok, answer.message
        view = answer.view
    assert view.status == "done"
    shipments = [slot.shipment_id for slot in wave.slots]

    # The packer scans each shipment and its goods, picks the box, weighs, completes (F4).
    for sid in shipments:
        assert pack_all(db, PACKER, sid, box="M", weight_g=1200).status == "packed"
    assert needs_label.needs_label(db)[0] == 2

    # Labels: the map chose the services; each label's barcode reads as its tracking number.
    labels = {sid: shipping.create_label(db, actor=PACKER, shipment_id=sid) for sid in shipments}
    with db.uow(readonly=True) as uow:
        order_of = {sid: uow.session.get(Shipment, sid).order_id for sid in shipments}
    services = {order_of[sid]: label.service for sid, label in labels.items()}
    assert services == {ids[standard["id"]]: "Economy", ids[express["id"]]: "Courier"}
    for label in labels.values():
        assert label.tracking_number in printed_barcodes(label.content)
    assert needs_label.needs_label(db) == (0, [])

    # End of the day: the own fleet's manifest; its barcodes are the parcels handed over.
    closed = manifests.close_out(db, actor=SUPERVISOR, carrier="manual")
    assert closed.shipments == 2
    assert sorted(printed_barcodes(closed.document)) == sorted(
        label.tracking_number for label in labels.values())

    # The store is told: it holds a fulfilment with each tracking number.
    pushed = channel_push.drain_outbox(db, code=code)
    assert pushed.sent == 2 and pushed.failed == 0
    told = {info["number"] for f in shop.fulfillments for info in f["trackingInfo"]}
    assert told == {label.tracking_number for label in labels.values()}
    assert {standard["displayFulfillmentStatus"], express["displayFulfillmentStatus"]} == {
        "FULFILLED"}
    assert tracking.poll(db, actor=SUPERVISOR).errors == {}

    # The books: 2 mugs and 4 spoons left the warehouse, and every level matches its ledger.
    after = on_hand(db)
    assert (before["SKU-1"] - after["SKU-1"], before["SKU-2"] - after["SKU-2"]) == (2, 4)
    assert stock.reconcile(db) == []
    return {"code": code, "order": ids[standard["id"]], "shop_order": standard}


def test_an_outbound_day_from_the_store_to_tracked_parcels(world):
    db, shop = world
    outbound_day(db, shop)


def test_a_returns_day_ends_with_the_refund_at_the_store(world):
    db, shop = world
    day = outbound_day(db, shop)
    before = on_hand(db)

    # The customer of the standard order sends back both mugs: one fine, one broken.
    rma = create_rma(db, actor=SUPERVISOR, order=day["order"], lines=[
        RequestedLine("SKU-1", 2, "changed_mind")])
    assert rma.status == "authorized"

    # At the intake bench: the good mug back on its shelf, the broken one into quarantine.
    receive_unit(db, actor=PACKER, rma=rma.rma_number, code=MUG, condition="resellable",
                 disposition="restock", location="WH1-A-01")
    receive_unit(db, actor=PACKER, rma=rma.rma_number, code=MUG, condition="damaged",
                 disposition="quarantine", location="WH1")
    assert finish_intake(db, actor=PACKER, rma=rma.rma_number).status == "inspected"
    levels = {(r.sku, r.location): r for r in stock.levels(db, sku="SKU-1")}
    assert levels[("SKU-1", "WH1-QUARANTINE")].on_hand == 1
    assert on_hand(db)["SKU-1"] - before["SKU-1"] == 2  # both are ours again, one sellable

    # The supervisor refunds; the refund is queued for the store and pushed there.
    refund = issue_refund(db, actor=SUPERVISOR, rma=rma.rma_number)
    assert refund.status == "approved"
    pushed = channel_push.drain_outbox(db, code=day["code"])
    assert pushed.sent == 1 and pushed.failed == 0
    [at_store] = shop.refunds
    assert at_store["_input"]["orderId"] == day["shop_order"]["id"]
    mug_line = shop.line(day["shop_order"], "SKU-1")["id"]
    assert [(r["lineItemId"], r["quantity"]) for r in at_store["_input"]["refundLineItems"]] \
        == [(mug_line, 2)]
    assert Decimal(at_store["totalRefundedSet"]["shopMoney"]["amount"]) == Decimal(refund.amount)
    assert day["shop_order"]["displayFinancialStatus"] == "PARTIALLY_REFUNDED"
    assert stock.reconcile(db) == []
