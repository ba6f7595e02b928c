"""What each station does in the books' bill races: the carrier bills queued by several
posting runs at once, the same fee typed in at several desks at once."""

from __future__ import annotations

from datetime import date

from oms_desktop.services.books import trade
from tests.races.stations import station_actor


def queue_bills(db, ctx, station):
    return trade.queue_carrier_bills(db, actor=station_actor(station))


def add_fee(db, ctx, station):
    return trade.add_fee(db, actor=station_actor(station), channel="MKT", amount="4.85",
                         day=date(2026, 11, 30), reference="STMT-2026-11").id
