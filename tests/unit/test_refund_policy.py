from decimal import Decimal

from oms_desktop.policies.refunds import FeeRule, RefundPolicy, ReturnedUnit, compute_refund


def unit(reason="changed_mind", condition="resellable", price="20.00", qty=1, tax="2.00",
         discount="0.00"):
    return ReturnedUnit("SKU", reason, condition, Decimal(price), qty, Decimal(tax),
                        Decimal(discount))


def test_a_resellable_unit_is_refunded_with_its_tax_and_no_fee():
    b = compute_refund([unit()], policy=RefundPolicy(), order_shipping=Decimal("5"),
                       everything_returned=True)
    assert (b.items, b.tax, b.fee, b.shipping, b.total) == (
        Decimal("20.00"), Decimal("2.00"), Decimal("0.00"), Decimal("0.00"), Decimal("22.00"))


def test_discount_and_tax_are_shared_across_the_units_of_a_line():
    b = compute_refund([unit(qty=3, tax="6.00", discount="3.00")], policy=RefundPolicy(),
                       order_shipping=Decimal(0), everything_returned=False)
    assert (b.items, b.tax) == (Decimal("19.00"), Decimal("2.00"))


def test_open_box_change_of_mind_pays_the_restocking_fee():
    b = compute_refund([unit(condition="open_box")], policy=RefundPolicy(),
                       order_shipping=Decimal(0), everything_returned=False)
    assert b.fee == Decimal("3.00") and b.total == Decimal("19.00")


def test_shipping_is_refunded_only_when_we_were_at_fault_and_all_came_back():
    faulty = [unit(reason="defective", condition="defective")]
    assert compute_refund(faulty, policy=RefundPolicy(), order_shipping=Decimal("7.5"),
                          everything_returned=True).shipping == Decimal("7.50")
    assert compute_refund(faulty, policy=RefundPolicy(), order_shipping=Decimal("7.5"),
                          everything_returned=False).shipping == Decimal("0.00")
    assert compute_refund([unit()], policy=RefundPolicy(), order_shipping=Decimal("7.5"),
                          everything_returned=True).shipping == Decimal("0.00")


def test_a_wrong_item_sent_back_is_not_refunded():
    b = compute_refund([unit(condition="wrong_item")], policy=RefundPolicy(),
                       order_shipping=Decimal(0), everything_returned=False)
    assert b.total == Decimal("0.00") and "not refunded" in b.explanation[0]


def test_a_fixed_fee_never_exceeds_the_unit_price():
    policy = RefundPolicy(fees=(FeeRule(condition="damaged", fixed=Decimal("50")),))
    b = compute_refund([unit(condition="damaged")], policy=policy, order_shipping=Decimal(0),
                       everything_returned=False)
    assert b.fee == Decimal("20.00") and b.total == Decimal("2.00")


def test_policy_from_settings():
    policy = RefundPolicy.from_settings(
        {"fees": [{"reason": "too_small", "percent": 10}], "shipping": "always"})
    b = compute_refund([unit(reason="too_small")], policy=policy, order_shipping=Decimal("4"),
                       everything_returned=False)
    assert (b.fee, b.shipping) == (Decimal("2.00"), Decimal("4.00"))
