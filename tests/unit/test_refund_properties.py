"""Refund arithmetic over any sequence of partial returns: random orders, random splits into
RMAs, reasons, conditions and shipping policies never give back more than was paid, and a
fully returned order without fees gets back exactly what was paid."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from oms_desktop.policies.refunds import (
    NO_REFUND_CONDITIONS, SELLER_FAULT, FeeRule, RefundPolicy, Refunded, ReturnedUnit,
    compute_refund,
)

REASONS = ["changed_mind", "defective", "too_small", "damaged_in_transit"]
CONDITIONS = ["resellable", "open_box", "damaged", "defective", "wrong_item"]
def money(most: int):
    return st.integers(min_value=0, max_value=most).map(lambda c: Decimal(c) / 100)


cents = money(50_000)


@st.composite
def orders(draw):
    """(lines as (quantity, unit price, discount, tax), shipping)."""
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        qty, price = draw(st.integers(1, 5)), draw(cents)
        discount = draw(st.integers(0, int(price * qty * 100))) / Decimal(100)
        lines.append((qty, price, discount, draw(money(5_000))))
    return lines, draw(money(3_000))


@st.composite
def returns(draw, lines):
    """Some or all units, shuffled and cut into RMAs, each unit with reason and condition."""
    units = draw(st.permutations([n for n, (qty, *_) in enumerate(lines) for _ in range(qty)]))
    units = units[:draw(st.integers(1, len(units)))]
    cuts = sorted(draw(st.sets(st.integers(1, max(len(units) - 1, 1)), max_size=3)))
    bounds = [0, *[c for c in cuts if c < len(units)], len(units)]
    conditions = st.sampled_from(["resellable"] * 8 + CONDITIONS)  # mostly refundable
    return [[(u, draw(st.sampled_from(REASONS)), draw(conditions))
             for u in units[a:b]] for a, b in zip(bounds, bounds[1:]) if b > a]


def _refund_all(lines, shipping, rmas, policy):
    paid = sum(p * q - d + t for q, p, d, t in lines) + shipping
    before, returned, total_units = Refunded(), 0, sum(q for q, *_ in lines)
    amounts = []
    for rma in rmas:
        units = [ReturnedUnit("SKU", reason, condition, lines[n][1], lines[n][0], lines[n][3],
                              lines[n][2], n) for n, reason, condition in rma]
        returned += len(units)
        b = compute_refund(units, policy=policy, order_shipping=shipping, before=before,
                           everything_returned=returned == total_units, paid=paid)
        counted = dict(before.units)
        for u in units:
            if u.condition not in NO_REFUND_CONDITIONS:
                counted[u.line] = counted.get(u.line, 0) + 1
        before = Refunded(counted, before.shipping + b.shipping, before.total + b.total)
        amounts.append(b)
    return paid, amounts


@settings(max_examples=400, deadline=None)
@given(data=st.data(), order=orders(), shipping_policy=st.sampled_from(
    ["always", "never", "seller_fault"]), with_fees=st.booleans())
def test_refunds_never_give_back_more_than_was_paid(data, order, shipping_policy, with_fees):
    lines, shipping = order
    policy = RefundPolicy(shipping=shipping_policy) if with_fees else \
        RefundPolicy(fees=(), shipping=shipping_policy)
    paid, refunds = _refund_all(lines, shipping, data.draw(returns(lines)), policy)
    assert all(r.total >= 0 for r in refunds)
    assert sum(r.total for r in refunds) <= paid
    assert sum(r.shipping for r in refunds) <= shipping


@settings(max_examples=400, deadline=None)
@given(data=st.data(), order=orders(), shipping_policy=st.sampled_from(
    ["always", "never", "seller_fault"]))
def test_a_fully_returned_order_gets_back_exactly_what_was_paid(data, order, shipping_policy):
    lines, shipping = order
    rmas = data.draw(returns(lines).filter(
        lambda r: sum(len(x) for x in r) == sum(q for q, *_ in lines)))
    rmas = [[(n, reason, "resellable") for n, reason, _ in rma] for rma in rmas]
    paid, refunds = _refund_all(lines, shipping, rmas, RefundPolicy(fees=(),
                                                                     shipping=shipping_policy))
    last_at_fault = any(reason in SELLER_FAULT for _, reason, _ in rmas[-1])
    shipping_back = shipping_policy == "always" or (shipping_policy == "seller_fault"
                                                    and last_at_fault)
    assert sum(r.total for r in refunds) == paid - (0 if shipping_back else shipping)


def test_a_fixed_fee_larger_than_the_remainder_never_makes_a_refund_negative():
    unit = ReturnedUnit("SKU", "changed_mind", "damaged", Decimal("0.01"), 3, Decimal(0),
                        Decimal(0), 1)
    policy = RefundPolicy(fees=(FeeRule(condition="damaged", fixed=Decimal("5")),))
    b = compute_refund([unit], policy=policy, order_shipping=Decimal(0),
                       everything_returned=False, before=Refunded({1: 1}), paid=Decimal("0.03"))
    assert b.total == Decimal(0)
