"""Invoices from several stations at once: numbers without gaps or doubles, and one payment
recorded once."""

from decimal import Decimal

from oms_desktop.services.b2b import edi, invoices
from tests.b2b.acts import packed_b2b_shipments, pay, ship
from tests.b2b.world import wholesale_world


def test_stations_shipping_at_once_get_invoice_numbers_without_gaps(race):
    wholesale_world(race.db, credit_limit="100000")
    shipments = packed_b2b_shipments(race.db, race.size)

    outcomes = race.run(ship, {"shipments": shipments})

    assert [o.kind for o in outcomes] == ["ok"] * race.size, [o.message for o in outcomes]
    numbers = sorted(i.number for i in invoices.list_invoices(race.db))
    assert numbers == [f"INV-{n:06d}" for n in range(1, race.size + 1)]
    # each shipment also queued its 856 and 810, under distinct interchange numbers
    docs = [name for kind, way, name in edi.documents(race.db) if way == "outbound"]
    assert len(docs) == len(set(docs)) == 2 * race.size


def test_the_same_payment_entered_at_two_stations_is_recorded_once(race):
    wholesale_world(race.db, credit_limit="100000")
    [sid] = packed_b2b_shipments(race.db, 1)
    race.run(ship, {"shipments": [sid] * race.size})
    [inv] = invoices.list_invoices(race.db)

    outcomes = race.run(pay, {"invoice": inv.number, "amount": str(inv.total)})

    assert sorted(o.kind for o in outcomes) == ["ok"] + ["refused"] * (race.size - 1)
    assert all("already paid" in o.message or "changed" in o.message.lower()
               for o in outcomes if not o.ok), [o.message for o in outcomes]
    paid = invoices.get_invoice(race.db, inv.number)
    assert (paid.state, paid.paid_total) == ("paid", inv.total) and inv.total == Decimal("10")


def test_the_same_850_taken_at_several_stations_at_once_makes_one_order(race):
    from tests.b2b.acts import receive_850
    from tests.b2b.world import po_850
    from oms_desktop.services.orders import views as orders

    wholesale_world(race.db)
    outcomes = race.run(receive_850, {"content": po_850()})

    assert not [o for o in outcomes if o.kind == "error"], [o.message for o in outcomes]
    assert [o.value for o in outcomes].count("1 purchase order(s)") == 1
    assert all(o.value == "already received" or "at another station" in o.message
               for o in outcomes if o.value != "1 purchase order(s)")
    assert [o.number for o in orders.list_orders(race.db)] == ["PO-4711"]
