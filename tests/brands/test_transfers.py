"""Transfers between franchise stores: proposed by either side, dispatched by the sender (the
units go into transit), received by the receiver; each side only its own part."""

from __future__ import annotations

import pytest

from oms_desktop.errors import ConcurrentChange, InsufficientStock, NotFound, PermissionDenied
from oms_desktop.services.inventory import stock, transfers
from tests.brands.world import actor


def on_hand(db, location: str, sku: str = "MUG") -> int:
    return sum(r.on_hand for r in stock.levels(db, sku=sku) if r.location == location)


def test_a_transfer_both_stores_confirm_moves_the_units_through_transit(world):
    db, _ = world
    a, b = actor(db, "fran-a"), actor(db, "fran-b")
    # store B asks store A for 5 mugs and 2 bowls
    t = transfers.propose(db, actor=b, from_site="CORK-A", to_site="CORK-B",
                          lines=[("MUG", 3), ("4006381333931", 2), ("BOWL", 2)],
                          note="weekend market")
    assert (t.label, t.status, t.units, t.allowed) == (f"TR-{t.id}", "proposed", 7,
                                                      ("dispatch", "cancel"))
    # the receiver cannot dispatch for the sender
    with pytest.raises(PermissionDenied, match="Only CORK-A can dispatch"):
        transfers.dispatch(db, actor=b, transfer=t.label)
    t = transfers.dispatch(db, actor=a, transfer=t.label)
    transit = "TRANSIT-CORK-A-CORK-B"
    assert (t.status, t.dispatched_by) == ("dispatched", "fran-a")
    assert (on_hand(db, "CORK-A-R1"), on_hand(db, transit), on_hand(db, "CORK-B")) == (15, 5, 0)
    with pytest.raises(PermissionDenied, match="Only CORK-B can receive"):
        transfers.receive(db, actor=a, transfer=t.id)
    t = transfers.receive(db, actor=b, transfer=t.id, location="CORK-B-R1")
    assert (t.status, t.received_by, t.allowed) == ("received", "fran-b", ())
    assert (on_hand(db, transit), on_hand(db, "CORK-B-R1")) == (0, 25)
    assert on_hand(db, "CORK-B-R1", "BOWL") == 22
    assert stock.reconcile(db) == []


def test_a_store_outside_the_transfer_neither_sees_nor_touches_it(world):
    db, _ = world
    boss = actor(db, "cork-boss")
    t = transfers.propose(db, actor=boss, from_site="CORK-A", to_site="CLAY-1",
                          lines=[("MUG", 1)])
    fran_b = actor(db, "fran-b")
    assert transfers.list_transfers(db, actor=fran_b) == []
    with pytest.raises(NotFound):
        transfers.dispatch(db, actor=fran_b, transfer=t.id)
    assert [v.label for v in transfers.list_transfers(db, actor=actor(db, "fran-a"))] == [t.label]
    with pytest.raises(PermissionDenied):
        transfers.propose(db, actor=fran_b, from_site="CORK-A", to_site="CLAY-1",
                          lines=[("MUG", 1)])


def test_dispatching_more_than_the_sender_has_moves_nothing(world):
    db, _ = world
    t = transfers.propose(db, actor=actor(db, "owner"), from_site="CORK-A", to_site="CORK-B",
                          lines=[("MUG", 5), ("BOWL", 21)])
    with pytest.raises(InsufficientStock, match="20 of 21 x BOWL"):
        transfers.dispatch(db, actor=actor(db, "fran-a"), transfer=t.id)
    assert transfers.get_transfer(db, actor=actor(db, "owner"), transfer=t.id).status == \
        "proposed"
    assert on_hand(db, "CORK-A-R1") == 20 and stock.reconcile(db) == []


def test_a_second_dispatch_is_told_who_dispatched_and_a_cancelled_one_stays_so(world):
    db, _ = world
    a = actor(db, "fran-a")
    t = transfers.propose(db, actor=a, from_site="CORK-A", to_site="CORK-B",
                          lines=[("MUG", 2)])
    transfers.dispatch(db, actor=a, transfer=t.id)
    with pytest.raises(ConcurrentChange, match="was dispatched by fran-a"):
        transfers.dispatch(db, actor=actor(db, "owner"), transfer=t.id)
    with pytest.raises(ConcurrentChange):
        transfers.cancel(db, actor=a, transfer=t.id)
    other = transfers.propose(db, actor=a, from_site="CORK-A", to_site="CORK-B",
                              lines=[("BOWL", 1)])
    assert transfers.cancel(db, actor=actor(db, "fran-b"), transfer=other.id).status == \
        "cancelled"
    assert on_hand(db, "CORK-A-R1") == 18


@pytest.mark.parametrize("lines, says", [
    ([], "at least one line"), ([("MUG", 0)], "1 or more"), ([("NOPE", 1)], "NOPE")])
def test_bad_lines_are_refused_in_one_line(world, lines, says):
    db, _ = world
    with pytest.raises(Exception, match=says):
        transfers.propose(db, actor=actor(db, "owner"), from_site="CORK-A", to_site="CORK-B",
                          lines=lines)
