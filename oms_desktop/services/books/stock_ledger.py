"""The stock ledger as the FIFO policy reads it: every stock move up to a moment, in time
order, with its ends turned into holding locations (a site: warehouse, store or 3PL, whose
zones and bins are one place to the books; goods in transit on their own) or "outside" (a
supplier, a customer, the inventory account), and the order behind a shipment or a customer
return, so that a return comes back at the cost its order's units left with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.model import (
    SITE_KINDS, Location, LocationKind, MoveReason, Order, Return, Shipment, StockMove,
)
from oms_desktop.policies.fifo import LedgerMove

HELD_KINDS = SITE_KINDS | {LocationKind.zone, LocationKind.bin, LocationKind.transit}
CHUNK = 900


@dataclass(frozen=True)
class Holding:
    """Where stock is valued: a site, or a transit location."""

    holder: dict[int, int | None]  # location id -> its holding location (None: outside)
    codes: dict[int, str]  # holding location id -> its code


def holdings(session: Session) -> Holding:
    holder, codes = {}, {}
    for lid, code, kind, site_id in session.execute(
            sa.select(Location.id, Location.code, Location.kind, Location.site_id)):
        if kind in HELD_KINDS:
            holder[lid] = lid if kind in SITE_KINDS or kind == LocationKind.transit \
                else (site_id or lid)
        else:
            holder[lid] = None
        codes[lid] = code
    return Holding(holder, codes)


@dataclass(frozen=True)
class Entry:
    """One move of the ledger: the policy's view of it and what the journal needs."""

    move: LedgerMove
    reason: MoveReason
    at: datetime


_COLUMNS = (StockMove.id, StockMove.product_id, StockMove.from_location_id,
            StockMove.to_location_id, StockMove.quantity, StockMove.reason,
            StockMove.unit_cost, StockMove.reference, StockMove.at)


def entries(session: Session, where: Holding, *, until: datetime) -> Iterator[Entry]:
    """The moves made before `until`, oldest first (by time, then id: a move recorded late
    with an earlier time takes its place in the queue)."""
    rows = session.connection().execute(sa.select(*_COLUMNS).where(StockMove.at < until)
                                        .order_by(StockMove.at, StockMove.id)).all()
    origins = _origins(session, rows)
    for r in rows:
        reason = MoveReason(r.reason)
        yield Entry(LedgerMove(
            r.id, r.product_id, where.holder.get(r.from_location_id),
            where.holder.get(r.to_location_id), r.quantity, _cost(r.unit_cost),
            origins.get((reason, r.reference)), reason == MoveReason.customer_return),
            reason, r.at)


def fingerprint(entry: Entry) -> bytes:
    """What of a move the valuation depends on, for the ledger's digest."""
    m = entry.move
    return (f"{m.id}|{m.product}|{m.source}|{m.target}|{m.quantity}|{m.unit_cost}|"
            f"{entry.reason.value}|{entry.at.isoformat()}\n").encode()


def _cost(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _origins(session: Session, rows) -> dict[tuple[MoveReason, str], str]:
    """(reason, reference) -> "order:ID" for shipments (their label SHP-n, a pickup code or
    the order's number) and customer returns (the RMA's number)."""
    shipped = {r.reference for r in rows if r.reason == MoveReason.shipment and r.reference}
    returned = {r.reference for r in rows
                if r.reason == MoveReason.customer_return and r.reference}
    found: dict[tuple[MoveReason, str], str] = {}
    labels = {int(ref[4:]): ref for ref in shipped if ref.startswith("SHP-") and ref[4:].isdigit()}
    for sid, order_id in _in(session, sa.select(Shipment.id, Shipment.order_id), Shipment.id,
                             labels):
        found[(MoveReason.shipment, labels[sid])] = f"order:{order_id}"
    rest = [ref for ref in shipped if (MoveReason.shipment, ref) not in found]
    for code, order_id in _in(session, sa.select(Shipment.pickup_code, Shipment.order_id),
                              Shipment.pickup_code, rest):
        found[(MoveReason.shipment, code)] = f"order:{order_id}"
    for number, order_id in _in(session, sa.select(Order.number, Order.id), Order.number,
                                [ref for ref in rest if (MoveReason.shipment, ref) not in found]):
        found[(MoveReason.shipment, number)] = f"order:{order_id}"
    for rma, order_id in _in(session, sa.select(Return.rma_number, Return.order_id),
                             Return.rma_number, returned):
        found[(MoveReason.customer_return, rma)] = f"order:{order_id}"
    return found


def _in(session: Session, query, column, values) -> list:
    values, out = list(values), []
    for start in range(0, len(values), CHUNK):
        out += session.execute(query.where(column.in_(values[start:start + CHUNK]))).all()
    return out
