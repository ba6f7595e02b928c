"""What the pipeline hands back: per order, its status, holds with reasons, the checks, the
fraud score with its signals, and the shipments with the location each ships from and why."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.model import Location, Order, Product, Shipment, ShipmentStatus


@dataclass(frozen=True)
class HoldInfo:
    reason: str
    note: str | None
    manual: bool
    placed_by: str


@dataclass(frozen=True)
class CheckInfo:
    check: str
    verdict: str
    reason: str | None
    message: str


@dataclass(frozen=True)
class ShipmentInfo:
    id: int
    status: str
    location: str | None
    lines: dict[str, int]
    why: str = ""


@dataclass(frozen=True)
class OrderResult:
    order_id: int
    number: str
    ok: bool
    status: str
    message: str
    holds: tuple[HoldInfo, ...] = ()
    checks: tuple[CheckInfo, ...] = ()
    fraud_score: int | None = None
    fraud_signals: tuple[str, ...] = ()
    shipments: tuple[ShipmentInfo, ...] = ()
    backordered: dict[str, int] = field(default_factory=dict)
    why: str = ""


@dataclass(frozen=True)
class BatchResult:
    results: tuple[OrderResult, ...]

    @property
    def failed(self) -> tuple[OrderResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    def by_id(self, order_id: int) -> OrderResult:
        return next(r for r in self.results if r.order_id == order_id)


def holds_of(order: Order) -> tuple[HoldInfo, ...]:
    return tuple(HoldInfo(h.reason.value, h.note, h.manual, h.placed_by)
                 for h in order.active_holds)


def result(order: Order, *, message: str, ok: bool = True, **extra) -> OrderResult:
    return OrderResult(order.id, order.number, ok, order.status.value, message,
                       holds=holds_of(order), fraud_score=order.fraud_score, **extra)


def snap_result(order, *, message: str, ok: bool = True, **extra) -> OrderResult:
    """The result of an order read as a snapshot (pipeline_data.Snap)."""
    holds = tuple(HoldInfo(h.reason.value, h.note, h.manual, "") for h in order.active_holds)
    return OrderResult(order.id, order.number, ok, order.status.value, message, holds=holds,
                       fraud_score=order.fraud_score, **extra)


def failure(order_id: int, number: str, message: str) -> OrderResult:
    return OrderResult(order_id, number, False, "unchanged", message)


def shipments_of(session: Session, order_id: int,
                 why: dict[int, str] | None = None) -> tuple[ShipmentInfo, ...]:
    """The order's live shipments (cancelled ones left out), SKUs and quantities."""
    rows = list(session.scalars(
        sa.select(Shipment).where(Shipment.order_id == order_id,
                                  Shipment.status != ShipmentStatus.cancelled)
        .options(selectinload(Shipment.lines)).order_by(Shipment.id)))
    codes = dict(session.execute(sa.select(Location.id, Location.code)).all())
    ids = {line.product_id for sh in rows for line in sh.lines}
    skus = dict(session.execute(sa.select(Product.id, Product.sku)
                                .where(Product.id.in_(ids))).all()) if ids else {}
    return tuple(_info(sh, codes, skus, (why or {}).get(sh.id, "")) for sh in rows)


def _info(shipment: Shipment, codes: dict[int, str], skus: dict[int, str],
          why: str) -> ShipmentInfo:
    lines: dict[str, int] = {}
    for line in shipment.lines:
        sku = skus.get(line.product_id, str(line.product_id))
        lines[sku] = lines.get(sku, 0) + line.quantity
    return ShipmentInfo(shipment.id, shipment.status.value, codes.get(shipment.location_id),
                        lines, why)
