from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, utcnow
from oms_desktop.model.brand import Brand  # noqa: F401 - channels.brand_id refers to it
from oms_desktop.model.location import Location


class CustomerKind(enum.StrEnum):
    consumer = "consumer"
    business = "business"


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CustomerKind] = mapped_column(default=CustomerKind.consumer)
    name: Mapped[str]
    company: Mapped[str | None]
    email: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(64))
    payment_terms_days: Mapped[int | None]
    credit_limit: Mapped[Decimal | None]
    language: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


channel_locations = sa.Table(
    "channel_locations",
    Base.metadata,
    sa.Column("channel_id", sa.ForeignKey("channels.id"), primary_key=True),
    sa.Column("location_id", sa.ForeignKey("locations.id"), primary_key=True),
)


class Channel(Base):
    """A store or marketplace. Secrets never live here: they are in the OS keyring."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str]
    kind: Mapped[str] = mapped_column(sa.String(32))  # connector entry-point name
    settings: Mapped[dict] = mapped_column(default=dict)
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    language: Mapped[str | None] = mapped_column(sa.String(16))
    safety_buffer: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    brand_id: Mapped[int | None] = mapped_column(sa.ForeignKey("brands.id"), index=True)

    locations: Mapped[list[Location]] = relationship(secondary=channel_locations)
