"""End of day per carrier: every labelled package of the carrier's ship day (labels bought
after the cut-off already carry the next day) is closed into one manifest, and the shipments
become shipped. The carrier's own manifest is used where the plugin has one; otherwise (and
also alongside it) a local PDF lists every package with its tracking barcode and totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.documents import manifest as manifest_doc
from oms_desktop.errors import ValidationError
from oms_desktop.model import Actor, Manifest, Shipment, ShipmentStatus, ShippingLabel, utcnow
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.shipping import purchases
from oms_desktop.services.shipping.label_rows import label_dto
from oms_desktop.services.shipping.carriers import make_carrier, ship_day
from oms_desktop.services.lookup import locked_shipment
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import Change, locking, told
from oms_desktop.storage.crashpoints import crash_point


@dataclass(frozen=True)
class ManifestView:
    id: int
    carrier: str
    ship_day: date
    shipments: int
    packages: int
    total_cost: Decimal
    carrier_ref: str | None
    document: bytes


def _open_labels(session: Session, carrier: str, day: date) -> list[ShippingLabel]:
    """The labels to close, locked until commit: a second close-out at the same moment
    waits, then finds them manifested."""
    return list(session.scalars(locking(sa.select(ShippingLabel).join(Shipment).where(
        ShippingLabel.carrier == carrier, ShippingLabel.ship_day <= day,
        ShippingLabel.voided_at.is_(None), ShippingLabel.manifest_id.is_(None),
        Shipment.status.in_([ShipmentStatus.packed, ShipmentStatus.shipped,
                             ShipmentStatus.delivered])).order_by(ShippingLabel.id),
        ShippingLabel)))


def _row(label: ShippingLabel) -> manifest_doc.ManifestRow:
    shipment, order = label.shipment, label.shipment.order
    weight = sum(p.weight_g or 0 for p in shipment.packages)
    return manifest_doc.ManifestRow(shipment.label, order.number, order.ship_name or "",
                                    label.service, label.tracking_number,
                                    max(1, len(shipment.packages)), weight, label.cost)


def collect(session: Session, carrier: str, day: date, actor: Actor
            ) -> tuple[manifest_doc.ManifestData, list[ShippingLabel]]:
    labels = _open_labels(session, carrier, day)
    shipper = settings.get(session, "company.name", "Shipper")
    data = manifest_doc.ManifestData(carrier, day, shipper, tuple(_row(l) for l in labels),
                                     utcnow(), actor.name,
                                     labels[0].currency if labels else "USD")
    return data, labels


def close_out(db: Database, *, actor: Actor, carrier: str, day: date | None = None,
              paper: str | None = None) -> ManifestView:
    """Close the carrier's day (today's ship day by default): manifest, then ship."""
    require(actor, "shipping.manifest")
    purchases.settle_abandoned(db, actor, carrier)  # a label bought but never stored
    with db.uow() as uow:
        s = uow.session
        day = day or ship_day(s, carrier)
        data, labels = collect(s, carrier, day, actor)
        if not labels:
            raise _closed(s, carrier, day) or ValidationError(
                f"Nothing to close for {carrier} on {day}: no open labels")
        plugin = make_carrier(s, db, carrier)
        carrier_ref = None
        if plugin.has_manifest:
            carrier_ref = plugin.manifest([label_dto(l) for l in labels], day).carrier_ref
        document = manifest_doc.render(data, paper=paper or settings.get(
            s, "documents.paper", "A4"))
        row = Manifest(carrier=carrier, ship_day=day, packages=data.packages,
                       total_cost=data.total_cost, carrier_ref=carrier_ref,
                       document=document, closed_by=actor.name, closed_at=data.closed_at)
        s.add(row)
        s.flush()
        for label in labels:
            label.manifest_id = row.id
            shipment = locked_shipment(s, label.shipment_id)
            if shipment.status == ShipmentStatus.packed:
                shipping.ship(s, shipment, by=actor)
        crash_point("manifest.before_commit")
        uow.commit()
        crash_point("manifest.committed")
        return ManifestView(row.id, carrier, day, len(labels), row.packages, row.total_cost,
                            carrier_ref, document)


def _closed(session: Session, carrier: str, day: date):
    """ConcurrentChange naming who closed this carrier's day, if anyone did."""
    last = session.execute(sa.select(Manifest.closed_by, Manifest.closed_at).where(
        Manifest.carrier == carrier, Manifest.ship_day == day)
        .order_by(Manifest.id.desc()).limit(1)).first()
    return told(f"The {carrier} day {day}", Change("close", last[0], None, last[1])) \
        if last else None


def manifests(db: Database, *, carrier: str | None = None, day: date | None = None
              ) -> list[ManifestView]:
    with db.uow(readonly=True) as uow:
        query = sa.select(Manifest).order_by(Manifest.id)
        if carrier:
            query = query.where(Manifest.carrier == carrier)
        if day:
            query = query.where(Manifest.ship_day == day)
        counts = dict(uow.session.execute(sa.select(
            ShippingLabel.manifest_id, sa.func.count()).group_by(ShippingLabel.manifest_id)).all())
        return [ManifestView(m.id, m.carrier, m.ship_day, counts.get(m.id, 0), m.packages,
                             m.total_cost, m.carrier_ref, m.document)
                for m in uow.session.scalars(query)]


@dataclass(frozen=True)
class BoardRow:
    shipment_id: int
    order: str
    ship_to: str
    status: str
    carrier: str | None
    service: str | None
    tracking_number: str | None
    tracking_status: str | None
    ship_day: date | None
    cost: Decimal | None
    manifested: bool


def board(db: Database, *, day: date | None = None) -> list[BoardRow]:
    """The shipping screen's day: every packed shipment (labelled or not) and every shipment
    whose label belongs to `day` (today's ship day by default), oldest first."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        day = day or ship_day(s, "default")
        labelled = sa.select(ShippingLabel.shipment_id).where(
            ShippingLabel.voided_at.is_(None), ShippingLabel.ship_day == day)
        shipments = s.scalars(sa.select(Shipment).where(sa.or_(
            Shipment.status == ShipmentStatus.packed, Shipment.id.in_(labelled)))
            .order_by(Shipment.id)).all()
        labels = {l.shipment_id: l for l in s.scalars(sa.select(ShippingLabel).where(
            ShippingLabel.voided_at.is_(None),
            ShippingLabel.shipment_id.in_([x.id for x in shipments])))}
        return [_board_row(x, labels.get(x.id)) for x in shipments]


def _board_row(shipment: Shipment, label: ShippingLabel | None) -> BoardRow:
    return BoardRow(shipment.id, shipment.order.number, shipment.order.ship_name or "",
                    shipment.status.value, shipment.carrier, shipment.service,
                    shipment.tracking_number, shipment.tracking_status,
                    label.ship_day if label else None, label.cost if label else None,
                    bool(label and label.manifest_id))
