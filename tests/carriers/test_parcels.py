"""What the carriers are told about a parcel, through the program's own services against the
strict emulators, on SQLite and PostgreSQL: the box chosen at the pack station (its inner
dimensions, its tare), the size of the products when there is no box, one clear refusal when
nobody knows the size, the original box for a prepaid return, and the real carrier and its
tracking page after the label is bought."""

import pytest
import sqlalchemy as sa

from oms_desktop.carriers.base import CarrierError
from oms_desktop.errors import ValidationError
from oms_desktop.model import SYSTEM, Actor, Package, Product, Role, Shipment, ShippingLabel
from oms_desktop.services import events, settings
from oms_desktop.services.floor import packing
from oms_desktop.services.returns.labels import buy_return_label
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.shipping import tracking
from tests.carriers.world import (
    PACKER, pack_by_scanning, pack_order, packed_shipment, web_order,
)
from tests.returns_fixtures import shipped_order

# SKU-1 a mug, SKU-2 a spoon: (length, width, height) in mm; weights 350 g and 40 g.
SIZES = {"SKU-1": (120, 95, 90), "SKU-2": (180, 30, 10)}
SUPERVISOR = Actor("sam", Role.supervisor)


def give_sizes(db) -> None:
    with db.uow() as uow:
        for sku, (length, width, height) in SIZES.items():
            p = uow.session.scalar(sa.select(Product).where(Product.sku == sku))
            p.length_mm, p.width_mm, p.height_mm = length, width, height
        uow.commit()


def package(db, shipment_id: int) -> Package:
    with db.uow(readonly=True) as uow:
        [p] = uow.session.scalars(sa.select(Package).where(Package.shipment_id == shipment_id))
        uow.session.expunge(p)
        return p


def shippo_parcel(shippo) -> tuple[list[float], float]:
    parcel = next(b for _, path, b, _ in reversed(shippo.requests) if path == "/shipments/")
    parcel = parcel["parcels"][0]
    return sorted(float(parcel[s]) for s in ("length", "width", "height")), float(parcel["weight"])


def inches(*mm: int) -> list[float]:
    return sorted(round(v / 25.4, 1) for v in mm)


def test_the_chosen_box_gives_its_inner_size_and_adds_its_tare_when_nothing_weighed_it(world):
    sid = pack_order(world, web_order(world), pack=False)
    pack_by_scanning(world, sid, box="m")  # the catalogue's "M": 300 x 200 x 150, tare 250 g
    p = package(world, sid)
    assert (p.box_code, p.length_mm, p.width_mm, p.height_mm) == ("M", 300, 200, 150)
    assert p.weight_g == 350 + 2 * 40 + 250


def test_a_weighed_package_keeps_the_scales_weight(world):
    sid = pack_order(world, web_order(world), pack=False)
    pack_by_scanning(world, sid, box="L", weight_g=912)
    assert package(world, sid).weight_g == 912


def test_a_box_not_in_the_catalogue_or_too_heavy_for_its_box_is_refused(world):
    sid = pack_order(world, web_order(world), pack=False)
    with pytest.raises(ValidationError, match=r"No box 'CRATE' in the box catalogue "
                                              r"\(boxes: S, M, L, XL\)"):
        pack_by_scanning(world, sid, box="CRATE")
    with pytest.raises(ValidationError, match="Package 1 weighs 31000 g: box S takes at most"):
        packing.complete(world, actor=PACKER, shipment_id=sid, weight_g=31_000, box_code="S")
    assert packing.complete(world, actor=PACKER, shipment_id=sid, box_code="S").status == "packed"


def test_a_package_without_a_box_is_rated_with_the_size_of_its_products(world, shippo):
    give_sizes(world)
    sid = pack_order(world, web_order(world), pack=False)
    pack_by_scanning(world, sid, box=None)
    shipping.rates(world, actor=PACKER, shipment_id=sid, carrier="shippo")
    sides, ounces = shippo_parcel(shippo)
    # laid flat: the longest side, the widest, the heights of 1 mug and 2 spoons summed
    assert sides == inches(180, 95, 90 + 10 + 10)
    assert ounces == round((350 + 80) / 28.349523125, 1)


def test_a_parcel_whose_size_nobody_knows_is_refused_in_one_line_before_shippo_is_asked(
        world, shippo):
    sid = pack_order(world, web_order(world), pack=False)
    pack_by_scanning(world, sid, box=None, weight_g=480)
    with pytest.raises(CarrierError) as info:
        shipping.rates(world, actor=PACKER, shipment_id=sid, carrier="shippo")
    assert str(info.value) == ("Shippo needs the parcel's dimensions: package 1 of 1001 has "
                               "none (choose its box at the pack station, or give its products "
                               "dimensions)")
    assert not [p for _, p, _, _ in shippo.requests if p == "/shipments/"]


def test_easypost_rates_a_parcel_of_unknown_size_by_weight_with_the_carriers_that_can(
        world, easypost):
    sid = pack_order(world, web_order(world), pack=False)
    pack_by_scanning(world, sid, box=None, weight_g=480)
    result = shipping.rates(world, actor=PACKER, shipment_id=sid, carrier="easypost")
    assert {r.service.split()[0] for r in result.rates} == {"USPS"}
    sent = easypost.requests[-1][2]["shipment"]["parcel"]
    assert sent == {"weight": round(480 / 28.349523125, 1)}


def returns_by_shippo(db) -> None:
    with db.uow() as uow:
        settings.put(uow.session, "returns.carrier", "shippo")
        uow.commit()


def test_a_prepaid_return_label_is_bought_for_the_box_the_goods_went_out_in(world, shippo):
    returns_by_shippo(world)
    order_id = shipped_order(world, {"SKU-1": 1, "SKU-2": 2})
    with world.uow() as uow:
        shipment = uow.session.scalar(sa.select(Shipment).where(Shipment.order_id == order_id))
        shipment.packages.append(Package(number=1, box_code="L", length_mm=400, width_mm=300,
                                         height_mm=200, weight_g=1200,
                                         contents={"SKU-1": 1, "SKU-2": 2}))
        uow.commit()
    rma = create_rma(world, actor=SUPERVISOR, order=order_id,
                     lines=[RequestedLine("SKU-1", 1, "defective")])
    buy_return_label(world, actor=SUPERVISOR, rma=rma.rma_number)
    sides, ounces = shippo_parcel(shippo)
    assert sides == inches(400, 300, 200)
    assert ounces == round((350 + 400) / 28.349523125, 1)  # the mug and box L's tare


def test_a_return_without_a_known_box_goes_in_the_size_of_its_products(world, shippo):
    returns_by_shippo(world)
    give_sizes(world)
    order_id = shipped_order(world, {"SKU-2": 2})
    rma = create_rma(world, actor=SUPERVISOR, order=order_id,
                     lines=[RequestedLine("SKU-2", 2, "defective")])
    buy_return_label(world, actor=SUPERVISOR, rma=rma.rma_number)
    assert shippo_parcel(shippo) == (inches(180, 30, 20), round(80 / 28.349523125, 1))


def test_the_shipped_event_carries_the_real_carrier_and_its_tracking_page(world, easypost,
                                                                        published):
    sid = packed_shipment(world)
    label = shipping.create_label(world, actor=PACKER, shipment_id=sid, carrier="easypost")
    shipping.mark_shipped(world, actor=PACKER, shipment_id=sid)
    [shipped] = [e for e in published if isinstance(e, events.ShipmentShipped)]
    tracker = next(s["tracker"] for s in easypost.shipments.values() if s["tracker"])
    assert shipped.tracking_url == tracker["public_url"]
    with world.uow(readonly=True) as uow:
        row = uow.session.get(ShippingLabel, label.label_id)
        assert (row.carrier, row.provider, row.tracking_url) == (
            "easypost", "USPS", tracker["public_url"])


def test_a_label_whose_carrier_is_not_known_is_tracked_with_the_configured_token(world, shippo):
    sid = packed_shipment(world)
    label = shipping.create_label(world, actor=PACKER, shipment_id=sid, carrier="shippo")
    with world.uow() as uow:  # a label bought before the real carrier was kept
        uow.session.get(ShippingLabel, label.label_id).provider = None
        uow.commit()
    shippo.advance(label.tracking_number, "TRANSIT", "DELIVERED")
    assert tracking.poll(world, actor=SYSTEM).delivered == [sid]
    assert [p for _, p, _, _ in shippo.requests if p.startswith("/tracks/")] == [
        f"/tracks/usps/{label.tracking_number}"]
