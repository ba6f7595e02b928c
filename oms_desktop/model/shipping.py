"""Shipping records: bought labels, print jobs, tracking events and end-of-day manifests."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oms_desktop.model.base import Base, Versioned, utcnow
from oms_desktop.model.shipment import Shipment


class ShippingLabel(Versioned, Base):
    """One bought (or locally rendered) label for a shipment; `content` is kept exactly as
    the carrier sent it so a reprint is the same bytes."""

    __tablename__ = "shipping_labels"
    __table_args__ = (
        sa.Index("ix_shipping_labels_carrier_day", "carrier", "ship_day"),
        sa.Index("uq_shipping_labels_active", "shipment_id", unique=True,
                 sqlite_where=sa.text("voided_at IS NULL"),
                 postgresql_where=sa.text("voided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    carrier: Mapped[str] = mapped_column(sa.String(64))
    provider: Mapped[str | None] = mapped_column(sa.String(64))  # USPS, UPS… behind the plugin
    service: Mapped[str] = mapped_column(sa.String(64))
    tracking_number: Mapped[str] = mapped_column(sa.String(64), index=True)
    tracking_url: Mapped[str | None] = mapped_column(sa.String(1024))
    format: Mapped[str] = mapped_column(sa.String(8))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    cost: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    carrier_ref: Mapped[str | None] = mapped_column(sa.String(128))
    sscc: Mapped[list | None]
    ship_day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    voided_at: Mapped[datetime | None]
    manifest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("manifests.id"), index=True)

    shipment: Mapped[Shipment] = relationship()

    @property
    def label(self) -> str:
        return f"Label {self.tracking_number}"


class PurchaseStatus(enum.StrEnum):
    buying = "buying"        # recorded before the carrier was asked; the outcome not yet known
    stored = "stored"        # bought and stored as the shipment's label
    not_bought = "not_bought"  # the carrier sold nothing (refused, or never asked)
    voided = "voided"        # bought but not wanted (the shipment had a label): refunded


class LabelPurchase(Base):
    """The intent to buy a label, committed before the carrier is called, so a purchase
    interrupted by a crash is found by the next run and either stored or voided. At most one
    purchase is open per shipment."""

    __tablename__ = "label_purchases"
    __table_args__ = (
        sa.Index("uq_label_purchases_open", "shipment_id", unique=True,
                 sqlite_where=sa.text("status = 'buying'"),
                 postgresql_where=sa.text("status = 'buying'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sent where a carrier takes one
    status: Mapped[PurchaseStatus] = mapped_column(default=PurchaseStatus.buying)
    carrier: Mapped[str] = mapped_column(sa.String(64))
    service: Mapped[str] = mapped_column(sa.String(64))
    rate_id: Mapped[str] = mapped_column(sa.String(128))
    rate_ref: Mapped[str | None] = mapped_column(sa.String(128))  # the carrier's shipment id
    provider: Mapped[str | None] = mapped_column(sa.String(64))  # the carrier behind it (UPS…)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(sa.String(3))
    format: Mapped[str] = mapped_column(sa.String(8))
    choice: Mapped[dict | None]  # the rate-shopping result stored with the label
    buyer: Mapped[str] = mapped_column(sa.String(64))
    station: Mapped[str | None] = mapped_column(sa.String(64))
    host: Mapped[str] = mapped_column(sa.String(255))
    pid: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    label_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipping_labels.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)


class PrintJobState(enum.StrEnum):
    queued = "queued"
    sent = "sent"
    failed = "failed"


class PrintJob(Base):
    """One document sent (or to be sent) to a printer; a failed one keeps its error."""

    __tablename__ = "print_jobs"
    __table_args__ = (sa.Index("ix_print_jobs_state", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    label_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipping_labels.id"))
    title: Mapped[str]
    format: Mapped[str] = mapped_column(sa.String(8))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    printer: Mapped[dict]
    state: Mapped[PrintJobState] = mapped_column(default=PrintJobState.queued)
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    station: Mapped[str | None] = mapped_column(sa.String(64))
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class TrackingEvent(Base):
    __tablename__ = "tracking_events"
    __table_args__ = (sa.UniqueConstraint("tracking_number", "status", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    tracking_number: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(32))
    message: Mapped[str | None] = mapped_column(sa.Text)
    location: Mapped[str | None]
    occurred_at: Mapped[datetime]
    exception: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Manifest(Base):
    """The end-of-day close-out of one carrier: the packages handed over that day."""

    __tablename__ = "manifests"
    __table_args__ = (sa.Index("ix_manifests_carrier_day", "carrier", "ship_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier: Mapped[str] = mapped_column(sa.String(64))
    ship_day: Mapped[date]
    packages: Mapped[int]
    total_cost: Mapped[Decimal]
    carrier_ref: Mapped[str | None] = mapped_column(sa.String(128))
    document: Mapped[bytes] = mapped_column(sa.LargeBinary)
    closed_by: Mapped[str] = mapped_column(sa.String(64))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
