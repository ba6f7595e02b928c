"""What a return is worth: item price, its share of tax and discounts, shipping, and a
restocking fee by reason and condition. Pure arithmetic on Decimals, rounded per currency."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Refunds above this (setting `returns.approval_limit`) need a manager.
DEFAULT_APPROVAL_LIMIT = Decimal("250.00")
SELLER_FAULT = frozenset({"defective", "wrong_item_sent", "damaged_in_transit", "not_as_described"})
NO_REFUND_CONDITIONS = frozenset({"wrong_item"})  # the customer sent back something else


@dataclass(frozen=True)
class FeeRule:
    """A restocking fee for units matching reason and/or condition (None = any):
    `percent` of the unit's net price, or `fixed` per unit."""

    reason: str | None = None
    condition: str | None = None
    percent: Decimal = Decimal(0)
    fixed: Decimal = Decimal(0)

    def matches(self, reason: str, condition: str) -> bool:
        return self.reason in (None, reason) and self.condition in (None, condition)


@dataclass(frozen=True)
class RefundPolicy:
    fees: tuple[FeeRule, ...] = (
        FeeRule(reason="changed_mind", condition="damaged", percent=Decimal(25)),
        FeeRule(reason="changed_mind", condition="open_box", percent=Decimal(15)),
        FeeRule(reason="changed_mind", condition="defective", percent=Decimal(25)),
    )
    # "seller_fault": shipping back only when we were at fault; "always"; "never"
    shipping: str = "seller_fault"

    @classmethod
    def from_settings(cls, value: dict | None) -> "RefundPolicy":
        if not value:
            return cls()
        fees = tuple(FeeRule(f.get("reason"), f.get("condition"), Decimal(str(f.get("percent", 0))),
                             Decimal(str(f.get("fixed", 0)))) for f in value.get("fees", []))
        return cls(fees=fees, shipping=value.get("shipping", "seller_fault"))


@dataclass(frozen=True)
class ReturnedUnit:
    """One received unit and the order line it came from."""

    sku: str
    reason: str
    condition: str
    unit_price: Decimal
    line_quantity: int
    line_tax: Decimal
    line_discount: Decimal


@dataclass(frozen=True)
class RefundBreakdown:
    items: Decimal
    tax: Decimal
    shipping: Decimal
    fee: Decimal
    total: Decimal
    explanation: list[str] = field(default_factory=list)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_fee(unit: ReturnedUnit, net: Decimal, policy: RefundPolicy) -> tuple[Decimal, str]:
    for rule in policy.fees:
        if rule.matches(unit.reason, unit.condition):
            fee = net * rule.percent / 100 + rule.fixed
            return min(fee, net), f"{rule.percent}% + {rule.fixed}" if rule.fixed else f"{rule.percent}%"
    return Decimal(0), ""


def compute_refund(units: list[ReturnedUnit], *, policy: RefundPolicy,
                   order_shipping: Decimal, everything_returned: bool) -> RefundBreakdown:
    items = tax = fee = Decimal(0)
    notes: list[str] = []
    for u in units:
        if u.condition in NO_REFUND_CONDITIONS:
            notes.append(f"{u.sku}: not refunded ({u.condition})")
            continue
        share = Decimal(1) / u.line_quantity
        net = u.unit_price - u.line_discount * share
        unit_tax = u.line_tax * share
        f, why = unit_fee(u, net, policy)
        items, tax, fee = items + net, tax + unit_tax, fee + f
        notes.append(f"{u.sku}: {_money(net)} + tax {_money(unit_tax)}"
                     + (f" - fee {_money(f)} ({why}, {u.reason}/{u.condition})" if f else ""))
    shipping = Decimal(0)
    seller_fault = any(u.reason in SELLER_FAULT for u in units)
    if policy.shipping == "always" or (policy.shipping == "seller_fault" and seller_fault
                                       and everything_returned):
        shipping = order_shipping
        notes.append(f"shipping refunded: {_money(shipping)}")
    items, tax, fee, shipping = map(_money, (items, tax, fee, shipping))
    return RefundBreakdown(items, tax, shipping, fee, items + tax + shipping - fee, notes)
