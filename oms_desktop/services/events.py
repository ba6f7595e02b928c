"""What happened, as typed events. A use case publishes them inside its unit of work
(`messagebus.publish(session, OrderImported(actor=…, order_id=…))`); the handlers that the
event table in `oms_desktop.bootstrap` lists for the event's type run in the same
transaction, so an event and its consequences commit together or not at all."""

from __future__ import annotations

from dataclasses import dataclass

from oms_desktop.values import Actor


@dataclass(frozen=True, kw_only=True)
class Event:
    actor: Actor
    order_id: int | None = None
    shipment_id: int | None = None
    product_ids: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OrderImported(Event):
    """A new order from a channel, or one made here (an exchange's replacement)."""


@dataclass(frozen=True, kw_only=True)
class OrderChanged(Event):
    """Anything about an order changed: held, released, edited, re-synced, a shipment
    cancelled. `change` says what the channel did ("cancelled", "edited"), when it did."""

    change: str | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OrderVerified(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class OrderAllocated(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class StockChanged(Event):
    """On-hand or available changed for `product_ids` (a receipt, adjustment, release…)."""


@dataclass(frozen=True, kw_only=True)
class ShipmentPacked(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class ShipmentShipped(Event):
    tracking_number: str | None = None
    tracking_url: str | None = None


@dataclass(frozen=True, kw_only=True)
class ShipmentReadyForPickup(Event):
    pickup_code: str


@dataclass(frozen=True, kw_only=True)
class ShipmentPickedUp(Event):
    collected_by: str


@dataclass(frozen=True, kw_only=True)
class ReturnReceived(Event):
    return_id: int


@dataclass(frozen=True, kw_only=True)
class RefundIssued(Event):
    return_id: int
    refund_id: int


@dataclass(frozen=True, kw_only=True)
class PaymentRecorded(Event):
    """A business customer paid (part of) an invoice."""

    invoice_id: int
    payment_id: int
