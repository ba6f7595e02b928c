"""Start-up: the one table of which handlers each event type has. Every entry point (the
window, the command line, the tests) calls `start()` once before the first use case.

Reading this table is how one follows an order from a sync to its label: an OrderImported
runs the automation rules and queues the confirmation e-mail; a StockChanged fills
backorders, re-checks reorder points and runs the stock rules; a ShipmentShipped queues the
shipped e-mail and the fulfilment push to the channel. Handlers run in the publisher's
transaction, in the order listed."""

from __future__ import annotations

from oms_desktop.plugins import redaction
from oms_desktop.services import events as ev
from oms_desktop.services import messagebus
from oms_desktop.services.automation import notifications, replenishment, rules
from oms_desktop.services.b2b import invoices
from oms_desktop.services.channels import push
from oms_desktop.services.orders import backorders

HANDLERS: dict[type[ev.Event], list[messagebus.Handler]] = {
    ev.OrderImported: [rules.on_event, notifications.on_event],
    ev.OrderChanged: [rules.on_event],
    ev.OrderVerified: [],
    ev.OrderCancelled: [],
    ev.OrderAllocated: [],
    ev.StockChanged: [rules.on_event, replenishment.on_stock_changed,
                      backorders.on_stock_changed],
    ev.ShipmentPacked: [rules.on_event],
    ev.ShipmentShipped: [rules.on_event, notifications.on_event, push.on_shipment_shipped,
                          invoices.on_shipment_shipped],
    ev.ShipmentReadyForPickup: [notifications.on_event],
    ev.ShipmentPickedUp: [],
    ev.ReturnReceived: [notifications.on_event],
    ev.RefundIssued: [notifications.on_event],
}


def start() -> None:
    """Install the event table and the redaction of secrets from log records (idempotent)."""
    redaction.redact_logs()
    if not messagebus.installed():
        messagebus.install(HANDLERS)
