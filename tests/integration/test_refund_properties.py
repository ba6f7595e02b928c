"""The same money properties through the services on a real database: random orders
returned in random RMAs, received, inspected and refunded one after another."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms_desktop.model import Actor, Order, Refund, Role
from oms_desktop.services import settings as shared
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.refunds import issue_refund
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from tests.factories import small_world
from tests.returns_fixtures import priced_order

MANAGER = Actor("max", Role.manager, station="RETURNS-1")
GRADES = [("resellable", "restock"), ("resellable", "restock"), ("open_box", "restock"),
          ("damaged", "quarantine"), ("wrong_item", "quarantine")]
cents = st.integers(0, 20_000).map(lambda c: f"{Decimal(c) / 100:.2f}")


@st.composite
def returned_orders(draw):
    lines = []
    for sku in draw(st.sampled_from([["SKU-1"], ["SKU-2"], ["SKU-1", "SKU-2"]])):
        qty, price = draw(st.integers(1, 4)), draw(st.integers(0, 20_000))
        discount = draw(st.integers(0, price * qty))
        lines.append((sku, qty, f"{price / 100:.2f}", f"{discount / 100:.2f}",
                      draw(cents)))
    units = draw(st.permutations([sku for sku, qty, *_ in lines for _ in range(qty)]))
    units = units[:draw(st.integers(1, len(units)))]
    size = draw(st.integers(1, len(units)))
    rmas = [units[i:i + size] for i in range(0, len(units), size)]
    grades = [[draw(st.sampled_from(GRADES)) for _ in rma] for rma in rmas]
    return lines, draw(cents), rmas, grades, draw(st.sampled_from(
        ["always", "never", "seller_fault"])), draw(st.sampled_from(["defective", "too_small"]))


def _return(db, order_id: int, skus: list[str], grades, reason: str) -> str:
    wanted = {sku: skus.count(sku) for sku in skus}
    rma = create_rma(db, actor=MANAGER, order=order_id, lines=[
        RequestedLine(sku, qty, reason) for sku, qty in wanted.items()]).rma_number
    for sku, (condition, disposition) in zip(skus, grades):
        receive_unit(db, actor=MANAGER, rma=rma, code=sku, condition=condition,
                     disposition=disposition, location="WH1-A-02")
    finish_intake(db, actor=MANAGER, rma=rma)
    return rma


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=returned_orders())
def test_refunds_through_the_services_stay_within_what_was_paid(db, case):
    lines, shipping, rmas, grades, policy, reason = case
    _world(db)
    with db.uow() as uow:
        shared.put(uow.session, "returns.refund_policy", {"shipping": policy, "fees": []})
        uow.commit()
    order_id = priced_order(db, lines, shipping=shipping)
    for skus, unit_grades in zip(rmas, grades):
        issue_refund(db, actor=MANAGER, rma=_return(db, order_id, skus, unit_grades, reason),
                     outside=True)
    with db.uow(readonly=True) as uow:
        order = uow.session.get(Order, order_id)
        refunded = uow.session.scalar(sa.select(sa.func.sum(Refund.amount))
                                      .where(Refund.order_id == order_id))
        assert refunded == order.refunded_total <= order.total
        everything = sum(len(r) for r in rmas) == sum(q for _, q, *_ in lines)
        clean = all(c == "resellable" for g in grades for c, _ in g)
        if everything and clean and policy == "always":
            assert refunded == order.total


def _world(db) -> None:
    """The small world once per database (hypothesis runs many examples on one)."""
    with db.uow(readonly=True) as uow:
        built = uow.session.scalar(sa.text("SELECT count(*) FROM products"))
    if not built:
        small_world(db)
