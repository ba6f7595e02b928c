"""What a return is worth: item price, its share of tax and discounts, shipping, and a
restocking fee by reason and condition. Pure arithmetic on Decimals, rounded per currency."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

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
    """One received unit and the order line it came from (`line` tells units of different
    lines apart: the units of one line share its rounding)."""

    sku: str
    reason: str
    condition: str
    unit_price: Decimal
    line_quantity: int
    line_tax: Decimal
    line_discount: Decimal
    line: int = 0

    @property
    def net(self) -> Decimal:
        """The unit's exact share of what the line cost after its discount."""
        return self.unit_price - self.line_discount / self.line_quantity


@dataclass(frozen=True)
class Refunded:
    """What the order's earlier refunds gave back: units per order line, shipping, total."""

    units: Mapping[int, int] = field(default_factory=dict)
    shipping: Decimal = Decimal(0)
    total: Decimal = Decimal(0)


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


def _share(whole: Decimal, quantity: int, before: int, now: int) -> Decimal:
    """What `now` more units of a line are worth after `before` were refunded: the rounded
    worth of all of them less the rounded worth of the earlier ones, so that however the
    units come back, a whole line adds up to exactly `whole`."""
    return _money(whole * (before + now) / quantity) - _money(whole * before / quantity)


def _lines(units: list[ReturnedUnit], before: Refunded) -> tuple[Decimal, Decimal]:
    items = tax = Decimal(0)
    for line in {u.line for u in units}:
        group = [u for u in units if u.line == line]
        u, now, earlier = group[0], len(group), before.units.get(line, 0)
        whole = u.unit_price * u.line_quantity - u.line_discount
        items += _share(whole, u.line_quantity, earlier, now)
        tax += _share(u.line_tax, u.line_quantity, earlier, now)
    return items, tax


def _fees(units: list[ReturnedUnit], policy: RefundPolicy) -> tuple[Decimal, list[str]]:
    fee, notes = Decimal(0), []
    for u in units:
        f, why = unit_fee(u, u.net, policy)
        fee += f
        notes.append(f"{u.sku}: {_money(u.net)} + tax {_money(u.line_tax / u.line_quantity)}"
                     + (f" - fee {_money(f)} ({why}, {u.reason}/{u.condition})" if f else ""))
    return fee, notes


def _shipping(units: list[ReturnedUnit], policy: RefundPolicy, left: Decimal,
              everything_returned: bool) -> Decimal:
    seller_fault = any(u.reason in SELLER_FAULT for u in units)
    due = policy.shipping == "always" or (policy.shipping == "seller_fault" and seller_fault
                                          and everything_returned)
    return max(left, Decimal(0)) if due else Decimal(0)


def compute_refund(units: list[ReturnedUnit], *, policy: RefundPolicy,
                   order_shipping: Decimal, everything_returned: bool,
                   before: Refunded = Refunded(), paid: Decimal | None = None
                   ) -> RefundBreakdown:
    """The refund for `units`, given what the order's earlier refunds gave back (`before`):
    shipping goes back at most once, and with `paid` (the order's total) the refunds of the
    order together never exceed it."""
    notes = [f"{u.sku}: not refunded ({u.condition})" for u in units
             if u.condition in NO_REFUND_CONDITIONS]
    refunded = [u for u in units if u.condition not in NO_REFUND_CONDITIONS]
    items, tax = _lines(refunded, before)
    fee, fee_notes = _fees(refunded, policy)
    shipping = _shipping(units, policy, order_shipping - before.shipping, everything_returned)
    if shipping:
        fee_notes.append(f"shipping refunded: {_money(shipping)}")
    fee, shipping = _money(fee), _money(shipping)
    total = max(items + tax + shipping - fee, Decimal(0))
    if paid is not None and total > paid - before.total:
        total = max(_money(paid - before.total), Decimal(0))
        fee_notes.append(f"limited to {total}: the order's refunds may not exceed the "
                         f"{_money(paid)} paid")
    return RefundBreakdown(items, tax, shipping, fee, total, notes + fee_notes)
