"""Stations racing on transfers between franchise stores: a transfer dispatched (or received)
at several stations at once moves its stock once, the others are told who did it and when;
transfers competing for the sending store's last units are dispatched while stock lasts; a
cancel racing a dispatch leaves one of the two, never both."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, StockMove
from oms_desktop.services.inventory import stock, transfers
from tests.brands.world import franchise_world
from tests.races import acts_transfers as acts
from tests.races.checks import books_balance, no_defects, one_winner, show, transitions


def on_hand(db, location: str, sku: str = "MUG") -> int:
    return sum(r.on_hand for r in stock.levels(db, sku=sku) if r.location == location)


def proposed(db, quantity: int = 5) -> int:
    return transfers.propose(db, actor=SYSTEM, from_site="CORK-A", to_site="CORK-B",
                             lines=[("MUG", quantity)]).id


def moves_of(db, transfer_id: int) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(StockMove).where(
            StockMove.reference == f"TR-{transfer_id}"))


def test_a_transfer_dispatched_at_once_leaves_the_store_once(race, tmp_path):
    franchise_world(race.db, tmp_path)
    tid = proposed(race.db)

    outcomes = race.run(acts.dispatch, {"transfer": tid})

    one_winner(outcomes, says="was dispatched")
    assert (on_hand(race.db, "CORK-A-R1"), on_hand(race.db, "TRANSIT-CORK-A-CORK-B")) == (
        15, 5)
    assert (moves_of(race.db, tid), transitions(race.db, "stock_transfer", tid,
                                                 "dispatch")) == (1, 1)
    books_balance(race.db)


def test_a_transfer_received_at_once_arrives_once(race, tmp_path):
    franchise_world(race.db, tmp_path)
    tid = proposed(race.db)
    transfers.dispatch(race.db, actor=SYSTEM, transfer=tid)

    outcomes = race.run(acts.receive, {"transfer": tid})

    one_winner(outcomes, says="was received")
    assert (on_hand(race.db, "TRANSIT-CORK-A-CORK-B"), on_hand(race.db, "CORK-B")) == (0, 5)
    assert moves_of(race.db, tid) == 2
    books_balance(race.db)


def test_transfers_wanting_the_same_last_units_are_dispatched_while_they_last(race, tmp_path):
    franchise_world(race.db, tmp_path)
    ids = [proposed(race.db, 8) for _ in range(race.size)]  # 20 mugs: two transfers fit

    outcomes = race.run(acts.dispatch_own, {"transfers": ids})

    no_defects(outcomes)
    sent = [o for o in outcomes if o.ok]
    assert len(sent) == min(2, race.size), show(outcomes)
    assert {o.error for o in outcomes if not o.ok} <= {"InsufficientStock"}, show(outcomes)
    assert on_hand(race.db, "CORK-A-R1") == 20 - 8 * len(sent)
    assert on_hand(race.db, "TRANSIT-CORK-A-CORK-B") == 8 * len(sent)
    books_balance(race.db)


def test_a_cancel_racing_a_dispatch_leaves_one_of_them(race, tmp_path):
    franchise_world(race.db, tmp_path)
    tid = proposed(race.db)

    outcomes = race.run(acts.cancel_or_dispatch, {"transfer": tid})

    no_defects(outcomes)
    winner = [o for o in outcomes if o.ok]
    assert len(winner) == 1, show(outcomes)
    assert {o.error for o in outcomes if not o.ok} <= {"ConcurrentChange"}, show(outcomes)
    moved = 5 if winner[0].value == "dispatched" else 0
    assert on_hand(race.db, "TRANSIT-CORK-A-CORK-B") == moved
    books_balance(race.db)
