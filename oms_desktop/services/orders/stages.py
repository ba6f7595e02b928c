"""Delivery stages as allocation sees them (the business side is services/b2b/deliveries.py).
An order with several requested dates has one stage per date; a stage's lines are left
alone until it is released, `freight.release_days_ahead` days before its date. Releasing
allocates each stage in a pass of its own, so each date becomes its own shipment: the first
due stage of every order in one pass, the second in the next. A customer who takes no
partial deliveries gets a stage whole or not at all (it waits as one backorder)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.model import (
    Actor, AuditEvent, DeliveryStage, DeliveryStageLine, DeliveryTerms, Order, OrderHold,
    OrderStatus, StageStatus, utcnow,
)
from oms_desktop.services import settings
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import locking
from oms_desktop.storage.crashpoints import crash_point

DAYS_AHEAD = "freight.release_days_ahead"
ALLOCATABLE = (OrderStatus.verified, OrderStatus.in_fulfilment)


def days_ahead(session: Session) -> int:
    return int(settings.get(session, DAYS_AHEAD, 2))


def release_day(due_on: date, ahead: int) -> date:
    return due_on - timedelta(days=ahead)


def held_lines(session: Session, order_ids) -> set[int]:
    """Order lines of stages not yet released: the allocation path skips them."""
    if not order_ids:
        return set()
    return set(session.scalars(
        sa.select(DeliveryStageLine.order_line_id).join(
            DeliveryStage, DeliveryStage.id == DeliveryStageLine.stage_id)
        .where(DeliveryStage.order_id.in_(list(order_ids)),
               DeliveryStage.status == StageStatus.planned)))


def whole_only(session: Session, order_ids) -> set[int]:
    """Orders whose customer takes no partial deliveries."""
    if not order_ids:
        return set()
    return set(session.scalars(
        sa.select(Order.id).join(DeliveryTerms, DeliveryTerms.customer_id == Order.customer_id)
        .where(Order.id.in_(list(order_ids)), DeliveryTerms.partial_allowed.is_(False))))


def due_stages(session: Session, *, today: date, order_ids=None) -> list[DeliveryStage]:
    """Planned stages whose release day has come, of orders that may be allocated (not
    held), locked until commit: a second station releasing the same stage waits, then finds
    it released and leaves it."""
    held = sa.select(OrderHold.order_id).where(OrderHold.released_at.is_(None))
    query = (sa.select(DeliveryStage).join(Order, Order.id == DeliveryStage.order_id)
             .where(DeliveryStage.status == StageStatus.planned,
                    DeliveryStage.due_on <= today + timedelta(days=days_ahead(session)),
                    Order.status.in_(ALLOCATABLE), Order.id.not_in(held))
             .order_by(DeliveryStage.order_id, DeliveryStage.due_on))
    if order_ids is not None:
        query = query.where(DeliveryStage.order_id.in_(list(order_ids)))
    return list(session.scalars(locking(query, DeliveryStage).options(
        selectinload(DeliveryStage.lines))))


def with_due(db: Database, ids: list[int], *, actor: Actor, today: date | None) -> list[int]:
    """`ids` and, after them, the orders (that `actor` may see) with a stage due."""
    from oms_desktop.services.users import scope

    with db.uow(readonly=True) as uow:
        due = {st.order_id for st in due_stages(uow.session, today=today or utcnow().date())}
        due = set(scope.visible_orders(uow.session, actor, sorted(due - set(ids))))
    return ids + sorted(due)


def rounds(stages: list[DeliveryStage]) -> list[list[DeliveryStage]]:
    """The first due stage of each order, then the second…: one allocation pass each."""
    out: list[list[DeliveryStage]] = []
    seen: dict[int, int] = defaultdict(int)
    for stage in stages:
        k = seen[stage.order_id]
        seen[stage.order_id] += 1
        if k == len(out):
            out.append([])
        out[k].append(stage)
    return out


Allocate = Callable[..., list]


def release_in_session(session: Session, actor: Actor, order_ids=None, *, today: date | None,
                       allocate: Allocate) -> dict[int, object]:
    """Release every due stage (of these orders) and allocate it as its own shipment(s);
    returns the allocation result of each order that had a stage released."""
    day = today or utcnow().date()
    out: dict[int, object] = {}
    for group in rounds(due_stages(session, today=day, order_ids=order_ids)):
        for stage in group:
            _release(session, actor, stage)
        session.flush()
        lines = {line.order_line_id for stage in group for line in stage.lines}
        for result in allocate(session, actor, sorted({s.order_id for s in group}),
                               only_lines=lines):
            out[result.order_id] = _joined(out.get(result.order_id), result)
        crash_point("stages.round")  # a round allocated, not committed
    return out


def _release(session: Session, actor: Actor, stage: DeliveryStage) -> None:
    stage.status, stage.released_at, stage.released_by = (StageStatus.released, utcnow(),
                                                          actor.name)
    session.add(AuditEvent.of(actor, entity="delivery_stage", entity_id=stage.id,
                              order_id=stage.order_id, action="release_stage",
                              from_state="planned", to_state="released",
                              detail={"stage": stage.number, "due_on": stage.due_on.isoformat()}))


def _joined(before, result):
    if before is None:
        return result
    return replace(result, message=f"{before.message}; {result.message}",
                   shipments=tuple(before.shipments) + tuple(result.shipments))
