"""Searching the orders queue by any word: a surname, a word of the e-mail, an SKU, part of
an order number; the word index kept by the demo, the channel import and every edit."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.connectors.dto import AddressDTO, LineDTO, OrderDTO, Page
from oms_desktop.demo.seed import seed_demo
from oms_desktop.model import SYSTEM, Channel, Order, OrderLine
from oms_desktop.model.search import OrderWord, words_of
from oms_desktop.services.channels.updates import apply_page
from oms_desktop.services.orders import queue
from oms_desktop.services.orders.pipeline import edit_order
from oms_desktop.services.orders.queue import QueueFilter
from tests.factories import small_world


def found(db, text: str, **kw) -> set[int]:
    rows, after = [], None
    while True:
        page = queue.fetch_page(db, QueueFilter(search=text, **kw), after=after, limit=50)
        rows += page.rows
        if page.next_after is None:
            return {r.id for r in rows}
        after = page.next_after


@pytest.fixture
def demo(db):
    seed_demo(db, orders=300, seed=5, today=date.today())
    return db


def test_a_surname_alone_finds_every_order_of_that_surname(demo):
    with demo.engine.connect() as conn:
        names = dict(conn.execute(sa.select(Order.id, Order.ship_name)).all())
    surname = next(n.split()[-1] for n in names.values() if n and len(n.split()) > 1)
    expected = {i for i, n in names.items() if n and words_of([surname]) <= words_of([n])}
    assert expected and found(demo, surname) >= expected
    assert found(demo, surname.upper()) == found(demo, surname)
    # a prefix of the surname finds them too; two words narrow to orders having both
    assert found(demo, surname[:4]) >= expected
    first_name, full_id = next((n.split()[0], i) for i, n in names.items()
                               if n and n.split()[-1] == surname)
    both = found(demo, f"{surname} {first_name}")
    assert full_id in both
    assert both <= found(demo, surname) & found(demo, first_name)
    assert queue.count(demo, QueueFilter(search=surname)) == len(found(demo, surname))


def test_a_word_of_the_email_and_the_digits_of_an_order_number_find_the_order(demo):
    with demo.engine.connect() as conn:
        order = conn.execute(sa.select(Order).where(Order.email.is_not(None))
                             .order_by(Order.id.desc()).limit(1)).one()
        sku = conn.scalar(sa.select(OrderLine.sku).where(OrderLine.order_id == order.id))
    local = order.email.split("@")[0].split(".")[-1]
    assert order.id in found(demo, local)
    digits = "".join(c for c in order.number if c.isdigit())
    assert order.id in found(demo, digits)
    assert order.id in found(demo, sku)
    assert order.id in found(demo, f"{local} {sku}")
    assert found(demo, "zzqx nosuchword") == set()


def test_an_edited_name_is_found_by_its_new_words_and_no_longer_by_its_old(demo):
    with demo.engine.connect() as conn:
        order_id = conn.scalar(sa.select(Order.id).where(Order.status == "new")
                               .order_by(Order.id).limit(1))
    edit_order(demo, actor=SYSTEM, order_id=order_id, ship_name="Zoë Tremblay-Marchand")
    assert order_id in found(demo, "tremblay")
    assert order_id in found(demo, "zoe marchand")
    assert order_id in found(demo, "Zoë")
    edit_order(demo, actor=SYSTEM, order_id=order_id, ship_name="Mathis Quenneville")
    assert order_id not in found(demo, "marchand")
    assert order_id in found(demo, "quenneville")


def test_orders_taken_in_from_a_channel_are_found_by_surname(db):
    small_world(db)
    now = datetime.now(timezone.utc)
    dto = OrderDTO(external_id="9001", number="#9001", placed_at=now, updated_at=now,
                   currency="USD", email="m.tremblay@example.ca", total=Decimal("12.50"),
                   shipping=AddressDTO(name="Mathis Tremblay", city="Montréal", country="CA"),
                   lines=(LineDTO(external_id="L1", sku="SKU-1", name="Trail mug",
                                  quantity=1, unit_price=Decimal("12.50")),))
    with db.uow() as uow:
        channel = uow.session.scalar(sa.select(Channel).where(Channel.code == "WEB"))
        apply_page(uow.session, channel, Page(orders=[dto]), actor=SYSTEM, run_id=None)
        uow.commit()
    with db.engine.connect() as conn:
        order_id = conn.scalar(sa.select(Order.id).where(Order.external_id == "9001"))
        words = set(conn.scalars(sa.select(OrderWord.word)
                                 .where(OrderWord.order_id == order_id)))
    assert {"tremblay", "mathis", "montreal", "9001", "sku", "1"} <= words
    assert found(db, "Tremblay") == found(db, "montreal") == {order_id}
