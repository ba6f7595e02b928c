"""What each station does in the purchase-order screen's races (importable by the spawned
stations): save the same customer's PO, release the same credit hold."""

from __future__ import annotations

from oms_desktop.services.b2b import desk
from tests.b2b.acts import ADDRESS
from tests.races.stations import station_actor


def save_po(db, ctx, station):
    saved = desk.save_po(db, actor=station_actor(station), customer_id=ctx["customer"],
                         po_number=ctx["po"], ship_to=ADDRESS,
                         lines=[desk.PoLine("SKU-1", 2 + station)])
    return saved.order_number


def release_hold(db, ctx, station):
    return desk.release_credit_hold(db, actor=station_actor(station),
                                    order_id=ctx["order"]).status
