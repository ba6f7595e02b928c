"""Shopify at the sizes real shops have: imports large enough for a bulk export, orders with
more lines than one query holds, a shop whose cost figures differ from ours, and an order
broken in a nested object. Every answer the strict emulator gives is checked against the
single-query limit."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from oms_desktop.connectors.base import ConnectorError
from oms_desktop.connectors.dto import FulfilmentLine
from oms_desktop.connectors.shopify import ShopifyConnector
from oms_desktop.connectors.shopify_bulk import orders_in
from oms_desktop.model import SYSTEM, Order
from oms_desktop.services.channels import sync
from tests.connectors.conftest import add_shopify_channel
from tests.connectors.shopify_emulator import TOKEN, ShopifyEmulator

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def connector(emu, *, bulk_from: int | None = None, **settings) -> ShopifyConnector:
    values = {"shop_url": emu.url, "location_id": emu.location_id, **settings}
    c = ShopifyConnector(values, {"access_token": TOKEN}, sleep=emu.clock.advance)
    if bulk_from is not None:
        c.bulk_from = bulk_from
    return c


def fill(emu, n: int, lines=(("SKU-1", 1, "12.50"), ("SKU-2", 2, "3.99"))) -> list[dict]:
    return [emu.add_order(lines=list(lines), updated_at=T0 + timedelta(minutes=i))
            for i in range(n)]


def within_limit(emu) -> bool:
    return all(e["cost"] <= 1000 for e in emu.log)


def asked(emu, word: str) -> int:
    return sum(word in e["query"] for e in emu.log)


def imported_lines(db) -> dict[str, list[tuple[str, int]]]:
    with db.uow(readonly=True) as uow:
        rows = uow.session.execute(sa.text(
            "select o.external_id, l.sku, l.quantity from orders o join order_lines l "
            "on l.order_id = o.id order by o.id, l.line_no")).all()
    out: dict = {}
    for ext, sku, qty in rows:
        out.setdefault(ext, []).append((sku, qty))
    return out


@pytest.fixture
def standard_shop():
    """API version 2025-10: one bulk query at a time per app and shop."""
    emu = ShopifyEmulator(bucket=1000, restore_rate=100).start()
    yield emu
    emu.stop()


@pytest.fixture(params=["2025-10", "2026-01"])  # from 2026-01 bulk files come ungrouped
def versioned_shop(request):
    emu = ShopifyEmulator(bucket=1000, restore_rate=100, api_version=request.param).start()
    yield emu
    emu.stop()


def test_a_large_first_import_comes_as_one_bulk_export(world, versioned_shop, memory_keyring):
    orders = fill(versioned_shop, 60)
    big = orders[45]
    versioned_shop.set_lines(big, [(f"SKU-{n}", 1, "1.00") for n in range(1, 13)])
    code = add_shopify_channel(world, versioned_shop)
    c = connector(versioned_shop, bulk_from=20, api_version=versioned_shop.api_version)
    result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=c)
    assert (result.status, result.created) == ("ok", 60)
    assert asked(versioned_shop, "bulkOperationRunQuery") == 1
    assert asked(versioned_shop, "query Orders(") == 1  # the first page, then the export
    assert within_limit(versioned_shop)
    assert len(imported_lines(world)[big["id"]]) == 12  # no line item limit in a bulk export
    again = sync.sync_orders(world, actor=SYSTEM, code=code, connector=connector(versioned_shop))
    assert (again.created, again.updated) == (0, 0)


def test_a_bulk_export_already_running_leaves_the_import_to_pages(world, standard_shop,
                                                                 memory_keyring):
    fill(standard_shop, 40)
    standard_shop.bulk.polls_to_finish = 1000
    standard_shop.bulk.start("{ orders { edges { node { id } } } }")  # another station's
    code = add_shopify_channel(world, standard_shop)
    c = connector(standard_shop, bulk_from=20)
    result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=c)
    assert (result.status, result.created) == ("ok", 40)
    assert asked(standard_shop, "query Orders(") == 3  # 14 + 14 + 12


def test_a_bulk_export_that_fails_on_the_shop_fails_the_run_and_moves_no_cursor(
        world, standard_shop, memory_keyring):
    fill(standard_shop, 40)
    code = add_shopify_channel(world, standard_shop)
    real_start = standard_shop.bulk.start

    def failing(query, grouped=True):
        answer = real_start(query, grouped)
        answer["bulkOperation"].update(status="FAILED", errorCode="TIMEOUT")
        return answer
    standard_shop.bulk.start = failing
    result = sync.sync_orders(world, actor=SYSTEM, code=code,
                              connector=connector(standard_shop, bulk_from=20))
    assert result.status == "failed" and "ended failed (TIMEOUT)" in result.error
    assert result.created == 14  # the first page, committed with its own cursor
    standard_shop.bulk.start = real_start
    again = sync.sync_orders(world, actor=SYSTEM, code=code,
                             connector=connector(standard_shop, bulk_from=20))
    assert (again.status, again.created) == ("ok", 26)


def test_a_bulk_file_whose_items_are_not_under_their_order_is_refused_clearly():
    grouped = ['{"id": "o1"}', '{"id": "l1", "__parentId": "o1"}', '{"id": "o2"}']
    assert [len(o["lineItems"]["nodes"]) for o in orders_in(grouped)] == [1, 0]
    apart = ['{"id": "o1"}', '{"id": "o2"}', '{"id": "l1", "__parentId": "o1"}']
    with pytest.raises(ConnectorError, match="line 3: a line item away from its order o1"):
        list(orders_in(apart))


def test_a_shop_that_counts_a_page_dearer_than_we_do_gets_a_smaller_page():
    emu = ShopifyEmulator(bucket=10_000, restore_rate=10_000, max_query_cost=500).start()
    try:
        fill(emu, 30)
        pages = list(connector(emu).fetch_orders(None))
        assert sum(len(p.orders) for p in pages) == 30
        refused = [e for e in emu.log if e["outcome"] == "MAX_COST_EXCEEDED"]
        assert len(refused) == 1  # read from errors[0].extensions: 7 orders (471) fit 500
        assert all(e["cost"] <= 500 for e in emu.log if e["outcome"] == "ok")
    finally:
        emu.stop()


def test_an_order_broken_in_a_nested_object_is_kept_aside_and_its_page_comes_in(
        world, shop, memory_keyring):
    orders = fill(shop, 5)
    # subtotalPriceSet may be null, its amount may not: only that object is nulled, and the
    # order would come in without its subtotal if nobody looked at the error
    orders[2]["subtotalPriceSet"] = {"shopMoney": {"amount": None, "currencyCode": "USD"}}
    code = add_shopify_channel(world, shop)
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (result.created, result.failed) == (4, 1)
    [error] = sync.list_errors(world, code)
    assert error.external_id == orders[2]["id"]
    assert "Cannot return null for non-nullable field MoneyV2.amount" in error.reason


def test_an_order_of_120_lines_is_fulfilled_whole_in_queries_that_fit(shop):
    lines = [(f"SKU-{n}", 1, "1.00") for n in range(1, 121)]
    o = shop.add_order(lines=lines)
    c = connector(shop)
    [page] = list(c.fetch_orders(None))
    assert len(page.orders[0].lines) == 120
    c.push_fulfilment(o["id"], lines=[FulfilmentLine(l.external_id, 1)
                                      for l in page.orders[0].lines],
                      carrier="UPS", tracking_number="1Z999AA10123456784")
    [fulfilment] = shop.fulfillments
    assert len(fulfilment["_lines"]) == 120
    assert asked(shop, "FulfillmentOrderLines") == 1  # 50 lines, then the other 70
    assert within_limit(shop)


def test_new_tags_on_the_shop_are_added_and_ours_are_kept(world, shop, memory_keyring):
    from oms_desktop.services.orders import edits

    o = shop.add_order(lines=[("SKU-1", 1, "12.50")], tags=["Wholesale"], updated_at=T0)
    code = add_shopify_channel(world, shop)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    with world.uow(readonly=True) as uow:
        order_id = uow.session.scalar(sa.select(Order.id).where(Order.external_id == o["id"]))
    edits.tag_orders(world, actor=SYSTEM, order_ids=[order_id], add=("rush",))
    o["tags"] = ["Wholesale", "net-30"]
    shop.touch(o)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    with world.uow(readonly=True) as uow:
        assert uow.session.get(Order, order_id).tag_names == ["net-30", "rush", "wholesale"]
