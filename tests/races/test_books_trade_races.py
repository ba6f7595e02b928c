"""Bills queued at once: posting runs on several stations queue a carrier's day once; the same
fee typed in at several desks is kept once, the others told who recorded it."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, BookPosting
from oms_desktop.services.books import targets
from tests.books.trade_world import labelled, manual_carrier
from tests.books.world import books_world
from tests.races import acts_books_trade as acts
from tests.races.checks import no_defects, show


def _set_up(db):
    books_world(db)
    targets.set_up(db, actor=SYSTEM, name="quickbooks",
                   values={"realm_id": "1", "base_url": "http://127.0.0.1:9"})


def _postings(db) -> list[str]:
    with db.uow(readonly=True) as uow:
        return list(uow.session.scalars(sa.select(BookPosting.source_key)
                                        .order_by(BookPosting.id)))


def test_posting_runs_at_once_queue_each_carrier_day_once(race, monkeypatch):
    _set_up(race.db)
    manual_carrier(race.db)
    for day in (2, 3):
        labelled(race.db, monkeypatch, {"SKU-1": 1},
                 at=datetime(2026, 11, day, 10, tzinfo=timezone.utc))

    outcomes = race.run(acts.queue_bills)

    no_defects(outcomes)
    assert all(o.ok for o in outcomes) and sum(o.value for o in outcomes) == 2, show(outcomes)
    assert [k for k in _postings(race.db) if k.startswith("bill:")] == [
        "bill:carrier:manual:2026-11-02:USD", "bill:carrier:manual:2026-11-03:USD"]


def test_the_same_fee_at_once_is_kept_once(race):
    _set_up(race.db)

    outcomes = race.run(acts.add_fee)

    no_defects(outcomes)
    winners = [o for o in outcomes if o.ok]
    assert len(winners) == 1, show(outcomes)
    for o in outcomes:
        if o is not winners[0]:
            assert o.error == "ValidationError" and "MKT fee STMT-2026-11 is already recorded" \
                f" (by station{winners[0].station})" in o.message, show(outcomes)
    assert _postings(race.db) == [f"fee:{winners[0].value}"]
