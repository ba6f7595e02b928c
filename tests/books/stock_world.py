"""A quarter of stock in the books' world, through the real services, each step dated where
it belongs (February 2025: 10 mugs in at 20.00; March: 10 more at 26.00, 4 spoons at the store
at 2.50, 12 mugs shipped on one order, one of them back and restocked, one scrapped, two
moved to the store). FIFO says: cost of goods sold 252 - 20 = 232; 212.00 held at the end of
March (WH1 150.00, STORE1 62.00)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, StockMove
from oms_desktop.services.inventory import stock
from oms_desktop.services.lookup import location_by_code, product_by_code
from oms_desktop.storage import Database
from tests.books.world import shipped

MONTH, BEFORE = "2025-03", "2025-02"
ACCOUNTS = {"quickbooks": {"inventory": "120", "cogs": "80", "grni": "125",
                           "stock_adjustment": "81"},
            "xero": {"inventory": "630", "cogs": "310", "grni": "820",
                     "stock_adjustment": "320"},
            "sapb1": {"inventory": "140000", "cogs": "510000", "grni": "211000",
                      "stock_adjustment": "515000"}}


@contextmanager
def dated(db: Database, day: str, hour: int = 12):
    """The stock moves made inside the block happened on `day` (YYYY-MM-DD)."""
    with db.uow(readonly=True) as uow:
        before = uow.session.scalar(sa.select(sa.func.max(StockMove.id))) or 0
    yield
    moment = datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)
    with db.uow() as uow:
        uow.session.execute(sa.update(StockMove).where(StockMove.id > before).values(at=moment))
        uow.commit()


def receive(db: Database, sku: str, location: str, quantity: int, cost: str) -> None:
    with db.uow() as uow:
        s = uow.session
        stock.receive_in(s, actor=SYSTEM, product=product_by_code(s, sku),
                         target=location_by_code(s, location), quantity=quantity,
                         unit_cost=Decimal(cost))
        uow.commit()


def restocked(db: Database, order_id: int, sku: str) -> str:
    from oms_desktop.services.returns.intake import finish_intake, receive_unit
    from oms_desktop.services.returns.rmas import RequestedLine, create_rma

    rma = create_rma(db, actor=SYSTEM, order=order_id,
                     lines=[RequestedLine(sku, 1, "changed_mind")]).rma_number
    receive_unit(db, actor=SYSTEM, rma=rma, code=sku, condition="resellable",
                 disposition="restock", location="WH1")
    finish_intake(db, actor=SYSTEM, rma=rma)
    return rma


def a_quarter_of_stock(db: Database) -> int:
    """The story above; the shipped order's id."""
    with dated(db, "2025-02-10"):
        receive(db, "SKU-1", "WH1-A-01", 10, "20.00")
    with dated(db, "2025-03-03"):
        receive(db, "SKU-1", "WH1-A-01", 10, "26.00")
        receive(db, "SKU-2", "STORE1", 4, "2.50")
    with dated(db, "2025-03-10"):
        order_id = shipped(db, {"SKU-1": 12}, shipping="0.00", stock_in=False)
    with dated(db, "2025-03-15"):
        restocked(db, order_id, "SKU-1")
    with dated(db, "2025-03-20"):
        stock.adjust(db, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", delta=-1,
                     reason_code="damaged")
    with dated(db, "2025-03-25"):
        stock.move(db, actor=SYSTEM, sku="SKU-1", source="WH1-A-01", target="STORE1",
                   quantity=2)
    return order_id
