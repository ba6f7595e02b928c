"""What a long purchase order costs at the desk: 2,000 rows pasted from a spreadsheet into the
purchase-order screen (judged, looked up in one go, priced, shown with the total and the
credit check), and the same 2,000 lines saved as one order."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from oms_desktop.services.b2b import desk
from oms_desktop.services.inventory.catalog import add_product
from tests.b2b.acts import ADDRESS
from tests.b2b.world import SUPERVISOR, wholesale_world

pytestmark = pytest.mark.benchmark
LINES = 2000


def _catalogue(db) -> list[str]:
    wholesale_world(db, credit_limit="100000000")
    skus = [f"P-{n:05d}" for n in range(LINES)]
    with db.uow() as uow:
        for n, sku in enumerate(skus):
            add_product(uow.session, sku=sku, name=f"Part {n}", price=Decimal("2.50"))
        uow.commit()
    return skus


def test_pasting_2000_rows_into_the_purchase_order_screen(benchmark, qtbot, sqlite_db):
    from PySide6.QtGui import QGuiApplication

    from oms_desktop.ui.context import AppContext
    from oms_desktop.ui.ops import Ops
    from oms_desktop.ui.screens.purchase_orders import PurchaseOrdersScreen

    skus = _catalogue(sqlite_db)
    ctx = AppContext(db=sqlite_db, actor=SUPERVISOR, ops=Ops())
    screen = PurchaseOrdersScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.customer_box.count() == 1, timeout=5000)
    screen.customer_box.setCurrentIndex(0)
    QGuiApplication.clipboard().setText("\n".join(f"{s}\t{1 + n % 9}"
                                                  for n, s in enumerate(skus)))

    def paste():
        screen.lines.clear()
        screen.paste()
        qtbot.waitUntil(lambda: len(screen.lines.model.lines) == LINES, timeout=60_000)

    benchmark.pedantic(paste, rounds=3, iterations=1)
    assert screen.total.text().endswith(f"{LINES:,} line(s)")
    print(f"\npaste of {LINES} rows: {benchmark.stats.stats.mean:.2f} s")
    ctx.ops.wait()


def test_saving_a_purchase_order_of_2000_lines(benchmark, db):
    skus = _catalogue(db)
    customer = desk.business_customers(db)[0].id
    lines = [desk.PoLine(s, 1 + n % 9) for n, s in enumerate(skus)]
    rounds = iter(range(10))

    def save():
        return desk.save_po(db, actor=SUPERVISOR, customer_id=customer,
                            po_number=f"BIG-{next(rounds)}", lines=lines, ship_to=ADDRESS)

    saved = benchmark.pedantic(save, rounds=2, iterations=1)
    assert len(saved.lines) == LINES
    print(f"\n{db.dialect}: {benchmark.stats.stats.mean:.2f} s to save {LINES} lines")
