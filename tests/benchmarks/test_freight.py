"""What releasing a day's delivery stages costs: 100 purchase orders with two stages each
due, 200 stages released and allocated as 200 shipments (two allocation passes)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from oms_desktop.services import settings
from oms_desktop.services.b2b import deliveries
from oms_desktop.services.b2b import purchase_orders as pos
from tests.b2b.acts import ADDRESS
from tests.b2b.world import CHAIN, SUPERVISOR, wholesale_world
from tests.floor_fixtures import stock_up

pytestmark = pytest.mark.benchmark
ORDERS = 100
TODAY = date(2026, 12, 7)


def test_releasing_200_delivery_stages(benchmark, db):
    wholesale_world(db, credit_limit="10000000")
    stock_up(db, {("SKU-1", "WH1-A-03"): 1000})
    with db.uow() as uow:  # a hundred alike orders within minutes are not duplicates here
        settings.put(uow.session, "verification.duplicate_minutes", 0)
        uow.commit()
    for n in range(ORDERS):
        placed = pos.place_order(db, actor=SUPERVISOR, customer=CHAIN, po=pos.PoIn(f"PO-B{n}", (
            pos.LineIn("SKU-1", 1, "1", requested_on=TODAY + timedelta(days=1)),
            pos.LineIn("SKU-1", 2, "2", requested_on=TODAY + timedelta(days=2))),
            ship_to=ADDRESS))
        assert placed.status == "verified", placed

    got = benchmark.pedantic(lambda: deliveries.release_due(db, actor=SUPERVISOR, today=TODAY),
                             rounds=1, iterations=1)
    assert len(got.stages) == 2 * ORDERS and all(r.ok for r in got.results)
    assert all(len(s.shipments) == 1 for s in got.stages)
    print(f"\n{db.dialect}: {benchmark.stats.stats.mean:.2f} s for {2 * ORDERS} stages")
