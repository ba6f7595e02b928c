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


MAX_ROW_ID = 2**63 - 1  # the largest id either database can hold (BIGINT, SQLite INTEGER)


def row_id(text: str | int, prefix: str = "") -> int | None:
    """The id a person typed or scanned ("785", or "SHP-785" with prefix "SHP-"), or None when
    it is not one: not digits, or beyond any id a database can hold (a mistyped
    99999999999999999999 is "not found", not an overflow)."""
    text = str(text).strip()
    if prefix and text.upper().startswith(prefix.upper()):
        text = text[len(prefix):]
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None


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
    order_id, number = None, row_id(text, "ORD-")
    if number is not None:
        order_id = session.scalar(sa.select(Order.id).where(Order.id == number))
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
