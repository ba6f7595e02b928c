"""What happened against what the books say: per day, channel and currency, the value of
what shipped and what was refunded beside the totals the target recorded for the postings it
took; every difference is listed with the documents behind it (not queued, blocked, failed,
still waiting, or recorded at another total)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import BookPosting, Channel, PostingStatus
from oms_desktop.services import settings
from oms_desktop.services.books import documents, outbox, reconcile_trade, stock_journal, targets
from oms_desktop.storage import Database

ZERO = Decimal(0)


@dataclass
class ReconRow:
    day: date
    channel: str
    currency: str
    shipped: Decimal = ZERO
    posted_sales: Decimal = ZERO
    refunded: Decimal = ZERO
    posted_refunds: Decimal = ZERO

    @property
    def matches(self) -> bool:
        return self.shipped == self.posted_sales and self.refunded == self.posted_refunds

    @property
    def difference(self) -> Decimal:
        return (self.shipped - self.posted_sales) - (self.refunded - self.posted_refunds)


@dataclass
class Reconciliation:
    target: str
    rows: list[ReconRow]
    differences: list[str] = field(default_factory=list)
    trade: list[reconcile_trade.TradeRow] = field(default_factory=list)  # invoices, bills…

    @property
    def balanced(self) -> bool:
        return not self.differences and all(r.matches for r in self.rows) and \
            all(r.matches for r in self.trade)


def reconcile(db: Database, *, target: str, first: date, last: date) -> Reconciliation:
    with db.uow(readonly=True) as uow:
        s = uow.session
        targets.target_settings(s, target)  # refuses a target not set up
        per_order = settings.get(s, outbox.MODE_KEY, "per_order") != "daily_summary"
        rows: dict[tuple, ReconRow] = {}
        sources: dict[str, tuple] = {}
        for shipment in documents.shipped_between(s, first, last):
            doc = documents.sale(s, shipment)
            _row(rows, doc.day, doc.channel, doc.currency).shipped += doc.total
            sources[f"sale:shipment:{shipment.id}"] = (doc.number, doc.total)
        for refund in documents.refunds_between(s, first, last):
            doc = documents.refund(s, refund)
            _row(rows, doc.day, doc.channel, doc.currency).refunded += doc.total
            sources[f"refund:{refund.id}"] = (doc.number, doc.total)
        found = s.execute(sa.select(BookPosting, Channel.code).join(Channel).where(
            BookPosting.target == target, BookPosting.day >= first, BookPosting.day <= last,
            BookPosting.kind.in_(("sale", "refund")))
            .order_by(BookPosting.id)).all()
        report = Reconciliation(target, [])
        seen = set()
        for p, channel in found:
            seen.add(p.source_key)
            _posted(report, _row(rows, p.day, channel, p.currency), p)
        for key, (number, total) in sources.items():
            if key not in seen and (per_order or key.startswith("refund:")):
                why = "never queued for" if outbox.takes(target, key.split(":")[0]) \
                    else "not taken by"  # S/4HANA's sales order API has no credit memo
                report.differences.append(f"{number}: {total} {why} {target}")
        report.rows = [rows[k] for k in sorted(rows)]
        report.differences += [
            f"{r.day} {r.channel} {r.currency}: shipped {r.shipped}, posted {r.posted_sales}; "
            f"refunded {r.refunded}, posted {r.posted_refunds}"
            for r in report.rows if not r.matches]
        report.trade, more = reconcile_trade.check(s, target=target, first=first, last=last)
        report.differences += more
        report.differences += stock_journal.differences(s, target=target, first=first, last=last)
        return report


def _row(rows: dict, day: date, channel: str, currency: str) -> ReconRow:
    return rows.setdefault((day, channel, currency), ReconRow(day, channel, currency))


def _posted(report: Reconciliation, row: ReconRow, p: BookPosting) -> None:
    number = p.document.get("number")
    if p.status != PostingStatus.posted:
        why = f": {p.last_error}" if p.last_error else ""
        report.differences.append(f"{number}: {p.amount} is {p.status.value}{why}")
        return
    if p.kind == "refund":
        row.posted_refunds += p.remote_total
    else:
        row.posted_sales += p.remote_total
    if p.remote_total != p.amount:
        report.differences.append(f"{number}: {p.amount} was recorded by {p.target} as "
                                  f"{p.remote_total} ({p.remote_id})")
