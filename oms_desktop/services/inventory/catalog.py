"""Setting up what the warehouse holds: locations (the hierarchy) and products."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ValidationError
from oms_desktop.model import Actor, KitComponent, Location, LocationKind, Product
from oms_desktop.policies.permissions import require
from oms_desktop.services.lookup import location_by_code, product_by_sku
from oms_desktop.storage import Database

# Which kinds may sit under which: organisation ▸ brand ▸ (region ▸) site ▸ zone ▸ bin.
_PARENTS = {
    LocationKind.brand: {LocationKind.organisation},
    LocationKind.region: {LocationKind.brand, LocationKind.organisation},
    LocationKind.warehouse: {LocationKind.brand, LocationKind.region, LocationKind.organisation},
    LocationKind.store: {LocationKind.brand, LocationKind.region, LocationKind.organisation},
    LocationKind.threepl: {LocationKind.brand, LocationKind.region, LocationKind.organisation},
    LocationKind.zone: {LocationKind.warehouse, LocationKind.store, LocationKind.threepl},
    LocationKind.bin: {LocationKind.zone, LocationKind.warehouse, LocationKind.store,
                       LocationKind.threepl},
}


@dataclass(frozen=True)
class LocationInfo:
    id: int
    code: str
    name: str
    kind: str
    parent: str | None
    site: str | None


def add_location(session: Session, *, code: str, name: str, kind: LocationKind,
                 parent: Location | None = None, **fields) -> Location:
    """Create a location in the hierarchy, checking that it may sit under its parent."""
    allowed = _PARENTS.get(kind)
    if allowed is not None and parent is not None and parent.kind not in allowed:
        raise ValidationError(f"A {kind.value} cannot sit under a {parent.kind.value}")
    location = Location(code=code, name=name, kind=kind, parent=parent, **fields)
    session.add(location)
    session.flush()
    if location.is_site:
        location.site_id = location.id
    elif parent is not None and kind in (LocationKind.zone, LocationKind.bin):
        location.site_id = parent.site_id
    return location


def create_location(db: Database, *, actor: Actor, code: str, name: str, kind: str,
                    parent: str | None = None, **fields) -> LocationInfo:
    require(actor, "settings.edit")
    with db.uow() as uow:
        above = location_by_code(uow.session, parent) if parent else None
        loc = add_location(uow.session, code=code, name=name, kind=LocationKind(kind),
                           parent=above, **fields)
        uow.commit()
        return LocationInfo(loc.id, loc.code, loc.name, loc.kind.value,
                            above.code if above else None,
                            loc.code if loc.is_site else (above.code if above else None))


def add_product(session: Session, *, sku: str, name: str, barcodes: tuple[str, ...] = (),
                price: Decimal | None = None, components: dict[str, int] | None = None,
                **fields) -> Product:
    product = Product(sku=sku, name=name, price=price, is_kit=bool(components), **fields)
    for code in barcodes:
        product.add_barcode(code)
    session.add(product)
    session.flush()
    for component_sku, qty in (components or {}).items():
        part = product_by_sku(session, component_sku)
        product.components.append(KitComponent(component=part, quantity=qty))
    return product


def create_product(db: Database, *, actor: Actor, sku: str, name: str,
                   barcodes: tuple[str, ...] = (), **fields) -> int:
    require(actor, "settings.edit")
    with db.uow() as uow:
        if uow.session.scalar(sa.select(Product.id).where(Product.sku == sku)):
            raise ValidationError(f"SKU {sku} exists already")
        product = add_product(uow.session, sku=sku, name=name, barcodes=barcodes, **fields)
        uow.commit()
        return product.id
