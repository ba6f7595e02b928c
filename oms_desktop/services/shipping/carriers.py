"""Session-level helpers behind the shipping services: which carriers, their settings and
credentials, number sequences, the ship day after the cut-off, and the ShipmentDTO a carrier
is given (packages and SSCCs created here, never by a plugin)."""

from __future__ import annotations

import dataclasses

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from oms_desktop.carriers import credentials, registry
from oms_desktop.carriers.base import AddressDTO, Carrier, CarrierApi, ShipmentDTO
from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import Location, Package, Product, Setting, Shipment, ShippingLabel, utcnow
from oms_desktop.policies.barcodes import sscc
from oms_desktop.services import settings
from oms_desktop.services.lookup import locked_shipment, row_id
from oms_desktop.services.shipping.parcels import parcel
from oms_desktop.storage import Database

DEFAULT_CUTOFF = "17:00"


def enabled_carriers(session: Session) -> list[str]:
    return list(settings.get(session, "shipping.carriers", ["manual"]))


def take_number(session: Session, name: str) -> int:
    """The next value of a named sequence inside the caller's transaction (row locked). The
    first use creates the row with INSERT … ON CONFLICT DO NOTHING, so stations taking the
    first number at once all find one row to lock instead of inserting it twice."""
    key = f"sequence.{name}"
    start = int(settings.get(session, f"{key}.start", 1))
    session.execute(_insert(session)(Setting).values(key=key, value=start, updated_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["key"]))
    row = session.get(Setting, key, with_for_update=True, populate_existing=True)
    value = int(row.value)
    row.value = value + 1
    session.flush()
    return value


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def next_number(db: Database, name: str) -> int:
    """The same in its own short transaction: what a carrier plugin is lent."""
    with db.uow() as uow:
        value = take_number(uow.session, name)
        uow.commit()
        return value


def carrier_api(db: Database) -> CarrierApi:
    return CarrierApi(secret=credentials.api_key, next_number=lambda n: next_number(db, n))


def make_carrier(session: Session, db: Database, name: str) -> Carrier:
    config = settings.get(session, f"carrier.{name}", {}) or {}
    return registry.create(name, config, carrier_api(db))


def ship_day(session: Session, carrier: str, now: datetime | None = None) -> date:
    """Today (in the warehouse's time zone) before the carrier's cut-off, else the next
    weekday; weekend labels go out on Monday."""
    zone = ZoneInfo(settings.get(session, "shipping.timezone", "UTC"))
    local = (now or utcnow()).astimezone(zone)
    cutoff = settings.get(session, f"shipping.cutoff.{carrier}",
                          settings.get(session, "shipping.cutoff", DEFAULT_CUTOFF))
    day = local.date()
    if local.time() >= time.fromisoformat(cutoff):
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _ship_from(session: Session, shipment: Shipment) -> AddressDTO:
    location = shipment.location
    site = session.get(Location, location.site_id) if location and location.site_id else location
    if site is None:
        raise ValidationError(f"{shipment.label} has no location to ship from")
    return branded(session, site_address(session, site), shipment.order_id)


def branded(session: Session, address: AddressDTO, order_id: int) -> AddressDTO:
    """The return address on an order's label: its brand's (the brand of the order's
    channel) when the brand has one, else the site's under the brand's sender name."""
    from oms_desktop.services.brands import profiles

    brand = profiles.for_order(session, order_id)
    if brand is None:
        return address
    if not brand.street:
        return dataclasses.replace(address, name=brand.sender_name)
    return AddressDTO(name=brand.sender_name, street1=brand.street, city=brand.city or "",
                      postal_code=brand.postal_code or "",
                      country=brand.country or address.country, region=brand.region)


def site_address(session: Session, site: Location) -> AddressDTO:
    """A warehouse or store as the company's address on a label."""
    company = settings.get(session, "company.name", site.name)
    return AddressDTO(name=company, street1=site.address_line1 or site.name,
                      city=site.city or "", postal_code=site.postal_code or "",
                      country=site.country or "", region=site.region)


def _ship_to(shipment: Shipment) -> AddressDTO:
    return order_address(shipment.order)


def order_address(o) -> AddressDTO:
    """The customer's ship-to address of an order."""
    return AddressDTO(name=o.ship_name or "", street1=o.ship_line1 or "",
                      street2=o.ship_line2, city=o.ship_city or "",
                      postal_code=o.ship_postal_code or "", country=o.ship_country or "",
                      region=o.ship_region, company=o.ship_company, phone=o.ship_phone,
                      email=o.email)


def ensure_packages(session: Session, shipment: Shipment) -> None:
    """A shipment packed without package records gets one package with all its lines."""
    if shipment.packages:
        return
    weight = sum(l.quantity * session.get(Product, l.product_id).weight_g
                 for l in shipment.lines)
    shipment.packages.append(Package(number=1, weight_g=weight or None, contents={
        l.order_line.sku: l.quantity for l in shipment.lines}))


def assign_ssccs(session: Session, shipment: Shipment) -> None:
    """An SSCC-18 from the company's GS1 prefix for every package that has none."""
    prefix = settings.get(session, "gs1.company_prefix")
    if not prefix:
        return
    extension = int(settings.get(session, "gs1.sscc_extension", 0))
    for package in shipment.packages:
        if package.sscc is None:
            package.sscc = sscc(prefix, take_number(session, "sscc"), extension)


def shipment_dto(session: Session, shipment: Shipment) -> ShipmentDTO:
    parcels = tuple(parcel(session, p) for p in shipment.packages)
    return ShipmentDTO(id=shipment.id, reference=shipment.order.number,
                       ship_from=_ship_from(session, shipment), ship_to=_ship_to(shipment),
                       parcels=parcels, currency=shipment.order.currency)


def shipment_by_ref(session: Session, shipment_id: int | str, *,
                    locked: bool = False) -> Shipment:
    """A shipment by id or by its barcode SHP-<id>; `locked` (with its order) for a use case
    that changes it."""
    text = str(shipment_id).strip().upper()
    number = row_id(text, "SHP-")
    shipment = None if number is None else locked_shipment(session, number) if locked else \
        session.get(Shipment, number)
    if shipment is None:
        raise NotFound(f"No shipment {shipment_id!r}")
    return shipment


def active_label(session: Session, shipment_id: int) -> ShippingLabel | None:
    return session.scalars(sa.select(ShippingLabel).where(
        ShippingLabel.shipment_id == shipment_id, ShippingLabel.voided_at.is_(None))
        .order_by(ShippingLabel.id.desc()).limit(1)).first()
