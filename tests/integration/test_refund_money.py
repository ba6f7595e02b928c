"""What an order's refunds add up to, over any number of RMAs: never more than was paid for
the items, their tax and shipping; the last refund takes the rounding remainder; the approval
limit looks at everything refunded on the order."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.errors import PermissionDenied
from oms_desktop.model import Actor, Order, Refund, Role
from oms_desktop.services import settings
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.refunds import issue_refund
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from tests.factories import small_world
from tests.returns_fixtures import priced_order

SUPERVISOR = Actor("sam", Role.supervisor, station="RETURNS-1")
MANAGER = Actor("max", Role.manager, station="RETURNS-1")
# 3 mugs at 7.00 less 1.00 discount (20.00), tax 2.00, shipping 8.00: paid 30.00. A third
# of the items is 6.666…, of the tax 0.666…: rounded per RMA each unit came to 7.34, and
# three RMAs to 30.02 (46.02 when shipping went back with each).
THIRDS = [("SKU-1", 3, "7.00", "1.00", "2.00")]


def _returned(db, order_id: int, units: int, reason="defective", resolution="refund") -> str:
    rma = create_rma(db, actor=SUPERVISOR, order=order_id, resolution=resolution,
                     lines=[RequestedLine("SKU-1", units, reason)]).rma_number
    for _ in range(units):
        receive_unit(db, actor=SUPERVISOR, rma=rma, code="SKU-1", condition="resellable",
                     disposition="restock", location="WH1-A-02")
    finish_intake(db, actor=SUPERVISOR, rma=rma)
    return rma


def _refunded(db, order_id: int) -> Decimal:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.sum(Refund.amount))
                                  .where(Refund.order_id == order_id))


@pytest.fixture
def world(db):
    small_world(db)
    return db


def test_three_one_unit_returns_refund_exactly_what_was_paid(world):
    order_id = priced_order(world, THIRDS, shipping="8.00")
    amounts = [issue_refund(world, actor=SUPERVISOR, rma=_returned(world, order_id, 1),
                            outside=True).amount for _ in range(3)]
    # Each refund rounds what the units returned so far are worth, less what was refunded
    # before, so the last takes the remainder; shipping with it (our fault, all back).
    assert amounts == [Decimal("7.34"), Decimal("7.32"), Decimal("15.34")]
    assert _refunded(world, order_id) == Decimal("30.00")
    with world.uow(readonly=True) as uow:
        order = uow.session.get(Order, order_id)
        assert (order.refunded_total, order.financial_status) == (Decimal("30.00"), "refunded")


def test_shipping_is_refunded_once_however_many_rmas(world):
    with world.uow() as uow:
        settings.put(uow.session, "returns.refund_policy", {"shipping": "always", "fees": []})
        uow.commit()
    order_id = priced_order(world, THIRDS, shipping="8.00")
    for _ in range(3):
        issue_refund(world, actor=SUPERVISOR, rma=_returned(world, order_id, 1,
                                                             reason="changed_mind"),
                     outside=True)
    assert _refunded(world, order_id) == Decimal("30.00")


def test_the_approval_limit_counts_every_refund_of_the_order(world):
    order_id = priced_order(world, [("SKU-1", 3, "200.00", "0.00", "0.00")])
    first = issue_refund(world, actor=SUPERVISOR, rma=_returned(world, order_id, 1),
                         outside=True)
    assert first.amount == Decimal("200.00")

    second = _returned(world, order_id, 1)
    with pytest.raises(PermissionDenied, match=r"makes 400\.00 USD on order #P1, above the "
                                               r"approval limit of 250(\.00)? USD: a manager "
                                               r"must issue it"):
        issue_refund(world, actor=SUPERVISOR, rma=second, outside=True)
    assert issue_refund(world, actor=MANAGER, rma=second, outside=True).amount == Decimal("200")
