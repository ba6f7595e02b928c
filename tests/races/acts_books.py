"""What each station does in the books' races: queue the same month's stock journal."""

from __future__ import annotations

from oms_desktop.services.books import stock_journal
from tests.races.stations import station_actor


def queue_stock_month(db, ctx, station):
    return stock_journal.queue_month(db, actor=station_actor(station), month=ctx["month"]).postings


def enqueue_valued_month(db, ctx, station):
    """The month valued beforehand: every station reaches the writing at the same instant."""
    return stock_journal.enqueue(db, actor=station_actor(station), valued=ctx["valued"]).postings
