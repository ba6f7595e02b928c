"""A franchise store's staff see and act only on their store's orders, stock and returns; a
brand's manager sees the brand's sites and channels; the owner sees everything. On SQLite
(and for a connection that is no person's login) the services apply the person's scope."""

from __future__ import annotations

import pytest

from oms_desktop.errors import NotFound
from oms_desktop.services.inventory import stock, views as stock_views
from oms_desktop.services.orders import dashboard, pipeline, queue
from oms_desktop.services.orders import views as orders
from oms_desktop.services.orders.queue import QueueFilter
from tests.brands.world import actor, order_channels


def seen_channels(db, who) -> set[str]:
    rows = queue.fetch_page(db, QueueFilter(), limit=500, actor=who).rows
    return {r.channel for r in rows}


def test_a_franchise_store_sees_its_till_and_the_web_shop_selling_from_it(world):
    db, _ = world
    assert seen_channels(db, actor(db, "fran-a")) == {"TILL-A", "WEB-CORK"}
    assert seen_channels(db, actor(db, "cork-boss")) == {"TILL-A", "TILL-B", "WEB-CORK"}
    assert seen_channels(db, actor(db, "owner")) == {"TILL-A", "TILL-B", "WEB-CORK",
                                                     "WEB-CLAY"}


def test_the_count_the_list_and_the_export_agree_with_the_queue(world, tmp_path):
    db, ids = world
    fran = actor(db, "fran-a")
    assert queue.count(db, QueueFilter(), actor=fran) == 6
    listed = orders.list_orders(db, actor=fran)
    assert {o.channel for o in listed} == {"TILL-A", "WEB-CORK"} and len(listed) == 6
    assert queue.export_csv(db, QueueFilter(), tmp_path / "q.csv", actor=fran) == 6
    assert "TILL-B" not in (tmp_path / "q.csv").read_text()


def test_another_stores_order_is_not_found_by_reference_nor_acted_on(world):
    db, ids = world
    fran = actor(db, "fran-a")
    other = ids["TILL-B"][0]
    with pytest.raises(NotFound):
        orders.get_order(db, other, actor=fran)
    with pytest.raises(NotFound):
        orders.get_order(db, "TILL-B-1", actor=fran)
    with pytest.raises(NotFound):
        orders.order_ids(db, [other], actor=fran)
    with pytest.raises(NotFound):
        pipeline.hold_order(db, actor=fran, order_id=other, reason="mine now")
    assert orders.get_order(db, ids["TILL-A"][0], actor=fran).summary.channel == "TILL-A"
    assert orders.get_order(db, other, actor=actor(db, "owner")).holds == []


def test_verifying_everything_verifies_only_the_stores_own_orders(world):
    db, ids = world
    result = pipeline.verify_orders(db, actor=actor(db, "fran-a"))
    assert order_channels(db, [r.order_id for r in result.results]) == {"TILL-A", "WEB-CORK"}


def test_the_stock_a_franchise_sees_is_its_stores(world):
    db, _ = world
    fran = actor(db, "fran-a")
    assert {r.location for r in stock.levels(db, actor=fran)} == {"CORK-A-R1"}
    assert len(stock.levels(db, actor=actor(db, "owner"))) == 6
    mug = stock_views.sku_view(db, actor=fran, code="MUG")
    assert [row.location for row in mug.rows] == ["CORK-A-R1"]


def test_the_dashboard_filters_by_brand_and_site_within_what_the_person_sees(world):
    db, _ = world
    owner = actor(db, "owner")
    everything = dashboard.dashboard(db, actor=owner)
    cork = dashboard.dashboard(db, actor=owner, brand="CORK")
    clay = dashboard.dashboard(db, actor=owner, brand="CLAY")
    store_b = dashboard.dashboard(db, actor=owner, site="CORK-B")
    assert (everything.open_orders, cork.open_orders, clay.open_orders,
            store_b.open_orders) == (12, 9, 3, 6)
    # a franchise asking for another store gets nothing of it
    assert dashboard.dashboard(db, actor=actor(db, "fran-a"), site="CORK-B").open_orders == 3
    assert dashboard.dashboard(db, actor=actor(db, "fran-a"), brand="CLAY").open_orders == 0
    with pytest.raises(NotFound):
        dashboard.dashboard(db, actor=owner, brand="NOPE")


def test_a_franchise_receives_and_moves_stock_only_at_its_store(world):
    from oms_desktop.errors import PermissionDenied

    db, _ = world
    fran = actor(db, "fran-a")
    stock.receive(db, actor=fran, sku="MUG", location="CORK-A-R1", quantity=2)
    with pytest.raises(PermissionDenied, match="cannot receive stock at CORK-B"):
        stock.receive(db, actor=fran, sku="MUG", location="CORK-B-R1", quantity=2)
    with pytest.raises(PermissionDenied, match="cannot move stock at CORK-B"):
        stock.move(db, actor=fran, sku="MUG", source="CORK-A-R1", target="CORK-B-R1",
                   quantity=1)
    assert {r.location: r.on_hand for r in stock.levels(db, sku="MUG")}["CORK-B-R1"] == 20
