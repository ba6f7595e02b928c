"""A bought label as the shipment keeps it: the stored row, what the shipment and its packages
learn from it, the timeline entry, and the plain result handed to the screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from oms_desktop.carriers.base import Label
from oms_desktop.model import Actor, AuditEvent, Shipment, ShippingLabel
from oms_desktop.services.shipping.carriers import ship_day


@dataclass(frozen=True)
class LabelResult:
    label_id: int
    shipment_id: int
    carrier: str
    service: str
    tracking_number: str
    format: str
    cost: Decimal
    currency: str
    ship_day: date
    content: bytes
    sscc: tuple[str, ...]


def label_result(row: ShippingLabel) -> LabelResult:
    return LabelResult(row.id, row.shipment_id, row.carrier, row.service, row.tracking_number,
                       row.format, row.cost, row.currency, row.ship_day, row.content,
                       tuple(row.sscc or ()))


def label_dto(row: ShippingLabel) -> Label:
    """What a carrier needs to void or manifest a stored label."""
    return Label(row.tracking_number, b"", row.format, row.cost, row.currency, row.carrier_ref,
                 row.service)


def audit(shipment: Shipment, actor: Actor, action: str, detail: dict) -> None:
    shipment.order.audit.add(AuditEvent.of(actor, entity="shipment", entity_id=shipment.id,
                                           order_id=shipment.order_id, action=action,
                                           detail=detail))


def write_label(session: Session, actor: Actor, shipment: Shipment, label: Label, *,
                carrier: str, service: str, choice: dict | None,
                provider: str | None = None) -> ShippingLabel:
    """Store a bought label as the shipment's active one, with the rate choice beside it;
    `provider` is the real carrier behind an aggregator (USPS, UPS…) when the label does not
    say."""
    row = ShippingLabel(
        shipment_id=shipment.id, carrier=carrier, service=label.service or service,
        provider=label.provider or provider, tracking_url=label.tracking_url,
        tracking_number=label.tracking_number, format=label.format, content=label.content,
        cost=label.cost, currency=label.currency, carrier_ref=label.carrier_ref,
        sscc=list(label.sscc) or [p.sscc for p in shipment.packages if p.sscc] or None,
        ship_day=ship_day(session, carrier), created_by=actor.name)
    session.add(row)
    shipment.carrier, shipment.service = row.carrier, row.service
    shipment.provider, shipment.tracking_url = row.provider, row.tracking_url
    shipment.tracking_number, shipment.shipping_cost = row.tracking_number, row.cost
    shipment.rate_choice, shipment.tracking_status = choice, None
    for package in shipment.packages:
        package.tracking_number = row.tracking_number
    audit(shipment, actor, "label", {"carrier": row.carrier, "provider": row.provider,
                                     "service": row.service,
                                     "tracking_number": row.tracking_number,
                                     "cost": str(row.cost)})
    session.flush()
    return row
