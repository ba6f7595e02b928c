"""Postings to the books: an outbox of documents owed to an accounting target (QuickBooks
Online, Xero), and the mappings from our SKUs, channels, countries and account roles to the
target's own ids. A posting is written in the transaction that caused it (an order shipped, a
refund issued) and sent later by one worker that holds its lease."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, utcnow


class PostingStatus(enum.StrEnum):
    pending = "pending"  # waiting to be sent (again, after `next_attempt_at`)
    sending = "sending"  # claimed by a worker until `lease_until`
    posted = "posted"  # the target took it: `remote_id`
    blocked = "blocked"  # a mapping is missing: `last_error` says which; `books retry` after
    failed = "failed"  # the target refused it: `last_error` is its answer


class BookPosting(Base):
    __tablename__ = "book_postings"
    __table_args__ = (
        sa.UniqueConstraint("target", "source_key"),
        sa.Index("ix_book_postings_target_status", "target", "status"),
        sa.Index("ix_book_postings_kind_day", "kind", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(32))  # sale | refund | stock | ...
    source_key: Mapped[str] = mapped_column(sa.String(128))  # "sale:shipment:12"
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    channel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("channels.id"))  # None: stock, B2B
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    day: Mapped[date]
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount: Mapped[Decimal]
    document: Mapped[dict]
    status: Mapped[PostingStatus] = mapped_column(default=PostingStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(sa.String(64))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    remote_id: Mapped[str | None] = mapped_column(sa.String(64))
    remote_number: Mapped[str | None] = mapped_column(sa.String(64))
    remote_total: Mapped[Decimal | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]
    # what the source looked like when queued (a digest): reconciliation finds it stale after
    source_digest: Mapped[str | None] = mapped_column(sa.String(64))
    # the source key of the posting that must be posted first (a payment's invoice)
    waits_for: Mapped[str | None] = mapped_column(sa.String(128))


class BookMapping(Base):
    """One of our keys mapped to a target's id: kind `item` (key: SKU), `customer` (key:
    channel code), `tax` (key: country), `account` (key: income, shipping, discount,
    deposit)."""

    __tablename__ = "book_mappings"
    __table_args__ = (sa.UniqueConstraint("target", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(16))
    key: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[str] = mapped_column(sa.String(128))
    updated_by: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChannelFee(Base):
    """A fee a channel or its payment provider charged us (a payout statement's line), kept
    once per channel and statement reference and posted as a bill from the channel."""

    __tablename__ = "channel_fees"
    __table_args__ = (sa.UniqueConstraint("channel_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    day: Mapped[date]
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount: Mapped[Decimal]
    what: Mapped[str] = mapped_column(sa.String(128))  # "transaction fees", "referral fee"
    reference: Mapped[str] = mapped_column(sa.String(64))  # the statement's own id
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(64))
