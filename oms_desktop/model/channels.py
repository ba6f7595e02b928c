"""What the channel sync keeps beside the orders: per-order sync state (for idempotent,
cheap re-syncs), per-SKU available-to-sell state and history (debounce and drift), and the
outbox of pushes (fulfilments, cancellations) that run outside database transactions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, utcnow


class ChannelOrderState(Base):
    """The last version of a channel order we took in: its remote updated-at and a
    fingerprint of the validated payload, so a re-sync can tell "unchanged" without
    comparing every field."""

    __tablename__ = "channel_order_states"
    __table_args__ = (sa.UniqueConstraint("channel_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    external_id: Mapped[str] = mapped_column(sa.String(128))
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    remote_updated_at: Mapped[datetime | None]
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChannelSkuLevel(Base):
    """Available-to-sell of one SKU on one channel: what we computed, what we last pushed
    (pushes are skipped while it is unchanged) and what the channel last reported."""

    __tablename__ = "channel_sku_levels"
    __table_args__ = (sa.UniqueConstraint("channel_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    sku: Mapped[str] = mapped_column(sa.String(64))
    ours: Mapped[int] = mapped_column(default=0)
    pushed: Mapped[int | None]
    channel_quantity: Mapped[int | None]
    pushed_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.Text)


class InventorySyncLog(Base):
    """One line per SKU and push: ours, what the channel had before, what we sent."""

    __tablename__ = "inventory_sync_log"
    __table_args__ = (sa.Index("ix_inventory_sync_log_channel_sku", "channel_id", "sku", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    sku: Mapped[str] = mapped_column(sa.String(64))
    ours: Mapped[int]
    channel_before: Mapped[int | None]
    sent: Mapped[int | None]
    ok: Mapped[bool] = mapped_column(default=True)
    error: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ChannelOutbox(Base):
    """A push owed to a channel, written in the transaction that caused it and sent later
    by the sync worker (network calls never run inside a database transaction)."""

    __tablename__ = "channel_outbox"
    __table_args__ = (sa.Index("ix_channel_outbox_channel_status", "channel_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    dedupe_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"))
    payload: Mapped[dict]
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
