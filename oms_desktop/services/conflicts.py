"""Telling the station that lost a race who won and when: "RMA-000031 was refunded by max at
14:02". Times are shown in the station's local time, with the date when not today."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.model import AuditEvent
from oms_desktop.storage.concurrency import when


def by_whom(name: str | None, at: datetime | None) -> str:
    """ "by max at 14:02" (or "at 2026-11-03 14:02" on another day)."""
    who = f"by {name or 'another station'}"
    return who if at is None else f"{who} at {when(at)}"


def last_event(session: Session, entity: str, entity_id: int, *,
               to_state: str | None = None, action: str | None = None) -> AuditEvent | None:
    """The newest audit event of an entity, optionally the one that led to a state."""
    query = sa.select(AuditEvent).where(AuditEvent.entity == entity,
                                        AuditEvent.entity_id == entity_id)
    if to_state is not None:
        query = query.where(AuditEvent.to_state == to_state)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return session.scalars(query.order_by(AuditEvent.id.desc()).limit(1)).first()


def event_by_whom(event: AuditEvent | None) -> str:
    return by_whom(event.actor_name if event else None, event.at if event else None)
