"""What each station does in the stock races."""

from __future__ import annotations

from oms_desktop.services.automation import replenishment
from oms_desktop.services.inventory import counting, stock
from oms_desktop.services.orders import backorders
from tests.races.stations import station_actor


def receive(db, ctx, station):
    return stock.receive(db, actor=station_actor(station), sku=ctx["sku"],
                         location=ctx["location"], quantity=ctx["quantity"],
                         reference=ctx.get("reference"), request_id=ctx.get("request")).on_hand


def receive_for_backorders(db, ctx, station):
    return backorders.receive(db, actor=station_actor(station), sku=ctx["sku"],
                              location=ctx["location"], quantity=ctx["quantity"])


def move(db, ctx, station):
    rows = stock.move(db, actor=station_actor(station), sku=ctx["sku"], source=ctx["source"],
                      target=ctx["target"], quantity=ctx["quantity"])
    return [r.on_hand for r in rows]


def adjust(db, ctx, station):
    return stock.adjust(db, actor=station_actor(station), sku=ctx["sku"],
                        location=ctx["location"], delta=ctx["delta"],
                        reason_code="damaged").on_hand


def approve_count(db, ctx, station):
    return counting.approve(db, actor=station_actor(station), count_id=ctx["count"]).status


def accept_suggestion(db, ctx, station):
    return replenishment.accept(db, actor=station_actor(station),
                                suggestion=ctx["suggestion"]).status
