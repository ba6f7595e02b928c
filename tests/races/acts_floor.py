"""What each station does in the floor and shipping races."""

from __future__ import annotations

from datetime import datetime

from oms_desktop.carriers.base import TrackingUpdate
from oms_desktop.services.floor import packing, picking, pickup, short_picks
from oms_desktop.services.orders import allocation
from oms_desktop.services.shipping import labels, manifests, tracking
from tests.races.stations import station_actor

MUG = "4006381333931"


def create_list(db, ctx, station):
    return picking.create_for_shipments(db, actor=station_actor(station),
                                        shipment_ids=ctx["shipments"]).id


def wave(db, ctx, station):
    view = picking.create_wave(db, actor=station_actor(station), limit=ctx["limit"])
    return [slot.shipment_id for slot in view.slots]


def pick_scan(db, ctx, station):
    fb = picking.scan(db, actor=station_actor(station), pick_list_id=ctx["list"], value=MUG)
    return fb.ok, fb.result, fb.message


def short_pick(db, ctx, station):
    return picking.short_pick(db, actor=station_actor(station), pick_list_id=ctx["list"],
                              line_id=ctx["line"], reason="not in the bin").message


def resolve_short(db, ctx, station):
    return short_picks.resolve(db, actor=station_actor(station), short_pick_id=ctx["short"],
                               resolution="reallocate")


def pack_open(db, ctx, station):
    return packing.open_shipment(db, actor=station_actor(station),
                                 value=f"SHP-{ctx['shipment']}").label


def pack_scan(db, ctx, station):
    fb = packing.scan_item(db, actor=station_actor(station), shipment_id=ctx["shipment"],
                           value=MUG)
    return fb.ok, fb.result, fb.message


def new_package(db, ctx, station):
    return packing.new_package(db, actor=station_actor(station),
                               shipment_id=ctx["shipment"]).current_package


def complete(db, ctx, station):
    return packing.complete(db, actor=station_actor(station), shipment_id=ctx["shipment"],
                            weight_g=500).status


def pack_whole(db, ctx, station):
    """A packer's whole flow: open the shipment, scan every unit, complete."""
    actor, sid = station_actor(station), ctx["shipment"]
    packing.open_shipment(db, actor=actor, value=f"SHP-{sid}")
    for _ in range(ctx["units"]):
        packing.scan_item(db, actor=actor, shipment_id=sid, value=MUG)
    return packing.complete(db, actor=actor, shipment_id=sid, weight_g=500).status


def cancel_shipment(db, ctx, station):
    return allocation.cancel_shipment(db, actor=station_actor(station),
                                      shipment_id=ctx["shipment"]).message


def ship(db, ctx, station):
    return labels.mark_shipped(db, actor=station_actor(station), shipment_id=ctx["shipment"])


def close_out(db, ctx, station):
    return manifests.close_out(db, actor=station_actor(station), carrier="manual").id


def track(db, ctx, station):
    updates = [TrackingUpdate(ctx["number"], status, None, datetime.fromisoformat(at))
               for status, at in ctx["updates"]]
    result = tracking.record_updates(db, actor=station_actor(station), updates=updates)
    return result.new_events, result.shipped, result.delivered


def mark_ready(db, ctx, station):
    return pickup.mark_ready(db, actor=station_actor(station),
                             shipment_id=ctx["shipment"]).pickup_code


def hand_over(db, ctx, station):
    return pickup.hand_over(db, actor=station_actor(station), store="STORE1",
                            value=ctx["code"], collected_by="Jo Collector").status
