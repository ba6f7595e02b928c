"""Rate shopping: the cheapest rate that meets the order's promised delivery date and its
requested service level, within what an automation rule forced (carrier and/or service).
Pure: rates and the requirement in, a RateChoice out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# Requested service levels as most transit days (None: any).
SERVICE_LEVELS: dict[str, int | None] = {
    "overnight": 1, "next_day": 1, "express": 2, "two_day": 2, "2day": 2, "expedited": 3,
    "priority": 3, "standard": 5, "ground": 7, "economy": None,
}


@dataclass(frozen=True)
class RateOption:
    carrier: str
    service: str
    amount: Decimal
    currency: str
    estimated_days: int | None
    rate_id: str


@dataclass(frozen=True)
class Requirement:
    ship_day: date
    deliver_by: date | None = None
    ship_by: date | None = None
    service_level: str | None = None
    carrier: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class Verdict:
    option: RateOption
    meets: bool
    why_not: str | None
    arrives: date | None


@dataclass(frozen=True)
class RateChoice:
    chosen: RateOption | None
    verdicts: tuple[Verdict, ...]  # every rate, cheapest first, with why it was left out
    late_shipping: bool  # the ship day is after the order's ship-by date
    reason: str


def arrival(ship_day: date, days: int | None) -> date | None:
    """Transit counted in business days (no pick-ups or deliveries at the weekend)."""
    if days is None:
        return None
    day, left = ship_day, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _level_key(level: str) -> str:
    return level.lower().replace(" ", "_").replace("-", "_")


def why_not(option: RateOption, req: Requirement, arrives: date | None) -> str | None:
    """None when the rate qualifies, else the first reason it does not."""
    if req.carrier and option.carrier != req.carrier:
        return f"carrier forced to {req.carrier}"
    if req.service and req.service.lower() not in option.service.lower():
        return f"service forced to {req.service}"
    # A channel's own method name ("Flat rate", "Priority Mail") is no service level: the
    # shipping-method map (services/shipping/methods.py) turns it into a carrier and service.
    level = _level_key(req.service_level) if req.service_level else None
    most = SERVICE_LEVELS.get(level) if level else None
    if most is not None and (option.estimated_days is None or option.estimated_days > most):
        return f"slower than {req.service_level} ({most} days)"
    if req.deliver_by and (arrives is None or arrives > req.deliver_by):
        return f"arrives {arrives or 'unknown'}, promised by {req.deliver_by}"
    return None


def choose(rates: list[RateOption], req: Requirement) -> RateChoice:
    ordered = sorted(rates, key=lambda r: (r.amount, r.estimated_days or 99, r.carrier,
                                           r.service))
    verdicts = []
    for option in ordered:
        arrives = arrival(req.ship_day, option.estimated_days)
        reason = why_not(option, req, arrives)
        verdicts.append(Verdict(option, reason is None, reason, arrives))
    chosen = next((v.option for v in verdicts if v.meets), None)
    late = bool(req.ship_by and req.ship_day > req.ship_by)
    if chosen is not None:
        text = f"cheapest of {sum(v.meets for v in verdicts)} qualifying rates"
    elif not verdicts:
        text = "no rates offered"
    else:
        text = "no rate meets the requirements: " + verdicts[0].why_not
    return RateChoice(chosen, tuple(verdicts), late, text)
