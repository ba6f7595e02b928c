"""The catalogue from a connected store, at set-up and on every sync after it: products new or
changed since the last catalogue sync (their own cursor) are created or brought up to date,
barcodes included, a page per transaction with the cursor. A product the store describes too
badly is counted and named, never guessed at. Products made from order lines are listed for
review until someone checks them or the store describes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.base import Connector
from oms_desktop.connectors.dto import ProductDTO, ProductPage
from oms_desktop.errors import NotFound, OmsError
from oms_desktop.model import Actor, Product, SyncCursor
from oms_desktop.plugins.errors import Permanent, PluginError
from oms_desktop.policies.permissions import require
from oms_desktop.services.channels.new_orders import link_new_products
from oms_desktop.services.channels.setup import build_connector, get_channel
from oms_desktop.services.inventory.catalog import ProductFacts, upsert_product
from oms_desktop.services.inventory.catalog_import import CLAIM
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import claim

STREAM = "catalogue"
OVERLAP = timedelta(minutes=5)
REASONS_KEPT = 20


@dataclass
class CatalogueResult:
    channel: str
    status: str  # ok, failed, or unsupported (the store does not share its catalogue)
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    reasons: list[str] = field(default_factory=list)
    error: str | None = None

    def add(self, other: dict, reasons: list[str]) -> None:
        for key, value in other.items():
            setattr(self, key, getattr(self, key) + value)
        self.reasons = (self.reasons + reasons)[:REASONS_KEPT]


@dataclass(frozen=True)
class ReviewItem:
    sku: str
    name: str
    note: str | None
    weight_g: int
    barcodes: tuple[str, ...]


def _direct(fn: Callable[[], object]) -> object:
    return fn()


def sync_catalogue(db: Database, *, actor: Actor, code: str, full: bool = False,
                   connector: Connector | None = None,
                   run_db: Callable[[Callable[[], object]], object] = _direct) -> CatalogueResult:
    require(actor, "channels.sync")
    info = run_db(lambda: get_channel(db, code))
    own = connector is None
    connector = connector or build_connector(info)
    try:
        return pull_catalogue(db, info.id, info.code, connector, actor=actor, full=full,
                              run_db=run_db)
    finally:
        if own:
            connector.close()


def pull_catalogue(db: Database, channel_id: int, code: str, connector: Connector, *,
                   actor: Actor, full: bool = False,
                   run_db: Callable = _direct) -> CatalogueResult:
    """The catalogue part of a channel's sync; a failure is returned in the result, and a
    store that does not share its catalogue is 'unsupported', not an error."""
    result = CatalogueResult(code, "ok")
    since = None if full else run_db(lambda: _since(db, channel_id))
    try:
        for page in connector.fetch_products(since):
            run_db(lambda: _commit(db, channel_id, page, actor.via(f"catalogue:{code}"),
                                   result))
    except Permanent as exc:
        if "does not share its catalogue" in str(exc):
            result.status = "unsupported"
            return result
        result.status, result.error = "failed", str(exc)
    except PluginError as exc:
        result.status, result.error = "failed", str(exc)
    return result


def _since(db: Database, channel_id: int) -> datetime | None:
    with db.uow(readonly=True) as uow:
        mark = uow.session.scalar(sa.select(SyncCursor.cursor).where(
            SyncCursor.channel_id == channel_id, SyncCursor.stream == STREAM))
    return datetime.fromisoformat(mark) - OVERLAP if mark else None


def _commit(db: Database, channel_id: int, page: ProductPage, actor: Actor,
            result: CatalogueResult) -> None:
    counts = {"fetched": len(page.products) + len(page.failures), "created": 0, "updated": 0,
              "unchanged": 0, "failed": len(page.failures)}
    reasons = [f.reason for f in page.failures]
    with db.uow() as uow:
        s = uow.session
        claim(s, CLAIM)
        for dto in page.products:
            try:
                with s.begin_nested():
                    counts[_take(s, dto)] += 1
            except OmsError as exc:
                counts["failed"] += 1
                reasons.append(f"SKU {dto.sku}: {exc}")
        link_new_products(s, channel_id, actor)
        if page.high_water is not None:
            _advance(s, channel_id, page.high_water)
        uow.commit()
    result.add(counts, reasons)


def _take(session: Session, dto: ProductDTO) -> str:
    outcome = upsert_product(session, ProductFacts(
        sku=dto.sku, name=dto.name, barcodes=dto.barcodes, price=dto.price,
        weight_g=dto.weight_g, length_mm=dto.length_mm, width_mm=dto.width_mm,
        height_mm=dto.height_mm, category=dto.category))
    product = session.scalar(sa.select(Product).where(Product.sku == dto.sku))
    if product.needs_review and dto.weight_g:  # the store has described what an order made
        product.needs_review, product.review_note = False, None
        outcome = "updated"
    return outcome


def _advance(session: Session, channel_id: int, mark: datetime) -> None:
    row = session.scalar(sa.select(SyncCursor).where(
        SyncCursor.channel_id == channel_id, SyncCursor.stream == STREAM))
    if row is None:
        session.add(SyncCursor(channel_id=channel_id, stream=STREAM, cursor=mark.isoformat()))
    elif row.cursor is None or datetime.fromisoformat(row.cursor) < mark:
        row.cursor = mark.isoformat()


# -- review -----------------------------------------------------------------------------------
def to_review(db: Database) -> list[ReviewItem]:
    with db.uow(readonly=True) as uow:
        found = uow.session.scalars(sa.select(Product).where(Product.needs_review)
                                    .order_by(Product.sku))
        return [ReviewItem(p.sku, p.name, p.review_note, p.weight_g,
                           tuple(b.code for b in p.barcodes)) for p in found]


def mark_reviewed(db: Database, *, actor: Actor, skus: list[str]) -> list[str]:
    """Clear the review flag of these products (the SKUs done); an unknown SKU is refused."""
    require(actor, "settings.edit")
    with db.uow() as uow:
        found = {p.sku: p for p in uow.session.scalars(
            sa.select(Product).where(Product.sku.in_(skus)))}
        missing = [s for s in skus if s not in found]
        if missing:
            raise NotFound(f"No product with SKU {', '.join(missing)}")
        for product in found.values():
            product.needs_review, product.review_note = False, None
        uow.commit()
        return sorted(found)
