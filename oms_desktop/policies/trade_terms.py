"""Business terms as pure decisions: payment terms ("net 30", "2/10 net 30"), which price a
customer pays for a quantity on a day, what a payment settles, and invoice aging."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from oms_desktop.errors import ValidationError

CENT = Decimal("0.01")
_TERMS = re.compile(r"^(?:(\d+(?:\.\d+)?)/(\d+)\s+)?net\s+(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Terms:
    net_days: int
    discount_percent: Decimal = Decimal(0)
    discount_days: int = 0

    @property
    def text(self) -> str:
        early = f"{self.discount_percent.normalize()}/{self.discount_days} " \
            if self.discount_percent else ""
        return f"{early}net {self.net_days}"

    def due(self, issued: date) -> date:
        return issued + timedelta(days=self.net_days)

    def discount_until(self, issued: date) -> date | None:
        return issued + timedelta(days=self.discount_days) if self.discount_percent else None


def parse_terms(text: str) -> Terms:
    """"net 30" or "2/10 net 30" (2 % off when paid within 10 days, else due in 30)."""
    m = _TERMS.match(text.strip())
    if not m:
        raise ValueError(f"payment terms {text!r} are not like 'net 30' or '2/10 net 30'")
    percent, early, net = m.groups()
    terms = Terms(int(net), Decimal(percent or 0), int(early or 0))
    if terms.discount_percent >= 100 or terms.discount_days > terms.net_days \
            or terms.net_days > 365:
        raise ValueError(f"payment terms {text!r} make no sense")
    return terms


@dataclass(frozen=True)
class PriceRow:
    unit_price: Decimal
    min_qty: int = 1
    valid_from: date | None = None
    valid_to: date | None = None
    for_customer: bool = False  # else for the customer's price group


def choose_price(rows: list[PriceRow], quantity: int, on: date,
                 list_price: Decimal) -> tuple[Decimal, str]:
    """The customer's own price before the group's, the highest quantity break reached,
    only rows valid on the day; the catalogue price when none applies. Returns (price, why)."""
    valid = [r for r in rows if r.min_qty <= quantity
             and (r.valid_from is None or r.valid_from <= on)
             and (r.valid_to is None or on <= r.valid_to)]
    if not valid:
        return list_price, "list price"
    best = max(valid, key=lambda r: (r.for_customer, r.min_qty, -r.unit_price))
    whose = "customer" if best.for_customer else "group"
    return best.unit_price, f"{whose} price from {best.min_qty}"


def discount_allowed(total: Decimal, percent: Decimal, until: date | None,
                     paid_on: date) -> Decimal:
    """The early-payment discount a payment received on `paid_on` may take."""
    if not percent or until is None or paid_on > until:
        return Decimal(0)
    return (total * percent / 100).quantize(CENT, ROUND_HALF_UP)


AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def aging_bucket(due: date, today: date) -> str:
    late = (today - due).days
    if late <= 0:
        return "current"
    if late <= 30:
        return "1-30"
    if late <= 60:
        return "31-60"
    return "61-90" if late <= 90 else "90+"


def money_above_zero(value) -> Decimal:
    """A payment's or a fee's amount as typed: a number of whole cents above zero."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(f"{value!r} is not an amount of money above zero")
    return amount
