"""What a carrier is told about a package: the box it was packed in (inner dimensions, tare
added to the weight), or, without a box, the size and weight of the products it holds. A
package whose size or weight nobody knows goes as 0, and a carrier that needs them refuses it
with one line saying what to do."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.carriers.base import ParcelDTO
from oms_desktop.errors import ValidationError
from oms_desktop.model import Package, Product
from oms_desktop.policies.boxes import Box, Item, bounding_size, contents_weight
from oms_desktop.services.shipping.boxes import box_by_code, catalogue


def items(session: Session, contents: dict[str, int] | None) -> list[Item]:
    """The products of {"SKU": quantity} as box-policy items."""
    if not contents:
        return []
    products = {p.sku: p for p in session.scalars(
        sa.select(Product).where(Product.sku.in_(list(contents))))}
    return [Item(p.length_mm, p.width_mm, p.height_mm, p.weight_g, int(contents[sku]))
            for sku, p in products.items()]


def _known_box(session: Session, code: str | None) -> Box | None:
    return next((b for b in catalogue(session) if b.code == code), None) if code else None


def close_package(session: Session, package: Package, *, weight_g: int | None,
                  box_code: str | None) -> None:
    """The packer's box gives the package its inner dimensions; a weight from the scale is
    the package as weighed, otherwise the products' weight plus the box's tare."""
    if weight_g is not None and weight_g <= 0:
        raise ValidationError("A package weight must be positive")
    box = box_by_code(session, box_code) if box_code else None
    if box is not None:
        package.box_code = box.code
        package.length_mm, package.width_mm, package.height_mm = box.sides
    goods = contents_weight(items(session, package.contents))
    weight = weight_g if weight_g is not None else \
        (goods + (box.tare_g if box else 0) if goods else package.weight_g)
    if not weight:  # a parcel of 0 g is refused by the carrier, or priced wrong
        raise ValidationError(f"Package {package.number} has no weight: its products have "
                              "none on file, so weigh it and enter the weight")
    if box is not None and weight > box.max_weight_g:
        raise ValidationError(f"Package {package.number} weighs {weight} g: box {box.code} "
                              f"takes at most {box.max_weight_g} g")
    package.weight_g = weight


def _size(session: Session, package: Package, goods: list[Item]) -> tuple[int, int, int]:
    if package.length_mm and package.width_mm and package.height_mm:
        return package.length_mm, package.width_mm, package.height_mm
    return bounding_size(goods) or (0, 0, 0)


def parcel(session: Session, package: Package) -> ParcelDTO:
    goods = items(session, package.contents)
    weight = package.weight_g or 0
    if not weight and contents_weight(goods):
        box = _known_box(session, package.box_code)
        weight = contents_weight(goods) + (box.tare_g if box else 0)
    return ParcelDTO(package.number, weight, *_size(session, package, goods), package.sscc)


def return_parcel(session: Session, contents: dict[str, int],
                  packages: list[Package]) -> ParcelDTO:
    """The parcel a customer sends back: in the box the goods came in (the first original
    package that held any of them), else the size of the products; their weight plus the
    box's tare."""
    goods = items(session, contents)
    original = next((p for p in packages if p.length_mm and p.width_mm and p.height_mm
                     and set(p.contents or {}) & set(contents)), None)
    size = ((original.length_mm, original.width_mm, original.height_mm) if original
            else bounding_size(goods) or (0, 0, 0))
    box = _known_box(session, original.box_code) if original else None
    weight = contents_weight(goods)
    return ParcelDTO(1, weight + (box.tare_g if box and weight else 0), *size)
