"""Staged deliveries and freight: a customer's delivery terms (partial deliveries, what
becomes of a backorder), the delivery stages of an order (one per requested date, each its
own shipment, released for picking some days ahead), pallets of cartons with their SSCC-18,
and the freight (LTL) booking of a shipment with its bill of lading number."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, utcnow
from oms_desktop.model.order import Order


class BackorderPolicy(enum.StrEnum):
    ship = "ship"      # what is short is shipped when the stock arrives
    cancel = "cancel"  # what is short is cancelled: the PO line closes short


class DeliveryTerms(Base):
    """How a business customer takes deliveries; a customer without a row takes partial
    deliveries and waits for backorders."""

    __tablename__ = "delivery_terms"

    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), primary_key=True)
    partial_allowed: Mapped[bool] = mapped_column(default=True)
    backorders: Mapped[BackorderPolicy] = mapped_column(default=BackorderPolicy.ship)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))


class StageStatus(enum.StrEnum):
    planned = "planned"    # not yet released: the allocation path leaves its lines alone
    released = "released"  # its lines are allocated as a shipment of their own


class DeliveryStage(Base):
    """One requested delivery date of an order and the order lines due on it."""

    __tablename__ = "delivery_stages"
    __table_args__ = (sa.UniqueConstraint("order_id", "number"),
                      sa.UniqueConstraint("order_id", "due_on"),
                      sa.Index("ix_delivery_stages_status_due_on", "status", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    number: Mapped[int]
    due_on: Mapped[date]
    status: Mapped[StageStatus] = mapped_column(default=StageStatus.planned)
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(sa.String(64))

    order: Mapped[Order] = relationship()
    lines: Mapped[list["DeliveryStageLine"]] = relationship(
        cascade="all, delete-orphan", order_by="DeliveryStageLine.order_line_id")


class DeliveryStageLine(Base):
    """An order line belongs to one stage (a PO line carries one requested date)."""

    __tablename__ = "delivery_stage_lines"

    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"),
                                               primary_key=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("delivery_stages.id"), index=True)


class Pallet(Base):
    """A pallet of a shipment's cartons, labelled with its own SSCC-18."""

    __tablename__ = "pallets"
    __table_args__ = (sa.UniqueConstraint("shipment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    number: Mapped[int]
    sscc: Mapped[str] = mapped_column(sa.String(18), unique=True)
    tare_weight_g: Mapped[int] = mapped_column(default=20000)  # the wooden pallet itself
    height_mm: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(64))

    cartons: Mapped[list["PalletCarton"]] = relationship(
        cascade="all, delete-orphan", order_by="PalletCarton.package_id")


class PalletCarton(Base):
    """A carton (package) on a pallet: the key makes a carton sit on one pallet only."""

    __tablename__ = "pallet_cartons"

    package_id: Mapped[int] = mapped_column(sa.ForeignKey("packages.id"), primary_key=True)
    pallet_id: Mapped[int] = mapped_column(sa.ForeignKey("pallets.id"), index=True)
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    placed_by: Mapped[str] = mapped_column(sa.String(64))
    station: Mapped[str | None] = mapped_column(sa.String(64))


class FreightBooking(Base):
    """A less-than-truckload pickup booked with a freight carrier: its SCAC, PRO number
    (the carrier's tracking number) and our bill of lading number (a GSIN, 17 digits)."""

    __tablename__ = "freight_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), unique=True)
    carrier: Mapped[str] = mapped_column(sa.String(64))
    scac: Mapped[str] = mapped_column(sa.String(4))
    pro_number: Mapped[str] = mapped_column(sa.String(35))
    bol_number: Mapped[str] = mapped_column(sa.String(17), unique=True)
    freight_class: Mapped[str] = mapped_column(sa.String(5))
    pickup_on: Mapped[date]
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    booked_by: Mapped[str] = mapped_column(sa.String(64))
