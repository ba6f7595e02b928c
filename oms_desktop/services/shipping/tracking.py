"""Tracking: poll the carriers for every labelled shipment not yet delivered, store new events,
move shipments on (shipped when the carrier has them, delivered), and keep exceptions
(returned to sender, failed delivery) where the shipping screen and the order timeline show
them. Each label is tracked with its own real carrier (USPS, UPS…), not one per plugin.
`poll(db)` is what a QTimer or `oms-desktop track --all` calls."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.carriers.base import TrackingUpdate
from oms_desktop.model import (
    Actor, AuditEvent, Shipment, ShipmentStatus, ShippingLabel, TrackingEvent,
)
from oms_desktop.plugins.errors import PluginError
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.shipping.carriers import make_carrier, shipment_by_ref
from oms_desktop.services.lookup import locked_shipment
from oms_desktop.storage import Database

MOVING = frozenset({"in_transit", "out_for_delivery", "delivered", "returned", "failure"})


@dataclass
class PollResult:
    checked: int = 0
    new_events: int = 0
    shipped: list[int] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)
    exceptions: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TrackingView:
    shipment_id: int
    order: str
    carrier: str | None
    tracking_number: str
    status: str
    message: str | None
    location: str | None
    occurred_at: datetime
    exception: bool


@dataclass
class _Open:
    """One carrier plugin's labelled shipments still on their way."""

    numbers: dict[str, int] = field(default_factory=dict)  # tracking number -> shipment id
    providers: dict[str, str] = field(default_factory=dict)  # tracking number -> USPS, UPS…


def _open_shipments(session: Session, shipment_id=None,
                    numbers: set[str] | None = None) -> dict[str, _Open]:
    """carrier plugin -> its labelled shipments still on their way."""
    query = (sa.select(Shipment.id, Shipment.carrier, Shipment.tracking_number,
                       ShippingLabel.provider)
             .join(ShippingLabel, ShippingLabel.shipment_id == Shipment.id)
             .where(ShippingLabel.voided_at.is_(None), Shipment.tracking_number.is_not(None),
                    Shipment.status.in_([ShipmentStatus.packed, ShipmentStatus.shipped])))
    if shipment_id is not None:
        query = query.where(Shipment.id == shipment_by_ref(session, shipment_id).id)
    if numbers is not None:
        query = query.where(Shipment.tracking_number.in_(numbers))
    out: dict[str, _Open] = defaultdict(_Open)
    for sid, carrier, number, provider in session.execute(query):
        out[carrier].numbers[number] = sid
        if provider:
            out[carrier].providers[number] = provider
    return out


def poll(db: Database, *, actor: Actor, shipment_id=None) -> PollResult:
    result = PollResult()
    with db.uow(readonly=True) as uow:
        wanted = _open_shipments(uow.session, shipment_id)
        plugins = {c: make_carrier(uow.session, db, c) for c in wanted}
    for carrier, open_ in wanted.items():
        try:
            updates = plugins[carrier].track(sorted(open_.numbers), providers=open_.providers)
        except PluginError as exc:
            result.errors[carrier] = str(exc)
            continue
        result.checked += len(open_.numbers)
        record_updates(db, actor=actor, updates=updates, result=result)
    return result


def record_updates(db: Database, *, actor: Actor, updates: list[TrackingUpdate],
                   result: PollResult | None = None) -> PollResult:
    """Take in what a carrier says (a poll, or a webhook that may say it twice, at several
    stations at once): each event is stored once and moves its shipment on once."""
    result = result if result is not None else PollResult()
    with db.uow() as uow:
        s = uow.session
        wanted = _open_shipments(s, numbers={u.tracking_number for u in updates})
        shipment_of = {n: sid for open_ in wanted.values() for n, sid in open_.numbers.items()}
        for update in sorted(updates, key=lambda u: u.occurred_at):
            sid = shipment_of.get(update.tracking_number)
            if sid is None:
                continue
            shipment = locked_shipment(s, sid)  # then the event is looked for, and stored
            if _record(s, sid, update):
                result.new_events += 1
                _advance(s, shipment, update, actor, result)
        uow.commit()
    return result


def _record(session: Session, shipment_id: int, u: TrackingUpdate) -> bool:
    seen = session.scalar(sa.select(TrackingEvent.id).where(
        TrackingEvent.tracking_number == u.tracking_number, TrackingEvent.status == u.status,
        TrackingEvent.occurred_at == u.occurred_at))
    if seen is not None:
        return False
    session.add(TrackingEvent(shipment_id=shipment_id, tracking_number=u.tracking_number,
                              status=u.status, message=u.message, location=u.location,
                              occurred_at=u.occurred_at, exception=u.is_exception))
    session.flush()
    return True


def _advance(session: Session, shipment: Shipment, u: TrackingUpdate, actor: Actor,
             result: PollResult) -> None:
    shipment.tracking_status = u.status
    if u.status in MOVING and shipment.status == ShipmentStatus.packed:
        shipping.ship(session, shipment, by=actor)
        result.shipped.append(shipment.id)
    if u.status == "delivered" and shipment.status == ShipmentStatus.shipped:
        shipment.deliver(by=actor)
        result.delivered.append(shipment.id)
    if u.is_exception:
        result.exceptions.append(shipment.id)
        shipment.order.audit.add(AuditEvent.of(
            actor, entity="shipment", entity_id=shipment.id, order_id=shipment.order_id,
            action="tracking_exception",
            detail={"status": u.status, "message": u.message, "tracking_number":
                    u.tracking_number}))


def _views(session: Session, query) -> list[TrackingView]:
    rows = session.execute(query.join(Shipment, Shipment.id == TrackingEvent.shipment_id)
                           .order_by(TrackingEvent.occurred_at.desc(), TrackingEvent.id.desc()))
    return [TrackingView(e.shipment_id, sh.order.number, sh.carrier, e.tracking_number,
                         e.status, e.message, e.location, e.occurred_at, e.exception)
            for e, sh in rows]


def events(db: Database, shipment_id) -> list[TrackingView]:
    with db.uow(readonly=True) as uow:
        sid = shipment_by_ref(uow.session, shipment_id).id
        return _views(uow.session, sa.select(TrackingEvent, Shipment)
                      .where(TrackingEvent.shipment_id == sid))


def exceptions(db: Database, *, limit: int = 200) -> list[TrackingView]:
    """Tracking exceptions of shipments not delivered since."""
    with db.uow(readonly=True) as uow:
        return _views(uow.session, sa.select(TrackingEvent, Shipment).where(
            TrackingEvent.exception.is_(True),
            Shipment.status != ShipmentStatus.delivered).limit(limit))
