"""A wholesale shipment ready for the dock: the chain's PO for twelve mugs and three spoons,
allocated and packed in three cartons (importable by the race and crash stations)."""

from __future__ import annotations

from oms_desktop.services.b2b import purchase_orders as pos
from oms_desktop.services.floor import packing
from oms_desktop.services.orders import allocation
from tests.b2b.acts import ADDRESS
from tests.b2b.world import CHAIN, PACKER, SUPERVISOR

CARTONS = ((("SKU-1", 6),), (("SKU-1", 6),), (("SKU-2", 3),))
WEIGHTS = (2300, 2300, 200)


def packed_in_cartons(db, number: str = "PO-7100") -> tuple[int, int]:
    """(order id, shipment id) of a PO packed in the three CARTONS."""
    po = pos.place_order(db, actor=SUPERVISOR, customer=CHAIN, po=pos.PoIn(
        number, (pos.LineIn("SKU-1", 12, "1", "B-100"), pos.LineIn("SKU-2", 3, "2", "B-200")),
        ship_to=ADDRESS))
    assert po.status == "verified", po
    [result] = allocation.allocate_orders(db, actor=SUPERVISOR, order_ids=[po.order_id]).results
    sid = result.shipments[0].id
    pack(db, sid)
    return po.order_id, sid


def pack(db, sid: int, cartons=CARTONS, weights=WEIGHTS) -> None:
    packing.open_shipment(db, actor=PACKER, value=f"SHP-{sid}")
    for n, (carton, weight) in enumerate(zip(cartons, weights)):
        for sku, qty in carton:
            assert packing.scan_item(db, actor=PACKER, shipment_id=sid, value=sku,
                                     quantity=qty).ok
        if n < len(cartons) - 1:
            packing.new_package(db, actor=PACKER, shipment_id=sid, weight_g=weight)
    packing.complete(db, actor=PACKER, shipment_id=sid, weight_g=weights[-1])
