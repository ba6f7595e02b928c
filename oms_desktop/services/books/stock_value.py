"""The month's stock valuation, FIFO: the value held at each location at the month's end, the
cost of goods sold, and the journal that brings the books there (inventory against cost of
goods sold; receipts against stock received not invoiced (GRNI); counts, scrap and other
adjustments against stock adjustments; goods sent back to a supplier against GRNI). Queued
once per month and target, under a lock, with a digest of the ledger it was made from: the
reconciliation finds it stale when a move of the month or before changed after."""

from __future__ import annotations

import calendar
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from oms_desktop.accounting.base import CENT
from oms_desktop.accounting.journals import JournalDoc, JournalLine
from oms_desktop.errors import ValidationError
from oms_desktop.model import MoveReason, utcnow
from oms_desktop.policies.fifo import FifoBook
from oms_desktop.services import settings
from oms_desktop.services.books import stock_ledger

CURRENCY_KEY = "books.stock_currency"
ZERO = Decimal(0)
NIL = Decimal("0.00")
# bucket -> (debit role, credit role, words): what a move of the bucket books
BUCKETS = {
    "received": ("inventory", "grni", "Goods received"),
    "sold": ("cogs", "inventory", "Cost of goods sold"),
    "returned": ("inventory", "cogs", "Customer returns restocked"),
    "gained": ("inventory", "stock_adjustment", "Stock found or counted up"),
    "lost": ("stock_adjustment", "inventory", "Stock scrapped, lost or counted down"),
    "to_supplier": ("grni", "inventory", "Goods returned to suppliers"),
}
TRANSFERRED = "transferred"  # net value moved in from other sites (no journal line)

# the general-ledger journal's account names when `books map journal account ROLE NAME` is not
DEFAULT_ACCOUNTS = {"inventory": "Inventory", "cogs": "Cost of goods sold",
                    "grni": "Stock received not invoiced", "stock_adjustment": "Stock adjustments"}


@dataclass
class LocationValue:
    location: str
    opening: Decimal = NIL
    closing: Decimal = NIL
    moved: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))


@dataclass(frozen=True)
class StockMonth:
    month: str  # "2026-11"
    first: date
    last: date
    currency: str
    locations: list[LocationValue]
    journal: JournalDoc
    digest: str  # of the ledger up to the month's end
    moves: int  # moves of the month
    guessed: int  # units of the month valued without a known cost

    @property
    def opening(self) -> Decimal:
        return sum((l.opening for l in self.locations), NIL)

    @property
    def closing(self) -> Decimal:
        return sum((l.closing for l in self.locations), NIL)

    @property
    def cogs(self) -> Decimal:
        return sum((l.moved.get("sold", ZERO) - l.moved.get("returned", ZERO)
                    for l in self.locations), NIL)


def parse_month(text: str) -> tuple[date, date]:
    try:
        year, month = (int(p) for p in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise ValidationError(f"{text!r} is not a month (YYYY-MM)") from None
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def months(session: Session, names: list[str]) -> list[StockMonth]:
    """The named months (YYYY-MM), valued in one walk of the ledger."""
    spans = sorted(parse_month(n) for n in set(names))
    if not spans:
        return []
    where = stock_ledger.holdings(session)
    currency = settings.get(session, CURRENCY_KEY, "USD")
    book, digest, found = FifoBook(), hashlib.sha256(), []
    walk = stock_ledger.entries(session, where, until=_start(spans[-1][1] + timedelta(days=1)))
    pending = next(walk, None)
    for first, last in spans:
        pending = _drain(book, walk, pending, digest, until=_start(first), into=None)
        one = _Month(where, book.value_by_location())
        pending = _drain(book, walk, pending, digest, until=_start(last + timedelta(days=1)),
                         into=one)
        found.append(one.result(first, last, currency, book.value_by_location(),
                                digest.hexdigest()))
    return found


def month(session: Session, name: str) -> StockMonth:
    return months(session, [name])[0]


def _drain(book: FifoBook, walk, pending, digest, *, until: datetime,
           into: "_Month | None"):
    """Feed the book (and the digest) every entry before `until`; the first one after is
    handed back."""
    while pending is not None and pending.at < until:
        costed = book.apply(pending.move)
        digest.update(stock_ledger.fingerprint(pending))
        if into is not None:
            into.add(pending, costed)
        pending = next(walk, None)
    return pending


class _Month:
    def __init__(self, where: stock_ledger.Holding, opening: dict[int, Decimal]):
        self.where, self.moves, self.guessed = where, 0, 0
        self.values: dict[int, LocationValue] = {}
        for lid, value in opening.items():
            self._at(lid).opening = _cents(value)

    def _at(self, lid: int) -> LocationValue:
        if lid not in self.values:
            self.values[lid] = LocationValue(self.where.codes.get(lid, str(lid)))
        return self.values[lid]

    def add(self, entry: stock_ledger.Entry, costed) -> None:
        self.moves += 1
        self.guessed += costed.guessed
        m, bucket = entry.move, _bucket(entry)
        if bucket is not None:
            self._at(m.target if m.source is None else m.source).moved[bucket] += costed.value
        elif None not in (m.source, m.target) and m.source != m.target:  # between two sites
            self._at(m.source).moved[TRANSFERRED] -= costed.value
            self._at(m.target).moved[TRANSFERRED] += costed.value

    def result(self, first: date, last: date, currency: str, closing: dict[int, Decimal],
               digest: str) -> StockMonth:
        for lid, value in closing.items():
            self._at(lid).closing = _cents(value)
        rows = sorted(self.values.values(), key=lambda l: l.location)
        for row in rows:
            row.moved = {k: _cents(v) for k, v in row.moved.items() if _cents(v)}
        name = month_of(first)
        doc = JournalDoc("stock", f"STOCK-{name}", last, currency,
                         f"Stock valuation {name} (FIFO)", tuple(_lines(rows)))
        return StockMonth(name, first, last, currency, [r for r in rows if _shown(r)], doc,
                          digest, self.moves, self.guessed)


def _shown(row: LocationValue) -> bool:
    return bool(row.opening or row.closing or row.moved)


def _bucket(entry: stock_ledger.Entry) -> str | None:
    """Which journal line a move of the ledger feeds (None: a move between two holding
    locations, or between two outside ones, is not a change of the stock's value)."""
    m, reason = entry.move, entry.reason
    if (m.source is None) == (m.target is None):
        return None
    if m.source is None:  # in from outside
        return {MoveReason.receipt: "received",
                MoveReason.customer_return: "returned"}.get(reason, "gained")
    return {MoveReason.shipment: "sold",
            MoveReason.vendor_return: "to_supplier"}.get(reason, "lost")


def _lines(rows: list[LocationValue]):
    for bucket, (debit, credit, words) in BUCKETS.items():
        for row in rows:
            amount = row.moved.get(bucket, ZERO)
            if amount:
                text = f"{words} at {row.location}"
                yield JournalLine(debit, amount, NIL, text)
                yield JournalLine(credit, NIL, amount, text)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def ended_months(first: date, last: date, *, today: date | None = None) -> list[str]:
    """The months whose last day falls within first..last and is past."""
    today = today or utcnow().date()
    found, day = [], first.replace(day=1)
    while day <= last:
        end = parse_month(month_of(day))[1]
        if first <= end <= last and end < today:
            found.append(month_of(day))
        day = end + timedelta(days=1)
    return found
