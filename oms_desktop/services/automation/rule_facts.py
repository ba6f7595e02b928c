"""Reading orders as plain facts for the rules, in bulk over row tuples (no ORM objects),
with the conditions that map onto order columns compiled to SQL first."""

from __future__ import annotations

import operator
from collections import defaultdict
from datetime import date, timedelta
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from oms_desktop.model import (
    Channel, Customer, HoldReason, Location, Order, OrderHold, OrderLine, OrderTag,
    OutboxMessage, Product,
)
from oms_desktop.policies.rules import OPEN_STATUSES, Condition, OrderFacts, RuleSpec, needs

_PREFERRED = aliased(Location)
_COLUMNS = {
    "channel": Channel.code, "country": Order.ship_country, "region": Order.ship_region,
    "service": Order.requested_service, "customer_type": Customer.kind,
}
_COMPARE = {"equals": operator.eq, "not_equals": operator.ne, ">=": operator.ge,
            "<=": operator.le, ">": operator.gt, "<": operator.lt}
CHUNK = 2000
ACTIVE = ("new", "verified", "on_hold", "in_fulfilment")


def _text_clause(column, op: str, value):
    values = value if isinstance(value, tuple) else (value,)
    if not all(str(v).isascii() for v in values):
        return None  # SQLite's lower() folds ASCII only: leave these to Python
    folded = sa.func.lower(column)
    low = [str(v).lower() for v in values]
    if op == "equals":
        return folded == low[0]
    if op == "in":
        return folded.in_(low)
    if op == "contains":
        return folded.contains(low[0], autoescape=True)
    unequal = folded != low[0] if op == "not_equals" else folded.not_in(low)
    return sa.or_(column.is_(None), unequal)


def _clause(condition: Condition, today: date):
    name, op, value = condition.field, condition.op, condition.value
    if name in _COLUMNS:
        return _text_clause(_COLUMNS[name], op, value)
    if name == "total":
        return _COMPARE[op](Order.total, value)
    if name in ("weight", "item_count"):
        return _line_total_clause(name, op, value)
    if name in ("sku", "tags"):
        return _member_clause(name, op, condition.folded)
    if name == "ship_by":
        if op == "is_empty":
            return Order.ship_by.is_(None)
        if op == "before":
            return Order.ship_by < value
        if op == "after":
            return Order.ship_by > value
        return Order.ship_by <= today + timedelta(days=value)
    return None


def _line_total_clause(name: str, op: str, value):
    """Orders whose line total (weight in grams, or item count) compares true; None when an
    order without lines would pass too (Python decides those)."""
    if _COMPARE[op](0, value):
        return None
    amount = OrderLine.quantity if name == "item_count" else \
        OrderLine.quantity * sa.func.coalesce(Product.weight_g, 0)
    return Order.id.in_(sa.select(OrderLine.order_id)
                        .outerjoin(Product, Product.id == OrderLine.product_id)
                        .group_by(OrderLine.order_id)
                        .having(_COMPARE[op](sa.func.sum(amount), value)))


def _member_clause(name: str, op: str, folded: frozenset[str]):
    if not all(v.isascii() for v in folded):
        return None
    table, column = (OrderLine, OrderLine.sku) if name == "sku" else (OrderTag, OrderTag.tag)
    wanted = sorted(folded)
    having = sa.select(table.order_id).where(sa.func.lower(column).in_(wanted))
    if op in ("contains", "any_in"):
        return Order.id.in_(having)
    if op in ("not_contains", "none_in"):
        return Order.id.not_in(having)
    others = sa.select(table.order_id).where(sa.func.lower(column).not_in(wanted))
    return sa.and_(Order.id.in_(sa.select(table.order_id)), Order.id.not_in(others))


def order_query(rules: Iterable[RuleSpec], today: date, *, statuses=ACTIVE) -> sa.Select:
    """The order rows the rules could match: conditions on order columns become SQL (a
    superset filter; Python checks every condition again)."""
    query = (sa.select(Order.id, Order.number, Order.status, Channel.code, Order.ship_country,
                       Order.ship_region, Order.total, Customer.kind, Order.requested_service,
                       Order.ship_by, Order.carrier, Order.service, _PREFERRED.code,
                       Order.priority)
             .join(Channel, Channel.id == Order.channel_id)
             .outerjoin(Customer, Customer.id == Order.customer_id)
             .outerjoin(_PREFERRED, _PREFERRED.id == Order.preferred_location_id)
             .where(Order.status.in_(statuses)).order_by(Order.id))
    rules = list(rules)
    if len(rules) != 1:
        return query
    for condition in rules[0].conditions:  # one rule: all its conditions must hold
        clause = _clause(condition, today)
        if clause is not None:
            query = query.where(clause)
    return query


def load_facts(session: Session, query: sa.Select, rules: Iterable[RuleSpec]) -> list[OrderFacts]:
    """Facts of the orders the query selects (pending ORM changes are flushed first)."""
    session.flush()
    connection = session.connection()
    rows = connection.execute(query).all()
    want, lines, tags, holds, notified = needs(rules), {}, {}, {}, {}
    for start in range(0, len(rows), CHUNK):
        ids = [row[0] for row in rows[start:start + CHUNK]]
        if "lines" in want:
            lines.update(_lines(connection, ids))
        if "tags" in want:
            tags.update(_grouped(connection, sa.select(OrderTag.order_id, OrderTag.tag)
                                 .where(OrderTag.order_id.in_(ids))))
        if "holds" in want:
            holds.update(_grouped(connection, sa.select(OrderHold.order_id, OrderHold.note).where(
                OrderHold.order_id.in_(ids), OrderHold.reason == HoldReason.rule,
                OrderHold.released_at.is_(None))))
        if "notified" in want:
            notified.update(_grouped(connection, sa.select(
                OutboxMessage.order_id, OutboxMessage.kind).where(OutboxMessage.order_id.in_(ids))))
    empty = ((), 0, 0)
    return [_facts(row, lines.get(row[0], empty), tags.get(row[0], ()), holds.get(row[0], ()),
                   notified.get(row[0], ())) for row in rows]


def facts_for(session: Session, order_ids: list[int], rules: list[RuleSpec]) -> list[OrderFacts]:
    query = order_query([], date.today(), statuses=ACTIVE).where(Order.id.in_(order_ids))
    return load_facts(session, query, rules)


def _facts(row, line, tags, holds, notified) -> OrderFacts:
    (oid, number, status, channel, country, region, total, kind, service, ship_by, carrier,
     carrier_service, location, priority) = row
    return OrderFacts(
        oid, number, str(status), channel, country, region, total, line[2], line[1], line[0],
        frozenset(tags), kind and str(kind), service, ship_by, carrier, carrier_service,
        location, priority, frozenset(h for h in holds if h), frozenset(map(str, notified)))


def _lines(connection, ids) -> dict[int, tuple[tuple[str, ...], int, int]]:
    skus, count, weight = defaultdict(list), defaultdict(int), defaultdict(int)
    query = (sa.select(OrderLine.order_id, OrderLine.sku, OrderLine.quantity, Product.weight_g)
             .outerjoin(Product, Product.id == OrderLine.product_id)
             .where(OrderLine.order_id.in_(ids)))
    for oid, sku, qty, grams in connection.execute(query):
        skus[oid].append(sku)
        count[oid] += qty
        weight[oid] += (grams or 0) * qty
    return {oid: (tuple(s), count[oid], weight[oid]) for oid, s in skus.items()}


def _grouped(connection, query) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for oid, value in connection.execute(query):
        out[oid].append(value)
    return out


__all__ = ["ACTIVE", "OPEN_STATUSES", "facts_for", "load_facts", "order_query"]
