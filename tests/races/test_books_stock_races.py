"""Stations queueing the same month's stock journal at once: one posting per target, the
other stations told it was queued already (PostgreSQL: an advisory lock on the month; SQLite:
one writer at a time)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, BookPosting
from oms_desktop.services.books import stock_journal, targets
from tests.books.stock_world import MONTH, a_quarter_of_stock
from tests.books.world import books_world
from tests.races import acts_books as acts
from tests.races.checks import no_defects, show


@pytest.mark.parametrize("act", ["queue_stock_month", "enqueue_valued_month"])
def test_the_same_month_queued_at_once_makes_one_posting_per_target(race, act):
    books_world(race.db)
    a_quarter_of_stock(race.db)
    for name, values in (("quickbooks", {"realm_id": "1"}), ("xero", {"tenant_id": "t"})):
        targets.set_up(race.db, actor=SYSTEM, name=name, values=values)
    valued = stock_journal.value_month(race.db, month=MONTH)

    outcomes = race.run(getattr(acts, act), {"month": MONTH, "valued": valued})

    no_defects(outcomes)
    winners = [o for o in outcomes if o.ok]
    assert len(winners) == 1 and sorted(winners[0].value) == ["quickbooks", "xero"], \
        show(outcomes)
    for o in outcomes:
        if o is not winners[0]:
            assert o.error == "ConcurrentChange" and "queued already" in o.message, \
                show(outcomes)
    with race.db.uow(readonly=True) as uow:
        rows = uow.session.execute(sa.select(BookPosting.target, BookPosting.source_key)
                                   .order_by(BookPosting.target)).all()
    assert [tuple(r) for r in rows] == [("quickbooks", "stock:2025-03"),
                                        ("xero", "stock:2025-03")]
