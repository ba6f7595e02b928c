"""Available-to-sell per channel, pushed to the channel when it changes.

ATS of a SKU on a channel = what is available (on hand − reserved) in the sellable locations
of the sites that serve the channel (Channel.locations), minus the channel's safety buffer,
never below zero; a kit sells as many as its scarcest component allows. Channels get ATS,
never on-hand. A push sends only SKUs whose ATS differs from what was last pushed (the
debounce); the per-SKU log keeps what the channel had before each push (the drift)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.base import Connector
from oms_desktop.connectors.dto import PushResult, StockLevelDTO
from oms_desktop.model import (
    Actor, Channel, ChannelSkuLevel, InventorySyncLog, KitComponent, Location, Product,
    StockLevel, utcnow,
)
from oms_desktop.plugins.redaction import redact
from oms_desktop.policies.permissions import require
from oms_desktop.services.channels.setup import build_connector, channel_by_code, get_channel
from oms_desktop.storage import Database


@dataclass(frozen=True)
class PushSummary:
    channel: str
    pushed: int
    unchanged: int
    failed: int
    errors: dict[str, str]


@dataclass(frozen=True)
class SkuDrift:
    sku: str
    ours: int
    pushed: int | None
    channel_quantity: int | None
    pushed_at: datetime | None
    checked_at: datetime | None
    error: str | None

    @property
    def drift(self) -> int | None:
        return None if self.channel_quantity is None else self.channel_quantity - self.ours


def available_to_sell(session: Session, channel: Channel) -> dict[str, int]:
    sites = [l.site_id or l.id for l in channel.locations]
    free = _available_by_product(session, sites)
    products = session.execute(sa.select(Product.id, Product.sku, Product.is_kit)
                               .where(Product.active)).all()
    kits = _kit_parts(session)
    ats = {}
    for pid, sku, is_kit in products:
        raw = _kit_available(kits.get(pid, []), free) if is_kit else free.get(pid, 0)
        ats[sku] = max(0, raw - channel.safety_buffer)
    return ats


def _available_by_product(session: Session, sites: list[int]) -> dict[int, int]:
    if not sites:
        return {}
    rows = session.execute(
        sa.select(StockLevel.product_id, sa.func.sum(StockLevel.on_hand - StockLevel.reserved))
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.site_id.in_(sites), Location.sellable)
        .group_by(StockLevel.product_id))
    return {pid: int(qty or 0) for pid, qty in rows}


def _kit_parts(session: Session) -> dict[int, list[tuple[int, int]]]:
    parts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k in session.scalars(sa.select(KitComponent)):
        parts[k.kit_id].append((k.component_id, k.quantity))
    return parts


def _kit_available(parts: list[tuple[int, int]], free: dict[int, int]) -> int:
    if not parts:
        return 0
    return min(max(0, free.get(pid, 0)) // max(1, qty) for pid, qty in parts)


def push_inventory(db: Database, *, actor: Actor, code: str, force: bool = False,
                   connector: Connector | None = None) -> PushSummary:
    """Push the SKUs whose ATS changed since the last push (all with force)."""
    require(actor, "channels.sync")
    info = get_channel(db, code)
    with db.uow(readonly=True) as uow:
        channel = channel_by_code(uow.session, code)
        ats = available_to_sell(uow.session, channel)
        last = {r.sku: r.pushed for r in uow.session.scalars(
            sa.select(ChannelSkuLevel).where(ChannelSkuLevel.channel_id == channel.id))}
    todo = [StockLevelDTO(sku, q) for sku, q in sorted(ats.items())
            if force or last.get(sku) != q]
    if not todo:
        return PushSummary(info.code, 0, len(ats), 0, {})
    connector = connector or build_connector(info)
    try:
        results = connector.push_inventory(todo)
    finally:
        connector.close()
    _record(db, info.id, todo, results)
    errors = {r.key: r.error or "" for r in results if not r.ok}
    return PushSummary(info.code, len(todo) - len(errors), len(ats) - len(todo), len(errors),
                       errors)


def _record(db: Database, channel_id: int, sent: list[StockLevelDTO],
            results: list[PushResult]) -> None:
    with db.uow() as uow:
        s, now = uow.session, utcnow()
        rows = {r.sku: r for r in s.scalars(sa.select(ChannelSkuLevel).where(
            ChannelSkuLevel.channel_id == channel_id))}
        for level, result in zip(sent, results):
            row = rows.get(level.sku) or ChannelSkuLevel(channel_id=channel_id, sku=level.sku)
            s.add(row)
            row.ours, row.checked_at, row.error = level.quantity, now, redact(result.error)
            row.channel_quantity = level.quantity if result.ok else result.channel_before
            if result.ok:
                row.pushed, row.pushed_at = level.quantity, now
            s.add(InventorySyncLog(channel_id=channel_id, sku=level.sku, ours=level.quantity,
                                   channel_before=result.channel_before,
                                   sent=level.quantity if result.ok else None, ok=result.ok,
                                   error=result.error, at=now))
        uow.commit()


def check_drift(db: Database, *, actor: Actor, code: str,
                connector: Connector | None = None) -> list[SkuDrift]:
    """Ask the channel what it shows for each SKU and compare with our ATS."""
    require(actor, "channels.sync")
    info = get_channel(db, code)
    with db.uow(readonly=True) as uow:
        ats = available_to_sell(uow.session, channel_by_code(uow.session, code))
    connector = connector or build_connector(info)
    try:
        theirs = connector.fetch_inventory(sorted(ats))
    finally:
        connector.close()
    with db.uow() as uow:
        s, now = uow.session, utcnow()
        rows = {r.sku: r for r in s.scalars(sa.select(ChannelSkuLevel).where(
            ChannelSkuLevel.channel_id == info.id))}
        for sku, ours in ats.items():
            row = rows.get(sku) or ChannelSkuLevel(channel_id=info.id, sku=sku)
            s.add(row)
            row.ours, row.channel_quantity, row.checked_at = ours, theirs.get(sku), now
        uow.commit()
    return drift_report(db, code)


def drift_report(db: Database, code: str) -> list[SkuDrift]:
    with db.uow(readonly=True) as uow:
        channel = channel_by_code(uow.session, code)
        rows = uow.session.scalars(sa.select(ChannelSkuLevel).where(
            ChannelSkuLevel.channel_id == channel.id).order_by(ChannelSkuLevel.sku))
        return [SkuDrift(r.sku, r.ours, r.pushed, r.channel_quantity, r.pushed_at,
                         r.checked_at, r.error) for r in rows]
