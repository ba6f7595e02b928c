"""The warehouse floor: pick lists (single, batch, wave) with tote slots, short picks, and
the scan trail (every scan at a pick or pack station, good or bad)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, Versioned, utcnow


class PickListKind(enum.StrEnum):
    single = "single"
    batch = "batch"
    wave = "wave"


class PickListStatus(enum.StrEnum):
    open = "open"
    picking = "picking"
    done = "done"
    cancelled = "cancelled"


class PickLineStatus(enum.StrEnum):
    open = "open"
    picked = "picked"
    short = "short"


class ShortPickStatus(enum.StrEnum):
    open = "open"
    rerouted = "rerouted"
    backordered = "backordered"
    found = "found"


class PickList(Versioned, Base):
    __tablename__ = "pick_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PickListKind]
    status: Mapped[PickListStatus] = mapped_column(default=PickListStatus.open)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id"))
    criteria: Mapped[dict | None]
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # The line whose bin the picker has scanned; item scans count only against it.
    confirmed_line_id: Mapped[int | None]

    lines: Mapped[list["PickListLine"]] = relationship(
        back_populates="pick_list", cascade="all, delete-orphan", order_by="PickListLine.seq")
    slots: Mapped[list["PickListSlot"]] = relationship(
        back_populates="pick_list", cascade="all, delete-orphan", order_by="PickListSlot.slot")

    @property
    def label(self) -> str:
        return f"PL-{self.id}"


class PickListSlot(Base):
    """One shipment's place on a pick list: slot n is tote n of the cart."""

    __tablename__ = "pick_list_slots"
    __table_args__ = (
        sa.UniqueConstraint("pick_list_id", "slot"),
        # A shipment is on at most one open list: the last guard behind its state machine.
        sa.Index("uq_pick_list_slots_open_shipment", "shipment_id", unique=True,
                 sqlite_where=sa.text("open"), postgresql_where=sa.text("open")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_list_id: Mapped[int] = mapped_column(sa.ForeignKey("pick_lists.id"))
    slot: Mapped[int]
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    tote: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    open: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    pick_list: Mapped[PickList] = relationship(back_populates="slots")


class PickListLine(Base):
    """One stop of the walk: a product at a bin, the units summed over the list's orders."""

    __tablename__ = "pick_list_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_list_id: Mapped[int] = mapped_column(sa.ForeignKey("pick_lists.id"), index=True)
    seq: Mapped[int]
    bin_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    bin_code: Mapped[str] = mapped_column(sa.String(64))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str]
    quantity: Mapped[int]
    picked_qty: Mapped[int] = mapped_column(default=0)
    short_qty: Mapped[int] = mapped_column(default=0)
    status: Mapped[PickLineStatus] = mapped_column(default=PickLineStatus.open)

    pick_list: Mapped[PickList] = relationship(back_populates="lines")
    items: Mapped[list["PickListItem"]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="PickListItem.slot")

    @property
    def remaining(self) -> int:
        return self.quantity - self.picked_qty - self.short_qty


class PickListItem(Base):
    """The part of a line that belongs to one shipment line (and its reservation)."""

    __tablename__ = "pick_list_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("pick_list_lines.id"), index=True)
    slot: Mapped[int]
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"))
    shipment_line_id: Mapped[int] = mapped_column(sa.ForeignKey("shipment_lines.id"),
                                                  index=True)
    reservation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reservations.id"))
    quantity: Mapped[int]
    picked_qty: Mapped[int] = mapped_column(default=0)

    line: Mapped[PickListLine] = relationship(back_populates="items")


class ShortPick(Versioned, Base):
    """Units not found at the bin: the exception list a supervisor re-routes or backorders."""

    __tablename__ = "short_picks"
    __table_args__ = (sa.Index("ix_short_picks_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pick_list_id: Mapped[int] = mapped_column(sa.ForeignKey("pick_lists.id"), index=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("pick_list_lines.id"))
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    shipment_line_id: Mapped[int] = mapped_column(sa.ForeignKey("shipment_lines.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    bin_id: Mapped[int] = mapped_column(sa.ForeignKey("locations.id"))
    quantity: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[ShortPickStatus] = mapped_column(default=ShortPickStatus.open)
    reported_by: Mapped[str] = mapped_column(sa.String(64))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(sa.String(64))
    resolved_at: Mapped[datetime | None]


class ScanResult(enum.StrEnum):
    ok = "ok"
    wrong_item = "wrong_item"
    over_scan = "over_scan"
    wrong_bin = "wrong_bin"
    not_found = "not_found"
    invalid = "invalid"
    refused = "refused"


class ScanEvent(Base):
    """Every scan, good or bad: who, where, when, what, and what came of it. The per-order
    scan trail settles "wrong item" disputes; packed quantities are summed from these."""

    __tablename__ = "scan_events"
    __table_args__ = (
        sa.Index("ix_scan_events_shipment", "shipment_id", "id"),
        sa.Index("ix_scan_events_pick_list", "pick_list_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    context: Mapped[str] = mapped_column(sa.String(16))  # pick | pack | pickup
    actor_name: Mapped[str] = mapped_column(sa.String(64))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    station: Mapped[str | None] = mapped_column(sa.String(64))
    value: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[str] = mapped_column(sa.String(16))
    result: Mapped[ScanResult]
    message: Mapped[str | None]
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id"))
    shipment_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipment_lines.id"))
    pick_list_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pick_lists.id"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(default=0)
    package_no: Mapped[int | None]
    detail: Mapped[dict | None]
    undone: Mapped[bool] = mapped_column(default=False)
