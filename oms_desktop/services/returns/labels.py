"""Prepaid return labels: the customer's address to the site the RMA returns to, bought from
the returns carrier (setting `returns.carrier`, else the first enabled carrier), for a parcel
the size of the box the goods went out in (else of the products) and their weight."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.carriers.base import ParcelDTO, ShipmentDTO
from oms_desktop.errors import ValidationError
from oms_desktop.model import Actor, AuditEvent, Location, Package, Return, Shipment
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.returns.rmas import load_rma
from oms_desktop.services.shipping.carriers import (
    branded, enabled_carriers, make_carrier, order_address, site_address,
)
from oms_desktop.services.shipping.parcels import return_parcel
from oms_desktop.storage import Database


@dataclass(frozen=True)
class ReturnLabel:
    rma_number: str
    carrier: str
    service: str
    tracking_number: str
    format: str
    content: bytes


def buy_return_label(db: Database, *, actor: Actor, rma: str, fmt: str = "pdf") -> ReturnLabel:
    """The cheapest rate of the returns carrier; the tracking number goes on the RMA, so the
    intake bench finds the RMA by scanning the parcel's label."""
    require(actor, "returns.create")
    with db.uow(readonly=True) as uow:
        s = uow.session
        ret = load_rma(s, rma)
        if ret.location_id is None:
            raise ValidationError(f"{ret.rma_number} has no site to return to")
        dto = ShipmentDTO(id=ret.id, reference=ret.rma_number,
                          ship_from=order_address(ret.order),
                          ship_to=branded(s, site_address(s, s.get(Location, ret.location_id)),
                                          ret.order_id),
                          parcels=(_parcel(s, ret),), currency=ret.order.currency)
        name = settings.get(s, "returns.carrier") or enabled_carriers(s)[0]
        carrier = make_carrier(s, db, name)
    rates = carrier.rates(dto)
    if not rates:
        raise ValidationError(f"{name} offers no rate for the return of {dto.reference}")
    rate = min(rates, key=lambda r: r.amount)
    label = carrier.buy(dto, rate, fmt)
    _record(db, actor, rma, label.tracking_number, rate.carrier)
    return ReturnLabel(dto.reference, rate.carrier, rate.service, label.tracking_number,
                       label.format, label.content)


def _parcel(session: Session, ret: Return) -> ParcelDTO:
    """In the box the goods went out in, else the products' size; their weight."""
    contents: dict[str, int] = {}
    for line in ret.lines:
        if line.product is not None:
            contents[line.product.sku] = contents.get(line.product.sku, 0) + line.quantity
    packages = session.scalars(sa.select(Package).join(Shipment).where(
        Shipment.order_id == ret.order_id).order_by(Package.id)).all()
    return return_parcel(session, contents, list(packages))


def _record(db: Database, actor: Actor, rma: str, tracking_number: str, carrier: str) -> None:
    with db.uow() as uow:
        ret = load_rma(uow.session, rma)
        ret.tracking_number, ret.method = tracking_number, "prepaid_label"
        ret.order.audit.add(AuditEvent.of(
            actor, entity="return", entity_id=ret.id, order_id=ret.order_id,
            action="return_label", detail={"carrier": carrier, "tracking": tracking_number}))
        uow.commit()
