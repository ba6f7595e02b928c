"""Finding entities by the codes people type or scan, with clear messages when absent."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound
from oms_desktop.model import Location, LocationKind, Order, Product, ProductBarcode

VIRTUAL_CODES = {
    LocationKind.supplier: "SUPPLIER",
    LocationKind.customer: "CUSTOMER",
    LocationKind.inventory: "INVENTORY",
    LocationKind.transit: "TRANSIT",
}


def product_by_sku(session: Session, sku: str) -> Product:
    product = session.scalar(sa.select(Product).where(Product.sku == sku))
    if product is None:
        raise NotFound(f"No product with SKU {sku!r}")
    return product


def product_by_code(session: Session, code: str) -> Product:
    """A product by SKU or any of its barcodes."""
    product = session.scalar(sa.select(Product).where(Product.sku == code))
    if product is None:
        product = session.scalar(
            sa.select(Product).join(ProductBarcode).where(ProductBarcode.code == code))
    if product is None:
        raise NotFound(f"No product with SKU or barcode {code!r}")
    return product


def location_by_code(session: Session, code: str) -> Location:
    location = session.scalar(sa.select(Location).where(Location.code == code))
    if location is None:
        raise NotFound(f"No location with code {code!r}")
    return location


def virtual_location(session: Session, kind: LocationKind) -> Location:
    """The shared far-end location of a kind (supplier, customer, inventory, transit)."""
    code = VIRTUAL_CODES[kind]
    location = session.scalar(sa.select(Location).where(Location.code == code))
    if location is None:
        location = Location(code=code, name=code.title(), kind=kind, sellable=False,
                            ships_from=False)
        session.add(location)
        session.flush()
    return location


def order_by_ref(session: Session, ref: str | int) -> Order:
    """An order by id, by our barcode (ORD-<id>), or by its channel number."""
    text = str(ref).strip()
    order = None
    if text.upper().startswith("ORD-") and text[4:].isdigit():
        order = session.get(Order, int(text[4:]))
    elif text.isdigit():
        order = session.get(Order, int(text))
    if order is None:
        order = session.scalars(sa.select(Order).where(Order.number == text).limit(1)).first()
    if order is None:
        raise NotFound(f"No order {text!r}")
    return order
