"""The purchase-order screen at several stations at once: the same customer's PO number
saved by all of them makes one order, and the same credit hold released by all of them is
released once; every other station is told who was first."""

from __future__ import annotations

import sqlalchemy as sa

from oms_desktop.services.b2b import desk
from oms_desktop.services.orders import views as orders
from tests.b2b.acts import ADDRESS
from tests.b2b.acts_desk import release_hold, save_po
from tests.b2b.world import SUPERVISOR, wholesale_world


def _chain(db) -> int:
    wholesale_world(db)
    return desk.business_customers(db)[0].id


def test_the_same_po_saved_at_every_station_at_once_makes_one_order(race):
    customer = _chain(race.db)

    outcomes = race.run(save_po, {"customer": customer, "po": "PO-RACE"})

    assert [o.kind for o in outcomes].count("ok") == 1, [o.message for o in outcomes]
    assert all(o.kind == "refused" and o.error == "ConcurrentChange"
               and "PO PO-RACE of Corner Stores Inc was already saved as order PO-RACE by "
                   "station" in o.message for o in outcomes if not o.ok), \
        [o.message for o in outcomes]
    [order] = orders.list_orders(race.db)
    winner = next(o.station for o in outcomes if o.ok)
    with race.db.uow(readonly=True) as uow:  # the winner's lines, nobody else's
        quantities = uow.session.scalars(sa.text(
            "SELECT quantity FROM order_lines WHERE order_id = :o"), {"o": order.id}).all()
    assert quantities == [2 + winner]


def test_the_same_credit_hold_released_at_every_station_is_released_once(race):
    customer = _chain(race.db)
    held = desk.save_po(race.db, actor=SUPERVISOR, customer_id=customer, po_number="PO-BIG",
                        lines=[desk.PoLine("SKU-1", 200)], ship_to=ADDRESS)
    assert held.credit_hold

    outcomes = race.run(release_hold, {"order": held.order_id})

    assert [o.value for o in outcomes if o.ok] == ["verified"], outcomes
    assert all(o.kind == "refused" and "by station" in o.message
               for o in outcomes if not o.ok), [o.message for o in outcomes]
    assert desk.credit_holds(race.db) == []
