"""Opening stock in bulk: every row judged against the products and locations read up front,
then one receipt move per row (with its unit cost and the row's key) and each stock level
raised by its total, in a few statements instead of a dozen per row. The ledger rule holds:
each level rises by exactly the sum of the moves into it (stock.reconcile checks it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from oms_desktop.errors import ValidationError
from oms_desktop.model import (
    Actor, Location, LocationKind, MoveReason, Product, ProductBarcode, StockLevel, StockMove,
    utcnow,
)
from oms_desktop.services.events import StockChanged
from oms_desktop.services.inventory.table_files import decimal
from oms_desktop.services.lookup import virtual_location
from oms_desktop.services.messagebus import publish

CHUNK = 500
LEVEL, MOVES = StockLevel.__table__, StockMove.__table__


@dataclass(frozen=True)
class Receipt:
    row: int
    product_id: int
    location: Location
    quantity: int
    unit_cost: Decimal | None


class OpeningStock:
    def __init__(self, session: Session, rows: list[dict[str, str]]):
        self.s = session
        codes = {r.get("sku", "") for r in rows} - {""}
        self.products = dict(self._pairs(sa.select(Product.sku, Product.id), Product.sku, codes))
        self.products.update(self._pairs(sa.select(ProductBarcode.code, ProductBarcode.product_id),
                                         ProductBarcode.code, codes - set(self.products)))
        where = {r.get("location", "") for r in rows} - {""}
        self.locations = {l.code: l for i in range(0, len(where), CHUNK)
                          for l in session.scalars(sa.select(Location).where(
                              Location.code.in_(sorted(where)[i:i + CHUNK])))}
        self.receipts: list[Receipt] = []

    def _pairs(self, query, column, values) -> list:
        values = sorted(values)
        return [tuple(r) for i in range(0, len(values), CHUNK)
                for r in self.s.execute(query.where(column.in_(values[i:i + CHUNK])))]

    def judge(self, number: int, row: dict[str, str]) -> None:
        code, where, quantity = row.get("sku", ""), row.get("location", ""), row.get("quantity", "")
        if not code:
            raise ValidationError("No SKU")
        if code not in self.products:
            raise ValidationError(f"No product with SKU or barcode {code!r}")
        here = self.locations.get(where)
        if here is None:
            raise ValidationError(f"No location {where!r}")
        if not here.holds_stock:
            raise ValidationError(f"{here.code} is a {here.kind.value}, which holds no stock")
        if not quantity.isdigit() or int(quantity) == 0:
            raise ValidationError(f"Quantity {quantity!r} must be a whole number above zero")
        cost = decimal(row.get("unit_cost", ""), "Unit cost")
        self.receipts.append(Receipt(number, self.products[code], here, int(quantity), cost))

    def receive(self, *, actor: Actor, reference: str, key: str) -> int:
        if not self.receipts:
            return 0
        supplier, now = virtual_location(self.s, LocationKind.supplier), utcnow()
        levels = self._levels()
        totals: dict[int, int] = {}
        for r in self.receipts:
            level = levels[(r.product_id, r.location.id)]
            totals[level] = totals.get(level, 0) + r.quantity
        self.s.execute(sa.update(LEVEL).where(LEVEL.c.id == sa.bindparam("level"))
                       .values(on_hand=LEVEL.c.on_hand + sa.bindparam("more")),
                       [{"level": lid, "more": q} for lid, q in totals.items()])
        self.s.execute(sa.insert(MOVES), [dict(
            product_id=r.product_id, from_location_id=supplier.id, to_location_id=r.location.id,
            quantity=r.quantity, reason=MoveReason.receipt, reason_code=None,
            reference=reference, at=now, actor_name=actor.name, actor_id=actor.user_id,
            request_id=f"opening:{key}:{r.row}", unit_cost=r.unit_cost)
            for r in self.receipts])
        publish(self.s, StockChanged(actor=actor, product_ids=tuple(sorted(
            {r.product_id for r in self.receipts}))))
        return len(self.receipts)

    def _levels(self) -> dict[tuple[int, int], int]:
        """The level of each (product, location) received into, made where missing (a
        station receiving the same product into the same bin meanwhile is no conflict)."""
        pairs = {(r.product_id, r.location.id): r.location for r in self.receipts}
        insert = postgresql.insert if self.s.bind.dialect.name == "postgresql" else sqlite.insert
        self.s.execute(insert(LEVEL).on_conflict_do_nothing(
            index_elements=["product_id", "location_id"]), [
            dict(product_id=p, location_id=l, site_id=loc.site_id, on_hand=0, reserved=0)
            for (p, l), loc in pairs.items()])
        products = sorted({p for p, _ in pairs})
        found = {}
        for i in range(0, len(products), CHUNK):
            found.update(((p, l), lid) for lid, p, l in self.s.execute(
                sa.select(LEVEL.c.id, LEVEL.c.product_id, LEVEL.c.location_id)
                .where(LEVEL.c.product_id.in_(products[i:i + CHUNK]))))
        return found
