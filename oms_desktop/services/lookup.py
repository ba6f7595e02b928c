"""Finding entities by the codes people type or scan, with clear messages when absent."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import NotFound
from oms_desktop.model import Location, LocationKind, Order, Product, ProductBarcode, Shipment
from oms_desktop.storage.concurrency import insert_unless_there, lock

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
    if location is None:  # made on first use; two stations may both get here
        insert_unless_there(session, Location.__table__, ["code"], code=code,
                            name=code.title(), kind=kind, sellable=False, ships_from=False,
                            priority=100, active=True)
        location = session.scalar(sa.select(Location).where(Location.code == code))
    return location


def order_by_ref(session: Session, ref: str | int, *, locked: bool = False) -> Order:
    """An order by id, by our barcode (ORD-<id>), or by its channel number; `locked` for a
    use case that changes it (the row stays locked until commit, read afresh)."""
    text = str(ref).strip()
    order_id = None
    if text.upper().startswith("ORD-") and text[4:].isdigit():
        order_id = session.scalar(sa.select(Order.id).where(Order.id == int(text[4:])))
    elif text.isdigit():
        order_id = session.scalar(sa.select(Order.id).where(Order.id == int(text)))
    if order_id is None:
        order_id = session.scalar(sa.select(Order.id).where(Order.number == text).limit(1))
    if order_id is None:
        raise NotFound(f"No order {text!r}")
    return lock(session, Order, order_id) if locked else session.get(Order, order_id)


def locked_shipment(session: Session, shipment_id: int, **options) -> Shipment | None:
    """A shipment about to change, locked with its order (always the order first, so two
    use cases never wait for each other in a circle)."""
    order_id = session.scalar(sa.select(Shipment.order_id).where(Shipment.id == shipment_id))
    if order_id is None:
        return None
    lock(session, Order, order_id)
    return lock(session, Shipment, shipment_id, **options)
