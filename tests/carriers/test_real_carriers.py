"""Issue 14, "Channels and carriers as the real platforms behave": the carrier rows, driven
through the program's own services (packing, rates, labels, close-out, pushes, tracking)
against the strict emulators."""

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Actor, Order, Role
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.shipping import manifests
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.channels import sync
from oms_desktop.services.shipping import tracking
from tests.carriers.world import (
    pack_by_scanning, pack_order, packed_shipment, web_order,
)
from tests.connectors.conftest import FITTING_PAGE, add_shopify_channel, shop  # noqa: F401
from tests.connectors.woo_emulator import KEY, SECRET, WooEmulator

PACKER = Actor("pat", Role.packer)
SUPERVISOR = Actor("sue", Role.supervisor)
BOX_M_MM = (300, 200, 150)  # the default box list's "M"


@pytest.fixture
def woo():
    emu = WooEmulator().start()
    yield emu
    emu.stop()


def sent_dimensions(kind: str, emu) -> list[float]:
    """The sides, in inches, of the parcel the plugin asked rates for."""
    _, _, body, _ = emu.requests[-1]
    parcel = body["shipment"]["parcel"] if kind == "easypost" else body["parcels"][0]
    return sorted(float(parcel.get(side) or 0) for side in ("length", "width", "height"))


@pytest.mark.parametrize("kind", ["easypost", "shippo"])
def test_a_shipment_packed_in_a_known_box_is_rated_with_the_boxs_dimensions(world, kind,
                                                                           easypost, shippo):
    sid = pack_order(world, web_order(world), pack=False)
    pack_by_scanning(world, sid, box="M", weight_g=500)
    result = shipping.rates(world, actor=PACKER, shipment_id=sid, carrier=kind)
    assert any(r.service.startswith("UPS") for r in result.rates)  # UPS needs dimensions
    box_inches = sorted(mm / 25.4 for mm in BOX_M_MM)
    emu = easypost if kind == "easypost" else shippo
    assert all(abs(a - b) < 0.15 for a, b in zip(sent_dimensions(kind, emu), box_inches))


def ship_through_easypost(db, code: str, external_id: str) -> str:
    """Import, pack, buy the cheapest EasyPost label (USPS), close the day, push to the store;
    the label's tracking number."""
    sync.sync_orders(db, actor=SYSTEM, code=code)
    with db.uow(readonly=True) as uow:
        order_id = uow.session.scalar(sa.select(Order.id).where(Order.external_id == external_id))
    sid = pack_order(db, order_id)
    label = shipping.create_label(db, actor=PACKER, shipment_id=sid, carrier="easypost")
    manifests.close_out(db, actor=SUPERVISOR, carrier="easypost")
    channel_push.drain_outbox(db, code=code)
    return label.tracking_number


def woo_order(db, woo, *, method: str) -> dict:
    """A WooCommerce order (1 x SKU-1, 2 x SKU-2) shipped with `method`, on channel "woo"."""
    o = woo.add_order(lines=[("SKU-1", 1, 12.5), ("SKU-2", 2, 3.99)])
    o["shipping_lines"][0]["method_title"] = method
    channels.save_channel(db, actor=SYSTEM, kind="woocommerce", name="Woo", code="woo",
                          values={"store_url": woo.url, "consumer_key": KEY,
                                  "consumer_secret": SECRET, "page_size": 10},
                          locations=["WH1"])
    return o


def test_woocommerce_is_told_the_labels_real_carrier(world, woo):
    o = woo_order(world, woo, method="Standard")  # a service level rate shopping knows
    number = ship_through_easypost(world, "woo", str(o["id"]))
    meta = {m["key"]: m["value"] for m in o["meta_data"]}
    assert (meta["_tracking_provider"], meta["_tracking_number"]) == ("USPS", number)
    assert "USPS" in woo.notes[o["id"]][0]["note"]


def test_shopify_is_told_the_labels_real_carrier(world, shop):
    o = shop.add_order(lines=[("SKU-1", 1, "12.50"), ("SKU-2", 2, "3.99")])
    code = add_shopify_channel(world, shop, page_size=FITTING_PAGE)
    number = ship_through_easypost(world, code, o["id"])
    [fulfilment] = shop.fulfillments
    assert fulfilment["trackingInfo"][0]["company"] == "USPS"
    assert fulfilment["trackingInfo"][0]["number"] == number


def test_each_shippo_label_is_tracked_with_its_own_carrier(world, shippo):
    usps = packed_shipment(world, number="3001")
    ups = packed_shipment(world, number="3002")
    shipping.create_label(world, actor=PACKER, shipment_id=usps, carrier="shippo")
    shipping.create_label(world, actor=PACKER, shipment_id=ups, carrier="shippo",
                          service="UPS Next Day Air")
    for sid in (usps, ups):
        shippo.advance(shipping.current_label(world, sid).tracking_number, "TRANSIT",
                       "DELIVERED")
    result = tracking.poll(world, actor=SYSTEM)
    assert sorted(result.delivered) == sorted([usps, ups])
    asked = [path for method, path, _, _ in shippo.requests if path.startswith("/tracks/")]
    assert any(p.startswith("/tracks/ups/1Z") for p in asked)


def test_an_order_shipped_by_flat_rate_gets_the_cheapest_label(world, woo):
    o = woo_order(world, woo, method="Flat Rate")  # the documented example's method
    sync.sync_orders(world, actor=SYSTEM, code="woo")
    with world.uow(readonly=True) as uow:
        order_id = uow.session.scalar(sa.select(Order.id).where(Order.external_id == str(o["id"])))
    label = shipping.create_label(world, actor=PACKER, shipment_id=pack_order(world, order_id),
                                  carrier="easypost")
    assert label.service == "USPS GroundAdvantage"
