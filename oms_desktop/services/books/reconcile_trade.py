"""The reconciliation of what is not a web sale: per kind (a business customer's invoices
and payments, bills from carriers and channels), day and currency, what the program holds
beside what the target recorded for it; every document not queued, not posted, or recorded
at another amount is a difference. Only the kinds the target takes are compared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.model import BookPosting, ChannelFee, Invoice, Payment, PostingStatus, utcnow
from oms_desktop.services.books import invoicing, outbox, trade

ZERO = Decimal(0)
KINDS = ("invoice", "payment", "bill")


@dataclass
class TradeRow:
    kind: str
    day: date
    currency: str
    ours: Decimal = ZERO
    posted: Decimal = ZERO

    @property
    def matches(self) -> bool:
        return self.ours == self.posted


@dataclass(frozen=True)
class Owed:
    kind: str
    number: str
    day: date
    currency: str
    amount: Decimal


def owed(session: Session, first: date, last: date) -> dict[str, Owed]:
    """What the program holds for the days first..last, by the source key of its posting
    (carrier bills only for days that are over: a day is billed when it has ended)."""
    found: dict[str, Owed] = {}
    for inv in session.scalars(sa.select(Invoice).where(
            Invoice.issued_on >= first, Invoice.issued_on <= last).order_by(Invoice.id)):
        found[invoicing.invoice_key(inv.number)] = Owed(
            "invoice", inv.number, inv.issued_on, inv.currency, inv.total)
    for pay, inv in session.execute(sa.select(Payment, Invoice).join(Invoice).where(
            Payment.received_on >= first, Payment.received_on <= last).order_by(Payment.id)):
        doc = invoicing.payment_document(inv, pay)
        found[f"payment:{pay.id}"] = Owed("payment", doc.number, doc.day, doc.currency,
                                          doc.amount)
    ended = min(last, utcnow().date() - timedelta(days=1))
    for key, bill in trade.carrier_bills(session, first, ended):
        found[key] = Owed("bill", bill.number, bill.day, bill.currency, bill.total)
    for fee in session.scalars(sa.select(ChannelFee).where(
            ChannelFee.day >= first, ChannelFee.day <= last).order_by(ChannelFee.id)):
        found[f"fee:{fee.id}"] = Owed("bill", f"FEE-{fee.id}", fee.day, fee.currency,
                                      fee.amount)
    return found


def check(session: Session, *, target: str, first: date,
          last: date) -> tuple[list[TradeRow], list[str]]:
    kinds = [k for k in KINDS if outbox.takes(target, k)]
    rows: dict[tuple, TradeRow] = {}
    differences: list[str] = []
    queued = set()
    for p in session.scalars(sa.select(BookPosting).where(
            BookPosting.target == target, BookPosting.kind.in_(kinds),
            BookPosting.day >= first, BookPosting.day <= last).order_by(BookPosting.id)):
        queued.add(p.source_key)
        differences += _posted(_row(rows, p.kind, p.day, p.currency), p)
    for key, o in owed(session, first, last).items():
        if o.kind not in kinds:
            continue
        _row(rows, o.kind, o.day, o.currency).ours += o.amount
        if key not in queued:
            differences.append(f"{o.number}: {o.amount} never queued for {target}")
    report = [rows[k] for k in sorted(rows)]
    differences += [f"{r.day} {r.kind}s {r.currency}: ours {r.ours}, posted {r.posted}"
                    for r in report if not r.matches]
    return report, differences


def _row(rows: dict, kind: str, day: date, currency: str) -> TradeRow:
    return rows.setdefault((kind, day, currency), TradeRow(kind, day, currency))


def _posted(row: TradeRow, p: BookPosting) -> list[str]:
    number = p.document.get("number")
    if p.status != PostingStatus.posted:
        why = f": {p.last_error}" if p.last_error else (
            f": waits for {p.waits_for}" if p.waits_for else "")
        return [f"{number}: {p.amount} is {p.status.value}{why}"]
    row.posted += p.remote_total
    if p.remote_total != p.amount:
        return [f"{number}: {p.amount} was recorded by {p.target} as {p.remote_total} "
                f"({p.remote_id})"]
    return []
