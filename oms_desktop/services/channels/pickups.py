"""Click and collect at a store whose till is a channel (Square): the program's "ready for
pickup" and "handed over" go back to the order's channel, so the till shows where the order
stands. Queued in the outbox in the transaction that made the step, sent by the sync worker
like every push, each step once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from oms_desktop.connectors.registry import load
from oms_desktop.model import Shipment
from oms_desktop.services.channels import push
from oms_desktop.services.events import ShipmentPickedUp, ShipmentReadyForPickup


def on_ready_for_pickup(session: Session, event: ShipmentReadyForPickup) -> None:
    _enqueue(session, event.shipment_id, "ready")


def on_picked_up(session: Session, event: ShipmentPickedUp) -> None:
    _enqueue(session, event.shipment_id, "handed_over")


def _enqueue(session: Session, shipment_id: int, step: str) -> None:
    shipment = session.get(Shipment, shipment_id)
    connector = load().classes.get(shipment.order.channel.kind)
    if connector is None or not hasattr(connector, "push_pickup") \
            or not shipment.order.external_id:
        return
    push.enqueue_pickup_step(session, shipment, step=step)
