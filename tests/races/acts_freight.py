"""What each station does in the freight races (importable by the spawned stations)."""

from __future__ import annotations

from datetime import date

from tests.races.stations import station_actor


def put_carton(db, ctx, station):
    """A new pallet with carton 1 on it."""
    from oms_desktop.services.freight import pallets

    view = pallets.palletise(db, actor=station_actor(station), shipment_id=ctx["shipment"],
                             cartons=["1"])
    return view.sscc


def release(db, ctx, station):
    from oms_desktop.services.b2b import deliveries

    got = deliveries.release_due(db, actor=station_actor(station),
                                 today=date.fromisoformat(ctx["today"]))
    return [(s.order_number, s.number) for s in got.stages]


def book(db, ctx, station):
    from oms_desktop.services.freight import bookings

    return bookings.book(db, actor=station_actor(station), shipment_id=ctx["shipment"],
                         carrier="Old Dominion", scac="ODFL", pro_number=f"PRO{station:04d}",
                         freight_class="70").bol_number
