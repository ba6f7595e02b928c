"""What each station does in the order races: the same service call on the same orders."""

from __future__ import annotations

from oms_desktop.connectors.dto import OrderDTO, Page
from oms_desktop.model import Channel
from oms_desktop.services.channels.updates import apply_page
from oms_desktop.services.orders import allocation, pipeline
from tests.races.stations import station_actor


def _rows(batch) -> list[tuple[int, bool, str]]:
    return [(r.order_id, r.ok, r.message) for r in batch.results]


def verify(db, ctx, station):
    return _rows(pipeline.verify_orders(db, actor=station_actor(station),
                                        order_ids=ctx["orders"]))


def allocate(db, ctx, station):
    return _rows(allocation.allocate_orders(db, actor=station_actor(station),
                                            order_ids=ctx["orders"]))


def hold(db, ctx, station):
    return pipeline.hold_order(db, actor=station_actor(station), order_id=ctx["order"],
                               reason="customer called").message


def release(db, ctx, station):
    return pipeline.release_order(db, actor=station_actor(station),
                                  order_id=ctx["order"]).message


def approve(db, ctx, station):
    return pipeline.approve_order(db, actor=station_actor(station),
                                  order_id=ctx["order"]).message


def cancel(db, ctx, station):
    return pipeline.cancel_order(db, actor=station_actor(station), order_id=ctx["order"],
                                 reason="customer asked").message


def sync_or_allocate(db, ctx, station):
    """Station 0 takes in the channel's new version of the order (as a sync does); the
    others allocate it."""
    if station:
        return allocate(db, {"orders": [ctx["order"]]}, station)
    with db.uow() as uow:
        channel = uow.session.get(Channel, ctx["channel"])
        page = Page(orders=[OrderDTO.model_validate(ctx["dto"])])
        counts = apply_page(uow.session, channel, page, actor=station_actor(station),
                            run_id=None)
        uow.commit()
    return counts.updated, counts.flagged
