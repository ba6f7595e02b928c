"""Cycle counts: choose bins, snapshot on_hand, scan what is there, see variances, and let a
supervisor approve, which posts the differences as stock moves (reason cycle_count) against
the INVENTORY location.

Stock may move between the snapshot and the approval (a pick, a receipt). The count says what
is on the shelf now, so approval posts `counted - on_hand at approval`, not the variance
against the snapshot, and refuses when the count is below what is reserved there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    COUNT_FLOW, Actor, CountBin, CountLine, CountStatus, CycleCount, Location, LocationKind, MoveReason,
    Product, StockLevel, utcnow,
)
from oms_desktop.policies.permissions import require
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import location_by_code, product_by_code, virtual_location
from oms_desktop.storage import Database
from oms_desktop.storage.concurrency import lock, refusal


@dataclass(frozen=True)
class BinState:
    code: str
    counted: bool


@dataclass(frozen=True)
class CountLineView:
    bin: str
    sku: str
    name: str
    expected: int
    counted: int
    posted: int | None
    on_hand: int | None = None  # on hand now, while the count is open

    @property
    def variance(self) -> int:
        return self.counted - self.expected

    @property
    def to_post(self) -> int | None:
        """What approval posts (open count) or posted (approved): counted − on hand."""
        return self.posted if self.on_hand is None else self.counted - self.on_hand


@dataclass(frozen=True)
class CountView:
    id: int
    status: str
    created_by: str
    created_at: datetime
    closed_by: str | None
    bins: tuple[BinState, ...]
    lines: tuple[CountLineView, ...]

    @property
    def label(self) -> str:
        return f"COUNT-{self.id}"

    @property
    def variances(self) -> tuple[CountLineView, ...]:
        """Lines in bins already counted whose count differs from the snapshot."""
        done = {b.code for b in self.bins if b.counted}
        return tuple(ln for ln in self.lines if ln.bin in done and ln.variance)

    @property
    def uncounted_bins(self) -> tuple[str, ...]:
        return tuple(b.code for b in self.bins if not b.counted)


@dataclass(frozen=True)
class ScanResult:
    """A bin chosen (line is None) or one line after its units were counted."""

    bin: str
    line: CountLineView | None


# -- use cases ----------------------------------------------------------------------------

def start_count(db: Database, *, actor: Actor, bins: list[str], note: str | None = None
                ) -> CountView:
    """Open a count over bins (a zone stands for its bins) with on_hand snapshotted."""
    require(actor, "stock.count")
    with db.uow() as uow:
        s = uow.session
        locations = _expand_bins(s, bins)
        count = CycleCount(created_by=actor.name, note=note, created_at=utcnow())
        count.bins = [CountBin(location_id=loc.id) for loc in locations]
        count.lines = [CountLine(location_id=loc, product_id=prod, expected=qty, counted=0)
                       for loc, prod, qty in _snapshot(s, [loc.id for loc in locations])]
        s.add(count)
        uow.commit()
        return _view(s, count.id)


def count_view(db: Database, *, actor: Actor, count_id: int) -> CountView:
    require(actor, "stock.view")
    with db.uow(readonly=True) as uow:
        return _view(uow.session, count_id)


def open_counts(db: Database, *, actor: Actor) -> list[CountView]:
    require(actor, "stock.view")
    with db.uow(readonly=True) as uow:
        ids = uow.session.scalars(sa.select(CycleCount.id).where(
            CycleCount.status == CountStatus.open).order_by(CycleCount.id))
        return [_view(uow.session, i) for i in ids]


def scan(db: Database, *, actor: Actor, count_id: int, code: str, bin: str | None,
         quantity: int = 1) -> ScanResult:
    """A scan during a count: a bin of the count chooses the bin (and marks it looked at);
    a product code adds `quantity` units of it in the current bin."""
    require(actor, "stock.count")
    with db.uow() as uow:
        s = uow.session
        count = _open_count(s, count_id)
        visited = _bin_of(s, count, code.strip())
        if visited is not None:
            _mark_counted(visited, actor)
            uow.commit()
            return ScanResult(visited.location.code, None)
        here = _current_bin(s, count, bin)
        line = _line(s, count, here, product_by_code(s, code.strip()))
        _mark_counted(here, actor)
        line.counted += quantity
        if line.counted < 0:
            raise ValidationError("A count cannot go below zero")
        uow.commit()
        return ScanResult(here.location.code, _line_view(s, line))


def set_counted(db: Database, *, actor: Actor, count_id: int, bin: str, code: str,
                quantity: int) -> CountLineView:
    """Type the quantity found of one product in one bin (replacing what was scanned)."""
    require(actor, "stock.count")
    if quantity < 0:
        raise ValidationError("A counted quantity cannot be negative")
    with db.uow() as uow:
        s = uow.session
        count = _open_count(s, count_id)
        here = _current_bin(s, count, bin)
        line = _line(s, count, here, product_by_code(s, code.strip()))
        _mark_counted(here, actor)
        line.counted = quantity
        uow.commit()
        return _line_view(s, line)


def approve(db: Database, *, actor: Actor, count_id: int) -> CountView:
    """Post the counted quantities (supervisor and above). Every bin must have been counted;
    a count below what is reserved now is refused with the lines named."""
    require(actor, "stock.count.approve")
    with db.uow() as uow:
        s = uow.session
        count = _open_count(s, count_id)
        missing = [b.location.code for b in count.bins if b.counted_at is None]
        if missing:
            raise ValidationError(f"{count.label}: bins not counted yet: {', '.join(missing)}"
                                  " (scan each bin, even an empty one)")
        now = _current_levels(s, count)
        _refuse_below_reserved(s, count, now)
        posted = _post(s, count, now, actor)
        s.add(count.approve(by=actor, detail={"moves": posted}))
        uow.commit()
        return _view(s, count_id)


def cancel(db: Database, *, actor: Actor, count_id: int) -> CountView:
    require(actor, "stock.count.approve")
    with db.uow() as uow:
        s = uow.session
        count = _open_count(s, count_id)
        s.add(count.cancel(by=actor))
        uow.commit()
        return _view(s, count_id)


# -- session helpers ----------------------------------------------------------------------

def _expand_bins(session: Session, codes: list[str]) -> list[Location]:
    if not codes:
        raise ValidationError("Choose at least one bin to count")
    found: dict[int, Location] = {}
    for code in codes:
        location = location_by_code(session, code.strip())
        for loc in _countable(session, location):
            found.setdefault(loc.id, loc)
    return list(found.values())


def _countable(session: Session, location: Location) -> list[Location]:
    if location.kind == LocationKind.zone:
        bins = list(session.scalars(sa.select(Location).where(
            Location.parent_id == location.id, Location.kind == LocationKind.bin)
            .order_by(Location.walk_sequence, Location.code)))
        if bins:
            return bins
    if not location.holds_stock:
        raise ValidationError(f"{location.code} is a {location.kind.value}: choose bins")
    return [location]


def _snapshot(session: Session, location_ids: list[int]) -> list[tuple[int, int, int]]:
    return list(session.execute(
        sa.select(StockLevel.location_id, StockLevel.product_id, StockLevel.on_hand)
        .where(StockLevel.location_id.in_(location_ids), StockLevel.on_hand > 0)
        .order_by(StockLevel.location_id, StockLevel.product_id)))


def _open_count(session: Session, count_id: int) -> CycleCount:
    """The count, locked until commit: scans, approval and cancellation of one count take
    turns, and a closed count is refused naming who closed it."""
    count = lock(session, CycleCount, count_id)
    if count is None:
        raise NotFound(f"No cycle count {count_id}")
    if count.status != CountStatus.open:
        raise refusal(session, COUNT_FLOW.audit_entity, count.id, count.label) or \
            ValidationError(f"{count.label} is {count.status.value}, not open")
    return count


def _bin_of(session: Session, count: CycleCount, code: str) -> CountBin | None:
    return session.scalar(sa.select(CountBin).join(Location, Location.id == CountBin.location_id)
                          .where(CountBin.count_id == count.id, Location.code == code))


def _current_bin(session: Session, count: CycleCount, code: str | None) -> CountBin:
    if code is None:
        raise ValidationError("Scan a bin of the count first")
    found = _bin_of(session, count, code)
    if found is None:
        raise ValidationError(f"{code} is not part of {count.label}")
    return found


def _mark_counted(count_bin: CountBin, actor: Actor) -> None:
    if count_bin.counted_at is None:
        count_bin.counted_at, count_bin.counted_by = utcnow(), actor.name


def _line(session: Session, count: CycleCount, here: CountBin, product: Product) -> CountLine:
    line = session.scalar(sa.select(CountLine).where(
        CountLine.count_id == count.id, CountLine.location_id == here.location_id,
        CountLine.product_id == product.id))
    if line is None:
        line = CountLine(count_id=count.id, location_id=here.location_id,
                         product_id=product.id, expected=0, counted=0)
        session.add(line)
        session.flush()
    return line


def _current_levels(session: Session, count: CycleCount, *, lock: bool = True
                    ) -> dict[tuple[int, int], tuple]:
    """(location, product) -> (on_hand, reserved) now; the rows stay locked until commit."""
    bins = [b.location_id for b in count.bins]
    query = (sa.select(StockLevel.location_id, StockLevel.product_id, StockLevel.on_hand,
                       StockLevel.reserved).where(StockLevel.location_id.in_(bins)))
    rows = session.execute(query.with_for_update() if lock else query)
    return {(loc, prod): (on_hand, reserved) for loc, prod, on_hand, reserved in rows}


def _all_lines(session: Session, count: CycleCount, now: dict) -> list[CountLine]:
    """The count's lines plus a zero-counted line for stock that arrived in a counted bin
    after the snapshot and was not scanned (the bin was counted: it is not there)."""
    have = {(ln.location_id, ln.product_id) for ln in count.lines}
    for (loc, prod), (on_hand, _) in now.items():
        if on_hand and (loc, prod) not in have:
            count.lines.append(CountLine(location_id=loc, product_id=prod, expected=0,
                                         counted=0))
    session.flush()
    return list(count.lines)


def _refuse_below_reserved(session: Session, count: CycleCount, now: dict) -> None:
    problems = []
    for line in _all_lines(session, count, now):
        reserved = now.get((line.location_id, line.product_id), (0, 0))[1]
        if line.counted < reserved:
            problems.append(f"{_names(session, line)}: counted {line.counted} but {reserved}"
                            " reserved")
    if problems:
        raise ValidationError(
            f"Cannot approve {count.label}: " + "; ".join(problems)
            + ". Recount, or release those reservations first.")


def _post(session: Session, count: CycleCount, now: dict, actor: Actor) -> list[dict]:
    inventory = virtual_location(session, LocationKind.inventory)
    posted = []
    for line in count.lines:
        delta = line.counted - now.get((line.location_id, line.product_id), (0, 0))[0]
        line.posted = delta
        if delta:
            here = session.get(Location, line.location_id)
            source, target = (inventory, here) if delta > 0 else (here, inventory)
            stock_ops.move(session, product_id=line.product_id, source=source, target=target,
                           quantity=abs(delta), reason=MoveReason.cycle_count, by=actor,
                           reference=count.label, reason_code="cycle_count")
            posted.append({"location": here.code, "product_id": line.product_id,
                           "delta": delta})
    return posted


def _names(session: Session, line: CountLine) -> str:
    sku = session.scalar(sa.select(Product.sku).where(Product.id == line.product_id))
    code = session.scalar(sa.select(Location.code).where(Location.id == line.location_id))
    return f"{sku} at {code}"


def _line_view(session: Session, line: CountLine) -> CountLineView:
    sku, name = session.execute(sa.select(Product.sku, Product.name)
                                .where(Product.id == line.product_id)).one()
    code = session.scalar(sa.select(Location.code).where(Location.id == line.location_id))
    return CountLineView(code, sku, name, line.expected, line.counted, line.posted)


def _view_line(code: str, product: tuple[str, str], line: CountLine | None,
               on_hand: int | None) -> CountLineView:
    """A stored line, or stock that arrived in a bin after the snapshot (expected 0)."""
    if line is None:
        return CountLineView(code, *product, 0, 0, None, on_hand)
    return CountLineView(code, *product, line.expected, line.counted, line.posted, on_hand)


def _view(session: Session, count_id: int) -> CountView:
    count = session.scalar(sa.select(CycleCount).where(CycleCount.id == count_id).options(
        selectinload(CycleCount.bins).selectinload(CountBin.location),
        selectinload(CycleCount.lines)).execution_options(populate_existing=True))
    if count is None:
        raise NotFound(f"No cycle count {count_id}")
    codes = {b.location_id: b.location.code for b in count.bins}
    now = _current_levels(session, count, lock=False) \
        if count.status == CountStatus.open else {}
    stored = {(ln.location_id, ln.product_id): ln for ln in count.lines}
    keys = set(stored) | {key for key, (on_hand, _) in now.items() if on_hand}
    products = dict((pid, (sku, name)) for pid, sku, name in session.execute(
        sa.select(Product.id, Product.sku, Product.name).where(
            Product.id.in_({prod for _, prod in keys}))))
    lines = sorted((_view_line(codes[key[0]], products[key[1]], stored.get(key),
                               now.get(key, (0, 0))[0] if now else None) for key in keys),
                   key=lambda v: (v.bin, v.sku))
    return CountView(count.id, count.status.value, count.created_by, count.created_at,
                     count.closed_by,
                     tuple(BinState(b.location.code, b.counted_at is not None)
                           for b in count.bins), tuple(lines))
