"""Fraud screening: an explainable score, the sum of the weights of the signals that fire.

Weights, the threshold and the limits are settings (`fraud.weights`, `fraud.threshold`, …);
`screen(facts, config)` returns the score and every signal with why it fired."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

DEFAULT_WEIGHTS = {
    "country_mismatch": 20,
    "first_order_high_value": 25,
    "address_many_names": 25,
    "above_history": 20,
    "risky_email": 15,
    "expedited_first_order": 20,
    "channel_risk_medium": 20,
    "channel_risk_high": 60,
}
DISPOSABLE_DOMAINS = frozenset({
    "mailinator.com", "guerrillamail.com", "10minutemail.com", "tempmail.com", "temp-mail.org",
    "yopmail.com", "trashmail.com", "sharklasers.com", "getnada.com", "dispostable.com",
    "throwawaymail.com", "maildrop.cc", "fakeinbox.com",
})
EXPEDITED = ("express", "overnight", "next_day", "nextday", "priority", "2day", "second_day")


@dataclass(frozen=True)
class FraudConfig:
    threshold: int = 60
    weights: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    high_value: Decimal = Decimal(500)
    history_factor: Decimal = Decimal(3)
    names_per_address: int = 3

    @classmethod
    def from_settings(cls, values: dict) -> "FraudConfig":
        """From a dict of settings keys without the "fraud." prefix; absent keys keep defaults."""
        weights = dict(DEFAULT_WEIGHTS) | dict(values.get("weights") or {})
        return cls(threshold=int(values.get("threshold", 60)), weights=weights,
                   high_value=Decimal(str(values.get("high_value", 500))),
                   history_factor=Decimal(str(values.get("history_factor", 3))),
                   names_per_address=int(values.get("names_per_address", 3)))


@dataclass(frozen=True)
class FraudFacts:
    total: Decimal
    ship_country: str | None
    billing_country: str | None
    email: str | None
    service: str | None
    risk_level: str | None = None  # as the channel sends it: low / medium / high
    previous_orders: int = 0  # the customer's earlier orders
    previous_average: Decimal | None = None
    names_at_address: int = 1  # distinct recipient names at this address, this order included


@dataclass(frozen=True)
class Signal:
    name: str
    weight: int
    why: str


@dataclass(frozen=True)
class Screening:
    score: int
    threshold: int
    signals: tuple[Signal, ...]

    @property
    def needs_review(self) -> bool:
        return self.score >= self.threshold

    def explain(self) -> str:
        listed = "; ".join(f"{s.why} (+{s.weight})" for s in self.signals)
        return f"Fraud score {self.score}/{self.threshold}: {listed or 'no signal'}"


def screen(facts: FraudFacts, config: FraudConfig) -> Screening:
    fired = [s for s in (_fire(config, name, why) for name, why in _signals(facts, config)) if s]
    return Screening(sum(s.weight for s in fired), config.threshold, tuple(fired))


def _fire(config: FraudConfig, name: str, why: str | None) -> Signal | None:
    weight = config.weights.get(name, 0)
    return Signal(name, weight, why) if why and weight else None


def _signals(f: FraudFacts, c: FraudConfig):
    first_and_big = f.previous_orders == 0 and f.total >= c.high_value
    yield "country_mismatch", _country_mismatch(f)
    yield "first_order_high_value", (
        f"first order of {f.total} (high value from {c.high_value})" if first_and_big else None)
    yield "address_many_names", (
        f"{f.names_at_address} different names ship to this address"
        if f.names_at_address >= c.names_per_address else None)
    yield "above_history", _above_history(f, c)
    yield "risky_email", risky_email(f.email)
    yield "expedited_first_order", (
        f"expedited service {f.service} on a high-value first order"
        if first_and_big and is_expedited(f.service) else None)
    level = (f.risk_level or "").lower()
    yield "channel_risk_medium", "channel says risk medium" if level == "medium" else None
    yield "channel_risk_high", "channel says risk high" if level in ("high", "elevated") else None


def _country_mismatch(f: FraudFacts) -> str | None:
    if f.billing_country and f.ship_country and f.billing_country != f.ship_country:
        return f"billing country {f.billing_country} differs from shipping {f.ship_country}"
    return None


def _above_history(f: FraudFacts, c: FraudConfig) -> str | None:
    if f.previous_orders and f.previous_average and \
            f.total > f.previous_average * c.history_factor:
        return (f"value {f.total} is over {c.history_factor}x the customer's average"
                f" {f.previous_average.quantize(Decimal('0.01'))}")
    return None


def is_expedited(service: str | None) -> bool:
    text = (service or "").lower()
    return any(word in text for word in EXPEDITED)


def risky_email(email: str | None) -> str | None:
    """Why an address looks throw-away, or None."""
    if not email:
        return None  # marketplaces often hide the buyer's address: not a signal
    if "@" not in email:
        return f"malformed e-mail {email!r}"
    local, domain = email.lower().rsplit("@", 1)
    if domain in DISPOSABLE_DOMAINS:
        return f"disposable e-mail domain {domain}"
    if len(re.findall(r"\d", local)) >= 5:
        return f"e-mail {email} has many digits"
    if len(local) >= 10 and not re.search(r"[aeiou]", local.replace("y", "")):
        return f"e-mail {email} looks random"
    return None
