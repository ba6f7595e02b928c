"""What each station does in the invoice races (importable by the spawned stations)."""

from __future__ import annotations

from oms_desktop.services.b2b import invoices
from oms_desktop.services.floor import packing
from oms_desktop.services.orders import allocation
from oms_desktop.services.shipping import labels
from tests.b2b.world import CHAIN, PACKER, SUPERVISOR
from tests.floor_fixtures import stock_up
from tests.races.stations import station_actor


def ship(db, ctx, station):
    return labels.mark_shipped(db, actor=station_actor(station),
                               shipment_id=ctx["shipments"][station])


def pay(db, ctx, station):
    return invoices.record_payment(db, actor=station_actor(station), invoice=ctx["invoice"],
                                   amount=ctx["amount"]).state


def packed_b2b_shipments(db, count: int) -> list[int]:
    """`count` purchase orders of the chain, each allocated and packed: their shipment ids."""
    from oms_desktop.services.b2b import purchase_orders as pos

    stock_up(db, {("SKU-1", "WH1-A-03"): 40})
    ids = []
    for n in range(count):
        po = pos.place_order(db, actor=SUPERVISOR, customer=CHAIN, po=pos.PoIn(
            f"R-{n}", (pos.LineIn("SKU-1", n + 1),), ship_to=ADDRESS))
        assert po.status == "verified", po  # n + 1 mugs: not a duplicate of the one before
        [result] = allocation.allocate_orders(db, actor=SUPERVISOR,
                                              order_ids=[po.order_id]).results
        sid = result.shipments[0].id
        packing.open_shipment(db, actor=PACKER, value=f"SHP-{sid}")
        packing.scan_item(db, actor=PACKER, shipment_id=sid, value="SKU-1", quantity=n + 1)
        packing.complete(db, actor=PACKER, shipment_id=sid, weight_g=400)
        ids.append(sid)
    return ids


ADDRESS = {"name": "Corner Store 12", "line1": "12 High Street", "city": "Springfield",
           "region": "IL", "postal_code": "62701", "country": "US"}


def receive_850(db, ctx, station):
    from oms_desktop.services.b2b import edi

    return edi.receive(db, actor=station_actor(station), content=ctx["content"],
                       file_name=f"st{station}.x12").message
