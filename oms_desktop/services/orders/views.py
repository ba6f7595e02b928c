"""Reading orders: the list the command line prints and the detail of one order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from oms_desktop.errors import ValidationError
from oms_desktop.model import (
    Actor,
    ORDER_FLOW, SITE_KINDS, AuditEvent, Channel, Location, Order, OrderStatus, OrderTag,
    Shipment, StockLevel, SyncError, SyncRun,
)
from oms_desktop.services.lookup import order_by_ref
from oms_desktop.services.users import scope
from oms_desktop.storage import Database


@dataclass(frozen=True)
class OrderSummary:
    id: int
    number: str
    channel: str
    status: str
    customer: str | None
    country: str | None
    total: Decimal
    currency: str
    ship_by: date | None
    placed_at: datetime


@dataclass(frozen=True)
class LineView:
    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    available: dict[str, int] = field(default_factory=dict)  # stock location -> available


@dataclass(frozen=True)
class HoldView:
    reason: str
    note: str | None
    placed_by: str
    placed_at: datetime
    released_at: datetime | None
    manual: bool = False
    released_by: str | None = None


@dataclass(frozen=True)
class PackageView:
    number: int
    tracking_number: str | None
    weight_g: int | None
    box_code: str | None


@dataclass(frozen=True)
class ShipmentView:
    id: int
    status: str
    location: str | None
    carrier: str | None
    tracking_number: str | None
    lines: dict[str, int]
    packages: list[PackageView] = field(default_factory=list)
    service: str | None = None
    shipped_at: datetime | None = None


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    station: str | None
    source: str | None
    entity: str
    action: str
    from_state: str | None
    to_state: str | None
    detail: dict | None


@dataclass(frozen=True)
class CustomerView:
    name: str
    kind: str
    email: str | None
    company: str | None


@dataclass(frozen=True)
class OrderDetail:
    summary: OrderSummary
    external_id: str
    financial_status: str
    fulfilment_status: str
    email: str | None
    ship_to: dict[str, str | None]
    requested_service: str | None
    tags: list[str]
    lines: list[LineView]
    holds: list[HoldView]
    shipments: list[ShipmentView]
    timeline: list[EventView]
    allowed_actions: list[str] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)
    customer: CustomerView | None = None
    carrier: str | None = None
    service: str | None = None
    ship_from: str | None = None
    fraud_score: int | None = None
    risk_level: str | None = None
    fraud_signals: list[str] = field(default_factory=list)


def _summary(order: Order, channel_code: str) -> OrderSummary:
    return OrderSummary(order.id, order.number, channel_code, order.status.value,
                        order.ship_name, order.ship_country, order.total, order.currency,
                        order.ship_by, order.placed_at)


def list_orders(db: Database, *, status: str | None = None, channel: str | None = None,
                limit: int = 100, actor: Actor | None = None) -> list[OrderSummary]:
    """The newest orders (of those `actor` may see)."""
    if status is not None and status not in OrderStatus.__members__:
        raise ValidationError(f"Unknown status {status!r}: one of {', '.join(OrderStatus)}")
    if limit < 1:
        raise ValidationError(f"The limit must be 1 or more, not {limit}")
    with db.uow(readonly=True) as uow:
        query = (sa.select(Order, Channel.code).join(Channel)
                 .where(*scope.orders_where(scope.of(uow.session, actor)))
                 .order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit))
        if status:
            query = query.where(Order.status == OrderStatus(status))
        if channel:
            query = query.where(Channel.code == channel)
        return [_summary(o, code) for o, code in uow.session.execute(query)]


def order_ids(db: Database, refs, *, actor: Actor | None = None) -> list[int]:
    """The ids of orders named by id, ORD-<id> or channel number; NotFound for any unknown
    (or outside what `actor` may see)."""
    with db.uow(readonly=True) as uow:
        return [_visible(uow.session, ref, actor).id for ref in refs]


def _visible(session, ref, actor: Actor | None) -> Order:
    order = order_by_ref(session, ref)
    scope.check_order(session, actor, order.id, str(ref).strip())
    return order


def get_order(db: Database, ref: str | int, *, actor: Actor | None = None) -> OrderDetail:
    with db.uow(readonly=True) as uow:
        s = uow.session
        order = _visible(s, ref, actor)
        shipments = s.scalars(sa.select(Shipment).where(Shipment.order_id == order.id)
                              .options(selectinload(Shipment.lines), selectinload(Shipment.location),
                                       selectinload(Shipment.packages))
                              .order_by(Shipment.id)).all()
        events = s.scalars(order.audit.select().order_by(AuditEvent.at, AuditEvent.id)).all()
        stock = _available(s, [l.product_id for l in order.lines if l.product_id])
        return OrderDetail(
            summary=_summary(order, order.channel.code),
            external_id=order.external_id,
            financial_status=order.financial_status.value,
            fulfilment_status=order.fulfilment_status.value,
            email=order.email,
            ship_to={"name": order.ship_name, "company": order.ship_company,
                     "line1": order.ship_line1, "line2": order.ship_line2,
                     "city": order.ship_city, "region": order.ship_region,
                     "postal_code": order.ship_postal_code, "country": order.ship_country,
                     "phone": order.ship_phone},
            requested_service=order.requested_service,
            tags=order.tag_names,
            lines=[LineView(l.line_no, l.sku, l.name, l.quantity, l.unit_price,
                            stock.get(l.product_id, {})) for l in order.lines],
            holds=[HoldView(h.reason.value, h.note, h.placed_by, h.placed_at, h.released_at,
                            h.manual, h.released_by) for h in order.holds],
            shipments=[_shipment(sh) for sh in shipments],
            timeline=[EventView(e.at, e.actor_name, e.station, e.source, e.entity, e.action,
                                e.from_state, e.to_state, e.detail) for e in events],
            allowed_actions=ORDER_FLOW.verbs_from(order.status),
            totals={"subtotal": order.subtotal, "shipping": order.shipping_total,
                    "tax": order.tax_total, "discount": order.discount_total,
                    "total": order.total},
            customer=_customer(order),
            carrier=order.carrier, service=order.service,
            ship_from=_code(s, order.preferred_location_id),
            fraud_score=order.fraud_score, risk_level=order.risk_level,
            fraud_signals=_fraud_signals(events),
        )


def _shipment(sh: Shipment) -> ShipmentView:
    return ShipmentView(sh.id, sh.status.value, sh.location.code if sh.location else None,
                        sh.carrier, sh.tracking_number,
                        {str(l.order_line_id): l.quantity for l in sh.lines},
                        [PackageView(p.number, p.tracking_number, p.weight_g, p.box_code)
                         for p in sh.packages], sh.service, sh.shipped_at)


def _customer(order: Order) -> CustomerView | None:
    c = order.customer
    return CustomerView(c.name, c.kind.value, c.email, c.company) if c else None


def _code(session, location_id: int | None) -> str | None:
    return session.scalar(sa.select(Location.code).where(Location.id == location_id)) \
        if location_id else None


def _available(session, product_ids: list[int]) -> dict[int, dict[str, int]]:
    """product -> {stock location code: available} where anything is on hand."""
    found: dict[int, dict[str, int]] = {}
    if not product_ids:
        return found
    rows = session.execute(
        sa.select(StockLevel.product_id, Location.code, StockLevel.on_hand - StockLevel.reserved)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.product_id.in_(product_ids), StockLevel.on_hand > 0)
        .order_by(Location.code))
    for product_id, code, available in rows:
        found.setdefault(product_id, {})[code] = available
    return found


def _fraud_signals(events) -> list[str]:
    """The signals of the latest fraud screening, as "why (+weight)"."""
    for e in reversed(events):
        fraud = (e.detail or {}).get("fraud") if e.action == "verification" else None
        if fraud:
            return [f"{sig.get('why') or sig.get('signal')} (+{sig.get('weight')})"
                    for sig in fraud.get("signals", [])]
    return []


# -- what the shell's sidebar and status bar show -------------------------------------------

OPEN_STATES = (OrderStatus.new, OrderStatus.verified, OrderStatus.on_hold,
               OrderStatus.in_fulfilment)


@dataclass(frozen=True)
class QueueCounts:
    new: int
    waiting: int  # verified, not yet in fulfilment
    on_hold: int
    late: int  # open and past its ship-by date


def queue_counts(db: Database, *, today: date | None = None,
                 actor: Actor | None = None) -> QueueCounts:
    """Each count is an index range scan on (status, ship_by)."""
    today = today or date.today()
    with db.uow(readonly=True) as uow:
        s = uow.session
        seen = scope.orders_where(scope.of(s, actor))
        by_status = dict(s.execute(
            sa.select(Order.status, sa.func.count())
            .where(Order.status.in_([OrderStatus.new, OrderStatus.verified, OrderStatus.on_hold]),
                   *seen)
            .group_by(Order.status)).all())
        late = s.scalar(sa.select(sa.func.count()).select_from(Order)
                        .where(Order.status.in_(OPEN_STATES), Order.ship_by < today, *seen))
    return QueueCounts(by_status.get(OrderStatus.new, 0), by_status.get(OrderStatus.verified, 0),
                       by_status.get(OrderStatus.on_hold, 0), late or 0)


def sync_summary(db: Database) -> str:
    """One line for the status bar: the last channel sync and the errors still open."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        # plain columns, not the SyncRun: the entity is detached once this block ends
        run = s.execute(sa.select(Channel.code, SyncRun.status, SyncRun.started_at)
                        .join(Channel, Channel.id == SyncRun.channel_id)
                        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1)).first()
        errors = s.scalar(sa.select(sa.func.count(SyncError.id))
                          .where(SyncError.resolved_at.is_(None)))
    if run is None:
        return "Sync: no channel synced yet"
    code, status, started_at = run
    text = f"Sync: {code} {status} {started_at:%H:%M}"
    return text + (f", {errors} errors open" if errors else "")


@dataclass(frozen=True)
class FilterChoices:
    channels: list[str]
    sites: list[str]
    carriers: list[str]
    tags: list[str]


def filter_choices(db: Database) -> FilterChoices:
    """What the queue's filter lists offer."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        return FilterChoices(
            channels=list(s.scalars(sa.select(Channel.code).order_by(Channel.code))),
            sites=list(s.scalars(sa.select(Location.code).where(Location.kind.in_(SITE_KINDS))
                                 .order_by(Location.code))),
            carriers=list(s.scalars(sa.select(Order.carrier).where(Order.carrier.is_not(None))
                                    .distinct().order_by(Order.carrier))),
            tags=list(s.scalars(sa.select(OrderTag.tag).distinct().order_by(OrderTag.tag))),
        )
