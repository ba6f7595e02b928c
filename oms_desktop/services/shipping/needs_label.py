"""Packed shipments still without a label (a label that failed at the pack station, or none
asked for yet): what the Shipping screen's "Needs a label (N)" list and `oms-desktop shipping
needs-label` show, each with the carrier the method map gives it and the last failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from oms_desktop.model import Actor, AuditEvent, Order, Shipment, ShipmentStatus, ShippingLabel
from oms_desktop.services.shipping import methods
from oms_desktop.services.shipping.carriers import shipment_by_ref
from oms_desktop.services.shipping.label_rows import audit
from oms_desktop.storage import Database

FAILED = "label_failed"


@dataclass(frozen=True)
class NeedsLabel:
    shipment_id: int
    label: str  # SHP-<id>
    order_number: str
    method: str | None  # as the channel named it
    carrier: str | None  # what the method map gives (None: rate shopping decides)
    service: str | None
    packed_at: datetime | None
    last_error: str | None  # the last failed attempt, as the packer was told


def _labelled():
    return sa.exists().where(ShippingLabel.shipment_id == Shipment.id,
                             ShippingLabel.voided_at.is_(None))


def needs_label(db: Database, *, limit: int = 500) -> tuple[int, list[NeedsLabel]]:
    """(how many, the oldest `limit` of them): packed, shipped by a carrier, no active label."""
    where = (Shipment.status == ShipmentStatus.packed, Order.pickup_location_id.is_(None),
             ~_labelled())
    with db.uow(readonly=True) as uow:
        s = uow.session
        total = s.scalar(sa.select(sa.func.count()).select_from(Shipment)
                         .join(Order, Order.id == Shipment.order_id).where(*where))
        rows = s.execute(sa.select(Shipment.id, Order.number, Order.requested_service,
                                   Order.service, Shipment.packed_at)
                         .join(Order, Order.id == Shipment.order_id).where(*where)
                         .order_by(Shipment.packed_at, Shipment.id).limit(limit)).all()
        errors = _last_errors(s, [r[0] for r in rows])
        out = []
        for sid, number, requested, service, packed_at in rows:
            mapped = methods.lookup(s, requested or service)
            out.append(NeedsLabel(sid, f"SHP-{sid}", number, requested or service,
                                  mapped.carrier if mapped else None,
                                  mapped.service if mapped else None, packed_at,
                                  errors.get(sid)))
        return total, out


def _last_errors(session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    events = session.execute(sa.select(AuditEvent.entity_id, AuditEvent.detail)
                             .where(AuditEvent.entity == "shipment", AuditEvent.action == FAILED,
                                    AuditEvent.entity_id.in_(ids))
                             .order_by(AuditEvent.at, AuditEvent.id)).all()
    return {sid: (detail or {}).get("error") for sid, detail in events}


def record_failure(db: Database, *, actor: Actor, shipment_id: int, error: str) -> None:
    """Keep a failed label attempt on the shipment's timeline (and in the list's last error)."""
    with db.uow() as uow:
        shipment = shipment_by_ref(uow.session, shipment_id)
        audit(shipment, actor, FAILED, {"error": error[:500]})
        uow.commit()
