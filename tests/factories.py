"""A small, named world for tests: one warehouse with bins, a store, products, a channel."""

from __future__ import annotations

from decimal import Decimal

from oms_desktop.model import Channel, LocationKind
from oms_desktop.services.inventory.catalog import add_location, add_product
from oms_desktop.storage import Database


def small_world(db: Database) -> None:
    """Locations ORG ▸ BRAND ▸ WH1 (zone WH1-A with bins WH1-A-01…03) and STORE1;
    products SKU-1 and SKU-2 (with GTINs) and KIT-1 (SKU-1 + 2 x SKU-2); channel WEB."""
    with db.uow() as uow:
        s = uow.session
        org = add_location(s, code="ORG", name="Acme", kind=LocationKind.organisation)
        brand = add_location(s, code="BRAND", name="Acme Outdoor", kind=LocationKind.brand,
                             parent=org)
        wh = add_location(s, code="WH1", name="Main warehouse", kind=LocationKind.warehouse,
                          parent=brand, country="US", region="NJ", postal_code="07001")
        zone = add_location(s, code="WH1-A", name="Aisle A", kind=LocationKind.zone, parent=wh)
        for i in range(1, 4):
            add_location(s, code=f"WH1-A-0{i}", name=f"Bin A-0{i}", kind=LocationKind.bin,
                         parent=zone, walk_sequence=i)
        add_location(s, code="STORE1", name="Downtown store", kind=LocationKind.store,
                     parent=brand, country="US", region="NY", postal_code="10001")
        add_product(s, sku="SKU-1", name="Trail mug", barcodes=("4006381333931",),
                    price=Decimal("12.50"), weight_g=350)
        add_product(s, sku="SKU-2", name="Camp spoon", barcodes=("036000291452",),
                    price=Decimal("3.99"), weight_g=40)
        add_product(s, sku="KIT-1", name="Camp set", components={"SKU-1": 1, "SKU-2": 2})
        s.add(Channel(code="WEB", name="Web shop", kind="manual"))
        uow.commit()
