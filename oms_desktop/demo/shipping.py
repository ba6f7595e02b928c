"""The demo ships: the manual carrier (own fleet / local courier) set up with two services, and
every shipping method the demo's orders name mapped to one of them, so every demo order can be
labelled, manifested and tracked with no carrier account. Tracking numbers are the manual
carrier's own (LC + a running number), never invented for another carrier."""

from __future__ import annotations

from oms_desktop.demo import data as pool
from oms_desktop.services.shipping.methods import DEFAULT_KEY, key_for

MANUAL = {"services": [{"service": "Courier", "amount": "6.50", "days": 1},
                       {"service": "Economy", "amount": "3.90", "days": 3}],
          "prefix": "LC", "digits": 10, "dpi": 203, "currency": "USD"}
FAST = {"Priority Mail", "Next Day", "Home Delivery", "TA-Q-BIN", "Express"}


def tracking_number(n: int) -> str:
    return f"{MANUAL['prefix']}{n:0{MANUAL['digits']}d}"


def service_for(method: str) -> str:
    return "Courier" if method in FAST else "Economy"


def methods() -> list[str]:
    return sorted({service for options in pool.CARRIERS.values() for _c, service, _t in options})


def settings_rows(now, next_tracking: int) -> list[dict]:
    """The shared settings that make the demo ship (written after the orders, which took
    `next_tracking - 1` numbers of the manual carrier's sequence)."""
    values = {"shipping.carriers": ["manual"], "carrier.manual": MANUAL,
              "sequence.manual.tracking": next_tracking,
              DEFAULT_KEY: {"method": "*", "carrier": "manual", "service": None}}
    for method in methods():
        values[key_for(method)] = {"method": method, "carrier": "manual",
                                   "service": service_for(method)}
    return [dict(key=k, value=v, updated_at=now) for k, v in values.items()]
