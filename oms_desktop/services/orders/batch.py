"""Running pipeline work over many orders: batches of a few hundred per transaction, and the
orders of a failed batch retried one by one so one bad order never stops the others."""

from __future__ import annotations

from typing import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.model import Actor, Order, OrderStatus, utcnow
from oms_desktop.services.orders.results import BatchResult, OrderResult, failure
from oms_desktop.storage import Database

BATCH = 500
Work = Callable[[Session, list[int]], list[OrderResult]]


def chunks(ids: list[int], size: int = BATCH) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def run_batches(db: Database, ids: list[int], work: Work) -> BatchResult:
    results: list[OrderResult] = []
    for batch in chunks(ids):
        try:
            results += _in_transaction(db, batch, work)
        except Exception:  # noqa: BLE001 — the failing order is isolated below
            for order_id in batch:
                results += _alone(db, order_id, work)
    return BatchResult(tuple(results))


def _in_transaction(db: Database, ids: list[int], work: Work) -> list[OrderResult]:
    with db.uow() as uow:
        out = work(uow.session, ids)
        uow.commit()
        return out


def _alone(db: Database, order_id: int, work: Work) -> list[OrderResult]:
    try:
        return _in_transaction(db, [order_id], work)
    except Exception as exc:  # noqa: BLE001 — reported per order, the others go on
        return [failure(order_id, str(order_id), f"{type(exc).__name__}: {exc}")]


def ids_in(db: Database, statuses: tuple[OrderStatus, ...], *,
           actor: Actor | None = None) -> list[int]:
    """Orders in the given states (of those `actor` may see), oldest first."""
    from oms_desktop.services.users import scope

    with db.uow(readonly=True) as uow:
        seen = scope.orders_where(scope.of(uow.session, actor))
        return list(uow.session.scalars(sa.select(Order.id).where(Order.status.in_(statuses),
                                                                  *seen)
                                        .order_by(Order.placed_at, Order.id)))


def audit_row(actor: Actor, order_id: int, action: str, detail: dict,
              entity: str = "order", entity_id: int | None = None, at=None) -> dict:
    """An AuditEvent as a row for a bulk insert (decisions of a whole batch at once)."""
    return dict(at=at or utcnow(), order_id=order_id, entity=entity,
                entity_id=order_id if entity_id is None else entity_id, action=action,
                actor_name=actor.name, actor_id=actor.user_id, station=actor.station,
                source=actor.source, detail=detail, from_state=None, to_state=None)
