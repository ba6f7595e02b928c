"""Staged deliveries: one purchase order, several requested dates, each date its own
shipment released for picking some days ahead; partial deliveries and backorders as each
customer's terms say."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from oms_desktop.cli import main
from oms_desktop.documents.x12.po850 import read_850
from oms_desktop.model import Shipment
from oms_desktop.services.b2b import deliveries, edi
from oms_desktop.services.b2b import purchase_orders as pos
from oms_desktop.services.orders import allocation, backorders, pipeline
from oms_desktop.services.orders import views as orders
from tests.b2b.acts import ADDRESS
from tests.b2b.world import CHAIN, MANAGER, PACKER, SUPERVISOR, po_850, wholesale_world

TODAY = date(2026, 12, 7)
SHIP_TO = ("--ship-name", "Corner Store 12", "--ship-line1", "12 High Street", "--ship-city",
           "Springfield", "--ship-region", "IL", "--ship-postal-code", "62701")


@pytest.fixture
def world(db):
    wholesale_world(db, credit_limit="100000")
    return db


def place(db, number, *lines):
    """A PO entered by hand: lines of (sku, quantity, days from TODAY)."""
    return pos.place_order(db, actor=SUPERVISOR, customer=CHAIN, po=pos.PoIn(number, tuple(
        pos.LineIn(sku, qty, str(n), requested_on=TODAY + timedelta(days=d))
        for n, (sku, qty, d) in enumerate(lines, 1)), ship_to=ADDRESS))


def shipments(db, order_id):
    """(status, {sku: units}) of the order's shipments, oldest first, read from the tables."""
    with db.uow(readonly=True) as uow:
        found = uow.session.scalars(sa.select(Shipment).where(Shipment.order_id == order_id)
                                    .order_by(Shipment.id)).all()
        return [(s.status.value, {l.order_line.sku: l.quantity for l in s.lines})
                for s in found]


def test_each_date_is_its_own_shipment_released_days_ahead(world):
    db = world
    po = place(db, "PO-S1", ("SKU-1", 5, 1), ("SKU-2", 2, 5), ("SKU-1", 3, 5))
    stages = deliveries.list_stages(db, order=po.order_number)
    assert [(s.number, s.due_on, s.release_on, s.status, s.lines) for s in stages] == [
        (1, TODAY + timedelta(days=1), TODAY - timedelta(days=1), "planned", {"SKU-1": 5}),
        (2, TODAY + timedelta(days=5), TODAY + timedelta(days=3), "planned",
         {"SKU-2": 2, "SKU-1": 3})]

    # Allocation today: stage 1 (tomorrow, released two days ahead) only.
    [r] = allocation.allocate_orders(db, actor=SUPERVISOR, order_ids=[po.order_id],
                                     today=TODAY).results
    assert r.ok and shipments(db, po.order_id) == [("assigned", {"SKU-1": 5})]
    # Again the same day: stage 2 is not due, nothing more is allocated.
    [r] = allocation.allocate_orders(db, actor=SUPERVISOR, order_ids=[po.order_id],
                                     today=TODAY).results
    assert r.message == "Waiting for a delivery stage to be released"
    assert len(shipments(db, po.order_id)) == 1
    assert deliveries.release_due(db, actor=SUPERVISOR, today=TODAY + timedelta(days=2)) \
        .stages == ()

    # Three days on, `freight release` releases stage 2 as a shipment of its own.
    got = deliveries.release_due(db, actor=SUPERVISOR, today=TODAY + timedelta(days=3))
    [stage] = got.stages
    assert (stage.number, stage.status, len(stage.shipments)) == (2, "released", 1)
    assert shipments(db, po.order_id) == [("assigned", {"SKU-1": 5}),
                                          ("assigned", {"SKU-1": 3, "SKU-2": 2})]
    timeline = [e.action for e in orders.get_order(db, po.order_id).timeline]
    assert timeline.count("release_stage") == 2


def test_two_stages_due_at_once_still_make_two_shipments(world):
    db = world
    po = place(db, "PO-S2", ("SKU-1", 2, 0), ("SKU-1", 4, 1), ("SKU-2", 1, 30))
    got = deliveries.release_due(db, actor=SUPERVISOR, today=TODAY)
    assert [(s.number, s.status) for s in got.stages] == [(1, "released"), (2, "released")]
    assert shipments(db, po.order_id) == [("assigned", {"SKU-1": 2}),
                                          ("assigned", {"SKU-1": 4})]
    # a general allocation run leaves stage 3 alone
    allocation.allocate_orders(db, actor=SUPERVISOR, today=TODAY)
    assert len(shipments(db, po.order_id)) == 2
    assert [s.status for s in deliveries.list_stages(db, order="PO-S2")] == [
        "released", "released", "planned"]


def test_a_customer_without_partial_deliveries_gets_a_stage_whole(world):
    db = world
    deliveries.set_terms(db, actor=MANAGER, customer=CHAIN, partial_allowed=False)
    po = place(db, "PO-S3", ("SKU-1", 2, 0), ("SKU-2", 5, 9))  # three spoons in stock
    deliveries.release_due(db, actor=SUPERVISOR, today=TODAY + timedelta(days=8))
    assert shipments(db, po.order_id)[1] == ("waiting", {"SKU-2": 5})
    backorders.receive(db, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=1)
    assert shipments(db, po.order_id)[1] == ("waiting", {"SKU-2": 5}), "four of five: waits"
    backorders.receive(db, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=1)
    assert shipments(db, po.order_id)[1] == ("assigned", {"SKU-2": 5})


def test_partial_deliveries_ship_what_is_there_and_the_rest_follows(world):
    db = world
    po = place(db, "PO-S4", ("SKU-1", 1, 0), ("SKU-2", 5, 9))
    deliveries.release_due(db, actor=SUPERVISOR, today=TODAY + timedelta(days=8))
    assert shipments(db, po.order_id)[1:] == [("assigned", {"SKU-2": 3}),
                                              ("waiting", {"SKU-2": 2})]
    backorders.receive(db, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=2)
    assert shipments(db, po.order_id)[2] == ("assigned", {"SKU-2": 2})


def test_terms_that_cancel_backorders_close_the_line_short(world):
    db = world
    deliveries.set_terms(db, actor=MANAGER, customer=CHAIN, backorders="cancel")
    po = place(db, "PO-S5", ("SKU-1", 1, 0), ("SKU-2", 5, 9))
    total = orders.get_order(db, po.order_id).summary.total
    deliveries.release_due(db, actor=SUPERVISOR, today=TODAY + timedelta(days=8))
    assert shipments(db, po.order_id)[1:] == [("assigned", {"SKU-2": 3}),
                                              ("cancelled", {"SKU-2": 2})]
    detail = orders.get_order(db, po.order_id)
    assert [l.quantity for l in detail.lines] == [1, 3]
    assert detail.summary.total == total - 2 * detail.lines[1].unit_price
    [cut] = [e for e in detail.timeline if e.action == "backorder_cancelled"]
    assert cut.detail["cancelled"] == {"SKU-2": 2}
    backorders.receive(db, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=5)
    assert len(shipments(db, po.order_id)) == 3, "nothing follows"


def test_a_held_order_releases_nothing_until_the_hold_is_lifted(db):
    wholesale_world(db, credit_limit="20")
    po = place(db, "PO-S6", ("SKU-1", 1, 0), ("SKU-1", 2, 1))
    assert po.status == "on_hold"
    assert deliveries.release_due(db, actor=SUPERVISOR, today=TODAY).stages == ()
    pipeline.release_order(db, actor=MANAGER, order_id=po.order_id)
    got = deliveries.release_due(db, actor=SUPERVISOR, today=TODAY)
    assert [s.number for s in got.stages] == [1, 2]
    assert shipments(db, po.order_id) == [("assigned", {"SKU-1": 1}),
                                          ("assigned", {"SKU-1": 2})]


def test_an_850_with_a_date_on_each_line_becomes_stages(world):
    db = world
    text = po_850(lines=[("1", 4, "9.00", "B-100", "SKU-1"), ("2", 6, "9.00", "B-100", "SKU-1"),
                         ("3", 1, "3.50", "B-200", "SKU-2")])
    text = text.replace("VP*SKU-1~\nPO1*2", "VP*SKU-1~\nDTM*002*20261214~\nPO1*2")
    text = text.replace("VP*SKU-2~\n", "VP*SKU-2~\nDTM*002*20261221~\n")
    text = text.replace("SE*11*", "SE*13*")
    assert [l.requested_on for l in read_850(text).orders[0].lines] == [
        date(2026, 12, 14), date(2026, 12, 10), date(2026, 12, 21)]  # else the PO's date
    [po] = edi.receive(db, actor=SUPERVISOR, content=text, file_name="s.x12").orders
    assert po.status == "verified"
    assert [(s.due_on, s.lines) for s in deliveries.list_stages(db, order="PO-4711")] == [
        (date(2026, 12, 10), {"SKU-1": 6}), (date(2026, 12, 14), {"SKU-1": 4}),
        (date(2026, 12, 21), {"SKU-2": 1})]


def test_the_command_line_sets_terms_takes_dated_lines_and_releases(db, cli_admin, capsys):
    wholesale_world(db, credit_limit="100000")
    url = db.url
    assert main(["freight", "terms", CHAIN, "--no-partial", "--backorders", "cancel",
                 "--db", url]) == 0
    assert "no" in capsys.readouterr().out
    assert main(["b2b", "po", "add", CHAIN, "--po", "PO-C1", "--line", "SKU-1:2:2026-12-08",
                 "--line", "SKU-1:3:2026-12-20", *SHIP_TO, "--db", url]) == 0
    capsys.readouterr()
    assert main(["freight", "stages", "PO-C1", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "2026-12-08" in out and "2026-12-18" in out and out.count("planned") == 2
    assert main(["freight", "release", "--date", "2026-12-06", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "released" in out and "SHP-" in out and "2026-12-20" not in out
    assert main(["b2b", "po", "add", CHAIN, "--po", "PO-C2", "--line", "SKU-1:2:2026-13-08",
                 "--db", url]) != 0
    err = capsys.readouterr().err
    assert "'2026-13-08' is not a date" in err and len(err.strip().splitlines()) == 1


def test_a_person_limited_to_a_store_releases_no_stage_of_orders_they_cannot_see(world):
    from oms_desktop.model import Location, Role, User, UserSite
    from oms_desktop.values import Actor

    db = world
    po = place(db, "PO-S7", ("SKU-1", 1, 0), ("SKU-1", 2, 1))
    with db.uow() as uow:
        s = uow.session
        store = s.scalar(sa.select(Location.id).where(Location.code == "STORE1"))
        user = User(username="fran", display_name="Fran", role=Role.supervisor)
        s.add(user)
        s.flush()
        s.add(UserSite(user_id=user.id, location_id=store))
        uow.commit()
        fran = Actor("fran", Role.supervisor, user_id=user.id, station="STORE1-1")
    assert deliveries.release_due(db, actor=fran, today=TODAY).stages == ()
    allocation.allocate_orders(db, actor=fran, today=TODAY)
    assert shipments(db, po.order_id) == []
    assert len(deliveries.release_due(db, actor=SUPERVISOR, today=TODAY).stages) == 2
