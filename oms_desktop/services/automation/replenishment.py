"""Restock triggers: a reorder point and a max per product and site. When a site's available
units fall below the point, a suggestion appears to bring it back up to max: a transfer from a
warehouse with surplus (units above its own max), else a draft purchase from the product's
supplier. Accepting a transfer moves the units into TRANSIT; receiving moves them in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import InsufficientStock, NotFound, ValidationError
from oms_desktop.model import (
    Actor, Location, LocationKind, MoveReason, Product, ReorderPoint, ReplenishmentSuggestion,
    StockLevel, SuggestionKind, SuggestionStatus, utcnow,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services.events import StockChanged
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import (location_by_code, product_by_code, row_id,
                                         virtual_location)
from oms_desktop.services.messagebus import publish
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import lock

PENDING = (SuggestionStatus.open, SuggestionStatus.accepted)


@dataclass(frozen=True)
class PointView:
    sku: str
    location: str
    reorder_point: int
    max_qty: int


@dataclass(frozen=True)
class SuggestionView:
    id: int
    reference: str
    kind: str
    status: str
    sku: str
    location: str
    source: str | None
    quantity: int
    reason: str | None
    created_at: datetime


def _site(session: Session, code: str) -> Location:
    location = location_by_code(session, code)
    if not location.is_site:
        raise ValidationError(f"{code} is a {location.kind.value}: reorder points belong to a"
                              " warehouse, store or 3PL site")
    return location


def set_point(db: Database, *, actor: Actor, sku: str, location: str, reorder_point: int,
              max_qty: int) -> PointView:
    """Set (or change) the reorder point and max of a product at a site."""
    require(actor, "stock.replenish")
    if reorder_point < 0 or max_qty < reorder_point or max_qty <= 0:
        raise ValidationError("Need 0 <= reorder point <= max, and a max above zero")
    with db.uow() as uow:
        s = uow.session
        product, site = product_by_code(s, sku), _site(s, location)
        point = s.scalar(sa.select(ReorderPoint).where(
            ReorderPoint.product_id == product.id, ReorderPoint.location_id == site.id))
        if point is None:
            point = ReorderPoint(product_id=product.id, location_id=site.id)
            s.add(point)
        point.reorder_point, point.max_qty = reorder_point, max_qty
        uow.commit()
        return PointView(product.sku, site.code, reorder_point, max_qty)


# -- finding what is short ---------------------------------------------------------------------
def _available(session: Session, product_ids: set[int]) -> dict[tuple[int, int], int]:
    rows = session.execute(
        sa.select(StockLevel.product_id, StockLevel.site_id,
                  sa.func.sum(StockLevel.on_hand - StockLevel.reserved))
        .where(StockLevel.product_id.in_(product_ids), StockLevel.site_id.is_not(None))
        .group_by(StockLevel.product_id, StockLevel.site_id))
    return {(p, site): int(q) for p, site, q in rows}


def _pending(session: Session, product_ids: set[int]):
    """Units already on their way (per destination) and promised away (per source)."""
    incoming, outgoing = defaultdict(int), defaultdict(int)
    for s in session.scalars(sa.select(ReplenishmentSuggestion).where(
            ReplenishmentSuggestion.product_id.in_(product_ids),
            ReplenishmentSuggestion.status.in_(PENDING))):
        incoming[(s.product_id, s.location_id)] += s.quantity
        if s.kind == SuggestionKind.transfer and s.status == SuggestionStatus.open:
            outgoing[(s.product_id, s.source_id)] += s.quantity
    return incoming, outgoing


def check(session: Session, *, product_ids: set[int] | None = None,
          site_id: int | None = None) -> list[ReplenishmentSuggestion]:
    """Session helper: raise suggestions for every (product, site) below its reorder point."""
    query = sa.select(ReorderPoint)
    if product_ids is not None:
        query = query.where(ReorderPoint.product_id.in_(product_ids))
    points = list(session.scalars(query))
    if not points:
        return []
    products = {p.product_id for p in points}
    available = _available(session, products)
    incoming, outgoing = _pending(session, products)
    maxima = {(p.product_id, p.location_id): p.max_qty for p in points}
    warehouses = list(session.scalars(sa.select(Location.id).where(
        Location.kind == LocationKind.warehouse, Location.active.is_(True))))
    created = []
    for point in points:
        if site_id is not None and point.location_id != site_id:
            continue
        key = (point.product_id, point.location_id)
        have = available.get(key, 0)
        need = point.max_qty - have - incoming[key]
        if have >= point.reorder_point or need <= 0:
            continue
        surplus = {w: available.get((point.product_id, w), 0) - maxima.get(
            (point.product_id, w), 0) - outgoing[(point.product_id, w)]
            for w in warehouses if w != point.location_id}
        created += _suggest(session, point, need, surplus, have, outgoing)
    session.flush()
    return created


def _suggest(session: Session, point: ReorderPoint, need: int, surplus: dict[int, int],
             have: int, outgoing) -> list[ReplenishmentSuggestion]:
    why = f"{have} available, below the reorder point {point.reorder_point}; max {point.max_qty}"
    out = []
    source = max(surplus, key=lambda w: (surplus[w], -w), default=None)
    if source is not None and surplus[source] > 0:
        quantity = min(need, surplus[source])
        out.append(_new(session, point, SuggestionKind.transfer, source, quantity, why))
        outgoing[(point.product_id, source)] += quantity
        need -= quantity
    if need > 0:
        supplier = session.scalar(sa.select(Product.supplier_id)
                                  .where(Product.id == point.product_id))
        out.append(_new(session, point, SuggestionKind.purchase, supplier, need, why))
    return out


def _new(session: Session, point: ReorderPoint, kind: SuggestionKind, source: int | None,
         quantity: int, why: str) -> ReplenishmentSuggestion:
    suggestion = ReplenishmentSuggestion(
        kind=kind, product_id=point.product_id, location_id=point.location_id,
        source_id=source, quantity=quantity, reason=why, created_at=utcnow())
    session.add(suggestion)
    return suggestion


def on_stock_changed(session: Session, event: StockChanged) -> None:
    """Handler: when stock changes, check the reorder points of those products."""
    if event.product_ids:
        check(session, product_ids=set(event.product_ids))


# -- listing and deciding ----------------------------------------------------------------------
def _view(session: Session, s: ReplenishmentSuggestion) -> SuggestionView:
    codes = dict(session.execute(sa.select(Location.id, Location.code).where(
        Location.id.in_([s.location_id, s.source_id or s.location_id]))).all())
    sku = session.scalar(sa.select(Product.sku).where(Product.id == s.product_id))
    return SuggestionView(s.id, s.reference, s.kind.value, s.status.value, sku,
                          codes[s.location_id], codes.get(s.source_id), s.quantity, s.reason,
                          s.created_at)


def suggest(db: Database, *, actor: Actor, location: str | None = None) -> list[SuggestionView]:
    """Check every reorder point (of one site, or all) now; the open suggestions."""
    require(actor, "stock.replenish")
    with db.uow() as uow:
        site = _site(uow.session, location) if location else None
        check(uow.session, site_id=site.id if site else None)
        uow.commit()
    return suggestions(db, location=location)


def suggestions(db: Database, *, status: str = "open",
                location: str | None = None) -> list[SuggestionView]:
    with db.uow(readonly=True) as uow:
        query = (sa.select(ReplenishmentSuggestion).order_by(ReplenishmentSuggestion.id)
                 .where(ReplenishmentSuggestion.status == SuggestionStatus(status)))
        if location:
            query = query.where(ReplenishmentSuggestion.location_id
                                == _site(uow.session, location).id)
        return [_view(uow.session, s) for s in uow.session.scalars(query)]


def _suggestion(session: Session, ref: str | int) -> ReplenishmentSuggestion:
    """The suggestion a decision is about, locked until commit (its verbs refuse the
    second station, naming the first)."""
    number = row_id(ref, "RPL-")
    found = None if number is None else lock(session, ReplenishmentSuggestion, number)
    if found is None:
        raise NotFound(f"No replenishment suggestion {ref!r}")
    return found


def dismiss(db: Database, *, actor: Actor, suggestion: str | int) -> SuggestionView:
    require(actor, "stock.replenish")
    with db.uow() as uow:
        found = _suggestion(uow.session, suggestion)
        uow.session.add(found.dismiss(by=actor))
        uow.commit()
        return _view(uow.session, found)


def accept(db: Database, *, actor: Actor, suggestion: str | int) -> SuggestionView:
    """Accept: a transfer leaves the source site into TRANSIT now; a purchase becomes a draft
    purchase waiting to be received."""
    require(actor, "stock.replenish")
    with db.uow() as uow:
        s = uow.session
        found = _suggestion(s, suggestion)
        s.add(found.accept(by=actor))
        if found.kind == SuggestionKind.transfer:
            _ship_to_transit(s, found, actor)
            publish(s, StockChanged(actor=actor, product_ids=(found.product_id,)))
        uow.commit()
        return _view(s, found)


def _ship_to_transit(session: Session, found: ReplenishmentSuggestion, actor: Actor) -> None:
    transit, left = virtual_location(session, LocationKind.transit), found.quantity
    levels = session.execute(
        sa.select(StockLevel.location_id, StockLevel.on_hand - StockLevel.reserved)
        .where(StockLevel.product_id == found.product_id,
               StockLevel.site_id == found.source_id,
               StockLevel.on_hand > StockLevel.reserved)
        .order_by((StockLevel.on_hand - StockLevel.reserved).desc(), StockLevel.id)).all()
    for location_id, free in levels:
        take = min(left, free)
        stock_ops.move(session, product_id=found.product_id,
                       source=session.get(Location, location_id), target=transit,
                       quantity=take, reason=MoveReason.transfer, by=actor,
                       reference=found.reference)
        left -= take
        if left == 0:
            return
    raise InsufficientStock(f"{found.reference}: the source has only "
                            f"{found.quantity - left} of {found.quantity} available now")


def receive(db: Database, *, actor: Actor, suggestion: str | int,
            location: str | None = None) -> SuggestionView:
    """Goods in for an accepted suggestion: from TRANSIT (transfer) or the supplier
    (purchase) to the site, or to the given bin of it."""
    require(actor, "stock.receive")
    with db.uow() as uow:
        s = uow.session
        found = _suggestion(s, suggestion)
        s.add(found.receive(by=actor))
        target = location_by_code(s, location) if location else s.get(Location, found.location_id)
        if target.site_id != found.location_id:
            raise ValidationError(f"{target.code} is not part of the destination site")
        transfer = found.kind == SuggestionKind.transfer
        stock_ops.move(s, product_id=found.product_id, source=_inbound_source(s, found),
                       target=target, quantity=found.quantity,
                       reason=MoveReason.transfer if transfer else MoveReason.receipt,
                       by=actor, reference=found.reference)
        publish(s, StockChanged(actor=actor, product_ids=(found.product_id,)))
        uow.commit()
        return _view(s, found)


def _inbound_source(session: Session, found: ReplenishmentSuggestion) -> Location:
    """TRANSIT for a transfer; the product's supplier (or the shared one) for a purchase."""
    if found.kind == SuggestionKind.transfer:
        return virtual_location(session, LocationKind.transit)
    if found.source_id is not None:
        return session.get(Location, found.source_id)
    return virtual_location(session, LocationKind.supplier)
