import pytest
import sqlalchemy as sa

from oms_desktop.errors import NotFound, PermissionDenied
from oms_desktop.model import Actor, AuditEvent, Order, OrderStatus, Role
from oms_desktop.services.orders import edits as order_edits
from oms_desktop.services.bulk import ItemResult, run_bulk
from tests.factories import small_world
from tests.orders_world import seed_orders

MANAGER = Actor("mia", Role.manager)
PACKER = Actor("pat", Role.packer)


class FakeTask:
    def __init__(self, cancel_after: int | None = None):
        self.reports, self.cancel_after = [], cancel_after

    @property
    def cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.reports) >= self.cancel_after

    def report(self, done, total, text=""):
        self.reports.append((done, total))


@pytest.fixture
def orders_db(db):
    small_world(db)
    seed_orders(db, 30, lines=False)
    with db.uow() as uow:
        uow.session.get(Order, 7).status = OrderStatus.cancelled
        uow.commit()
    return db


def tags_of(db, order_id):
    with db.uow(readonly=True) as uow:
        return uow.session.get(Order, order_id).tag_names


def test_tagging_many_orders_runs_in_batches_with_progress(orders_db):
    task = FakeTask()
    result = run_bulk(range(1, 31), lambda ids: order_edits.tag_orders(
        orders_db, actor=MANAGER, order_ids=ids, add=("Rush",)), task=task, batch=10)
    assert result.succeeded == 30 and not result.failures
    assert task.reports == [(10, 30), (20, 30), (30, 30)]
    assert "rush" in tags_of(orders_db, 1) and "rush" in tags_of(orders_db, 30)


def test_one_bad_order_fails_alone_and_the_rest_are_done(orders_db):
    result = run_bulk([1, 7, 999, 2], lambda ids: order_edits.set_carrier(
        orders_db, actor=MANAGER, order_ids=ids, carrier="ups", service="ground"))
    failed = {r.order_id: r.message for r in result.failures}
    assert set(failed) == {7, 999}
    assert "cancelled" in failed[7] and "No order" in failed[999]
    assert result.succeeded == 2
    with orders_db.uow(readonly=True) as uow:
        assert uow.session.get(Order, 2).carrier == "ups"
        assert uow.session.get(Order, 7).carrier != "ups"


def test_a_batch_that_raises_is_retried_order_by_order(orders_db):
    def picky(ids):
        if 5 in ids:
            raise NotFound("Order 5 is not ready")
        return [ItemResult(i, True, "fine") for i in ids]

    result = run_bulk(range(1, 11), picky, batch=5)
    assert [(r.order_id, r.message) for r in result.failures] == [(5, "Order 5 is not ready")]
    assert result.succeeded == 9


def test_cancelling_stops_between_batches(orders_db):
    task = FakeTask(cancel_after=2)
    result = run_bulk(range(1, 31), lambda ids: order_edits.tag_orders(
        orders_db, actor=MANAGER, order_ids=ids, add=("late",)), task=task, batch=10)
    assert result.cancelled and len(result.results) == 20
    assert "10 not started" in result.summary()
    assert tags_of(orders_db, 30) == []


def test_a_packer_cannot_edit_orders_even_through_the_service(orders_db):
    with pytest.raises(PermissionDenied, match="orders edit"):
        run_bulk([1, 2], lambda ids: order_edits.tag_orders(
            orders_db, actor=PACKER, order_ids=ids, add=("x",)))
    assert tags_of(orders_db, 1) == []


def test_assigning_a_location_records_who_did_it(orders_db):
    order_edits.assign_location(orders_db, actor=MANAGER, order_ids=[3], location="WH1")
    with orders_db.uow(readonly=True) as uow:
        assert uow.session.get(Order, 3).preferred_location_id is not None
        event = uow.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.order_id == 3, AuditEvent.action == "assign_location")).one()
        assert event.actor_name == "mia" and event.detail == {"location": "WH1"}


def test_a_bin_is_not_a_location_to_ship_from(orders_db):
    with pytest.raises(Exception, match="bin"):
        order_edits.assign_location(orders_db, actor=MANAGER, order_ids=[3],
                                    location="WH1-A-01")


def test_removing_a_tag_keeps_the_others(orders_db):
    order_edits.tag_orders(orders_db, actor=MANAGER, order_ids=[4], add=("a", "b"))
    order_edits.tag_orders(orders_db, actor=MANAGER, order_ids=[4], remove=("a",))
    assert tags_of(orders_db, 4) == ["b"]


def test_a_per_order_function_fails_one_order_without_redoing_the_others(orders_db):
    calls = []

    def one(order_id):
        calls.append(order_id)
        if order_id == 2:
            raise NotFound("Order 2 vanished")
        return ItemResult(order_id, True, "ok")

    from oms_desktop.services.bulk import per_order
    result = run_bulk([1, 2, 3], per_order(one))
    assert calls == [1, 2, 3] and [r.order_id for r in result.failures] == [2]
