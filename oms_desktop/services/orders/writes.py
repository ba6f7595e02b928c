"""The batch pipeline's writes, collected per batch and sent as a few bulk statements.

State changes still follow the transition tables (ORDER_FLOW, SHIPMENT_FLOW): every verb is
checked with `StateMachine.target` exactly as the entity verbs do, and writes the same
AuditEvent (action = verb, from_state, to_state, detail) that `Order.verify(by=…)` or
`Shipment.assign(…)` would. Only the way the rows reach the database differs: executemany
instead of one ORM object per row, which is what lets 10,000 orders through in seconds.

The orders' UPDATE is guarded like an ORM one (`… AND version = :seen`, the version read
with the batch): if any order changed since, nothing of the batch is kept (ConcurrentChange;
run_batches then takes its orders one by one)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.errors import ConcurrentChange
from oms_desktop.model import (
    ORDER_FLOW, SHIPMENT_FLOW, Actor, AuditEvent, HoldReason, Order, OrderHold, OrderStatus,
    Shipment, ShipmentLine, ShipmentStatus, utcnow,
)
from oms_desktop.services.orders.batch import audit_row

ORDERS, HOLDS, AUDIT = Order.__table__, OrderHold.__table__, AuditEvent.__table__
SHIPMENTS, SHIPMENT_LINES = Shipment.__table__, ShipmentLine.__table__


class Writes:
    def __init__(self, actor: Actor):
        self.actor, self.now = actor, utcnow()  # one instant for the batch's events
        self.audit: list[dict] = []
        self.new_holds: list[dict] = []
        self.released: list[int] = []
        self.orders: dict[int, object] = {}  # order id -> snapshot whose state is written

    # -- orders --------------------------------------------------------------------------
    def transition(self, order, verb: str, detail: dict | None = None) -> None:
        """An order verb, checked against ORDER_FLOW, with the audit event the verb writes."""
        target = ORDER_FLOW.target(verb, order.status, order.number, entity_id=order.id,
                                   subject=f"Order {order.number}")
        self.audit.append(self._event(order.id, "order", order.id, verb, order.status.value,
                                      target.value, detail))
        order.status = target
        self.orders[order.id] = order

    def hold(self, order, reason: HoldReason, note: str | None) -> None:
        """As Order.hold: the first hold moves the order to on_hold, later ones add a reason."""
        detail = {"reason": reason.value, "note": note}
        if order.status != OrderStatus.on_hold:
            self.transition(order, "hold", detail)
        else:
            self.audit.append(self._event(order.id, "order", order.id, "hold", None, None,
                                          detail))
        self.new_holds.append(dict(order_id=order.id, reason=reason, note=note,
                                   manual=reason == HoldReason.manual,
                                   placed_by=self.actor.name, placed_at=self.now))
        order.active_holds.append(_PendingHold(reason, note))

    def release(self, order, reasons: set[HoldReason]) -> None:
        """As Order.release: lift these reasons; verified again once no hold is left."""
        keep = []
        for h in order.active_holds:
            if h.reason in reasons:
                if h.id is not None:
                    self.released.append(h.id)
            else:
                keep.append(h)
        order.active_holds[:] = keep
        if not keep and order.status == OrderStatus.on_hold:
            self.transition(order, "release")
        self.orders[order.id] = order

    def touch(self, order) -> None:
        self.orders[order.id] = order

    def decision(self, order_id: int, action: str, detail: dict) -> None:
        self.audit.append(audit_row(self.actor, order_id, action, detail, at=self.now))

    def _event(self, order_id, entity, entity_id, action, before, after, detail) -> dict:
        row = audit_row(self.actor, order_id, action, detail, entity=entity,
                        entity_id=entity_id, at=self.now)
        row.update(from_state=before, to_state=after)
        return row

    # -- shipments -----------------------------------------------------------------------
    def assign_event(self, order_id: int, shipment_id: int, location_code: str) -> None:
        """The audit event of Shipment.assign, checked against SHIPMENT_FLOW."""
        target = SHIPMENT_FLOW.target("assign", ShipmentStatus.waiting, f"SHP-{shipment_id}")
        self.audit.append(self._event(order_id, "shipment", shipment_id, "assign",
                                      ShipmentStatus.waiting.value, target.value,
                                      {"location": location_code}))

    # -- flushing ------------------------------------------------------------------------
    def apply(self, session: Session) -> None:
        now = utcnow()
        if self.new_holds:
            session.execute(sa.insert(HOLDS), self.new_holds)
        if self.released:
            session.execute(sa.update(HOLDS).where(HOLDS.c.id == sa.bindparam("hold_id"))
                            .values(released_at=now, released_by=self.actor.name),
                            [{"hold_id": i} for i in self.released])
        if self.orders:
            _update_orders(session, self.orders.values(), now)
        if self.audit:
            session.execute(sa.insert(AUDIT), self.audit)
        session.expire_all()  # ORM copies of these rows, if any, read them again


_GUARDED = (sa.update(ORDERS)
            .where(ORDERS.c.id == sa.bindparam("order_id"),
                   ORDERS.c.version == sa.bindparam("seen"))
            .values(status=sa.bindparam("new_status"), fraud_score=sa.bindparam("score"),
                    updated_at=sa.bindparam("now"), version=ORDERS.c.version + 1))


def _update_orders(session: Session, orders, now) -> None:
    rows = [{"order_id": o.id, "seen": o.version, "new_status": o.status,
             "score": o.fraud_score, "now": now} for o in orders]
    moved = session.execute(_GUARDED, rows).rowcount
    if moved != len(rows):  # both drivers report the rows matched in total
        raise ConcurrentChange(f"{len(rows) - moved} of these orders changed at another "
                               "station meanwhile: nothing of this batch was saved")


class _PendingHold:
    id = None
    manual = False

    def __init__(self, reason: HoldReason, note: str | None):
        self.reason, self.note = reason, note


def insert_returning_ids(session: Session, table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert many rows and return their ids in the order given.

    PostgreSQL: RETURNING in parameter order (batched by SQLAlchemy). SQLite: the writing
    transaction holds the database's write lock (BEGIN IMMEDIATE), so the new ids are exactly
    those above the previous maximum, in insertion order; a plain executemany is many times
    faster there than RETURNING row by row."""
    if not rows:
        return []
    if session.bind.dialect.name != "sqlite":
        result = session.execute(sa.insert(table).returning(
            table.c.id, sort_by_parameter_order=True), rows)
        return [row[0] for row in result]
    before = session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
    session.execute(sa.insert(table), rows)
    ids = list(session.scalars(sa.select(table.c.id).where(table.c.id > before)
                               .order_by(table.c.id)))
    if len(ids) != len(rows):
        raise RuntimeError(f"{table.name}: {len(rows)} rows inserted, {len(ids)} ids found")
    return ids

