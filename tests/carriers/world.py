"""Packed shipments for shipping tests, built from the foundation's own verbs: stock received,
an order with lines, a shipment with its stock reserved, assigned and packed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from oms_desktop.model import (
    SYSTEM, Actor, Channel, Order, OrderLine, Package, Role, Shipment, ShipmentLine,
)
from oms_desktop.services.floor import packing
from oms_desktop.services import settings
from oms_desktop.services.inventory import stock
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import location_by_code, product_by_sku
from oms_desktop.storage import Database
from tests.factories import small_world

GS1_PREFIX = "0614141"
PACKER = Actor("pat", Role.packer)
UNITS = ("4006381333931", "036000291452", "036000291452")  # 1 x SKU-1, 2 x SKU-2
BINS = {"SKU-1": "WH1-A-01", "SKU-2": "WH1-A-02"}


def shipping_world(db: Database, *, carriers=("manual",), **carrier_settings) -> None:
    small_world(db)
    stock.receive(db, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", quantity=100)
    stock.receive(db, actor=SYSTEM, sku="SKU-2", location="WH1-A-02", quantity=100)
    with db.uow() as uow:
        s = uow.session
        wh = location_by_code(s, "WH1")
        wh.address_line1, wh.city = "388 Townsend St", "Newark"
        settings.put(s, "company.name", "Acme Outdoor")
        settings.put(s, "gs1.company_prefix", GS1_PREFIX)
        settings.put(s, "shipping.carriers", list(carriers))
        settings.put(s, "carrier.manual", {"services": [
            {"service": "Courier", "amount": "4.50", "days": 1},
            {"service": "Economy", "amount": "2.90", "days": 4}]})
        for name, config in carrier_settings.items():
            settings.put(s, f"carrier.{name}", config)
        uow.commit()


def packed_shipment(db: Database, *, packages: int = 1, **order) -> int:
    """An order of the WEB channel (see web_order) packed into `packages` boxes."""
    return pack_order(db, web_order(db, **order), packages=packages)


def web_order(db: Database, *, number: str = "1001", name: str = "Jane Buyer",
              zip_code: str = "90277", requested: str | None = None,
              deliver_by: date | None = None, carrier: str | None = None,
              service: str | None = None) -> int:
    """An order of the WEB channel: 1 x SKU-1 and 2 x SKU-2 to Redondo Beach."""
    with db.uow() as uow:
        s = uow.session
        channel = s.query(Channel).filter_by(code="WEB").one()
        mug, spoon = product_by_sku(s, "SKU-1"), product_by_sku(s, "SKU-2")
        order = Order(number=number, channel=channel, external_id=f"ext-{number}",
                      ship_name=name, ship_line1="179 N Harbor Dr", ship_city="Redondo Beach",
                      ship_region="CA", ship_postal_code=zip_code, ship_country="US",
                      requested_service=requested, deliver_by=deliver_by, carrier=carrier,
                      service=service, total=Decimal("20.48"))
        order.lines = [OrderLine(line_no=1, product_id=mug.id, sku="SKU-1", name=mug.name,
                                 quantity=1),
                       OrderLine(line_no=2, product_id=spoon.id, sku="SKU-2", name=spoon.name,
                                 quantity=2)]
        s.add(order)
        uow.commit()
        return order.id


def pack_order(db: Database, order_id: int, *, packages: int = 1, pack: bool = True) -> int:
    """A shipment of every line of the order, its stock reserved in the WH1 bins and assigned;
    unless `pack` is False, packed at once into `packages` boxes of 300 x 200 x 100 mm."""
    with db.uow() as uow:
        s = uow.session
        order = s.get(Order, order_id)
        shipment = Shipment(order=order)
        shipment.lines = [ShipmentLine(order_line_id=l.id, product_id=l.product_id,
                                       quantity=l.quantity, packed_qty=l.quantity if pack else 0)
                          for l in order.lines]
        s.add(shipment)
        s.flush()
        for line, ol in zip(shipment.lines, order.lines):
            assert stock_ops.try_reserve(s, product_id=ol.product_id,
                                         location=location_by_code(s, BINS[ol.sku]),
                                         quantity=ol.quantity, shipment_line_id=line.id,
                                         reference=shipment.label)
        shipment.assign(location_by_code(s, "WH1"), by=SYSTEM)
        if pack:
            for n in range(1, packages + 1):
                shipment.packages.append(Package(number=n, weight_g=430 // packages,
                                                 length_mm=300, width_mm=200, height_mm=100))
            shipment.pack(by=SYSTEM)
        uow.commit()
        return shipment.id


def pack_by_scanning(db: Database, shipment_id: int, *, box: str | None,
                     weight_g: int | None = None):
    """The packer at the bench: open the shipment, scan every unit, F4 with the box used and
    the scale's weight (None: no scale); the pack view."""
    packing.open_shipment(db, actor=PACKER, value=f"SHP-{shipment_id}")
    for barcode in UNITS:
        assert packing.scan_item(db, actor=PACKER, shipment_id=shipment_id, value=barcode).ok
    return packing.complete(db, actor=PACKER, shipment_id=shipment_id, weight_g=weight_g,
                            box_code=box)
