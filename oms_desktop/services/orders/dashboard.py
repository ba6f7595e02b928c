"""The manager's dashboard: orders by status, late and due today against ship-by, what was
packed and shipped today (per hour and per packer, from the shipments' audit events) and the
returns rate.

Every query is served by an index and touches at most today's or the last 30 days' audit
rows: one grouped count over orders.status (ix_orders_status_ship_by), range counts on
(status, ship_by), and ranges on audit_events (entity, action, at)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.model import Actor, AuditEvent, Order, OrderStatus, Return
from oms_desktop.policies.permissions import require
from oms_desktop.services.users import scope
from oms_desktop.storage import Database

OPEN_STATUSES = (OrderStatus.new, OrderStatus.verified, OrderStatus.on_hold,
                 OrderStatus.in_fulfilment)
HOURS_SHOWN = 12
RETURNS_WINDOW_DAYS = 30


@dataclass(frozen=True)
class HourStat:
    start: datetime  # local time, on the hour
    packed: int
    shipped: int

    @property
    def label(self) -> str:
        return self.start.strftime("%H:00")


@dataclass(frozen=True)
class PackerStat:
    name: str
    packed: int
    shipped: int


@dataclass(frozen=True)
class Dashboard:
    as_of: datetime
    by_status: tuple[tuple[str, int], ...]
    late: int
    due_today: int
    packed_today: int
    shipped_today: int
    per_hour: tuple[HourStat, ...]
    per_packer: tuple[PackerStat, ...]
    returns_30d: int
    shipped_orders_30d: int

    @property
    def open_orders(self) -> int:
        return sum(n for status, n in self.by_status if status in OPEN_STATUSES)

    @property
    def returns_rate(self) -> float | None:
        """Returns opened per order shipped over the last 30 days (None when none shipped)."""
        if not self.shipped_orders_30d:
            return None
        return self.returns_30d / self.shipped_orders_30d


def dashboard(db: Database, *, actor: Actor, now: datetime | None = None,
              tz: tzinfo | None = None, brand: str | None = None,
              site: str | None = None) -> Dashboard:
    """The figures as of `now` (default: the clock), days and hours in `tz` (default: local),
    of the orders `actor` may see, narrowed to one brand and/or site when given."""
    require(actor, "orders.view")
    now = (now or datetime.now(timezone.utc)).astimezone(tz)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with db.uow(readonly=True) as uow:
        s = uow.session
        seen = scope.orders_where(scope.of(s, actor)) + \
            scope.orders_where(scope.narrowed(s, brand=brand, site=site))
        events = _floor_events(s, since=min(day_start, _first_hour(now)), seen=seen)
        today = [e for e in events if e[0] >= day_start]
        since = now - timedelta(days=RETURNS_WINDOW_DAYS)
        return Dashboard(
            as_of=now, by_status=_by_status(s, seen), late=_late(s, now.date(), seen),
            due_today=_due(s, now.date(), seen),
            packed_today=sum(1 for e in today if e[2] == "pack"),
            shipped_today=sum(1 for e in today if e[2] == "ship"),
            per_hour=_per_hour(events, now), per_packer=_per_packer(today),
            returns_30d=_returns_since(s, since, seen),
            shipped_orders_30d=_shipped_orders_since(s, since, seen))


def _of_orders(column, seen: list) -> list:
    """`column` (an order id) among the orders seen; nothing when every order is."""
    return [column.in_(sa.select(Order.id).where(*seen))] if seen else []


def _by_status(session: Session, seen: list) -> tuple[tuple[str, int], ...]:
    counts = dict(session.execute(
        sa.select(Order.status, sa.func.count()).where(*seen).group_by(Order.status)).all())
    return tuple((status.value, counts.get(status, 0)) for status in OrderStatus)


def _late(session: Session, today: date, seen: list) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Order).where(
        Order.status.in_(OPEN_STATUSES), Order.ship_by < today, *seen))


def _due(session: Session, today: date, seen: list) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Order).where(
        Order.status.in_(OPEN_STATUSES), Order.ship_by == today, *seen))


def _first_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=HOURS_SHOWN - 1)


def _floor_events(session: Session, *, since: datetime,
                  seen: list) -> list[tuple[datetime, str, str]]:
    """(local time, who, "pack" | "ship") for every shipment packed or shipped since."""
    rows = session.execute(
        sa.select(AuditEvent.at, AuditEvent.actor_name, AuditEvent.action).where(
            AuditEvent.entity == "shipment", AuditEvent.action.in_(("pack", "ship")),
            AuditEvent.at >= since, *_of_orders(AuditEvent.order_id, seen)))
    return [(at.astimezone(since.tzinfo), who, action) for at, who, action in rows]


def _per_hour(events: list, now: datetime) -> tuple[HourStat, ...]:
    first = _first_hour(now)
    counts = Counter((e[0].replace(minute=0, second=0, microsecond=0), e[2])
                     for e in events if e[0] >= first)
    hours = [first + timedelta(hours=i) for i in range(HOURS_SHOWN)]
    return tuple(HourStat(h, counts[(h, "pack")], counts[(h, "ship")]) for h in hours)


def _per_packer(events: list) -> tuple[PackerStat, ...]:
    counts = Counter((who, action) for _, who, action in events)
    names = sorted({who for _, who, _ in events},
                   key=lambda n: (-counts[(n, "pack")], -counts[(n, "ship")], n))
    return tuple(PackerStat(n, counts[(n, "pack")], counts[(n, "ship")]) for n in names)


def _returns_since(session: Session, since: datetime, seen: list) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Return).where(
        Return.created_at >= since, *_of_orders(Return.order_id, seen)))


def _shipped_orders_since(session: Session, since: datetime, seen: list) -> int:
    return session.scalar(sa.select(sa.func.count(sa.distinct(AuditEvent.order_id))).where(
        AuditEvent.entity == "shipment", AuditEvent.action == "ship",
        AuditEvent.at >= since, *_of_orders(AuditEvent.order_id, seen)))


def filter_choices(db: Database) -> tuple[list[str], list[str]]:
    """The brands (with sites) and the sites the dashboard may be narrowed to."""
    from oms_desktop.model import SITE_KINDS, Brand, Location

    with db.uow(readonly=True) as uow:
        s = uow.session
        brands = list(s.scalars(sa.select(Brand.code).where(Brand.location_id.is_not(None))
                                .order_by(Brand.code)))
        sites = list(s.scalars(sa.select(Location.code).where(
            Location.kind.in_([k.value for k in SITE_KINDS])).order_by(Location.code)))
        return brands, sites
