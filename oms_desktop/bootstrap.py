"""Start-up: the one table of which handlers each event type has. Every entry point (the
window, the command line, the tests) calls `start()` once before the first use case.

Reading this table is how one follows an order from a sync to its label: an OrderImported
runs the automation rules and queues the confirmation e-mail; a StockChanged fills
backorders, re-checks reorder points and runs the stock rules; a ShipmentShipped queues the
shipped e-mail and the fulfilment push to the channel. Handlers run in the publisher's
transaction, in the order listed."""

from __future__ import annotations

import importlib

from oms_desktop.plugins import redaction
from oms_desktop.services import events as ev
from oms_desktop.services import messagebus

# Handlers are named "area.module.function" under oms_desktop.services and imported at the
# first event that needs them: a command that only reads never loads the e-mail templates,
# the rules engine or the connectors.
RULES = "automation.rules.on_event"
EMAIL = "automation.notifications.on_event"

HANDLERS: dict[type[ev.Event], list[str]] = {
    ev.OrderImported: [RULES, EMAIL],
    ev.OrderChanged: [RULES],
    ev.OrderVerified: [],
    ev.OrderCancelled: [],
    ev.OrderAllocated: ["b2b.deliveries.on_order_allocated"],
    ev.StockChanged: [RULES, "automation.replenishment.on_stock_changed",
                      "orders.backorders.on_stock_changed"],
    ev.ShipmentPacked: [RULES],
    # the books after the invoice: a business customer's shipment is posted as its invoice
    ev.ShipmentShipped: [RULES, EMAIL, "channels.push.on_shipment_shipped",
                         "b2b.invoices.on_shipment_shipped", "books.outbox.on_shipment_left"],
    ev.ShipmentReadyForPickup: [EMAIL, "channels.pickups.on_ready_for_pickup"],
    ev.ShipmentPickedUp: ["channels.pickups.on_picked_up", "books.outbox.on_shipment_left"],
    ev.ReturnReceived: [EMAIL],
    ev.RefundIssued: [EMAIL, "books.outbox.on_refund_issued"],
    ev.PaymentRecorded: ["books.trade.on_payment_recorded"],
}


class Lazy:
    """A handler named by its path, imported when first called."""

    def __init__(self, path: str):
        self.path = path
        self._handler: messagebus.Handler | None = None

    def __call__(self, session, event) -> None:
        if self._handler is None:
            module, _, name = f"oms_desktop.services.{self.path}".rpartition(".")
            self._handler = getattr(importlib.import_module(module), name)
        self._handler(session, event)

    def __repr__(self) -> str:
        return f"Lazy({self.path!r})"


def start() -> None:
    """Install the event table and the redaction of secrets from log records (idempotent)."""
    redaction.redact_logs()
    if not messagebus.installed():
        handlers = {path: Lazy(path) for paths in HANDLERS.values() for path in paths}
        messagebus.install({event: [handlers[p] for p in paths]
                            for event, paths in HANDLERS.items()})
