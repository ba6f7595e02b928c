"""Order verification: independent checks over plain data, each saying pass, hold or reject
with a reason (a HoldReason value) and a message a person can act on.

`run_checks(order, context, rules)` runs them all; `decide(outcomes)` sums them up. Nothing here
touches the database: services gather the facts and apply the decision."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

PASS, HOLD, REJECT = "pass", "hold", "reject"

# The hold reasons verification places itself, and may therefore release again.
OWNED_REASONS = frozenset({"payment_pending", "address_invalid", "credit_limit", "out_of_stock",
                           "duplicate", "shipping_restricted"})


@dataclass(frozen=True)
class Outcome:
    check: str
    verdict: str
    reason: str | None = None
    message: str = ""


def passed(check: str, message: str = "") -> Outcome:
    return Outcome(check, PASS, None, message)


def hold(check: str, reason: str, message: str) -> Outcome:
    return Outcome(check, HOLD, reason, message)


def reject(check: str, reason: str, message: str) -> Outcome:
    return Outcome(check, REJECT, reason, message)


@dataclass(frozen=True)
class LineFacts:
    sku: str
    quantity: int
    product_id: int | None
    hazmat: bool = False
    oversize: bool = False
    components: tuple[tuple[int, int], ...] = ()  # a kit: (component product id, per kit)

    def needs(self) -> list[tuple[int, int]]:
        """(product id, units) this line takes from stock, kits through their components."""
        if self.components:
            return [(pid, per * self.quantity) for pid, per in self.components]
        return [(self.product_id, self.quantity)] if self.product_id is not None else []


@dataclass(frozen=True)
class Address:
    name: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class OrderFacts:
    id: int
    number: str
    channel_id: int
    address: Address
    lines: tuple[LineFacts, ...]
    placed_at: datetime
    total: Decimal = Decimal(0)
    financial_status: str = "paid"
    customer_id: int | None = None
    email: str | None = None
    business_on_terms: bool = False
    credit_limit: Decimal | None = None
    open_balance: Decimal = Decimal(0)
    service: str | None = None
    ships_available: bool = False  # a rule split off the backordered lines (policies.rules)

    @property
    def customer_key(self) -> str | None:
        if self.customer_id is not None:
            return f"c{self.customer_id}"
        return f"e{self.email.strip().lower()}" if self.email else None

    @property
    def items(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted((line.sku, line.quantity) for line in self.lines))


@dataclass(frozen=True)
class OtherOrder:
    """Another live order, as the duplicate check sees it."""

    id: int
    number: str
    channel_id: int
    customer_key: str | None
    items: tuple[tuple[str, int], ...]
    placed_at: datetime


@dataclass(frozen=True)
class ShippingRules:
    """What the business ships (from settings). Services match by substring, lower case."""

    allowed_countries: frozenset[str] | None = None
    blocked_countries: frozenset[str] = frozenset()
    blocked_services: tuple[str, ...] = ()
    po_box_refusing: tuple[str, ...] = ("ups", "fedex", "dhl")
    hazmat_refusing: tuple[str, ...] = ("air", "express", "overnight", "next_day", "nextday",
                                        "2day", "second_day", "international")
    oversize_refusing: tuple[str, ...] = ("letter", "envelope", "first_class", "flat")
    allow_backorders: bool = True
    duplicate_minutes: int = 10


@dataclass(frozen=True)
class Context:
    available: dict[int, int] = field(default_factory=dict)  # product id -> units, all sites
    others: tuple[OtherOrder, ...] = ()
    skip: frozenset[str] = frozenset()  # checks a manager has overridden on this order


# -- availability ----------------------------------------------------------------------------
def check_availability(order: OrderFacts, available: dict[int, int], *,
                       allow_backorders: bool) -> Outcome:
    unknown = [line.sku for line in order.lines if line.product_id is None]
    if unknown:
        return hold("availability", "out_of_stock", f"Unknown SKU {', '.join(unknown)}")
    short = _shortages(order, available)
    if not short:
        return passed("availability", "Every line is in stock")
    text = "Short: " + ", ".join(f"{sku} needs {need}, {have} available"
                                 for sku, need, have in short)
    if allow_backorders or order.ships_available:
        return passed("availability", text + " (will be backordered)")
    return hold("availability", "out_of_stock", text)


def _shortages(order: OrderFacts, available: dict[int, int]) -> list[tuple[str, int, int]]:
    wanted: dict[int, int] = {}
    for line in order.lines:
        for pid, units in line.needs():
            wanted[pid] = wanted.get(pid, 0) + units
    short_ids = {pid for pid, units in wanted.items() if available.get(pid, 0) < units}
    return [(line.sku, line.quantity, _line_capacity(line, available)) for line in order.lines
            if any(pid in short_ids for pid, _ in line.needs())]


def _line_capacity(line: LineFacts, available: dict[int, int]) -> int:
    if not line.components:
        return available.get(line.product_id, 0)
    return min(available.get(pid, 0) // per for pid, per in line.components)


# -- payment ---------------------------------------------------------------------------------
def check_payment(order: OrderFacts) -> Outcome:
    status = order.financial_status
    if status == "refunded":
        return reject("payment", "payment_pending", "The order was refunded by the channel")
    if order.business_on_terms:
        return _check_credit(order)
    if status in ("paid", "authorized", "partially_refunded"):
        return passed("payment", f"Payment {status}")
    return hold("payment", "payment_pending", f"Payment is {status}")


def _check_credit(order: OrderFacts) -> Outcome:
    if order.credit_limit is None:
        return passed("payment", "Business customer on terms, no credit limit")
    exposure = order.open_balance + order.total
    if exposure <= order.credit_limit:
        return passed("payment", f"On terms: open {order.open_balance} + this {order.total}"
                                 f" within limit {order.credit_limit}")
    return hold("payment", "credit_limit",
                f"Credit limit {order.credit_limit} exceeded: open {order.open_balance}"
                f" + this order {order.total} = {exposure}")


# -- shipping feasibility --------------------------------------------------------------------
POSTAL_FORMATS = {
    "US": r"\d{5}(-\d{4})?", "CA": r"[ABCEGHJ-NPRSTVXY]\d[A-Z] ?\d[A-Z]\d",
    "GB": r"(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})", "DE": r"\d{5}", "FR": r"\d{5}",
    "IN": r"[1-9]\d{2} ?\d{3}", "JP": r"\d{3}-?\d{4}", "AU": r"\d{4}",
    "NL": r"[1-9]\d{3} ?[A-Z]{2}", "IT": r"\d{5}", "ES": r"\d{5}", "BE": r"\d{4}",
    "AT": r"\d{4}", "CH": r"\d{4}", "DK": r"\d{4}", "NO": r"\d{4}", "SE": r"\d{3} ?\d{2}",
    "PL": r"\d{2}-\d{3}", "BR": r"\d{5}-?\d{3}", "MX": r"\d{5}", "NZ": r"\d{4}",
    "PT": r"\d{4}-\d{3}", "FI": r"\d{5}", "CZ": r"\d{3} ?\d{2}",
}
REGION_REQUIRED = frozenset({"US", "CA", "AU", "IN", "BR", "MX"})
PO_BOX = re.compile(r"\b(p\.? ?o\.? ?box|post office box|postfach|bo[iî]te postale|"
                    r"apartado de correos|gpo box|locked bag)\b", re.IGNORECASE)


def check_address(order: OrderFacts, rules: ShippingRules) -> Outcome:
    problems = _missing_fields(order.address) + _postal_problems(order.address)
    problems += _po_box_problems(order, rules)
    if problems:
        return hold("address", "address_invalid", "; ".join(problems))
    return passed("address", "Address complete")


def _missing_fields(a: Address) -> list[str]:
    wanted = {"name": a.name, "street": a.line1, "city": a.city, "country": a.country}
    if a.country in POSTAL_FORMATS:
        wanted["postal code"] = a.postal_code
    if a.country in REGION_REQUIRED:
        wanted["state/province"] = a.region
    return [f"{label} missing" for label, value in wanted.items() if not (value or "").strip()]


def _postal_problems(a: Address) -> list[str]:
    pattern = POSTAL_FORMATS.get(a.country or "")
    code = (a.postal_code or "").strip().upper()
    if pattern and code and not re.fullmatch(pattern, code):
        return [f"postal code {a.postal_code!r} is not a valid {a.country} postal code"]
    return []


def _po_box_problems(order: OrderFacts, rules: ShippingRules) -> list[str]:
    street = " ".join(filter(None, (order.address.line1, order.address.line2)))
    if PO_BOX.search(street) and _matches(order.service, rules.po_box_refusing):
        return [f"{order.service} does not deliver to PO boxes"]
    return []


def _matches(service: str | None, patterns: tuple[str, ...]) -> bool:
    text = (service or "").lower()
    return bool(text) and any(p.lower() in text for p in patterns)


def check_destination(order: OrderFacts, rules: ShippingRules) -> Outcome:
    country = (order.address.country or "").upper()
    if country in rules.blocked_countries or (
            rules.allowed_countries is not None and country and
            country not in rules.allowed_countries):
        return reject("destination", "shipping_restricted", f"We do not ship to {country}")
    if _matches(order.service, rules.blocked_services):
        return hold("destination", "shipping_restricted",
                    f"Service {order.service} is not offered")
    return passed("destination", f"Ships to {country or '?'}")


def check_products(order: OrderFacts, rules: ShippingRules) -> Outcome:
    problems = [f"{line.sku} is hazardous: {order.service} cannot carry it"
                for line in order.lines if line.hazmat and
                _matches(order.service, rules.hazmat_refusing)]
    problems += [f"{line.sku} is oversize: {order.service} cannot carry it"
                 for line in order.lines if line.oversize and
                 _matches(order.service, rules.oversize_refusing)]
    if problems:
        return hold("products", "shipping_restricted", "; ".join(problems))
    return passed("products", "Products fit the service")


# -- duplicates ------------------------------------------------------------------------------
def check_duplicates(order: OrderFacts, others: tuple[OtherOrder, ...], *,
                     minutes: int) -> Outcome:
    for other in others:
        if other.id != order.id and other.channel_id == order.channel_id \
                and other.number == order.number and other.id < order.id:
            return reject("duplicates", "duplicate",
                          f"Channel order {order.number} was imported before as order {other.id}")
    window = timedelta(minutes=minutes)
    for other in others:
        if other.id != order.id and order.customer_key and \
                other.customer_key == order.customer_key and other.items == order.items and \
                abs(other.placed_at - order.placed_at) <= window:
            return hold("duplicates", "duplicate",
                        f"Same customer and items as order {other.number} within {minutes} min")
    return passed("duplicates", "No duplicate")


# -- all together ----------------------------------------------------------------------------
def run_checks(order: OrderFacts, context: Context, rules: ShippingRules) -> list[Outcome]:
    checks = {
        "availability": lambda: check_availability(order, context.available,
                                                   allow_backorders=rules.allow_backorders),
        "payment": lambda: check_payment(order),
        "address": lambda: check_address(order, rules),
        "destination": lambda: check_destination(order, rules),
        "products": lambda: check_products(order, rules),
        "duplicates": lambda: check_duplicates(order, context.others,
                                               minutes=rules.duplicate_minutes),
    }
    return [run() if name not in context.skip else passed(name, "Overridden by a manager")
            for name, run in checks.items()]


@dataclass(frozen=True)
class Decision:
    verdict: str
    holds: tuple[Outcome, ...]
    rejects: tuple[Outcome, ...]

    @property
    def hold_reasons(self) -> set[str]:
        return {o.reason for o in self.holds}


def decide(outcomes: list[Outcome]) -> Decision:
    holds = tuple(o for o in outcomes if o.verdict == HOLD)
    rejects = tuple(o for o in outcomes if o.verdict == REJECT)
    verdict = REJECT if rejects else HOLD if holds else PASS
    return Decision(verdict, holds, rejects)
