"""The order queue: filtered, sorted pages by keyset, counts and CSV export.

Every sort is served by an index (status, key, id) at a million orders: a filter on several
statuses (or none, meaning all) reads the first page of each status from its index and merges
them. Ties are broken by id. Keys that may be empty (ship-by, customer) sort their empty rows
last in both directions: the page walks the rows with a key first, then those without."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.documents.csv_cells import SafeWriter
from oms_desktop.errors import ValidationError
from oms_desktop.model import (
    Actor, Channel, Customer, Location, Order, OrderHold, OrderLine, OrderStatus, OrderTag, Shipment,
)
from oms_desktop.model import search
from oms_desktop.model.text import fold
from oms_desktop.services.users import scope
from oms_desktop.storage import Database

SORT_KEYS = ("ship_by", "placed_at", "number", "total", "status", "customer")
SHIP_BY = ("overdue", "today", "week")
STATUSES = tuple(s.value for s in OrderStatus)
NULLABLE = frozenset({"ship_by", "customer"})
EXPORT_PAGE = 1000
SEARCH_IDS_MAX = 20_000  # a search matching more stays a subquery
O = Order.__table__.c


@dataclass(frozen=True)
class QueueFilter:
    statuses: tuple[str, ...] = ()
    hold_reasons: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()  # channel codes
    locations: tuple[str, ...] = ()  # site codes of shipments, preferred or pickup location
    ship_by: str | None = None  # "overdue" | "today" | "week" (today and the next 6 days)
    tags: tuple[str, ...] = ()
    customer_kind: str | None = None
    carrier: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    channel: str
    status: str
    hold_reason: str | None
    customer: str | None
    country: str | None
    items: int
    total: Decimal
    currency: str
    ship_by: date | None
    placed_at: datetime
    carrier: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_after: tuple | None  # pass back as `after` for the next page; None at the end


def fetch_page(db: Database, flt: QueueFilter, *, sort: str = "ship_by",
               descending: bool = False, after: tuple | None = None,
               limit: int = 100, actor: Actor | None = None) -> QueuePage:
    """One page of the queue (of the orders `actor` may see); `after` is the previous
    page's next_after."""
    _check(flt, sort, limit)
    with db.uow(readonly=True) as uow:
        found = _page_rows(uow.session, flt, sort, descending, after, limit + 1, actor)
        more = len(found) > limit
        last = found[limit - 1] if more else None
        return QueuePage([_row(r[1:]) for r in found[:limit]],
                         (last[0], last[1]) if more else None)


def count(db: Database, flt: QueueFilter, *, actor: Actor | None = None) -> int:
    _check(flt, "ship_by", 1)
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(Order)
                                  .where(*matching(uow.session, flt, actor=actor)))


def matching(session: Session, flt: QueueFilter, *, actor: Actor | None = None) -> list:
    """The WHERE conditions of every order the filter shows (to `actor`)."""
    where = _conditions(session, flt, actor)
    if flt.statuses:
        where.append(O.status.in_(flt.statuses))
    return where


def export_csv(db: Database, flt: QueueFilter, path: str | Path, *, sort: str = "ship_by",
               descending: bool = False, actor: Actor | None = None) -> int:
    """Write the whole filtered queue, in order, page by page; the number of rows written."""
    written, after = 0, None
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        out = SafeWriter(handle)
        out.writerow(["number", "channel", "status", "hold_reason", "customer", "country",
                      "items", "total", "currency", "ship_by", "placed_at", "carrier", "tags"])
        while True:
            page = fetch_page(db, flt, sort=sort, descending=descending, after=after,
                              limit=EXPORT_PAGE, actor=actor)
            out.writerows(_csv_row(r) for r in page.rows)
            written += len(page.rows)
            if page.next_after is None:
                return written
            after = page.next_after


def _csv_row(r: QueueRow) -> list:
    return [r.number, r.channel, r.status, r.hold_reason or "", r.customer or "",
            r.country or "", r.items, r.total, r.currency,
            r.ship_by.isoformat() if r.ship_by else "", r.placed_at.isoformat(),
            r.carrier or "", "; ".join(r.tags)]


def _check(flt: QueueFilter, sort: str, limit: int) -> None:
    if sort not in SORT_KEYS:
        raise ValidationError(f"Cannot sort the queue by {sort!r}: use one of "
                              f"{', '.join(SORT_KEYS)}")
    unknown = set(flt.statuses) - set(STATUSES)
    if unknown:
        raise ValidationError(f"Unknown order status {', '.join(sorted(unknown))}")
    if flt.ship_by is not None and flt.ship_by not in SHIP_BY:
        raise ValidationError(f"Ship-by filter must be one of {', '.join(SHIP_BY)}")
    if limit < 1:
        raise ValidationError("A page holds at least one row")


# -- which rows, in which order -----------------------------------------------------------
def _sort_key(sort: str):
    return fold(O.ship_name) if sort == "customer" else O[sort]


def _page_rows(session: Session, flt: QueueFilter, sort: str, descending: bool,
               after: tuple | None, n: int, actor: Actor | None) -> list:
    """(key, *detail columns) of the next n rows after `after`: one statement a segment."""
    where = _conditions(session, flt, actor)
    if sort not in NULLABLE:
        return _segment(session, flt, where, sort, descending, after, n, empty=None)
    rows = []
    if after is None or after[0] is not None:
        rows = _segment(session, flt, where, sort, descending, after, n, empty=False)
    if len(rows) < n:
        empty_after = after if after is not None and after[0] is None else None
        rows += _segment(session, flt, where, sort, descending, empty_after, n - len(rows),
                         empty=True)
    return rows


def _segment(session, flt, where, sort, descending, after, n, *, empty):
    """Rows whose key is present (empty=False), absent (True) or either (None), in order."""
    key = sa.null() if empty else _sort_key(sort)
    where = list(where)
    if empty is not None:
        where.append(_sort_key(sort).is_(None) if empty else _sort_key(sort).is_not(None))
    order = _order(key, descending, ids_only=bool(empty))
    parts = []
    for status in dict.fromkeys(flt.statuses or STATUSES):
        if sort == "status":  # the key is the status itself: the keyset is on id alone
            status_after = _status_after(status, after, descending)
            if status_after is False:
                continue
            keyset = [] if status_after is None else [status_after]
        else:
            keyset = [] if after is None else [_after(key, after, descending,
                                                      ids_only=bool(empty))]
        parts.append(sa.select(key.label("k"), O.id.label("id"))
                     .where(O.status == status, *where, *keyset).order_by(*order).limit(n))
    if not parts:
        return []
    page = parts[0].subquery() if len(parts) == 1 else _merged(parts, sort, descending, n,
                                                               empty)
    query = (sa.select(page.c.k, *_DETAIL)
             .select_from(page.join(Order.__table__, O.id == page.c.id)
                          .join(Channel, Channel.id == O.channel_id))
             .order_by(*_order(_outer_key(page, sort, empty), descending,
                               ids_only=bool(empty), id_column=page.c.id)))
    return list(session.connection().execute(query))


def _merged(parts: list, sort: str, descending: bool, n: int, empty):
    """The first n of several statuses' pages, each read in order from its own index."""
    merged = sa.union_all(*(sa.select(p.subquery()) for p in parts)).subquery()
    return (sa.select(merged.c.k, merged.c.id).order_by(*_order(
        _outer_key(merged, sort, empty), descending, ids_only=bool(empty),
        id_column=merged.c.id)).limit(n).subquery())


def _outer_key(page, sort: str, empty):
    return fold(page.c.k) if sort == "customer" and not empty else page.c.k


def _status_after(status: str, after: tuple | None, descending: bool):
    """Sorting by status, within one status: None (all its rows), False (none), or the
    condition on id."""
    if after is None:
        return None
    last_status, last_id = str(after[0]), after[1]
    if status == last_status:
        return O.id < last_id if descending else O.id > last_id
    return None if (status < last_status) == descending else False


def _order(key, descending: bool, *, ids_only: bool, id_column=None) -> list:
    id_column = O.id if id_column is None else id_column
    columns = [id_column] if ids_only else [key, id_column]
    return [c.desc() for c in columns] if descending else columns


def _after(key, after: tuple, descending: bool, *, ids_only: bool):
    """Strictly after (value, id) in the sort order; the first conjunct keeps it indexable."""
    value, last_id = after
    if ids_only:
        return O.id < last_id if descending else O.id > last_id
    if descending:
        return sa.and_(key <= value, sa.or_(key < value, O.id < last_id))
    return sa.and_(key >= value, sa.or_(key > value, O.id > last_id))


# -- filters --------------------------------------------------------------------------------
def _conditions(session: Session, flt: QueueFilter, actor: Actor | None = None) -> list:
    """Every filter but the statuses (which _segment spreads over the index), and the
    orders the person may see."""
    where = scope.orders_where(scope.of(session, actor))
    if flt.hold_reasons:
        where.append(O.id.in_(sa.select(OrderHold.order_id).where(
            OrderHold.released_at.is_(None), OrderHold.reason.in_(flt.hold_reasons))))
    if flt.channels:
        where.append(O.channel_id.in_(sa.select(Channel.id).where(
            Channel.code.in_(flt.channels))))
    if flt.locations:
        where.append(_at_locations(flt.locations))
    if flt.ship_by:
        where.append(_due(flt.ship_by, date.today()))
    if flt.tags:
        where.append(O.id.in_(sa.select(OrderTag.order_id).where(OrderTag.tag.in_(flt.tags))))
    if flt.customer_kind:
        where.append(O.customer_id.in_(sa.select(Customer.id).where(
            Customer.kind == flt.customer_kind)))
    if flt.carrier:
        where.append(O.carrier == flt.carrier)
    if flt.search and flt.search.strip():
        where.append(_search(session, flt.search.strip()))
    return where


def _at_locations(codes: tuple[str, ...]):
    sites = sa.select(Location.id).where(Location.code.in_(codes))
    return sa.or_(O.id.in_(sa.select(Shipment.order_id).where(Shipment.location_id.in_(sites))),
                  O.preferred_location_id.in_(sites), O.pickup_location_id.in_(sites))


def _due(window: str, today: date):
    if window == "overdue":
        return O.ship_by < today
    if window == "today":
        return O.ship_by == today
    return O.ship_by.between(today, today + timedelta(days=6))


def _search(session: Session, text: str):
    """Orders with every word of the text starting a word of theirs (number, customer,
    e-mail, address, SKU: model.search), or exactly an external id, e-mail, SKU or tracking
    number. The matching ids are read first, each branch from its own index, and the page
    or count then reads those orders only; a search matching more than SEARCH_IDS_MAX
    orders ("com") stays a subquery."""
    conn = session.connection()
    found = _search_ids(text, search.rarest_first(conn, search.query_words(text)))
    ids = list(conn.execute(found.limit(SEARCH_IDS_MAX + 1)).scalars())
    if len(ids) > SEARCH_IDS_MAX:
        return O.id.in_(found)
    if not ids:
        return sa.false()
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY
        return O.id == sa.any_(sa.bindparam(None, sorted(ids), type_=ARRAY(sa.Integer)))
    return O.id.in_(sa.bindparam(None, sorted(ids), expanding=True, literal_execute=True))


def _search_ids(text: str, words: list[str]):
    exact = {text, text.upper(), text.lower()}
    branches = [
        sa.select(O.id).where(O.external_id == text),
        sa.select(O.id).where(O.email.in_(exact)),
        sa.select(OrderLine.order_id).where(OrderLine.sku.in_(exact)),
        sa.select(Shipment.order_id).where(Shipment.tracking_number.in_(exact)),
    ]
    if words:
        branches.append(search.matching_all(words))
    return sa.union(*branches)


# -- what a row shows ---------------------------------------------------------------------
_TAG_SEPARATOR = "\x1f"
_ITEMS = (sa.select(sa.func.coalesce(sa.func.sum(OrderLine.quantity), 0))
          .where(OrderLine.order_id == O.id).scalar_subquery())
_HOLD = (sa.select(OrderHold.reason)
         .where(OrderHold.order_id == O.id, OrderHold.released_at.is_(None))
         .order_by(OrderHold.id).limit(1).scalar_subquery())
_TAGS = (sa.select(sa.func.aggregate_strings(OrderTag.tag, _TAG_SEPARATOR))
         .where(OrderTag.order_id == O.id).scalar_subquery())
_DETAIL = (O.id, O.number, Channel.code, O.status, _HOLD, O.ship_name, O.ship_country, _ITEMS,
           O.total, O.currency, O.ship_by, O.placed_at, O.carrier, _TAGS)


def _row(r) -> QueueRow:
    (oid, number, channel, status, hold, customer, country, items, total, currency, ship_by,
     placed_at, carrier, tags) = r
    return QueueRow(oid, number, channel, str(status), str(hold) if hold else None, customer,
                    country, int(items), total, currency, ship_by, placed_at, carrier,
                    tuple(sorted(tags.split(_TAG_SEPARATOR))) if tags else ())
