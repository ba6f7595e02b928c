from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, utcnow


class SyncCursor(Base):
    """Where the last committed sync of a channel's stream ended."""

    __tablename__ = "sync_cursors"
    __table_args__ = (sa.UniqueConstraint("channel_id", "stream"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    stream: Mapped[str] = mapped_column(sa.String(32))
    cursor: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncRun(Base):
    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"), index=True)
    stream: Mapped[str] = mapped_column(sa.String(32), default="orders")
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    full: Mapped[bool] = mapped_column(default=False)
    fetched: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class SyncError(Base):
    """A payload the channel sent that could not be taken in, kept whole with the reason."""

    __tablename__ = "sync_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sync_runs.id"))
    external_id: Mapped[str | None] = mapped_column(sa.String(128))
    raw_payload: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    retries: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class ReportFile(Base):
    """A report file of a file channel, known by its content (size and SHA-256): each is read
    once. `status` is reading (a run took it and may have stopped half-way: the next one reads
    it again, which duplicates nothing), done, or refused (unreadable as a whole: the reason
    is here and in the channel's sync errors)."""

    __tablename__ = "report_files"
    __table_args__ = (sa.UniqueConstraint("channel_id", "sha256", "size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    name: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="reading")
    encoding: Mapped[str | None] = mapped_column(sa.String(32))
    orders: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
