"""BigCommerce and Magento beyond the proofs every channel gives (test_marketplaces.py):
BigCommerce's window of requests is waited for, never overrun; a refund pushed again after a
lost answer refunds once on each platform; Magento's page past the end is never asked for;
webhook signatures as each platform signs them."""

from datetime import datetime, timedelta, timezone

import httpx

from oms_desktop.connectors.bigcommerce import verify_webhook
from oms_desktop.connectors.dto import FulfilmentLine
from tests.connectors import magento_emulator as mg
from tests.connectors.marketplaces import (
    BigCommercePlatform, MagentoPlatform, SquarePlatform,
)
from tests.connectors.shopify_throttle import EmulatorClock

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def test_bigcommerce_waits_for_its_window_instead_of_being_refused():
    shop = BigCommercePlatform(clock=EmulatorClock(frozen=True), quota=20)
    try:
        for i in range(30):
            shop.add_order([("SKU-1", 1, "12.50")], at=T0 + timedelta(minutes=i))
        connector = shop.connector()
        orders = [o for page in connector.fetch_orders(None) for o in page.orders]
        assert len(orders) == 30 and shop.emu.refused == 0
        calls = len(shop.emu.log)  # 4 pages (the last one empty), 2 sub-resources an order
        assert calls == 64 and len(connector.http.waits) == calls // 20
        assert all(0 < w <= 30.01 for w in connector.http.waits)
    finally:
        shop.stop()


def test_bigcommerce_rides_out_a_429_for_the_reset_time_it_names():
    shop = BigCommercePlatform(clock=EmulatorClock(frozen=True))
    try:
        shop.add_order([("SKU-1", 1, "12.50")], at=T0)
        shop.emu.clock.advance(12.5)  # 17.5 s left in the window
        shop.storm(1)
        connector = shop.connector()
        assert [len(p.orders) for p in connector.fetch_orders(None)] == [1]
        assert connector.http.waits == [17.51]
    finally:
        shop.stop()


def test_a_refund_pushed_again_after_a_lost_answer_refunds_once_on_each_platform():
    for platform in (BigCommercePlatform(), MagentoPlatform(), SquarePlatform()):
        try:
            order = platform.add_order([("SKU-1", 2, "12.50")], at=T0)
            [line] = platform.line_ids(order)
            for _ in range(2):
                result = platform.connector().push_refund(
                    platform.external_id(order), lines=[FulfilmentLine(line, 1)],
                    amount="12.50", reason="Return", key="RMA-000042")
                assert result.ok
            refunds = {"bigcommerce": lambda: order["_refunds"],
                       "magento": lambda: platform.emu.creditmemos,
                       "square": lambda: platform.emu.refunds}[platform.kind]()
            assert len(refunds) == 1, platform.kind
        finally:
            platform.stop()


def test_magento_never_asks_past_the_last_page_where_it_would_repeat_that_page():
    shop = MagentoPlatform()
    try:
        for i in range(25):
            shop.add_order([("SKU-1", 1, "12.50")], at=T0 + timedelta(seconds=1))  # one second
        # The quirk itself: page 4 of 3 is page 3 again.
        query = {"searchCriteria[pageSize]": 10, "searchCriteria[currentPage]": 4}
        page4 = httpx.get(f"{shop.emu.url}/rest/all/V1/orders", params=query,
                          headers={"Authorization": f"Bearer {mg.TOKEN}"}).json()
        assert [o["entity_id"] for o in page4["items"]] == [21, 22, 23, 24, 25]
        shop.emu.log.clear()
        orders = [o for p in shop.connector().fetch_orders(None) for o in p.orders]
        assert sorted(int(o.external_id) for o in orders) == list(range(1, 26))
        asked = [q.get("searchCriteria[currentPage]") for _, path, q in shop.emu.log]
        assert asked == ["1", "1", "2", "3"]  # a tie of 25 changes in one second, stepped
    finally:
        shop.stop()


def test_a_bigcommerce_webhook_is_trusted_only_with_its_standard_webhooks_signature():
    # The Standard Webhooks test vector (apis.md section 5).
    body, headers = b'{"id":1001,"topic":"test"}', {
        "webhook-id": "msg_2b5p3wTq", "webhook-timestamp": "1700000000",
        "webhook-signature": "v1,HyIE/pwUYIbN6DfTROys82PmW0IFZGnRMd8KwGrq4p4="}
    assert verify_webhook(body, headers, "hush", now=1700000060)
    assert verify_webhook(body, {**headers, "webhook-signature": "v1,bm90aXQ= " +
                                 headers["webhook-signature"]}, "hush", now=1700000000)
    assert not verify_webhook(body + b" ", headers, "hush", now=1700000000)
    assert not verify_webhook(body, headers, "other", now=1700000000)
    assert not verify_webhook(body, headers, "hush", now=1700000000 + 301)  # a replay
    assert not verify_webhook(body, {**headers, "webhook-signature": ""}, "hush",
                              now=1700000000)


def test_a_cancellation_pushed_from_here_cancels_on_each_shop_and_comes_back_as_cancelled():
    for platform in (BigCommercePlatform(), MagentoPlatform(), SquarePlatform()):
        try:
            order = platform.add_order([("SKU-1", 1, "12.50")], at=T0)
            connector = platform.connector()
            assert connector.push_cancellation(platform.external_id(order)).ok
            assert platform.cancelled(order), platform.kind
            assert connector.fetch_order(platform.external_id(order)).status == "cancelled"
        finally:
            platform.stop()


def test_square_ships_a_parcel_of_part_of_an_order_as_its_own_fulfilment():
    till = SquarePlatform()
    try:
        order = till.add_order([("SKU-1", 2, "12.50"), ("SKU-2", 1, "3.99")], at=T0)
        first, second = till.line_ids(order)
        connector = till.connector()
        connector.push_fulfilment(order["id"], lines=[FulfilmentLine(first, 2)], carrier="UPS",
                                  tracking_number="1Z1")
        assert order["state"] == "OPEN" and connector.fetch_order(order["id"]).status == "open"
        connector.push_fulfilment(order["id"], lines=[FulfilmentLine(second, 1)],
                                  carrier="USPS", tracking_number="9400")
        connector.push_fulfilment(order["id"], lines=[FulfilmentLine(second, 1)],
                                  carrier="USPS", tracking_number="9400")  # a repeat: no-op
        assert sorted(till.shipped(order)) == [("1Z1", first, 2), ("9400", second, 1)]
        assert order["state"] == "COMPLETED"
    finally:
        till.stop()


def test_a_bigcommerce_order_archived_between_the_list_and_its_products_is_kept_aside():
    shop = BigCommercePlatform()
    try:
        for i in range(3):
            shop.add_order([("SKU-1", 1, "12.50")], at=T0 + timedelta(minutes=i))
        gone = shop.add_order([("SKU-1", 1, "12.50")], at=T0 + timedelta(minutes=9))
        gone["_archived_meanwhile"] = True
        [page] = list(shop.connector().fetch_orders(None))
        assert len(page.orders) == 3 and page.high_water == T0 + timedelta(minutes=9)
        [failure] = page.failures
        assert failure.external_id == str(gone["id"]) and "404" in failure.reason
    finally:
        shop.stop()
