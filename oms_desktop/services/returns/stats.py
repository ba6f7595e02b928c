"""Return analytics: rates by SKU, reason, channel and period; SKUs that stand out."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from oms_desktop.documents.csv_cells import SafeWriter
from oms_desktop.model import (
    SHIPPED_STATES, Actor, Channel, Order, Product, Return, ReturnLine, ReturnStatus, ReturnUnit,
    Shipment, ShipmentLine,
)
from oms_desktop.services.users import scope
from oms_desktop.storage import Database

MIN_SHIPPED_TO_JUDGE = 20  # too few shipped units say nothing about a SKU's rate


@dataclass(frozen=True)
class RateRow:
    key: str
    shipped: int
    returned: int

    @property
    def rate(self) -> float:
        return self.returned / self.shipped if self.shipped else 0.0


@dataclass(frozen=True)
class ReturnStats:
    by_sku: list[RateRow]
    by_channel: list[RateRow]
    by_period: list[RateRow]
    by_reason: dict[str, int]
    reasons_by_condition: dict[str, dict[str, int]]
    outliers: list[tuple[str, str, float, float]]  # sku, category, its rate, category rate


def stats(db: Database, *, since: datetime | None = None, actor: Actor | None = None,
          brand: str | None = None, site: str | None = None) -> ReturnStats:
    """Of the orders `actor` may see (narrowed to a brand or site when given)."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        seen = scope.orders_where(scope.of(s, actor)) + \
            scope.orders_where(scope.narrowed(s, brand=brand, site=site))
        shipped_q = (sa.select(Product.sku, Product.category, Channel.code, Shipment.shipped_at,
                               ShipmentLine.quantity)
                     .join(ShipmentLine, ShipmentLine.product_id == Product.id)
                     .join(Shipment).join(Order).join(Channel)
                     .where(Shipment.status.in_(SHIPPED_STATES)))
        returned_q = (sa.select(Product.sku, Product.category, Channel.code, Return.created_at,
                                ReturnLine.quantity, ReturnLine.reason_code)
                      .join(ReturnLine, ReturnLine.product_id == Product.id).join(Return)
                      .join(Order).join(Channel)
                      .where(Return.status != ReturnStatus.rejected,
                             ReturnLine.unexpected.is_(False)))
        graded_q = (sa.select(ReturnLine.reason_code, ReturnUnit.condition, sa.func.count())
                    .join(ReturnUnit).join(Return).group_by(ReturnLine.reason_code,
                                                            ReturnUnit.condition))
        if seen:
            shipped_q, returned_q = shipped_q.where(*seen), returned_q.where(*seen)
            graded_q = graded_q.where(Return.order_id.in_(sa.select(Order.id).where(*seen)))
        if since is not None:
            shipped_q = shipped_q.where(Shipment.shipped_at >= since)
            returned_q = returned_q.where(Return.created_at >= since)
            graded_q = graded_q.where(Return.created_at >= since)
        shipped, returned = s.execute(shipped_q).all(), s.execute(returned_q).all()
        graded = s.execute(graded_q).all()
    categories = {sku: cat or "uncategorised" for sku, cat, *_ in shipped + returned}
    by_sku = _rates(shipped, returned, lambda r: r[0])
    by_reason: dict[str, int] = {}
    for row in returned:
        by_reason[row[5]] = by_reason.get(row[5], 0) + row[4]
    by_condition: dict[str, dict[str, int]] = {}
    for reason, condition, count in graded:
        by_condition.setdefault(condition, {})[reason] = count
    return ReturnStats(by_sku, _rates(shipped, returned, lambda r: r[2]),
                       _rates(shipped, returned, lambda r: f"{r[3]:%Y-%m}" if r[3] else "-"),
                       dict(sorted(by_reason.items(), key=lambda kv: -kv[1])), by_condition,
                       _outliers(by_sku, categories))


def _rates(shipped, returned, key) -> list[RateRow]:
    out: dict[str, list[int]] = {}
    for row in shipped:
        out.setdefault(key(row), [0, 0])[0] += row[4]
    for row in returned:
        out.setdefault(key(row), [0, 0])[1] += row[4]
    rows = [RateRow(k, s, r) for k, (s, r) in out.items()]
    return sorted(rows, key=lambda r: (-r.rate, r.key))


def _outliers(by_sku: list[RateRow], categories: dict[str, str]):
    """SKUs whose rate is more than two standard deviations above their category's mean (and
    at least half again the category's pooled rate), among SKUs shipped often enough."""
    groups: dict[str, list[RateRow]] = {}
    for row in by_sku:
        if row.shipped >= MIN_SHIPPED_TO_JUDGE:
            groups.setdefault(categories.get(row.key, "uncategorised"), []).append(row)
    found = []
    for category, rows in groups.items():
        if len(rows) < 3:
            continue
        rates = [r.rate for r in rows]
        mean, spread = statistics.mean(rates), statistics.pstdev(rates)
        pooled = sum(r.returned for r in rows) / sum(r.shipped for r in rows)
        for r in rows:
            if r.rate > mean + 2 * spread and r.rate >= 1.5 * pooled:
                found.append((r.key, category, r.rate, pooled))
    return sorted(found, key=lambda t: -t[2])


def export_csv(result: ReturnStats, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = SafeWriter(fh)
        out.writerow(["dimension", "key", "shipped", "returned", "rate"])
        for name, rows in (("sku", result.by_sku), ("channel", result.by_channel),
                           ("period", result.by_period)):
            out.writerows([name, r.key, r.shipped, r.returned, f"{r.rate:.4f}"] for r in rows)
        out.writerows(["reason", k, "", v, ""] for k, v in result.by_reason.items())
