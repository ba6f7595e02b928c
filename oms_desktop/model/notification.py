"""Customer notifications: editable templates and the outbox that sends them once."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, utcnow
from oms_desktop.values import NotificationKind


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # refused for good by the server (5xx); kept, shown, never retried


class NotificationTemplate(Base):
    """An edited template; a kind and language without a row uses the shipped default."""

    __tablename__ = "notification_templates"
    __table_args__ = (sa.UniqueConstraint("kind", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NotificationKind]
    language: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str]
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    updated_by: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxMessage(Base):
    """One e-mail to send. `key` (kind + the order, shipment, return or refund it is about)
    is unique: a trigger that fires twice enqueues once."""

    __tablename__ = "notification_outbox"
    __table_args__ = (sa.Index("ix_notification_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    kind: Mapped[NotificationKind]
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(255))
    # the brand's From (the order's channel's brand); none: the smtp.sender setting
    sender: Mapped[str | None] = mapped_column(sa.String(255))
    language: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str]
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
