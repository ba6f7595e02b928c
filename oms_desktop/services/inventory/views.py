"""What the inventory screen shows: the location tree with stock totals, one product's stock
per location, the contents of a location, product search, and what a scanned code is."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import Actor, Location, LocationKind, Product, ProductBarcode, StockLevel
from oms_desktop.policies.permissions import require
from oms_desktop.services.inventory import stock
from oms_desktop.services.inventory.stock import Quantities
from oms_desktop.services.lookup import product_by_code
from oms_desktop.storage import Database

# The far ends of moves (supplier, customer, inventory) are not part of the warehouse tree.
VIRTUAL_KINDS = frozenset({LocationKind.supplier, LocationKind.customer, LocationKind.inventory})


@dataclass(frozen=True)
class LocationNode(Quantities):
    """One location with the stock held at it and everywhere below it."""

    id: int
    code: str
    name: str
    kind: str
    on_hand: int
    reserved: int
    children: tuple["LocationNode", ...] = ()


@dataclass(frozen=True)
class StockAt(Quantities):
    """One product at one location."""

    sku: str
    name: str
    location: str
    site: str | None
    on_hand: int
    reserved: int


@dataclass(frozen=True)
class SkuView(Quantities):
    sku: str
    name: str
    barcodes: tuple[str, ...]
    rows: tuple[StockAt, ...]

    @property
    def on_hand(self) -> int:
        return sum(r.on_hand for r in self.rows)

    @property
    def reserved(self) -> int:
        return sum(r.reserved for r in self.rows)


@dataclass(frozen=True)
class ProductHit(Quantities):
    sku: str
    name: str
    on_hand: int
    reserved: int


@dataclass(frozen=True)
class ScannedCode:
    """What a scanned or typed code names: a location ("location") or a product ("product")."""

    kind: str
    code: str
    name: str


def location_tree(db: Database, *, actor: Actor) -> list[LocationNode]:
    """The hierarchy's roots, each node carrying on_hand/reserved summed over its subtree.
    One grouped query for the levels; the tree is summed in Python."""
    require(actor, "stock.view")
    with db.uow(readonly=True) as uow:
        locations = _tree_locations(uow.session)
        totals = _totals_by_location(uow.session, _seen(uow.session, actor))
    children = defaultdict(list)
    for loc in locations:
        children[loc.parent_id].append(loc)
    known = {loc.id for loc in locations}
    roots = [loc for loc in locations if loc.parent_id is None or loc.parent_id not in known]
    return [_node(loc, children, totals) for loc in roots]


def _tree_locations(session: Session) -> list:
    return list(session.execute(
        sa.select(Location.id, Location.parent_id, Location.code, Location.name,
                  Location.kind).where(Location.active.is_(True),
                                  Location.kind.not_in(list(VIRTUAL_KINDS)))
        .order_by(Location.walk_sequence, Location.code)))


def _seen(session: Session, actor: Actor) -> list:
    """The stock the person may see (their sites'; services.users.scope)."""
    from oms_desktop.services.users import scope

    return scope.stock_where(scope.of(session, actor))


def _totals_by_location(session: Session, seen: list) -> dict[int, tuple[int, int]]:
    query = (sa.select(StockLevel.location_id, sa.func.sum(StockLevel.on_hand),
                       sa.func.sum(StockLevel.reserved)).where(*seen)
             .group_by(StockLevel.location_id))
    return {loc: (int(on_hand), int(reserved))
            for loc, on_hand, reserved in session.execute(query)}


def _node(loc, children: dict, totals: dict) -> LocationNode:
    below = tuple(_node(child, children, totals) for child in children.get(loc.id, ()))
    own_on_hand, own_reserved = totals.get(loc.id, (0, 0))
    return LocationNode(
        loc.id, loc.code, loc.name, loc.kind.value,
        own_on_hand + sum(n.on_hand for n in below),
        own_reserved + sum(n.reserved for n in below), below)


def sku_view(db: Database, *, actor: Actor, code: str) -> SkuView:
    """One product (by SKU or barcode) with on_hand/reserved/available per location."""
    require(actor, "stock.view")
    with db.uow(readonly=True) as uow:
        product = product_by_code(uow.session, code.strip())
        rows = _stock_rows(uow.session, StockLevel.product_id == product.id,
                           *_seen(uow.session, actor))
        return SkuView(product.sku, product.name,
                       tuple(sorted(b.code for b in product.barcodes)), tuple(rows))


def location_contents(db: Database, *, actor: Actor, code: str) -> list[StockAt]:
    """Every product held at a location or anywhere below it, with stock."""
    require(actor, "stock.view")
    with db.uow(readonly=True) as uow:
        ids = subtree_ids(uow.session, code)
        return _stock_rows(uow.session, StockLevel.location_id.in_(ids),
                           StockLevel.on_hand > 0, *_seen(uow.session, actor))


def subtree_ids(session: Session, code: str) -> list[int]:
    """The ids of a location and all its descendants (walked over parent_id in Python)."""
    pairs = list(session.execute(sa.select(Location.id, Location.parent_id, Location.code)))
    start = next((i for i, _, c in pairs if c == code), None)
    if start is None:
        raise NotFound(f"No location with code {code!r}")
    below = defaultdict(list)
    for loc_id, parent_id, _ in pairs:
        below[parent_id].append(loc_id)
    found, todo = [], [start]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(below.get(current, ()))
    return found


def _stock_rows(session: Session, *conditions) -> list[StockAt]:
    site = aliased(Location)
    query = (sa.select(Product.sku, Product.name, Location.code, site.code,
                       StockLevel.on_hand, StockLevel.reserved)
             .join(Product, Product.id == StockLevel.product_id)
             .join(Location, Location.id == StockLevel.location_id)
             .outerjoin(site, site.id == StockLevel.site_id)
             .where(*conditions).order_by(Location.code, Product.sku))
    return [StockAt(*row) for row in session.execute(query)]


def search_products(db: Database, *, actor: Actor, text: str,
                    limit: int = 50) -> list[ProductHit]:
    """Products whose SKU or name starts with `text` (any case), or whose barcode is `text`,
    with their stock over all locations."""
    require(actor, "stock.view")
    text = text.strip()
    if not text:
        return []
    pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with db.uow(readonly=True) as uow:
        barcode_match = sa.select(ProductBarcode.product_id).where(ProductBarcode.code == text)
        query = (sa.select(Product.sku, Product.name,
                           sa.func.coalesce(sa.func.sum(StockLevel.on_hand), 0),
                           sa.func.coalesce(sa.func.sum(StockLevel.reserved), 0))
                 .outerjoin(StockLevel, StockLevel.product_id == Product.id)
                 .where(sa.or_(Product.sku.ilike(pattern, escape="\\"),
                               Product.name.ilike(pattern, escape="\\"),
                               Product.id.in_(barcode_match)))
                 .group_by(Product.id, Product.sku, Product.name)
                 .order_by(Product.sku).limit(limit))
        return [ProductHit(sku, name, int(on_hand), int(reserved))
                for sku, name, on_hand, reserved in uow.session.execute(query)]


def identify(db: Database, *, actor: Actor, code: str) -> ScannedCode:
    """Whether a scanned code is a location or a product (locations win on a tie)."""
    require(actor, "stock.view")
    with db.uow(readonly=True) as uow:
        return identify_in(uow.session, code)


def identify_in(session: Session, code: str) -> ScannedCode:
    code = code.strip()
    location = session.scalar(sa.select(Location).where(Location.code == code))
    if location is not None:
        return ScannedCode("location", location.code, location.name)
    product = product_by_code(session, code)
    return ScannedCode("product", product.sku, product.name)


@dataclass(frozen=True)
class ScanReceipt:
    """The outcome of one scan at the receiving desk: a location chosen, or units received."""

    scanned: ScannedCode
    location: str | None
    row: stock.StockRow | None = None
    quantity: int = 0


def receive_scan(db: Database, *, actor: Actor, code: str, location: str | None,
                 quantity: int = 1) -> ScanReceipt:
    """A scan at the receiving desk: a location code chooses where goods go; a product code
    receives `quantity` units of it there (through services.stock.receive)."""
    require(actor, "stock.receive")
    scanned = identify(db, actor=actor, code=code)
    if scanned.kind == "location":
        _must_hold_stock(db, scanned.code)
        return ScanReceipt(scanned, scanned.code)
    if location is None:
        raise ValidationError("Scan a bin first: where should the goods go?")
    row = stock.receive(db, actor=actor, sku=scanned.code, location=location,
                        quantity=quantity, reference="scan")
    return ScanReceipt(scanned, location, row, quantity)


def _must_hold_stock(db: Database, code: str) -> None:
    with db.uow(readonly=True) as uow:
        location = uow.session.scalar(sa.select(Location).where(Location.code == code))
        if not location.holds_stock:
            raise ValidationError(f"{code} is a {location.kind.value}: scan a bin")
