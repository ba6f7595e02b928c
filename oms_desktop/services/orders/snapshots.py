"""What the pipeline needs to know about a batch of orders, loaded with a handful of queries
per batch (never per order) and handed to the policies as plain data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.model import (
    SITE_KINDS, Customer, CustomerKind, FinancialStatus, KitComponent, Location, LocationKind,
    Order, OrderHold, OrderLine, OrderStatus, OrderTag, Product, StockLevel, channel_locations,
)
from oms_desktop.policies import fraud, routing, verification
from oms_desktop.policies.rules import SPLIT_TAG
from oms_desktop.services import settings
from oms_desktop.storage.concurrency import locking

UNPAID = (FinancialStatus.pending, FinancialStatus.authorized)
LIVE = (OrderStatus.new, OrderStatus.verified, OrderStatus.on_hold, OrderStatus.in_fulfilment,
        OrderStatus.completed)


def load_orders(session: Session, order_ids: list[int]) -> list[Order]:
    query = (sa.select(Order).where(Order.id.in_(order_ids)).order_by(Order.id)
             .options(selectinload(Order.lines), selectinload(Order.holds),
                      selectinload(Order.customer)))
    return list(session.scalars(query))


class Snap:
    """A plain copy of a row (an order, a line, a hold, a customer): the batch pipeline reads
    these with a few Core queries instead of building ORM objects."""

    def __init__(self, **values):
        self.__dict__.update(values)

    @classmethod
    def of(cls, values: dict) -> "Snap":
        snap = cls.__new__(cls)
        snap.__dict__ = values
        return snap


ORDER_COLUMNS = [getattr(Order, name) for name in (
    "id", "number", "channel_id", "customer_id", "status", "financial_status", "total", "email",
    "ship_name", "ship_line1", "ship_line2", "ship_city", "ship_region", "ship_postal_code",
    "ship_country", "billing_country", "requested_service", "carrier", "service",
    "risk_level", "fraud_score", "placed_at", "pickup_location_id", "preferred_location_id",
    "priority", "version")]


def _snaps(session: Session, query, **extra) -> list[Snap]:
    """Rows as snapshots; `extra` names attributes made fresh for each (e.g. lines=list)."""
    result = session.execute(query)
    keys = list(result.keys())
    snaps = [Snap.of(dict(zip(keys, row))) for row in result]
    for snap in snaps:
        for name, make in extra.items():
            setattr(snap, name, make())
    return snaps


def load_snapshots(session: Session, order_ids: list[int]) -> list[Snap]:
    """Orders with their lines, active holds and customer, in id order. The order rows stay
    locked until commit (in id order, so batches that overlap never wait in a circle): what
    the pipeline decides is read after any other station's change to them."""
    session.flush()
    query = sa.select(*ORDER_COLUMNS).where(Order.id.in_(order_ids)).order_by(Order.id)
    orders = {o.id: o for o in _snaps(session, locking(query), lines=list, active_holds=list,
                                      customer=lambda: None)}
    ids = list(orders)
    if not ids:
        return []
    for line in _snaps(session, sa.select(
            OrderLine.id, OrderLine.order_id, OrderLine.line_no, OrderLine.product_id,
            OrderLine.sku, OrderLine.quantity).where(OrderLine.order_id.in_(ids))
            .order_by(OrderLine.order_id, OrderLine.line_no)):
        orders[line.order_id].lines.append(line)
    for hold in _snaps(session, sa.select(
            OrderHold.id, OrderHold.order_id, OrderHold.reason, OrderHold.manual,
            OrderHold.note).where(OrderHold.order_id.in_(ids), OrderHold.released_at.is_(None))
            .order_by(OrderHold.id)):
        orders[hold.order_id].active_holds.append(hold)
    split = set(session.scalars(sa.select(OrderTag.order_id).where(
        OrderTag.order_id.in_(ids), OrderTag.tag == SPLIT_TAG)))
    for order in orders.values():
        order.ships_available = order.id in split
    _attach_customers(session, orders.values())
    return list(orders.values())


def _attach_customers(session: Session, orders) -> None:
    wanted = {o.customer_id for o in orders if o.customer_id is not None}
    if not wanted:
        return
    found = {c.id: c for c in _snaps(session, sa.select(
        Customer.id, Customer.kind, Customer.payment_terms_days, Customer.credit_limit)
        .where(Customer.id.in_(wanted)))}
    for o in orders:
        o.customer = found.get(o.customer_id)


@dataclass(frozen=True)
class Bin:
    level_id: int
    location_id: int
    site_id: int
    product_id: int
    available: int
    code: str


class Catalog:
    """Products and kit components of the lines of some orders."""

    def __init__(self, session: Session, orders: list[Order]):
        ids = {line.product_id for o in orders for line in o.lines if line.product_id}
        self.products = {p.id: p for p in session.scalars(
            sa.select(Product).where(Product.id.in_(ids)))} if ids else {}
        self.components: dict[int, tuple[tuple[int, int], ...]] = defaultdict(tuple)
        kits = [pid for pid, p in self.products.items() if p.is_kit]
        if kits:
            rows = session.execute(sa.select(KitComponent.kit_id, KitComponent.component_id,
                                             KitComponent.quantity)
                                   .where(KitComponent.kit_id.in_(kits)))
            for kit, part, qty in rows:
                self.components[kit] += ((part, qty),)
            parts = {part for parts in self.components.values() for part, _ in parts}
            self.products.update((p.id, p) for p in session.scalars(
                sa.select(Product).where(Product.id.in_(parts - set(self.products)))))

    def line_facts(self, line) -> verification.LineFacts:
        product = self.products.get(line.product_id)
        return verification.LineFacts(
            line.sku, line.quantity, line.product_id,
            hazmat=bool(product and product.hazmat), oversize=bool(product and product.oversize),
            components=self.components.get(line.product_id, ()) if product and product.is_kit
            else ())

    def stock_ids(self) -> set[int]:
        """Every product that stock is taken from: plain products and kit components."""
        ids = {pid for pid, p in self.products.items() if not p.is_kit}
        return ids | {part for parts in self.components.values() for part, _ in parts}


class Network:
    """Sites, the channels' locations, the routing zones, and sellable stock per site and bin."""

    def __init__(self, session: Session, product_ids: set[int]):
        self.sites = [_site(loc, zones) for loc, zones in _sites(session)]
        self.by_id = {s.id: s for s in self.sites}
        self.channel_sites: dict[int, frozenset[int]] = {}
        for channel_id, location_id in session.execute(sa.select(channel_locations)):
            self.channel_sites[channel_id] = self.channel_sites.get(
                channel_id, frozenset()) | {location_id}
        self.bins: dict[tuple[int, int], list[Bin]] = defaultdict(list)
        self.stock: routing.Stock = defaultdict(int)
        self._totals: dict[frozenset[int], dict[int, int]] = {}
        if product_ids:
            self._load_bins(session, product_ids)

    def _load_bins(self, session: Session, product_ids: set[int]) -> None:
        sl, loc = StockLevel, Location
        query = (sa.select(sl.id, sl.location_id, sl.site_id, sl.product_id,
                           sl.on_hand - sl.reserved, loc.code)
                 .join(loc, loc.id == sl.location_id)
                 .where(sl.product_id.in_(product_ids), sl.site_id.is_not(None),
                        loc.sellable.is_(True), loc.kind != LocationKind.transit,
                        sl.on_hand > sl.reserved)
                 .order_by(sl.site_id, sl.product_id, loc.walk_sequence.is_(None),
                           loc.walk_sequence, loc.code))
        for row in session.execute(query):
            self.bins[(row[2], row[3])].append(Bin(*row))
            self.stock[(row[2], row[3])] += row[4]

    def available_for(self, request: routing.Request) -> dict[int, int]:
        """Units per product over the sites this order may ship from (as read at the start
        of the batch: verification judges availability, allocation takes the units)."""
        pool, _ = routing.candidates(request, self.sites)
        ids = frozenset(s.id for s in pool)
        if ids not in self._totals:
            total: dict[int, int] = defaultdict(int)
            for (site_id, pid), qty in self.stock.items():
                if site_id in ids:
                    total[pid] += qty
            self._totals[ids] = total
        return self._totals[ids]


def _sites(session: Session):
    zones = settings.get(session, "routing.zones", {}) or {}
    query = sa.select(Location).where(Location.kind.in_(SITE_KINDS), Location.active.is_(True))
    return [(loc, tuple(zones.get(loc.code, ()))) for loc in session.scalars(query)]


def _site(loc: Location, zones: tuple[str, ...]) -> routing.Site:
    return routing.Site(loc.id, loc.code, loc.kind.value, loc.country, loc.region,
                        loc.priority, loc.ships_from, zones)


def routing_request(order: Order, needs: tuple[routing.Need, ...],
                    network: Network) -> routing.Request:
    return routing.Request(needs, order.ship_country, order.ship_region,
                           pickup_site_id=order.pickup_location_id,
                           forced_site_id=order.preferred_location_id,
                           allowed_site_ids=network.channel_sites.get(order.channel_id))


# -- settings --------------------------------------------------------------------------------
def shipping_rules(session: Session) -> verification.ShippingRules:
    get = lambda key, default: settings.get(session, key, default)  # noqa: E731
    allowed = get("shipping.allowed_countries", None)
    base = verification.ShippingRules()
    return verification.ShippingRules(
        allowed_countries=frozenset(allowed) if allowed else None,
        blocked_countries=frozenset(get("shipping.blocked_countries", [])),
        blocked_services=tuple(get("shipping.blocked_services", [])),
        po_box_refusing=tuple(get("shipping.po_box_refusing_services", base.po_box_refusing)),
        hazmat_refusing=tuple(get("shipping.hazmat_refusing_services", base.hazmat_refusing)),
        oversize_refusing=tuple(get("shipping.oversize_refusing_services",
                                    base.oversize_refusing)),
        allow_backorders=bool(get("verification.allow_backorders", True)),
        duplicate_minutes=int(get("verification.duplicate_minutes", 10)))


def fraud_config(session: Session) -> fraud.FraudConfig:
    keys = ("threshold", "weights", "high_value", "history_factor", "names_per_address")
    values = {k: settings.get(session, f"fraud.{k}") for k in keys}
    return fraud.FraudConfig.from_settings({k: v for k, v in values.items() if v is not None})


# -- history: balances, earlier orders, duplicates, addresses --------------------------------
def _key(customer_id, email) -> str | None:
    if customer_id is not None:
        return f"c{customer_id}"
    return f"e{email.strip().lower()}" if email else None


class History:
    """Other orders of the same customers, channels and addresses, aggregated per batch."""

    def __init__(self, session: Session, orders: list[Order], duplicate_minutes: int):
        self._orders = orders
        customers = {o.customer_id for o in orders if o.customer_id is not None}
        emails = {o.email.strip().lower() for o in orders if o.customer_id is None and o.email}
        self.stats = self._stats(session, customers, emails)
        self.balance = self._balances(session, orders)
        self.others = self._others(session, orders, customers, emails, duplicate_minutes)
        self.by_number: dict[str, list] = defaultdict(list)
        self.by_customer: dict[str | None, list] = defaultdict(list)
        for other in self.others:
            self.by_number[other.number].append(other)
            self.by_customer[other.customer_key].append(other)
        self.names = self._names(session, orders)

    @staticmethod
    def _who(customers: set[int], emails: set[str]):
        clauses = []
        if customers:
            clauses.append(Order.customer_id.in_(customers))
        if emails:
            clauses.append(sa.and_(Order.customer_id.is_(None),
                                   sa.func.lower(Order.email).in_(emails)))
        return sa.or_(*clauses) if clauses else None

    def _stats(self, session, customers, emails) -> dict[str, tuple[int, Decimal]]:
        who = self._who(customers, emails)
        if who is None:
            return {}
        query = (sa.select(Order.customer_id, sa.func.lower(Order.email), sa.func.count(),
                           sa.func.sum(Order.total))
                 .where(who, Order.status != OrderStatus.cancelled)
                 .group_by(Order.customer_id, sa.func.lower(Order.email)))
        stats: dict[str, tuple[int, Decimal]] = {}
        for cid, email, count, total in session.execute(query):
            key = _key(cid, email)
            n, t = stats.get(key, (0, Decimal(0)))
            stats[key] = (n + count, t + Decimal(total or 0))
        return stats

    def earlier(self, order: Order) -> tuple[int, Decimal | None]:
        """How many other orders the customer has, and their average value."""
        n, total = self.stats.get(_key(order.customer_id, order.email), (0, Decimal(0)))
        n, total = n - 1, total - order.total  # the order itself is in the sums
        return (n, total / n) if n > 0 else (0, None)

    def _balances(self, session, orders) -> dict[int, list[tuple]]:
        terms = {o.customer_id for o in orders if o.customer and
                 o.customer.kind == CustomerKind.business and o.customer.payment_terms_days}
        if not terms:
            return {}
        query = (sa.select(Order.customer_id, Order.placed_at, Order.id, Order.total)
                 .where(Order.customer_id.in_(terms), Order.status != OrderStatus.cancelled,
                        Order.financial_status.in_(UNPAID)))
        found: dict[int, list[tuple]] = defaultdict(list)
        for cid, placed, oid, total in session.execute(query):
            found[cid].append((placed, oid, Decimal(total or 0)))
        return found

    def open_balance(self, order: Order) -> Decimal:
        """Unpaid orders of the customer placed before this one."""
        mine = (order.placed_at, order.id)
        return sum((t for placed, oid, t in self.balance.get(order.customer_id, ())
                    if (placed, oid) < mine), Decimal(0))

    def _others(self, session, orders, customers, emails, minutes):
        numbers = {o.number for o in orders}
        placed = [o.placed_at for o in orders]
        window = timedelta(minutes=minutes)
        who = self._who(customers, emails)
        near = sa.and_(who, Order.placed_at.between(min(placed) - window, max(placed) + window)) \
            if who is not None else sa.false()
        rows = session.execute(
            sa.select(Order.id, Order.number, Order.channel_id, Order.customer_id, Order.email,
                      Order.placed_at)
            .where(Order.status != OrderStatus.cancelled, sa.or_(Order.number.in_(numbers), near)))
        found = {r.id: r for r in rows}
        items: dict[int, list] = defaultdict(list)
        if found:
            for oid, sku, qty in session.execute(
                    sa.select(OrderLine.order_id, OrderLine.sku, OrderLine.quantity)
                    .where(OrderLine.order_id.in_(list(found)))):
                items[oid].append((sku, qty))
        return tuple(verification.OtherOrder(
            r.id, r.number, r.channel_id, _key(r.customer_id, r.email),
            tuple(sorted(items[r.id])), r.placed_at) for r in found.values())

    def candidates_for(self, order: Order) -> tuple[verification.OtherOrder, ...]:
        key = _key(order.customer_id, order.email)
        found = {o.id: o for o in self.by_number.get(order.number, ())}
        if key:
            found.update((o.id, o) for o in self.by_customer.get(key, ()))
        found.pop(order.id, None)
        return tuple(found.values())

    def _names(self, session, orders) -> dict[tuple[str, str], int]:
        codes = {o.ship_postal_code for o in orders if o.ship_postal_code}
        if not codes:
            return {}
        query = (sa.select(Order.ship_postal_code, sa.func.lower(Order.ship_line1),
                           sa.func.count(sa.distinct(sa.func.lower(Order.ship_name))))
                 .where(Order.ship_postal_code.in_(codes))
                 .group_by(Order.ship_postal_code, sa.func.lower(Order.ship_line1)))
        return {(code, line or ""): n for code, line, n in session.execute(query)}

    def names_at(self, order: Order) -> int:
        return self.names.get((order.ship_postal_code, (order.ship_line1 or "").lower()), 1)
