from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from oms_desktop.model.base import Base, utcnow
from oms_desktop.model.workflow import Actor, Role


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str]
    role: Mapped[Role]
    # Loaded only when asked for: on PostgreSQL no person's login may read it.
    password_hash: Mapped[str | None] = deferred(mapped_column(sa.String(255)))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    failed_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]

    def as_actor(self, station: str | None = None) -> Actor:
        return Actor(name=self.username, role=self.role, user_id=self.id, station=station)


class UserSite(Base):
    """A location (a brand, a region or a site) whose sites a user may see and work at. A user
    with no rows here sees every site; on PostgreSQL row-level security enforces it."""

    __tablename__ = "user_sites"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"), primary_key=True)


class AuditEvent(Base):
    """Who did what, when, from where: the order timeline is built from these."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_entity", "entity", "entity_id"), sa.Index("ix_audit_events_entity_action_at", "entity", "action", "at", "order_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    entity: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(sa.String(64))
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    actor_name: Mapped[str] = mapped_column(sa.String(64))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    station: Mapped[str | None] = mapped_column(sa.String(64))
    source: Mapped[str | None] = mapped_column(sa.String(128))
    detail: Mapped[dict | None]

    @classmethod
    def of(cls, actor: Actor, *, entity: str, entity_id: int | None, action: str,
           order_id: int | None = None, from_state: str | None = None,
           to_state: str | None = None, detail: dict | None = None) -> "AuditEvent":
        return cls(entity=entity, entity_id=entity_id, action=action, order_id=order_id,
                   from_state=from_state, to_state=to_state, actor_name=actor.name,
                   actor_id=actor.user_id, station=actor.station, source=actor.source,
                   detail=detail, at=utcnow())
