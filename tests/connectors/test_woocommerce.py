from datetime import datetime, timedelta, timezone

import httpx
import pytest
import sqlalchemy as sa

from oms_desktop.connectors.dto import FulfilmentLine, StockLevelDTO
from oms_desktop.plugins.errors import AuthFailed, Transient
from oms_desktop.connectors.woocommerce import WooCommerceConnector
from oms_desktop.model import SYSTEM, Order, OrderStatus
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.channels import sync
from tests.connectors.woo_emulator import KEY, SECRET, WooEmulator

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def woo():
    emu = WooEmulator().start()
    yield emu
    emu.stop()


def connector(emu, key=KEY, **settings):
    return WooCommerceConnector({"store_url": emu.url, "page_size": 20, **settings},
                                {"consumer_key": key, "consumer_secret": SECRET},
                                sleep=lambda s: None)


def test_a_wrong_key_is_an_auth_failure_with_the_woocommerce_message(woo):
    with pytest.raises(AuthFailed, match="Consumer key is invalid"):
        connector(woo, key="ck_wrong").test_connection()


def test_plain_http_requests_are_signed_with_oauth1_never_sent_as_basic(woo):
    assert connector(woo).test_connection().endswith("0 orders")
    method, path, query = woo.requests[-1]
    assert query["oauth_signature_method"] == "HMAC-SHA256" and "consumer_secret" not in query


def test_pages_are_walked_by_modified_time_with_ties_kept(woo):
    for i in range(45):  # three orders share each modified second
        woo.add_order(lines=[("SKU-1", 1, 12.5)], modified=T0 + timedelta(seconds=i // 3))
    pages = list(connector(woo).fetch_orders(None))
    ids = [o.external_id for p in pages for o in p.orders]
    assert set(ids) == {str(n) for n in woo.orders}
    assert all(q.get("orderby") == "modified" for _, _, q in woo.requests)


def test_an_order_changed_during_the_sync_is_not_skipped(woo):
    orders = [woo.add_order(lines=[("SKU-1", 1, 1.0)], modified=T0 + timedelta(minutes=i))
              for i in range(60)]
    c = connector(woo)
    seen = []
    for n, page in enumerate(c.fetch_orders(None)):
        seen += [o.external_id for o in page.orders]
        if n == 0:
            woo.touch(orders[0], seconds=3600)  # moves to the end: page numbers would skip one
    assert set(seen) == {str(o["id"]) for o in orders}


def test_server_errors_are_retried_then_reported_as_transient(woo):
    woo.inject = [(503, {})] * 10  # the store is down: the page and its ids alike
    with pytest.raises(Transient):
        list(connector(woo).fetch_orders(None))


def test_every_list_answer_carries_the_totals_and_links_to_the_other_pages():
    with_basic = WooEmulator(behind_https=True).start()
    try:
        for _ in range(25):
            with_basic.add_order(lines=[("SKU-1", 1, 1.0)])
        r = httpx.get(f"{with_basic.url}/wp-json/wc/v3/orders", auth=(KEY, SECRET),
                      params={"per_page": 10, "page": 2})
        assert (r.headers["X-WP-Total"], r.headers["X-WP-TotalPages"]) == ("25", "3")
        rels = dict(reversed(part.split("; ")) for part in r.headers["Link"].split(", "))
        assert set(rels) == {'rel="first"', 'rel="prev"', 'rel="next"', 'rel="last"'}
        assert "page=3" in rels['rel="next"'] and "page=1" in rels['rel="prev"']
        r = httpx.get(f"{with_basic.url}/wp-json/wc/v3/orders", auth=(KEY, "cs_wrong"))
        assert r.status_code == 401 and r.json()["data"] == {"status": 401}
    finally:
        with_basic.stop()


def test_fulfilment_adds_a_customer_note_with_tracking_and_completes_the_order(woo):
    o = woo.add_order(lines=[("SKU-1", 2, 12.5), ("SKU-2", 1, 3.99)])
    c = connector(woo)
    first = [FulfilmentLine(str(o["line_items"][0]["id"]), 2)]
    c.push_fulfilment(str(o["id"]), lines=first, carrier="UPS", tracking_number="1Z999")
    assert o["status"] == "processing"
    c.push_fulfilment(str(o["id"]), lines=[FulfilmentLine(str(o["line_items"][1]["id"]), 1)],
                      carrier="USPS", tracking_number="9400", tracking_url="https://t/9400")
    assert o["status"] == "completed"
    notes = woo.notes[o["id"]]
    assert [n["customer_note"] for n in notes] == [True, True]
    assert "1Z999" in notes[0]["note"] and "https://t/9400" in notes[1]["note"]


def test_stock_quantity_is_set_by_sku_through_the_batch_endpoint(woo):
    woo.add_product("SKU-1", 4)
    results = connector(woo).push_inventory([StockLevelDTO("SKU-1", 9),
                                             StockLevelDTO("GHOST", 1)])
    assert [(r.ok, r.channel_before) for r in results] == [(True, 4), (False, None)]
    assert woo.stock("SKU-1") == 9


def test_a_refund_is_recorded_with_negative_line_quantities(woo):
    o = woo.add_order(lines=[("SKU-1", 2, 9.0)])
    connector(woo).push_refund(str(o["id"]), lines=[FulfilmentLine(str(o["line_items"][0]["id"]), 1)],
                               reason="damaged")
    [refund] = woo.refunds[o["id"]]
    assert refund["line_items"][0]["quantity"] == -1 and o["refunds"][0]["total"] == "-9.00"


def test_a_refund_pushed_again_with_its_key_is_not_made_twice(woo):
    o = woo.add_order(lines=[("SKU-1", 2, 9.0)])
    line = [FulfilmentLine(str(o["line_items"][0]["id"]), 1)]
    first = connector(woo).push_refund(str(o["id"]), lines=line, key="k-1")
    again = connector(woo).push_refund(str(o["id"]), lines=line, key="k-1")
    assert len(woo.refunds[o["id"]]) == 1 and first.reference == again.reference


def test_woocommerce_sync_imports_edits_and_cancels(world, woo, memory_keyring):
    for i in range(30):
        woo.add_order(lines=[("SKU-1", 1, 12.5)], modified=T0 + timedelta(minutes=i))
    bad = woo.add_order(lines=[("SKU-2", 1, 3.99)], modified=T0 + timedelta(hours=1))
    woo.malform(bad, currency="usd dollars")
    channels.save_channel(world, actor=SYSTEM, kind="woocommerce", name="Woo", code="woo",
                          values={"store_url": woo.url, "consumer_key": KEY,
                                  "consumer_secret": SECRET, "page_size": 10})
    result = sync.sync_orders(world, actor=SYSTEM, code="woo")
    assert (result.fetched, result.created, result.failed) == (31, 30, 1)
    victim = woo.orders[701]
    victim["status"] = "cancelled"
    woo.touch(victim)
    again = sync.sync_orders(world, actor=SYSTEM, code="woo")
    assert (again.created, again.updated) == (0, 1)
    with world.uow(readonly=True) as uow:
        status = uow.session.scalar(sa.select(Order.status).where(Order.external_id == "701"))
    assert status == OrderStatus.cancelled


def test_the_shipping_method_is_the_requested_service(world, woo, memory_keyring):
    o = woo.add_order(lines=[("SKU-1", 1, 12.5)])
    o["shipping_lines"][0]["method_title"] = "Express (next day)"
    channels.save_channel(world, actor=SYSTEM, kind="woocommerce", name="Woo", code="woo",
                          values={"store_url": woo.url, "consumer_key": KEY,
                                  "consumer_secret": SECRET, "page_size": 10})
    sync.sync_orders(world, actor=SYSTEM, code="woo")
    with world.uow(readonly=True) as uow:
        service = uow.session.scalar(sa.select(Order.requested_service))
    assert service == "Express (next day)"


def test_the_webhook_signature_matches_the_documented_test_vector():
    from oms_desktop.connectors.woocommerce import verify_webhook

    body = b'{"id":1001,"topic":"test"}'
    assert verify_webhook(body, "PClUnzYxOpT7u2HT3Nb/gY4ueQO/1le913l5Lh9YwK4=", "hush")
    assert not verify_webhook(body, "PClUnzYxOpT7u2HT3Nb/gY4ueQO/1le913l5Lh9YwK5=", "hush")


def woo_channel(db, woo) -> str:
    channels.save_channel(db, actor=SYSTEM, kind="woocommerce", name="Woo", code="woo",
                          values={"store_url": woo.url, "consumer_key": KEY,
                                  "consumer_secret": SECRET, "page_size": 10})
    return "woo"


def lines_of(db, external_id: str) -> list[tuple[str, int]]:
    with db.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == external_id))
        return [(l.sku, l.quantity) for l in sorted(order.lines, key=lambda l: l.line_no)]


def test_an_order_the_store_cannot_render_is_kept_aside_and_the_rest_come_in(
        world, woo, memory_keyring):
    orders = [woo.add_order(lines=[("SKU-1", 1, 12.5)], modified=T0 + timedelta(minutes=i))
              for i in range(30)]
    woo.break_order(orders[14])
    code = woo_channel(world, woo)
    result = sync.sync_orders(world, actor=SYSTEM, code=code,
                              connector=connector(woo, page_size=10))  # waits not slept
    assert (result.status, result.created, result.failed) == ("ok", 29, 1)
    [error] = sync.list_errors(world, code)
    assert error.external_id == str(orders[14]["id"])
    assert "critical error" in error.reason and "critical error" in error.raw_payload
    woo.broken.clear()  # the store is repaired; the order changes again
    woo.touch(orders[14], seconds=3600)
    sync.sync_orders(world, actor=SYSTEM, code=code, connector=connector(woo))
    assert lines_of(world, str(orders[14]["id"])) == [("SKU-1", 1)]
    assert sync.list_errors(world, code) == []


def test_refunded_units_are_not_lines_to_pick(world, woo, memory_keyring):
    o = woo.add_order(lines=[("SKU-1", 3, 12.5), ("SKU-2", 1, 3.99)])
    woo.refund(o, 1, 1)
    woo.refund(o, 2, 1)  # the whole line
    code = woo_channel(world, woo)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    assert lines_of(world, str(o["id"])) == [("SKU-1", 2)]
    woo.refund(o, 1, 1)  # one more before it was picked: the order follows
    sync.sync_orders(world, actor=SYSTEM, code=code)
    assert lines_of(world, str(o["id"])) == [("SKU-1", 1)]


def test_a_refund_after_our_shipment_does_not_flag_the_order(world, woo, memory_keyring):
    from tests.connectors.test_shopify_real_store import queue_fulfilment
    from oms_desktop.services.channels import push as channel_push

    o = woo.add_order(lines=[("SKU-1", 2, 12.5), ("SKU-2", 1, 3.99)])
    code = woo_channel(world, woo)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    queue_fulfilment(world, str(o["id"]), carrier="UPS", tracking="1Z999AA10123456784")
    assert channel_push.drain_outbox(world, code=code).sent == 1
    woo.refund(o, 1, 1)  # a unit came back
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (result.updated, result.flagged) == (1, 0)


@pytest.mark.parametrize("retry_after", [2, None])
def test_a_storm_of_25_429s_is_ridden_out_within_the_connectors_patience(woo, retry_after):
    from oms_desktop.connectors.base import PATIENCE_S

    woo.add_order(lines=[("SKU-1", 1, 1.0)])
    woo.throttle(25, retry_after=retry_after)
    c = connector(woo)
    [page] = list(c.fetch_orders(None))
    assert len(page.orders) == 1 and len(c.http.waits) == 25
    assert sum(c.http.waits) <= PATIENCE_S
    if retry_after:
        assert c.http.waits == [2.0] * 25  # what the host asked, exactly
    else:  # doubling from 2 s up to 16 s, each a random point in the upper half of its step
        steps = [min(16.0, 2.0 * 2 ** i) for i in range(25)]
        assert all(s / 2 <= w <= s for w, s in zip(c.http.waits, steps))
        assert len(set(c.http.waits)) > 20
