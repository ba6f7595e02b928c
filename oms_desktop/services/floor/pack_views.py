"""What the pack station and the command line see of a shipment being packed: plain frozen
views, built from the shipment and its needs (policies/pack_scan.Need)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from oms_desktop.model import Product, Shipment
from oms_desktop.policies.boxes import Item, suggest_box
from oms_desktop.policies.pack_scan import Need
from oms_desktop.services.shipping.boxes import catalogue


@dataclass(frozen=True)
class PartView:
    sku: str
    per_unit: int
    needed: int
    scanned: int


@dataclass(frozen=True)
class PackLineView:
    id: int
    sku: str
    description: str
    image_path: str | None
    quantity: int
    packed: int
    parts: tuple[PartView, ...]  # a kit's components; empty for a plain product

    @property
    def done(self) -> bool:
        return self.packed >= self.quantity


@dataclass(frozen=True)
class PackageView:
    number: int
    contents: dict[str, int]
    box_code: str | None
    weight_g: int | None


@dataclass(frozen=True)
class PackView:
    shipment_id: int
    label: str
    order_id: int
    order_number: str
    ship_to: str
    status: str
    lines: tuple[PackLineView, ...]
    packages: tuple[PackageView, ...]
    suggested_box: str | None

    @property
    def complete(self) -> bool:
        return all(l.done for l in self.lines)

    @property
    def current_package(self) -> int:
        return self.packages[-1].number if self.packages else 1

    @property
    def units_left(self) -> int:
        """Scans still needed: units of plain lines, components of kit lines."""
        return sum(sum(p.needed - p.scanned for p in l.parts) if l.parts
                   else l.quantity - l.packed for l in self.lines)


@dataclass(frozen=True)
class PackFeedback:
    ok: bool
    result: str
    message: str
    view: PackView | None


def pack_view(session: Session, shipment: Shipment, needs: list[Need]) -> PackView:
    lines = []
    for line in shipment.lines:
        mine = [n for n in needs if n.line_id == line.id]
        kit = session.get(Product, line.product_id)
        parts = tuple(PartView(n.sku, n.per_unit, n.needed, n.scanned) for n in mine
                      if n.product_id != line.product_id)
        lines.append(PackLineView(line.id, kit.sku, kit.name, kit.image_path, line.quantity,
                                  line.packed_qty, parts))
    packages = tuple(PackageView(p.number, dict(p.contents or {}), p.box_code, p.weight_g)
                     for p in shipment.packages) or (PackageView(1, {}, None, None),)
    order = shipment.order
    return PackView(shipment.id, shipment.label, order.id, order.number,
                    ", ".join(x for x in (order.ship_name, order.ship_city, order.ship_country)
                              if x), shipment.status.value, tuple(lines), packages,
                    suggested_box(session, needs))


def suggested_box(session: Session, needs: list[Need]) -> str | None:
    products = [session.get(Product, n.product_id) for n in needs]
    items = [Item(p.length_mm, p.width_mm, p.height_mm, p.weight_g, n.needed)
             for p, n in zip(products, needs)]
    box = suggest_box(items, catalogue(session))
    return box.code if box else None
