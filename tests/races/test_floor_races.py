"""Stations racing on the floor: pick lists, pick scans, short picks, packing."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.model import (
    SYSTEM, PickListLine, Shipment, ShipmentLine, ShortPick, ShortPickStatus,
)
from oms_desktop.services.floor import picking
from tests.races import acts_floor as acts
from tests.races.checks import books_balance, no_defects, one_winner, show, transitions
from tests.races.floor_world import (
    confirmed_list, count_rows, floor_world, good_pack_scans, lists_of, opened, packages,
    pick_lists, shipments, two_line_list,
)


def test_putting_the_same_shipments_on_a_list_at_once_lists_them_once(race):
    floor_world(race.db)
    ids = shipments(race.db, 5)

    outcomes = race.run(acts.create_list, {"shipments": ids})

    assert [lists_of(race.db, sid) for sid in ids] == [1] * 5
    assert pick_lists(race.db) == 1
    one_winner(outcomes, says="was put on a pick list")


def test_waves_created_at_once_never_share_a_shipment(race):
    floor_world(race.db)
    ids = shipments(race.db, 5)

    outcomes = race.run(acts.wave, {"limit": 2})

    no_defects(outcomes)
    assert [lists_of(race.db, sid) for sid in ids].count(1) == min(5, 2 * race.size)
    assert max(lists_of(race.db, sid) for sid in ids) == 1
    made = [o for o in outcomes if o.ok]
    assert len(made) == pick_lists(race.db) == min(3, race.size), show(outcomes)
    assert all("was created by station" in o.message for o in outcomes if not o.ok)


def test_one_wave_asked_for_at_once_is_made_once(race):
    floor_world(race.db)
    ids = shipments(race.db, 4)

    outcomes = race.run(acts.wave, {"limit": 50})

    assert [lists_of(race.db, sid) for sid in ids] == [1] * 4
    no_defects(outcomes)
    [winner] = [o for o in outcomes if o.ok]
    assert all(f"was created by station{winner.station}" in o.message
               for o in outcomes if not o.ok), show(outcomes)


def test_the_last_unit_scanned_at_once_is_picked_once(race):
    floor_world(race.db)
    pl = confirmed_list(race.db)

    outcomes = race.run(acts.pick_scan, {"list": pl})

    no_defects(outcomes)
    assert sorted(o.value[:2] for o in outcomes) == sorted(
        [(True, "ok")] + [(False, "refused")] * (race.size - 1)), show(outcomes)
    with race.db.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(PickListLine.picked_qty)) == 1
        assert uow.session.scalar(sa.select(ShipmentLine.picked_qty)) == 1


def test_a_short_pick_reported_at_once_is_reported_once(race):
    floor_world(race.db)
    pl, (first, second) = two_line_list(race.db)

    outcomes = race.run(acts.short_pick, {"list": pl, "line": first})

    assert count_rows(race.db, ShortPick) == 1
    view = picking.get_pick_list(race.db, pl)
    assert [(l.short, l.status) for l in view.lines] == [(1, "short"), (0, "open")]
    one_winner(outcomes, says="was short-picked")


def test_a_short_pick_resolved_at_once_is_resolved_once(race):
    floor_world(race.db)
    pl, (first, _) = two_line_list(race.db)
    picking.short_pick(race.db, actor=SYSTEM, pick_list_id=pl, line_id=first, reason="gone")
    with race.db.uow(readonly=True) as uow:
        short = uow.session.scalar(sa.select(ShortPick.id))

    outcomes = race.run(acts.resolve_short, {"short": short})

    assert count_rows(race.db, ShortPick, ShortPick.status != ShortPickStatus.open) == 1
    books_balance(race.db)
    one_winner(outcomes, says="was resolved")


def test_a_shipment_opened_at_once_gets_one_package(race):
    floor_world(race.db)
    [sid] = shipments(race.db, 1)

    outcomes = race.run(acts.pack_open, {"shipment": sid})

    no_defects(outcomes)
    assert packages(race.db, sid) == 1


def test_the_last_unit_scanned_at_once_is_packed_once(race):
    floor_world(race.db)
    sid = opened(race.db, units=1)

    outcomes = race.run(acts.pack_scan, {"shipment": sid})

    no_defects(outcomes)
    assert sorted(o.value[:2] for o in outcomes) == sorted(
        [(True, "ok")] + [(False, "over_scan")] * (race.size - 1)), show(outcomes)
    assert (good_pack_scans(race.db, sid), packages(race.db, sid)) == (1, 1)


def test_a_new_package_asked_for_at_once_is_started_once(race):
    floor_world(race.db)
    sid = opened(race.db, units=2, scanned=1)

    outcomes = race.run(acts.new_package, {"shipment": sid})

    assert packages(race.db, sid) == 2
    one_winner(outcomes, says="was started")


def test_a_shipment_completed_at_once_is_packed_once(race):
    floor_world(race.db)
    sid = opened(race.db, units=2, scanned=2)

    outcomes = race.run(acts.complete, {"shipment": sid})

    assert transitions(race.db, "shipment", sid, "pack") == 1
    one_winner(outcomes, says="was packed")


def test_one_shipment_packed_by_every_station_at_once_is_packed_once(race):
    floor_world(race.db)
    [sid] = shipments(race.db, 1, units=2)

    outcomes = race.run(acts.pack_whole, {"shipment": sid, "units": 2})

    assert (good_pack_scans(race.db, sid), packages(race.db, sid)) == (2, 1)
    assert transitions(race.db, "shipment", sid, "pack") == 1
    with race.db.uow(readonly=True) as uow:
        assert uow.session.get(Shipment, sid).status.value == "packed"
    one_winner(outcomes, says="was packed")


def test_a_shipment_cancelled_at_once_releases_its_stock_once(race):
    floor_world(race.db)
    [sid] = shipments(race.db, 1, units=3)

    outcomes = race.run(acts.cancel_shipment, {"shipment": sid})

    assert transitions(race.db, "shipment", sid, "cancel") == 1
    books_balance(race.db)
    one_winner(outcomes, says="was cancelled")
