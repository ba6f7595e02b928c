"""Pushes owed to a channel: fulfilments with tracking (from "shipment.shipped"), and
cancellations and refunds other services enqueue. They are written to the outbox in the
transaction that caused them and sent later by the sync worker, outside any transaction.
Each has a dedupe key, so an event published twice is pushed once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.base import Connector
from oms_desktop.connectors.dto import FulfilmentLine
from oms_desktop.connectors.registry import load
from oms_desktop.errors import OmsError
from oms_desktop.model import (
    Channel, ChannelOutbox, Order, OrderLine, Refund, RefundStatus, Return, Shipment, utcnow,
)
from oms_desktop.plugins.errors import AuthFailed, Permanent
from oms_desktop.plugins.redaction import redact
from oms_desktop.services.channels.setup import build_connector, get_channel
from oms_desktop.services.events import ShipmentShipped
from oms_desktop.storage import Database
from oms_desktop.storage.crashpoints import crash_point

MAX_ATTEMPTS = 8


def on_shipment_shipped(session: Session, event: ShipmentShipped) -> None:
    """Handler: tell the order's channel what shipped, with tracking."""
    enqueue_fulfilment(session, session.get(Shipment, event.shipment_id),
                       tracking_url=event.tracking_url)


def _connected(channel: Channel) -> bool:
    return channel.kind in load().classes


def _enqueue(session: Session, order: Order, kind: str, key: str, payload: dict) -> bool:
    if not _connected(order.channel):
        return False
    if session.scalar(sa.select(ChannelOutbox.id).where(ChannelOutbox.dedupe_key == key)):
        return False
    session.add(ChannelOutbox(channel_id=order.channel_id, kind=kind, dedupe_key=key,
                              order_id=order.id, payload=payload))
    return True


def enqueue_fulfilment(session: Session, shipment: Shipment, *,
                       tracking_url: str | None = None) -> bool:
    """The channel is told the real carrier (USPS, UPS…, not the aggregator) and its URL."""
    order = shipment.order
    lines = [[l.order_line.external_id, l.quantity] for l in shipment.lines
             if l.order_line.external_id]
    return _enqueue(session, order, "fulfilment", f"fulfilment:{shipment.id}", {
        "external_id": order.external_id, "lines": lines,
        "carrier": shipment.provider or shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "tracking_url": tracking_url or shipment.tracking_url})


def pushed_fulfilments(session: Session, order_id: int) -> dict[str, int]:
    """Units of each channel line the channel has taken as fulfilled from our pushes."""
    done: dict[str, int] = {}
    for payload in session.scalars(sa.select(ChannelOutbox.payload).where(
            ChannelOutbox.order_id == order_id, ChannelOutbox.kind.in_(("fulfilment", "pickup")),
            ChannelOutbox.status == "done")):
        for external_id, quantity in payload.get("lines") or ():
            done[str(external_id)] = done.get(str(external_id), 0) + int(quantity)
    return done


def enqueue_cancellation(session: Session, order: Order, *, reason: str = "other") -> bool:
    return _enqueue(session, order, "cancellation", f"cancellation:{order.id}",
                    {"external_id": order.external_id, "reason": reason})


def enqueue_refund(session: Session, order: Order, *, key: str,
                   lines: list[tuple[int, int]] = (), amount: str | None = None,
                   reason: str | None = None) -> bool:
    """`lines` are (order line id, quantity); `key` identifies the refund (e.g. "RMA-12").
    The push carries an idempotency key of its own, the same on every attempt, so a push
    repeated after a crash (between the channel taking it and the outbox marking it sent)
    refunds once."""
    external = {l.id: l.external_id for l in session.scalars(
        sa.select(OrderLine).where(OrderLine.order_id == order.id))}
    return _enqueue(session, order, "refund", f"refund:{key}", {
        "external_id": order.external_id, "amount": amount, "reason": reason,
        "lines": [[external[i], q] for i, q in lines if external.get(i)],
        "idempotency_key": uuid.uuid4().hex})


def enqueue_pickup_step(session: Session, shipment: Shipment, *, step: str) -> bool:
    """"ready" or "handed_over" of a pickup order, for a channel that shows pickups; handing
    over fulfils the shipment's lines there (counted like a fulfilment pushed)."""
    lines = [[l.order_line.external_id, l.quantity] for l in shipment.lines
             if l.order_line.external_id] if step == "handed_over" else []
    return _enqueue(session, shipment.order, "pickup", f"pickup:{shipment.id}:{step}",
                    {"external_id": shipment.order.external_id, "step": step, "lines": lines})


@dataclass(frozen=True)
class _Pending:
    id: int
    kind: str
    payload: dict
    attempts: int
    dedupe_key: str


@dataclass(frozen=True)
class OutboxResult:
    sent: int
    failed: int
    waiting: int


def drain_outbox(db: Database, *, code: str, connector: Connector | None = None) -> OutboxResult:
    """Send the channel's pending pushes; a permanent refusal is kept as failed with the
    reason, a transient one stays pending for the next run."""
    info = get_channel(db, code)
    with db.uow(readonly=True) as uow:
        pending = [_Pending(o.id, o.kind, dict(o.payload), o.attempts, o.dedupe_key)
                   for o in uow.session.scalars(sa.select(ChannelOutbox).where(
                       ChannelOutbox.channel_id == info.id, ChannelOutbox.status == "pending")
                       .order_by(ChannelOutbox.id))]
    if not pending:
        return OutboxResult(0, 0, 0)
    connector = connector or build_connector(info)
    sent = failed = 0
    try:
        for item in pending:
            status, error = _send(connector, item)
            crash_point(f"push.{item.kind}.sent")
            _mark(db, item.id, status, error)
            sent += status == "done"
            failed += status == "failed"
    finally:
        connector.close()
    return OutboxResult(sent, failed, len(pending) - sent - failed)


def _send(connector: Connector, item: _Pending) -> tuple[str, str | None]:
    p = item.payload
    lines = [FulfilmentLine(str(ext), int(q)) for ext, q in p.get("lines") or []]
    try:
        if item.kind == "fulfilment":
            connector.push_fulfilment(p["external_id"], lines=lines, carrier=p.get("carrier"),
                                      tracking_number=p.get("tracking_number"),
                                      tracking_url=p.get("tracking_url"))
        elif item.kind == "cancellation":
            connector.push_cancellation(p["external_id"], reason=p.get("reason") or "other")
        elif item.kind == "pickup":
            connector.push_pickup(p["external_id"], step=p["step"])
        elif item.kind == "refund":
            connector.push_refund(p["external_id"], lines=lines, amount=p.get("amount"),
                                  reason=p.get("reason"),
                                  key=p.get("idempotency_key") or item.dedupe_key)
        return "done", None
    except Permanent as exc:
        return "failed", str(exc)
    except AuthFailed:
        raise
    except OmsError as exc:
        return ("failed" if item.attempts + 1 >= MAX_ATTEMPTS else "pending"), str(exc)


def _mark(db: Database, outbox_id: int, status: str, error: str | None) -> None:
    with db.uow() as uow:
        row = uow.session.get(ChannelOutbox, outbox_id)
        row.status, row.last_error = status, redact(error)
        row.attempts += 1
        if status == "done":
            row.done_at = utcnow()
            if row.kind == "refund":
                _refund_issued(uow.session, row.dedupe_key.removeprefix("refund:"))
        uow.commit()


def _refund_issued(session: Session, rma_number: str) -> None:
    """The channel took the refund queued for an RMA: it is issued now."""
    session.execute(sa.update(Refund).where(
        Refund.status == RefundStatus.approved,
        Refund.return_id.in_(sa.select(Return.id).where(Return.rma_number == rma_number)))
        .values(status=RefundStatus.issued, issued_at=utcnow()))
