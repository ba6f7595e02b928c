"""Taking one page of channel orders into the local model, inside the caller's transaction.

Idempotent: an order is keyed by (channel, external id); a version whose fingerprint we
already hold is "unchanged". New orders are created (unknown SKUs keep product_id NULL and
put the order on hold for a person to link the product), edits and cancellations go through
the state machines, and an order already packed or shipped is never changed silently: it is
flagged with a channel_change hold and an audit event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.connectors.dto import Failure, OrderDTO, Page
from oms_desktop.model import (
    Actor, AuditEvent, Channel, ChannelOrderState, FinancialStatus, HoldReason, Order,
    OrderHold, OrderLine, OrderStatus, OrderTag, Reservation, ReservationStatus, Shipment,
    ShipmentStatus, SyncError, utcnow,
)
from oms_desktop.services import events, messagebus
from oms_desktop.services.channels import channel_fulfilled, channel_returns, marketplace_orders
from oms_desktop.services.channels.new_orders import (
    address, among, channel_orders, channel_tags, create_orders, header, product_ids,
)
from oms_desktop.services.channels.push import pushed_fulfilments
from oms_desktop.services.channels.unknown_products import products_from_lines
from oms_desktop.services.inventory import stock_ops
from oms_desktop.storage.concurrency import locking

PAST_PACKING = frozenset({ShipmentStatus.packed, ShipmentStatus.shipped,
                          ShipmentStatus.delivered, ShipmentStatus.ready_for_pickup,
                          ShipmentStatus.picked_up})
EDITABLE = frozenset({OrderStatus.new, OrderStatus.verified, OrderStatus.on_hold})
EXTERNAL_ID_LENGTH = 128  # sync_errors.external_id: a longer id is kept whole in the payload


@dataclass
class Counts:
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    flagged: int = 0

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def apply_page(session: Session, channel: Channel, page: Page, *, actor: Actor,
               run_id: int | None) -> Counts:
    counts = Counts(fetched=page.fetched)
    aside = channel_fulfilled.unknown_locations(session, page.orders)
    dtos = [o for o in page.orders if o.external_id not in {f.external_id for f in aside}]
    known = _known_orders(session, channel.id, [o.external_id for o in dtos])
    claims = marketplace_orders.claim(
        session, channel, [d for d in dtos if d.external_id not in known], actor)
    known.update(claims.adopted)
    counts.unchanged += len(claims.elsewhere)
    fresh = [d for d in dtos
             if d.external_id not in known and d.external_id not in claims.elsewhere]
    for dto in dtos:
        if dto.external_id in known:
            _update(session, channel, dto, known[dto.external_id], actor, counts)
    _create_all(session, channel, _first_versions(fresh), actor, counts)
    kept = channel_returns.take_in(session, channel, page.returns, actor)
    aside += kept
    _resolve_errors(session, channel.id, [o.external_id for o in dtos] + [
        r.external_id for r in page.returns if r.external_id not in {f.external_id for f in kept}])
    for failure in [*page.failures, *aside]:
        store_failure(session, channel.id, failure, run_id=run_id)
        counts.failed += 1
    return counts


def _first_versions(dtos: list[OrderDTO]) -> list[OrderDTO]:
    """The newest version of each order when a page holds one twice."""
    latest: dict[str, OrderDTO] = {}
    for dto in dtos:
        latest[dto.external_id] = dto
    return list(latest.values())


def _known_orders(session: Session, channel_id: int, ids: list[str]) -> dict:
    """external id -> (order id, state row or None) for the orders we already have."""
    if not ids:
        return {}
    rows = channel_orders(
        session, sa.select(Order.external_id, Order.id, ChannelOrderState)
        .outerjoin(ChannelOrderState, ChannelOrderState.order_id == Order.id), channel_id, ids)
    return {ext: (oid, state) for ext, oid, state in rows}


# -- new orders ------------------------------------------------------------------------------

def _create_all(session: Session, channel: Channel, dtos: list[OrderDTO], actor: Actor,
                counts: Counts) -> None:
    """Orders with something left to ship, and orders the channel ships itself (they take
    their stock); those fulfilled (or refunded) before we ever saw them are no work here."""
    todo = [d for d in dtos if d.fulfilled_by_channel
            or (d.fulfilment_status != "fulfilled" and d.lines_to_ship)]
    counts.unchanged += len(dtos) - len(todo)
    counts.created += create_orders(session, channel, todo, actor)
    channel_fulfilled.settle_new(session, channel, todo, actor)


# -- changed orders --------------------------------------------------------------------------

def _update(session: Session, channel: Channel, dto: OrderDTO, known: tuple, actor: Actor,
            counts: Counts) -> None:
    order_id, state = known
    fingerprint = dto.fingerprint()
    if state is not None and state.fingerprint == fingerprint:
        counts.unchanged += 1
        return
    # Locked before the decision: a station allocating or cancelling it meanwhile goes first
    # (then the change is flagged), or waits for the edit.
    order = session.scalars(locking(sa.select(Order).where(Order.id == order_id).options(
        selectinload(Order.lines), selectinload(Order.holds)), Order)).one()
    if state is None:
        state = ChannelOrderState(channel_id=channel.id, external_id=dto.external_id,
                                  order_id=order.id, fingerprint="")
        session.add(state)
    flagged = apply_change(session, order, dto, actor)
    state.fingerprint, state.remote_updated_at, state.synced_at = fingerprint, dto.updated_at, utcnow()
    counts.updated += 1
    counts.flagged += int(flagged)


def apply_change(session: Session, order: Order, dto: OrderDTO, actor: Actor) -> bool:
    """Take in a new version of an order; True when it was flagged for a person instead."""
    order.financial_status = FinancialStatus(dto.financial_status)
    _add_tags(order, dto)
    if dto.fulfilled_by_channel:
        if channel_fulfilled.apply_change(session, order, dto, actor):
            flag(order, "Cancelled on the channel after the channel shipped it", by=actor)
            return True
        return False
    shipments = session.scalars(sa.select(Shipment).where(Shipment.order_id == order.id)).all()
    past_packing = any(s.status in PAST_PACKING for s in shipments)
    if dto.status == "cancelled":
        return _cancel_from_channel(session, order, shipments, past_packing, actor)
    changes = _material_changes(session, order, dto)
    if not changes:
        return False
    if "lines" in changes and not dto.lines_to_ship:
        flag(order, "Nothing is left to ship on the channel (fulfilled or refunded there): "
             + ", ".join(changes), by=actor)
        return True
    if order.status in EDITABLE and not shipments:
        _apply_edit(session, order, dto, changes, actor)
        return False
    flag(order, f"Changed on the channel after work started: {', '.join(changes)}", by=actor)
    return True


def _add_tags(order: Order, dto: OrderDTO) -> None:
    """Tags new on the channel are added; tags are never taken away here (ours may be a
    person's own)."""
    have = set(order.tag_names)
    order.tags.extend(OrderTag(order_id=order.id, tag=t) for t in channel_tags(dto)
                      if t not in have)


def _cancel_from_channel(session: Session, order: Order, shipments: list[Shipment],
                         past_packing: bool, actor: Actor) -> bool:
    if order.status == OrderStatus.cancelled:
        return False
    if past_packing or order.status == OrderStatus.completed:
        flag(order, "Cancelled on the channel, but already packed or shipped here", by=actor)
        return True
    for shipment in shipments:
        if shipment.status != ShipmentStatus.cancelled:
            _release_reservations(session, shipment)
            shipment.cancel(by=actor)
    order.cancel(by=actor, reason="cancelled on the channel")
    messagebus.publish(session, events.OrderChanged(actor=actor, order_id=order.id,
                                         change="cancelled"))
    return False


def _release_reservations(session: Session, shipment: Shipment) -> None:
    line_ids = [l.id for l in shipment.lines]
    if not line_ids:
        return
    for r in session.scalars(sa.select(Reservation).where(
            Reservation.shipment_line_id.in_(line_ids),
            Reservation.status == ReservationStatus.active)):
        stock_ops.release(session, r)


def _material_changes(session: Session, order: Order, dto: OrderDTO) -> list[str]:
    changes = []
    if _still_owed(session, order) != sorted((l.external_id, l.sku, l.to_ship)
                                             for l in dto.lines_to_ship):
        changes.append("lines")
    if any(getattr(order, k) != v for k, v in address(dto).items()):
        changes.append("shipping address")
    if order.status == OrderStatus.cancelled:
        changes.append("re-opened")
    return changes


def _still_owed(session: Session, order: Order) -> list[tuple[str, str, int]]:
    """What we still owe on each line, as the channel would count it: our quantity less
    what we have told the channel we shipped (units shipped but not yet pushed are still
    owed there too)."""
    pushed = pushed_fulfilments(session, order.id)
    owed = [(l.external_id or "", l.sku, l.quantity - pushed.get(l.external_id, 0))
            for l in order.lines]
    return sorted(o for o in owed if o[2] > 0)


def _apply_edit(session: Session, order: Order, dto: OrderDTO, changes: list[str],
                actor: Actor) -> None:
    for key, value in {**header(dto), **address(dto)}.items():
        setattr(order, key, value)
    if "lines" in changes:
        products = product_ids(session, {l.sku for l in dto.lines_to_ship if l.sku})
        products.update(products_from_lines(session, order.channel, [dto], products))
        order.lines = [OrderLine(line_no=i, product_id=products.get(l.sku), sku=l.sku,
                                 name=l.name, quantity=l.to_ship, unit_price=l.unit_price,
                                 tax=l.tax, discount=l.discount, external_id=l.external_id)
                       for i, l in enumerate(dto.lines_to_ship, start=1)]
    order.audit.add(AuditEvent.of(actor, entity="order", entity_id=order.id, order_id=order.id,
                                  action="channel_update", detail={"changed": changes}))
    messagebus.publish(session, events.OrderChanged(actor=actor, order_id=order.id,
                                         change="edited", fields=tuple(changes)))


def flag(order: Order, note: str, *, by: Actor) -> None:
    """A channel_change hold for a person. Orders past the point where the state machine allows
    a hold (in fulfilment, completed) keep their state and get the hold row and an audit event."""
    if order.status in (OrderStatus.new, OrderStatus.verified, OrderStatus.on_hold):
        order.hold(HoldReason.channel_change, by=by, note=note)
        return
    order.holds.append(OrderHold(reason=HoldReason.channel_change, note=note, placed_by=by.name))
    order.audit.add(AuditEvent.of(by, entity="order", entity_id=order.id, order_id=order.id,
                                  action="channel_change", detail={"note": note}))


# -- payloads that failed --------------------------------------------------------------------

def store_failure(session: Session, channel_id: int, failure: Failure, *,
                  run_id: int | None) -> None:
    """Keep the raw payload and the reason; one open error per order (the newest payload)."""
    raw = failure.raw if isinstance(failure.raw, str) else json.dumps(failure.raw, default=str)
    external_id = (failure.external_id or "")[:EXTERNAL_ID_LENGTH] or None
    existing = None
    if external_id:
        existing = session.scalar(sa.select(SyncError).where(
            SyncError.channel_id == channel_id, SyncError.external_id == external_id,
            SyncError.resolved_at.is_(None)))
    if existing is None:
        session.add(SyncError(channel_id=channel_id, run_id=run_id, raw_payload=raw,
                              external_id=external_id, reason=failure.reason))
    else:
        existing.raw_payload, existing.reason, existing.run_id = raw, failure.reason, run_id


def _resolve_errors(session: Session, channel_id: int, ids: Iterable[str]) -> None:
    """A later valid version of an order closes its open error."""
    ids = list(ids)
    if ids:
        session.execute(sa.update(SyncError).where(
            SyncError.channel_id == channel_id, among(session, SyncError.external_id, ids),
            SyncError.resolved_at.is_(None)).values(resolved_at=utcnow()))
