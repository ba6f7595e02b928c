"""Small edits a manager makes to many orders at once: tags, the location to ship from, the
carrier and service. Each call is one unit of work over a batch and returns per-order results
(services.bulk runs them over thousands); every change is an audit event."""

from __future__ import annotations

from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.errors import ValidationError
from oms_desktop.model import Actor, AuditEvent, Order, OrderStatus, OrderTag
from oms_desktop.policies.permissions import require
from oms_desktop.services.bulk import ItemResult
from oms_desktop.services.lookup import location_by_code
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import locking

CLOSED = (OrderStatus.completed, OrderStatus.cancelled)
TAG_MAX = 64


def tag_orders(db: Database, *, actor: Actor, order_ids: list[int], add: tuple[str, ...] = (),
               remove: tuple[str, ...] = ()) -> list[ItemResult]:
    add, remove = _tags(add), _tags(remove)
    if not add and not remove:
        raise ValidationError("Name at least one tag to add or remove")

    def edit(order: Order) -> str:
        have = set(order.tag_names)
        order.tags[:] = [t for t in order.tags if t.tag not in remove]
        order.tags.extend(OrderTag(order_id=order.id, tag=t) for t in add if t not in have)
        return f"tags now {', '.join(order.tag_names) or 'none'}"

    return _edit(db, actor, order_ids, "tag", {"add": add, "remove": remove}, edit,
                 open_only=False)


def assign_location(db: Database, *, actor: Actor, order_ids: list[int],
                    location: str | None) -> list[ItemResult]:
    """Force the site orders ship from (None lets routing choose again)."""
    def edit_with(site_id: int | None) -> Callable[[Order], str]:
        def edit(order: Order) -> str:
            order.preferred_location_id = site_id
            return f"ships from {location}" if location else "routing chooses the location"
        return edit

    with db.uow(readonly=True) as uow:
        site = location_by_code(uow.session, location) if location else None
        if site is not None and not site.is_site:
            raise ValidationError(f"{location} is a {site.kind.value}: choose a warehouse, "
                                  "store or 3PL")
        site_id = site.id if site else None
    return _edit(db, actor, order_ids, "assign_location", {"location": location},
                 edit_with(site_id))


def set_carrier(db: Database, *, actor: Actor, order_ids: list[int], carrier: str | None,
                service: str | None = None) -> list[ItemResult]:
    carrier = (carrier or "").strip() or None
    service = (service or "").strip() or None

    def edit(order: Order) -> str:
        order.carrier, order.service = carrier, service
        return f"carrier {carrier or 'cleared'}{' / ' + service if service else ''}"

    return _edit(db, actor, order_ids, "set_carrier", {"carrier": carrier, "service": service},
                 edit)


def _edit(db: Database, actor: Actor, order_ids: list[int], action: str, detail: dict,
          edit: Callable[[Order], str], *, open_only: bool = True) -> list[ItemResult]:
    require(actor, "orders.edit")
    with db.uow() as uow:
        found = _load(uow.session, order_ids)
        results = []
        for order_id in order_ids:
            order = found.get(order_id)
            results.append(_apply(order_id, order, actor, action, detail, edit, open_only))
        uow.commit()
        return results


def _apply(order_id: int, order: Order | None, actor: Actor, action: str, detail: dict,
           edit: Callable[[Order], str], open_only: bool) -> ItemResult:
    if order is None:
        return ItemResult(order_id, False, f"No order {order_id}")
    if open_only and order.status in CLOSED:
        return ItemResult(order_id, False, f"Order {order.number} is {order.status.value}")
    message = edit(order)
    order.audit.add(AuditEvent.of(actor, entity="order", entity_id=order.id, order_id=order.id,
                                  action=action, detail=detail))
    return ItemResult(order_id, True, message)


def _load(session: Session, order_ids: list[int]) -> dict[int, Order]:
    """The orders, locked in id order until commit: edits of the same orders at two
    stations take turns instead of both adding the same tag."""
    query = (sa.select(Order).where(Order.id.in_(order_ids)).order_by(Order.id)
             .options(selectinload(Order.tags)))
    return {o.id: o for o in session.scalars(locking(query, Order))}


def _tags(names: tuple[str, ...]) -> tuple[str, ...]:
    clean = tuple(dict.fromkeys(n.strip().lower() for n in names if n and n.strip()))
    if any(len(n) > TAG_MAX for n in clean):
        raise ValidationError(f"A tag is at most {TAG_MAX} characters")
    return clean
