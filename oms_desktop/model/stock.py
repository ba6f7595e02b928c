from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from oms_desktop.model.base import Base, utcnow


class StockLevel(Base):
    """On hand and reserved per (product, location). `available = on_hand - reserved`;
    the database itself refuses a row where available would go below zero."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "location_id"),
        sa.CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        sa.CheckConstraint("on_hand >= reserved", name="available_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"), index=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class MoveReason(enum.StrEnum):
    receipt = "receipt"
    adjustment = "adjustment"
    transfer = "transfer"
    shipment = "shipment"
    customer_return = "customer_return"
    cycle_count = "cycle_count"
    scrap = "scrap"
    vendor_return = "vendor_return"


class StockMove(Base):
    """The immutable ledger: every change of on_hand is a move from one location to another."""

    __tablename__ = "stock_moves"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.Index("ix_stock_moves_product_from", "product_id", "from_location_id"),
        sa.Index("ix_stock_moves_product_to", "product_id", "to_location_id"),
        sa.Index("uq_stock_moves_request_id", "request_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    from_location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    to_location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    quantity: Mapped[int]
    reason: Mapped[MoveReason]
    reason_code: Mapped[str | None] = mapped_column(sa.String(64))
    reference: Mapped[str | None] = mapped_column(sa.String(128))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_name: Mapped[str] = mapped_column(sa.String(64))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The caller's key for one receipt, adjustment or move: sent again (a retry after a
    # timeout, a double click), it is refused instead of counted twice.
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    # What one unit cost, on receipts that know it (opening stock, goods in from a supplier).
    unit_cost: Mapped[Decimal | None]


class ReservationStatus(enum.StrEnum):
    active = "active"
    released = "released"
    consumed = "consumed"


class Reservation(Base):
    """Stock held for one shipment line at one location; `reserved` on the StockLevel is the
    sum of the active ones (a test reconciles them)."""

    __tablename__ = "reservations"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.Index("ix_reservations_level_status", "stock_level_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_level_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_levels.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    shipment_line_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("shipment_lines.id"), index=True)
    reference: Mapped[str | None] = mapped_column(sa.String(128))
    quantity: Mapped[int]
    status: Mapped[ReservationStatus] = mapped_column(default=ReservationStatus.active)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
