from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from oms_desktop.connectors.base import ConnectorError
from oms_desktop.plugins.errors import AuthFailed
from oms_desktop.connectors.shopify import ShopifyConnector, verify_webhook
from oms_desktop.model import SYSTEM, Order, OrderStatus
from oms_desktop.services.channels import sync
from tests.connectors.conftest import FITTING_PAGE, add_shopify_channel
from tests.connectors.shopify_emulator import TOKEN, ShopifyEmulator
from tests.connectors.shopify_throttle import EmulatorClock

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def connector(emu, **settings):
    values = {"shop_url": emu.url, "page_size": FITTING_PAGE, "location_id": emu.location_id,
              **settings}
    return ShopifyConnector(values, {"access_token": settings.pop("token", TOKEN)},
                            sleep=lambda s: None)


def channel(db, emu, **extra) -> str:
    return add_shopify_channel(db, emu, page_size=FITTING_PAGE, **extra)


def orders_in(db) -> dict[str, Order]:
    with db.uow(readonly=True) as uow:
        rows = uow.session.scalars(sa.select(Order)).all()
        uow.session.expunge_all()
        return {o.external_id: o for o in rows}


def test_the_webhook_signature_matches_the_documented_test_vector():
    body = b'{"id":1001,"topic":"test"}'
    assert verify_webhook(body, "PClUnzYxOpT7u2HT3Nb/gY4ueQO/1le913l5Lh9YwK4=", "hush")
    assert not verify_webhook(body + b" ", "PClUnzYxOpT7u2HT3Nb/gY4ueQO/1le913l5Lh9YwK4=", "hush")
    assert not verify_webhook(body, "PClUnzYxOpT7u2HT3Nb/gY4ueQO/1le913l5Lh9YwK4=", "other")
    assert not verify_webhook(body, None, "hush")


def test_a_refund_pushed_again_with_its_key_is_answered_with_the_first_refund(shop):
    order = shop.add_order(lines=[("SKU-1", 1, "40.00")])
    push = dict(lines=(), amount="12.00", reason="defective", key="k-1")
    first = connector(shop).push_refund(order["id"], **push)
    again = connector(shop).push_refund(order["id"], **push)
    assert len(shop.refunds) == 1 and first.reference == again.reference


def test_a_wrong_token_is_an_auth_failure(shop):
    c = ShopifyConnector({"shop_url": shop.url}, {"access_token": "shpat_wrong"})
    with pytest.raises(AuthFailed, match="Invalid API key"):
        c.test_connection()


def test_a_query_the_real_api_would_reject_fails_against_the_emulated_schema(shop):
    c = connector(shop)
    with pytest.raises(ConnectorError, match="Cannot query field 'totalPrice'"):
        c.graphql("query { orders(first: 1) { nodes { totalPrice } } }")
    assert c.test_connection().startswith("Emulated shop")


def test_every_page_is_fetched_in_updated_order_with_its_high_water(shop):
    for i in range(120):
        shop.add_order(lines=[("SKU-1", 1, "12.50")], updated_at=T0 + timedelta(minutes=i))
    pages = list(connector(shop).fetch_orders(None))
    assert [len(p.orders) for p in pages] == [10] * 12
    assert pages[-1].high_water == T0 + timedelta(minutes=119)
    assert len({o.external_id for p in pages for o in p.orders}) == 120


def test_the_updated_at_filter_returns_only_later_changes(shop):
    for i in range(10):
        shop.add_order(lines=[("SKU-1", 1, "1.00")], updated_at=T0 + timedelta(hours=i))
    [page] = list(connector(shop).fetch_orders(T0 + timedelta(hours=7)))
    assert len(page.orders) == 3


def test_a_page_too_costly_for_one_query_is_shrunk_to_fit_instead_of_failing():
    emu = ShopifyEmulator(bucket=1000, restore_rate=100).start()  # the Standard plan
    try:
        for i in range(30):
            emu.add_order(lines=[("SKU-1", 1, "1.00")], updated_at=T0 + timedelta(minutes=i))
        c = ShopifyConnector({"shop_url": emu.url, "page_size": 250}, {"access_token": TOKEN},
                             sleep=emu.clock.advance)
        pages = list(c.fetch_orders(None))
        assert sum(len(p.orders) for p in pages) == 30
        assert all(e["cost"] <= 1000 for e in emu.log if e["outcome"] == "ok")
    finally:
        emu.stop()


def test_a_throttled_answer_is_retried_after_the_restore_time():
    clock = EmulatorClock()
    emu = ShopifyEmulator(bucket=1000, restore_rate=100, clock=clock).start()
    try:
        emu.add_order(lines=[("SKU-1", 1, "1.00")])
        c = ShopifyConnector({"shop_url": emu.url, "page_size": FITTING_PAGE},
                             {"access_token": TOKEN}, sleep=clock.advance)
        emu.drain(to=500)  # the query costs 672 points: 172 to restore at 100 a second
        [page] = list(c.fetch_orders(None))
        assert len(page.orders) == 1
        assert [e["outcome"] for e in emu.log] == ["THROTTLED", "ok"]
        assert 1.2 < sum(c.http.waits) < 1.8  # 1.72 s less the real time that went by
    finally:
        emu.stop()


def test_http_429_is_retried_after_retry_after(shop):
    shop.add_order(lines=[("SKU-1", 1, "1.00")])
    shop.inject = [(429, {"Retry-After": "2.0"}), (503, {})]
    c = connector(shop)
    [page] = list(c.fetch_orders(None))
    assert len(page.orders) == 1 and c.http.waits[0] == 2.0


def test_http_429_without_retry_after_is_backed_off_and_retried(shop):
    shop.add_order(lines=[("SKU-1", 1, "1.00")])
    shop.inject = [(429, {}), (429, {})]
    c = connector(shop)
    [page] = list(c.fetch_orders(None))
    assert len(page.orders) == 1 and len(c.http.waits) == 2 and min(c.http.waits) > 0


def test_sync_imports_orders_once_and_a_re_sync_changes_nothing(world, shop,
                                                                memory_keyring):
    for i in range(75):
        shop.add_order(lines=[("SKU-1", 2, "12.50"), ("SKU-2", 1, "3.99")],
                          updated_at=T0 + timedelta(minutes=i), email=f"b{i % 5}@example.com")
    code = channel(world, shop)
    first = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (first.status, first.fetched, first.created) == ("ok", 75, 75)
    again = sync.sync_orders(world, actor=SYSTEM, code=code, full=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 75)
    orders = orders_in(world)
    assert len(orders) == 75
    with world.uow(readonly=True) as uow:
        customers = uow.session.execute(sa.text("select count(*) from customers")).scalar()
    assert customers == 5


def test_a_malformed_payload_is_stored_and_the_rest_of_the_page_goes_on(world, shop,
                                                                        memory_keyring):
    shop.add_order(lines=[("SKU-1", 1, "12.50")], updated_at=T0)
    bad = shop.add_order(lines=[("SKU-1", 1, "12,50")], updated_at=T0 + timedelta(minutes=1))
    empty = shop.add_order(lines=[], updated_at=T0 + timedelta(minutes=2))
    partial = shop.add_order(lines=[("SKU-2", 1, "3.99")], email=None, address=None,
                                updated_at=T0 + timedelta(minutes=3))
    code = channel(world, shop)
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (result.created, result.failed) == (2, 2)
    orders = orders_in(world)
    assert orders[partial["id"]].ship_name is None and orders[partial["id"]].email is None
    errors = sync.list_errors(world, code)
    assert {e.external_id for e in errors} == {bad["id"], empty["id"]}
    assert '"12,50"' in next(e.raw_payload for e in errors if e.external_id == bad["id"])
    # the shop fixes the order; a retry of the stored payload still fails, a re-sync heals it
    shop.set_lines(bad, [("SKU-1", 1, "12.50")])
    shop.touch(bad)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    assert bad["id"] in orders_in(world)
    assert [e.external_id for e in sync.list_errors(world, code)] == [empty["id"]]


def test_an_unknown_sku_becomes_a_product_flagged_for_review_and_the_order_goes_on(
        world, shop, memory_keyring):
    from oms_desktop.services.channels import catalogue

    o = shop.add_order(lines=[("NOPE-9", 1, "5.00"), ("SKU-1", 1, "12.50")])
    sync.sync_orders(world, actor=SYSTEM, code=channel(world, shop))
    with world.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == o["id"]))
        assert order.status != OrderStatus.on_hold and order.active_holds == []
        assert all(l.product_id is not None for l in order.lines)
    [review] = catalogue.to_review(world)
    assert (review.sku, review.name, review.weight_g) == ("NOPE-9", "Item NOPE-9", 0)
    assert review.note.startswith(f"Made from order {o['name']}")


def test_an_edit_after_import_is_applied_to_an_order_not_yet_in_fulfilment(world, shop,
                                                                            memory_keyring):
    o = shop.add_order(lines=[("SKU-1", 1, "12.50")], updated_at=T0)
    code = channel(world, shop)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    shop.set_lines(o, [("SKU-1", 3, "12.50"), ("SKU-2", 1, "3.99")])
    o["shippingAddress"] = dict(o["shippingAddress"], city="Lexington")
    shop.touch(o)
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (result.updated, result.created) == (1, 0)
    order = orders_in(world)[o["id"]]
    assert order.ship_city == "Lexington"
    with world.uow(readonly=True) as uow:
        lines = uow.session.execute(sa.text(
            "select sku, quantity from order_lines where order_id = :i order by line_no"),
            {"i": order.id}).all()
    assert [tuple(l) for l in lines] == [("SKU-1", 3), ("SKU-2", 1)]


def test_a_cancellation_on_the_channel_cancels_the_order_here(world, shop, memory_keyring):
    o = shop.add_order(lines=[("SKU-1", 1, "12.50")], updated_at=T0)
    code = channel(world, shop)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    o["cancelledAt"], o["closed"] = "2026-11-02T10:00:00Z", True
    shop.touch(o)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    assert orders_in(world)[o["id"]].status == OrderStatus.cancelled


def test_a_429_in_the_middle_of_a_sync_is_waited_out_and_nothing_is_lost(world, shop,
                                                                         memory_keyring):
    for i in range(120):
        shop.add_order(lines=[("SKU-1", 1, "1.00")], updated_at=T0 + timedelta(minutes=i))
    code = channel(world, shop)
    c = connector(shop)
    shop.inject = [(429, {"Retry-After": "1.5"}), (502, {})]
    result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=c)
    assert (result.status, result.created) == ("ok", 120)
    assert c.http.waits[0] == 1.5


def test_the_overlap_window_catches_a_change_stamped_just_before_the_cursor(world, shop,
                                                                            memory_keyring):
    for i in range(10):
        shop.add_order(lines=[("SKU-1", 1, "1.00")], updated_at=T0 + timedelta(minutes=i))
    code = channel(world, shop)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    cursor = T0 + timedelta(minutes=9)
    late = shop.add_order(lines=[("SKU-2", 1, "1.00")], updated_at=cursor - timedelta(minutes=3))
    too_late = shop.add_order(lines=[("SKU-2", 1, "1.00")],
                                 updated_at=cursor - sync.OVERLAP - timedelta(minutes=1))
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert result.created == 1 and late["id"] in orders_in(world)
    assert too_late["id"] not in orders_in(world)  # older than the window: a --full sync finds it
    assert sync.sync_orders(world, actor=SYSTEM, code=code, full=True).created == 1


def test_a_product_made_from_an_order_is_completed_by_the_stores_catalogue(
        world, shop, memory_keyring):
    from oms_desktop.services.channels import catalogue

    shop.add_order(lines=[("NEW-SKU", 1, "5.00")])
    code = channel(world, shop)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    assert [r.sku for r in catalogue.to_review(world)] == ["NEW-SKU"]
    shop.add_variant("NEW-SKU", product=shop.add_product("New thing"),
                     barcode="5901234123457", weight=(250, "GRAMS"))
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (result.catalogue.status, result.catalogue.updated) == ("ok", 1), result.catalogue
    assert catalogue.to_review(world) == [], "the store described it: nothing left to check"


def test_a_page_larger_than_250_is_refused_like_the_real_api(shop):
    with pytest.raises(ConnectorError, match="between 0 and 250"):
        connector(shop).graphql("query { orders(first: 251) { nodes { id } } }")


def test_a_storm_of_25_http_429s_is_ridden_out_with_growing_jittered_waits(shop):
    from oms_desktop.connectors.base import PATIENCE_S

    shop.add_order(lines=[("SKU-1", 1, "1.00")])
    shop.inject = [(429, {})] * 25
    c = connector(shop)
    [page] = list(c.fetch_orders(None))
    assert len(page.orders) == 1 and len(c.http.waits) == 25
    assert c.http.waits[0] < c.http.waits[3] and sum(c.http.waits) <= PATIENCE_S
