"""Freight at several stations at once: the same carton put on pallets at two stations sits
on one pallet (the other station is told whose); the same delivery stage released at two
stations becomes one shipment; the same shipment booked twice has one bill of lading."""

from datetime import date, timedelta

import sqlalchemy as sa

from oms_desktop.model import FreightBooking, Pallet, PalletCarton, Shipment
from oms_desktop.services.b2b import deliveries
from oms_desktop.services.b2b import purchase_orders as pos
from oms_desktop.services.freight import pallets
from tests.b2b.acts import ADDRESS
from tests.b2b.freight_world import packed_in_cartons
from tests.b2b.world import CHAIN, SUPERVISOR, wholesale_world
from tests.races.acts_freight import book, put_carton, release

TODAY = date(2026, 12, 7)


def _count(db, model) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_same_carton_put_on_pallets_at_once_sits_on_one(race):
    wholesale_world(race.db, credit_limit="100000")
    _, sid = packed_in_cartons(race.db)

    outcomes = race.run(put_carton, {"shipment": sid})

    assert not [o for o in outcomes if o.kind == "error"], [o.message for o in outcomes]
    [winner] = [o for o in outcomes if o.ok]
    for lost in (o for o in outcomes if not o.ok):
        assert lost.error == "ConcurrentChange" and lost.message.startswith(
            "carton ") and f"on pallet 1 ({winner.value}): put there by station" \
            f"{winner.station} (ST-{winner.station})" in lost.message, lost.message
    assert (_count(race.db, Pallet), _count(race.db, PalletCarton)) == (1, 1)
    [pallet] = pallets.shipment_pallets(race.db, sid).pallets
    assert (pallet.sscc, [c.number for c in pallet.cartons]) == (winner.value, [1])


def test_the_same_stage_released_at_once_becomes_one_shipment(race):
    wholesale_world(race.db, credit_limit="100000")
    for n in range(3):  # three orders, each with a stage due and one not
        pos.place_order(race.db, actor=SUPERVISOR, customer=CHAIN, po=pos.PoIn(f"PO-R{n}", (
            pos.LineIn("SKU-1", n + 1, "1", requested_on=TODAY + timedelta(days=1)),
            pos.LineIn("SKU-1", 1, "2", requested_on=TODAY + timedelta(days=20))),
            ship_to=ADDRESS))

    outcomes = race.run(release, {"today": TODAY.isoformat()})

    assert not [o for o in outcomes if o.kind == "error"], [o.message for o in outcomes]
    released = sorted(x for o in outcomes if o.ok for x in o.value)
    assert released == [(f"PO-R{n}", 1) for n in range(3)], outcomes
    assert _count(race.db, Shipment) == 3
    for n in range(3):
        stages = deliveries.list_stages(race.db, order=f"PO-R{n}")
        assert [(s.status, len(s.shipments)) for s in stages] == [("released", 1),
                                                                   ("planned", 0)]


def test_the_same_shipment_booked_at_once_has_one_bill_of_lading(race):
    wholesale_world(race.db, credit_limit="100000")
    _, sid = packed_in_cartons(race.db)
    pallets.palletise(race.db, actor=SUPERVISOR, shipment_id=sid)

    outcomes = race.run(book, {"shipment": sid})

    assert sorted(o.kind for o in outcomes) == ["ok"] + ["refused"] * (race.size - 1), \
        [o.message for o in outcomes]
    assert all("was booked with Old Dominion" in o.message for o in outcomes if not o.ok)
    assert _count(race.db, FreightBooking) == 1
