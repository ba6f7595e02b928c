"""Acting on every order matching a filter: counted once, read in keyset pages of ids while
the action runs, never stopping at what a screen has loaded, never touching orders that
arrive after the count, and one failure per order that could not be changed."""

from datetime import date

import sqlalchemy as sa

from oms_desktop.demo.seed import seed_demo
from oms_desktop.model import Actor, Order, Role
from oms_desktop.services.bulk import per_order
from oms_desktop.services.orders import queue, selection
from oms_desktop.services.orders.pipeline import hold_order, verify_orders
from oms_desktop.services.orders.queue import QueueFilter
from tests.integration.test_bulk import FakeTask
from tests.orders_world import seed_orders

MANAGER = Actor("mia", Role.manager)
NEW = QueueFilter(statuses=("new",))


def statuses(db) -> dict[int, str]:
    with db.engine.connect() as conn:
        return {i: str(s) for i, s in conn.execute(sa.select(Order.id, Order.status))}


def test_verify_all_matching_pages_through_every_new_order_past_the_first_page(db):
    seed_demo(db, orders=2000, seed=1, today=date.today())
    chosen = selection.count_matching(db, NEW)
    new_before = {i for i, s in statuses(db).items() if s == "new"}
    assert chosen.count == len(new_before) > 200  # more than the screen's first page
    seed_orders(db, 5, start_id=chosen.upto + 1, lines=False)  # arrive after the count
    late = {i for i, s in statuses(db).items() if i > chosen.upto and s == "new"}
    task = FakeTask()
    result = selection.run_on_matching(
        db, chosen, lambda ids: verify_orders(db, actor=MANAGER, order_ids=ids), task=task)
    assert result.total == len(result.results) == chosen.count
    assert {r.order_id for r in result.results} == new_before
    after = statuses(db)
    assert all(after[i] != "new" for i in new_before)  # verified or held by the checks
    assert {r.order_id for r in result.failures} == {i for i in new_before
                                                      if after[i] == "new"}
    assert late and all(after[i] == "new" for i in late)
    assert task.reports[-1] == (chosen.count, chosen.count)


def test_an_order_that_cannot_be_held_fails_alone_and_is_named(db):
    seed_demo(db, orders=300, seed=4, today=date.today())
    flt = QueueFilter(statuses=("new", "in_fulfilment"))
    chosen = selection.count_matching(db, flt)
    before = statuses(db)
    result = selection.run_on_matching(db, chosen, per_order(
        lambda i: hold_order(db, actor=MANAGER, order_id=i, reason="stock check")))
    failed = {r.order_id for r in result.failures}
    assert failed == {i for i, s in before.items() if s == "in_fulfilment"}
    assert all(statuses(db)[i] == "on_hold" for i, s in before.items() if s == "new")
    names = selection.order_numbers(db, sorted(failed))
    assert len(names) == len(failed) and all(names.values())


def test_id_pages_follow_the_filter_and_the_count_in_keyset_order(db):
    seed_demo(db, orders=400, seed=6, today=date.today())
    chosen = selection.count_matching(db, NEW)
    pages = list(selection.matching_pages(db, chosen, limit=37))
    ids = [i for p in pages for i in p]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == chosen.count
    assert len(pages) == -(-chosen.count // 37)
    assert chosen.count == queue.count(db, NEW)
    some = ids[:3] + [i for i, s in statuses(db).items() if s == "completed"][:3]
    assert selection.still_matching(db, NEW, some) == set(ids[:3])
