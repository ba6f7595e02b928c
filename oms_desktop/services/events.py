"""Domain events inside a unit of work: the pipeline publishes what happened ("order.imported",
"order.changed", "stock.changed", "shipment.packed", "shipment.shipped", …) and subscribers
(automation rules, notifications, backorder allocation) react in the same transaction.

Subscribers are listed by module path in SUBSCRIBER_MODULES; each module has a function
`on_event(session, event)`; they are imported on first use so the core stays light."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy.orm import Session

from oms_desktop.model import Actor

SUBSCRIBER_MODULES: list[str] = []
SUBSCRIBER_MODULES.append("oms_desktop.services.rules")  # automation rules (issue 3 B)
SUBSCRIBER_MODULES.append("oms_desktop.services.notifications")  # customer e-mails
SUBSCRIBER_MODULES.append("oms_desktop.services.replenishment")  # restock triggers
SUBSCRIBER_MODULES.append("oms_desktop.services.backorders")  # fill backorders on stock (issue 3 A)
SUBSCRIBER_MODULES.append("oms_desktop.services.channel_push")  # fulfilment + tracking back to the channel (issue 7)

_handlers: list[Callable[[Session, "Event"], None]] | None = None


@dataclass(frozen=True)
class Event:
    name: str
    actor: Actor
    order_id: int | None = None
    shipment_id: int | None = None
    product_ids: tuple[int, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


def _load() -> list[Callable[[Session, Event], None]]:
    global _handlers
    if _handlers is None:
        _handlers = [importlib.import_module(m).on_event for m in SUBSCRIBER_MODULES]
    return _handlers


def publish(session: Session, event: Event) -> None:
    """Run every subscriber in the caller's transaction (nothing is committed here)."""
    for handler in _load():
        handler(session, event)
