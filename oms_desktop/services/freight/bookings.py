"""Freight (less-than-truckload) bookings: a palletised shipment booked with a freight
carrier (its SCAC, the PRO number it gave, the NMFC freight class, the pickup day), our
bill of lading number a GSIN from the GS1 prefix; and the papers the dock prints from it:
pallet labels, the pallet packing list and the bill of lading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from oms_desktop.errors import ConcurrentChange, ValidationError
from oms_desktop.model import SHIPPED_STATES, Actor, FreightBooking, Product, utcnow
from oms_desktop.policies.barcodes import gsin
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.freight.pallets import ShipmentPallets, pallets_in
from oms_desktop.services.shipping.carriers import shipment_by_ref, shipment_dto, take_number
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import when
from oms_desktop.storage.crashpoints import crash_point

FREIGHT_CLASSES = ("50", "55", "60", "65", "70", "77.5", "85", "92.5", "100", "110", "125",
                   "150", "175", "200", "250", "300", "400", "500")


@dataclass(frozen=True)
class BookingView:
    shipment: str
    carrier: str
    scac: str
    pro_number: str
    bol_number: str
    freight_class: str
    pickup_on: date
    booked_by: str


@dataclass(frozen=True)
class FreightPapers:
    """What the pallet labels, the packing list and the bill of lading print."""
    shipment: str
    order_number: str
    po_number: str
    day: date
    ship_from: tuple[str, ...]
    ship_to: tuple[str, ...]
    ship_to_postal: str
    bill_to: tuple[str, ...]
    pallets: ShipmentPallets
    names: dict  # sku -> product name
    booking: BookingView | None


def book(db: Database, *, actor: Actor, shipment_id: int | str, carrier: str, scac: str,
         pro_number: str, freight_class: str, pickup_on: date | None = None) -> BookingView:
    """Record the carrier's booking of a palletised shipment (once: a second is refused)."""
    require(actor, "shipping.manifest")
    scac, pro_number = _checked(carrier, scac, pro_number, freight_class)
    with db.uow() as uow:
        s = uow.session
        shipment = shipment_by_ref(s, shipment_id, locked=True)
        if shipment.status in SHIPPED_STATES:
            raise ValidationError(f"{shipment.label} has shipped already")
        before = s.scalar(sa.select(FreightBooking).where(
            FreightBooking.shipment_id == shipment.id))
        if before is not None:
            raise ConcurrentChange(f"{shipment.label} was booked with {before.carrier} (PRO "
                                   f"{before.pro_number}) by {before.booked_by} at "
                                   f"{when(before.booked_at)}")
        if not pallets_in(s, shipment).pallets:
            raise ValidationError(f"{shipment.label} has no pallets: put its cartons on "
                                  f"pallets before booking freight")
        prefix = settings.get(s, "gs1.company_prefix")
        booking = FreightBooking(
            shipment_id=shipment.id, carrier=carrier.strip(), scac=scac, pro_number=pro_number,
            freight_class=freight_class, pickup_on=pickup_on or utcnow().date(),
            bol_number=gsin(prefix, take_number(s, "bol")), booked_by=actor.name)
        s.add(booking)
        shipment.provider, shipment.service = booking.carrier, f"LTL class {freight_class}"
        shipment.tracking_number = pro_number
        s.flush()
        crash_point("freight.booking")  # recorded, not committed
        view = _view(shipment.label, booking)
        uow.commit()
        return view


def _checked(carrier: str, scac: str, pro: str, freight_class: str) -> tuple[str, str]:
    scac, pro = scac.strip().upper(), pro.strip().upper()
    if not carrier.strip():
        raise ValidationError("name the freight carrier")
    if not re.fullmatch(r"[A-Z]{2,4}", scac):
        raise ValidationError(f"SCAC {scac!r} is not 2 to 4 letters")
    if not re.fullmatch(r"[A-Z0-9-]{4,35}", pro):
        raise ValidationError(f"PRO number {pro!r} is not 4 to 35 letters and digits")
    if freight_class not in FREIGHT_CLASSES:
        raise ValidationError(f"freight class {freight_class!r} is not an NMFC class "
                              f"({', '.join(FREIGHT_CLASSES)})")
    return scac, pro


def _view(label: str, b: FreightBooking) -> BookingView:
    return BookingView(label, b.carrier, b.scac, b.pro_number, b.bol_number, b.freight_class,
                       b.pickup_on, b.booked_by)


def booking_of(session, shipment_id: int) -> FreightBooking | None:
    return session.scalar(sa.select(FreightBooking).where(
        FreightBooking.shipment_id == shipment_id))


def papers(db: Database, shipment_id: int | str) -> FreightPapers:
    with db.uow(readonly=True) as uow:
        s = uow.session
        shipment = shipment_by_ref(s, shipment_id)
        order, dto = shipment.order, shipment_dto(s, shipment)
        customer = order.customer
        bill_to = tuple(x for x in ((customer.company or customer.name) if customer else None,
                                    customer.email if customer else None) if x)
        skus = {l.order_line.sku for l in shipment.lines}
        names = dict(s.execute(sa.select(Product.sku, Product.name)
                               .where(Product.sku.in_(skus))).all())
        booking = booking_of(s, shipment.id)
        return FreightPapers(
            shipment.label, order.number, order.customer_po or order.number,
            (shipment.packed_at or utcnow()).date(), tuple(dto.ship_from.lines()),
            tuple(dto.ship_to.lines()), dto.ship_to.postal_code or "", bill_to or ("-",),
            pallets_in(s, shipment), names,
            _view(shipment.label, booking) if booking else None)
