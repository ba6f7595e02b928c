import csv
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.errors import ValidationError
from oms_desktop.model import Customer, Location, Order, OrderHold, OrderLine, Shipment
from oms_desktop.model.search import OrderWord
from oms_desktop.model.text import fold_text
from oms_desktop.services.orders import queue
from oms_desktop.demo.seed import seed_demo
from oms_desktop.services.orders.queue import QueueFilter

ALL = QueueFilter()


@pytest.fixture
def demo(db):
    seed_demo(db, orders=150, seed=3, today=date.today())
    with db.engine.begin() as conn:  # ties and empty keys for the keyset to get right
        conn.execute(sa.update(Order).where(Order.id % 5 == 0).values(total=Decimal("42.00")))
        conn.execute(sa.update(Order).where(Order.id % 11 == 0).values(ship_name=None))
        conn.execute(sa.update(Order).where(Order.id % 13 == 0).values(ship_by=None))
    return db


def every_row(db, flt, **kw) -> list[queue.QueueRow]:
    rows, after = [], None
    while True:
        page = queue.fetch_page(db, flt, after=after, limit=7, **kw)
        rows += page.rows
        if page.next_after is None:
            return rows
        after = page.next_after


def expected_order(rows, sort, descending, dialect):
    def value(r):
        v = {"customer": r.customer, "status": r.status}.get(sort, getattr(r, sort, None))
        return fold_text(dialect, v) if sort == "customer" and v is not None else v

    present = sorted((r for r in rows if value(r) is not None),
                     key=lambda r: (value(r), r.id), reverse=descending)
    empty = sorted((r for r in rows if value(r) is None), key=lambda r: r.id,
                   reverse=descending)
    return [r.id for r in present + empty]


def test_every_sort_in_both_directions_pages_each_row_exactly_once_in_order(demo):
    everything = every_row(demo, ALL)
    assert len(everything) == len({r.id for r in everything}) == 150
    for sort in queue.SORT_KEYS:
        for descending in (False, True):
            for flt in (ALL, QueueFilter(statuses=("new", "on_hold", "completed")),
                        QueueFilter(statuses=("completed",))):
                got = [r.id for r in every_row(demo, flt, sort=sort, descending=descending)]
                rows = [r for r in everything if not flt.statuses or r.status in flt.statuses]
                assert got == expected_order(rows, sort, descending, demo.dialect), \
                    (sort, descending, flt.statuses)


def test_a_page_shows_what_the_queue_screen_needs(demo):
    page = queue.fetch_page(demo, QueueFilter(statuses=("on_hold",)), limit=5)
    assert len(page.rows) == 5 and page.next_after is not None
    row = page.rows[0]
    assert row.status == "on_hold" and row.hold_reason
    assert row.items >= 1 and row.total > 0 and row.currency in ("USD", "EUR")
    with demo.engine.connect() as conn:
        items = conn.scalar(sa.select(sa.func.sum(OrderLine.quantity))
                            .where(OrderLine.order_id == row.id))
    assert row.items == items


def test_counts_match_the_rows_of_each_filter(demo):
    today = date.today()
    filters = [QueueFilter(statuses=("verified",)), QueueFilter(channels=("WOO-EU",)),
               QueueFilter(hold_reasons=("payment_pending", "fraud_review")),
               QueueFilter(ship_by="overdue"), QueueFilter(ship_by="today"),
               QueueFilter(ship_by="week", statuses=("new", "verified")),
               QueueFilter(tags=("gift",)), QueueFilter(customer_kind="business"),
               QueueFilter(carrier="DHL"), QueueFilter(locations=("ST1", "ST2")),
               QueueFilter(locations=("WH2",), statuses=("completed",))]
    for flt in filters:
        rows = every_row(demo, flt)
        assert rows, flt
        assert queue.count(demo, flt) == len(rows), flt
    assert queue.count(demo, ALL) == 150
    assert all(r.status == "verified" for r in every_row(demo, filters[0]))
    assert all(r.channel == "WOO-EU" for r in every_row(demo, filters[1]))
    held = every_row(demo, filters[2])
    with demo.engine.connect() as conn:
        reasons = conn.execute(sa.select(OrderHold.order_id, OrderHold.reason).where(
            OrderHold.released_at.is_(None))).all()
    assert {r.id for r in held} == {o for o, why in reasons
                                    if why in ("payment_pending", "fraud_review")}
    assert all(r.ship_by < today for r in every_row(demo, filters[3]))
    assert all(r.ship_by == today for r in every_row(demo, filters[4]))
    assert all(today <= r.ship_by <= today + timedelta(days=6)
               for r in every_row(demo, filters[5]))
    assert all("gift" in r.tags for r in every_row(demo, filters[6]))
    assert all(r.carrier == "DHL" for r in every_row(demo, filters[8]))


def test_business_and_store_filters_pick_the_right_orders(demo):
    business = {r.id for r in every_row(demo, QueueFilter(customer_kind="business"))}
    with demo.engine.connect() as conn:
        expected = set(conn.scalars(sa.select(Order.id).join(Customer).where(
            Customer.kind == "business")))
    assert business == expected
    at_stores = {r.id for r in every_row(demo, QueueFilter(locations=("ST1", "ST2")))}
    with demo.engine.connect() as conn:
        stores = sa.select(Location.id).where(Location.code.in_(("ST1", "ST2")))
        collected = set(conn.scalars(sa.select(Order.id).where(
            Order.pickup_location_id.in_(stores))))
        shipped_there = set(conn.scalars(sa.select(Shipment.order_id).where(
            Shipment.location_id.in_(stores))))
    assert collected and at_stores == collected | shipped_there


def test_search_finds_orders_by_number_name_email_sku_tracking_and_external_id(demo):
    with demo.engine.connect() as conn:
        order = conn.execute(sa.select(Order).where(Order.ship_name.is_not(None),
                                                    Order.status == "completed")
                             .order_by(Order.id).limit(1)).one()
        sku = conn.scalar(sa.select(OrderLine.sku).where(OrderLine.order_id == order.id))
        tracking = conn.scalar(sa.select(Shipment.tracking_number).where(
            Shipment.tracking_number.is_not(None)).limit(1))
        tracked = conn.scalar(sa.select(Shipment.order_id).where(
            Shipment.tracking_number == tracking))

    def found(text, **kw):
        return {r.id for r in every_row(demo, QueueFilter(search=text, **kw))}

    assert order.id in found(order.number[:4])
    assert order.id in found(order.ship_name[:3].upper())
    assert order.id in found(order.ship_name[:3].lower())
    prefix = order.ship_name[:3].lower()
    with demo.engine.connect() as conn:  # any word of the order may start with it (a surname)
        worded = set(conn.scalars(sa.select(OrderWord.order_id).where(
            OrderWord.word.startswith(prefix, autoescape=True))))
    assert all(r.id in worded or (r.customer or "").lower().startswith(prefix)
               or r.number.lower().startswith(prefix)
               for r in every_row(demo, QueueFilter(search=order.ship_name[:3])))
    assert order.id in found(order.email)
    assert order.id in found(order.external_id)
    assert order.id in found(sku.lower())
    assert found(tracking) == {tracked}
    assert found("no such thing %_") == set()
    assert queue.count(demo, QueueFilter(search=sku)) == len(found(sku))
    assert order.id not in found(order.email, statuses=("new",))


def test_search_ignores_case_in_unicode_names(demo):
    with demo.uow() as uow:  # through the ORM, which keeps the search index
        uow.session.get(Order, 7).ship_name = "Jürgen Müller"
        uow.commit()
    assert 7 in {r.id for r in every_row(demo, QueueFilter(search="jürgen m"))}
    assert 7 in {r.id for r in every_row(demo, QueueFilter(search="JÜRGEN"))}
    assert 7 in {r.id for r in every_row(demo, QueueFilter(search="jurgen muller"))}


def test_the_csv_export_writes_the_whole_filtered_queue_in_order(demo, tmp_path):
    flt = QueueFilter(statuses=("completed", "in_fulfilment"))
    path = tmp_path / "queue.csv"
    written = queue.export_csv(demo, flt, path, sort="total", descending=True)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][:3] == ["number", "channel", "status"]
    assert written == len(lines) - 1 == queue.count(demo, flt)
    assert [ln[0] for ln in lines[1:]] == [
        r.number for r in every_row(demo, flt, sort="total", descending=True)]


def test_unknown_sorts_statuses_and_windows_are_refused(demo):
    with pytest.raises(ValidationError, match="sort"):
        queue.fetch_page(demo, ALL, sort="colour")
    with pytest.raises(ValidationError, match="status"):
        queue.count(demo, QueueFilter(statuses=("lost",)))
    with pytest.raises(ValidationError, match="Ship-by"):
        queue.fetch_page(demo, QueueFilter(ship_by="someday"))
