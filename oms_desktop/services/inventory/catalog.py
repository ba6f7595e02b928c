"""Setting up what the warehouse holds: locations (the hierarchy) and products."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ValidationError
from oms_desktop.model import (
    Actor, KitComponent, Location, LocationKind, Product, ProductBarcode,
)
from oms_desktop.policies.barcodes import classify_barcode
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


@dataclass(frozen=True)
class ProductFacts:
    """What a file or a store says about one product; None (or no barcodes) leaves what we
    hold as it is, so a file with fewer columns never blanks a field."""
    sku: str
    name: str | None = None
    barcodes: tuple[str, ...] = ()
    price: Decimal | None = None
    weight_g: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    category: str | None = None
    description: str | None = None
    components: dict[str, int] | None = None

    def fields(self) -> dict:
        names = ("name", "price", "weight_g", "length_mm", "width_mm", "height_mm", "category",
                 "description")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def upsert_product(session: Session, facts: ProductFacts) -> str:
    """Create the product or bring it up to date: 'created', 'updated' or 'unchanged'.
    Everything is checked before anything changes, so a refused product (ValidationError)
    leaves the session as it was."""
    product = session.scalar(sa.select(Product).where(Product.sku == facts.sku))
    new_codes = _check(session, facts, product)
    if product is None:
        if not facts.name:
            raise ValidationError(f"New product {facts.sku} needs a name")
        add_product(session, sku=facts.sku, barcodes=tuple(new_codes),
                    components=facts.components, **facts.fields())
        return "created"
    changed = {k: v for k, v in facts.fields().items() if getattr(product, k) != v}
    for name, value in changed.items():
        setattr(product, name, value)
    for code in new_codes:
        product.add_barcode(code)
    kit_changed = facts.components is not None and facts.components != _components(product)
    if kit_changed:
        _set_components(session, product, facts.components)
    return "updated" if changed or new_codes or kit_changed else "unchanged"


def _check(session: Session, facts: ProductFacts, product: Product | None) -> list[str]:
    """The barcodes still to attach; refuses bad or taken barcodes and unknown components."""
    if not facts.sku or len(facts.sku) > 64:
        raise ValidationError("A SKU must be 1 to 64 characters")
    new_codes = []
    for code in dict.fromkeys(facts.barcodes):
        classify_barcode(code)
        owner = session.scalar(sa.select(Product.sku).join(ProductBarcode)
                               .where(ProductBarcode.code == code))
        if owner is not None and owner != facts.sku:
            raise ValidationError(f"Barcode {code} belongs to {owner} already")
        if owner is None:
            new_codes.append(code)
    for sku, qty in (facts.components or {}).items():
        if sku == facts.sku:
            raise ValidationError(f"Kit {sku} cannot contain itself")
        if qty < 1:
            raise ValidationError(f"Kit component {sku} needs a quantity of 1 or more")
        if session.scalar(sa.select(Product.id).where(Product.sku == sku)) is None:
            raise ValidationError(f"Kit component {sku} is not in the catalogue")
    return new_codes


def _components(product: Product) -> dict[str, int]:
    return {c.component.sku: c.quantity for c in product.components}


def _set_components(session: Session, product: Product, components: dict[str, int]) -> None:
    product.components.clear()
    session.flush()
    for sku, qty in components.items():
        product.components.append(KitComponent(component=product_by_sku(session, sku),
                                               quantity=qty))
    product.is_kit = bool(components)
