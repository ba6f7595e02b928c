"""Etsy as its Open API v3 behaves: both headers, the refresh token Etsy replaces on each use
kept in the keyring, receipts changed during a sync not skipped, a listing's inventory
rewritten whole without losing its other products, the daily budget."""

from datetime import datetime, timedelta, timezone

import pytest

from oms_desktop.connectors.dto import StockLevelDTO
from oms_desktop.model import SYSTEM
from oms_desktop.plugins.errors import AuthFailed
from oms_desktop.services.channels import sync
from tests.connectors import etsy_emulator as etsy
from tests.connectors.marketplaces import EtsyPlatform, add_channel

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def shop():
    p = EtsyPlatform()
    yield p
    p.stop()


def test_the_refresh_token_etsy_replaces_is_kept_for_the_next_sync(world, shop,
                                                                  memory_keyring):
    shop.add_order([("SKU-1", 1, "25.00")], at=T0)
    code = add_channel(world, shop)
    first = etsy.REFRESH_TOKEN
    assert sync.sync_orders(world, actor=SYSTEM, code=code).created == 1
    kept = memory_keyring.store[("oms-desktop", f"channel:{code}:refresh_token")]
    assert kept != first and kept in shop.emu.refresh_tokens
    assert first not in shop.emu.refresh_tokens, "Etsy retires the token it replaced"
    assert sync.sync_orders(world, actor=SYSTEM, code=code).status == "ok"


@pytest.mark.parametrize("key, message", [
    (etsy.KEYSTRING, "Shared secret is required"),
    (f"{etsy.KEYSTRING}:wrong", "keystring:shared_secret"),
])
def test_an_api_key_without_its_shared_secret_is_refused_with_etsys_words(shop, key, message):
    c = shop.connector()
    c.http.client.headers["x-api-key"] = key
    with pytest.raises(AuthFailed, match=message):
        c.test_connection()


def test_a_receipt_changed_during_the_sync_is_not_skipped(shop):
    receipts = [shop.add_order([("SKU-1", 1, "1.00")], at=T0 + timedelta(minutes=i))
                for i in range(35)]
    seen = []
    for n, page in enumerate(shop.connector().fetch_orders(None)):
        seen += [o.external_id for o in page.orders]
        if n == 0:  # the first receipt changes: it moves behind the others
            shop.emu.set_lines(receipts[0], [("SKU-2", 2, "1.00")])
            shop.emu.touch(receipts[0])
    assert set(seen) == {str(r["receipt_id"]) for r in receipts}


def test_a_listing_is_rewritten_whole_and_keeps_its_other_products(shop):
    listing = shop.emu.add_listing("SKU-1", 4, also=("SKU-1-RED",))
    results = shop.connector().push_inventory([StockLevelDTO("SKU-1", 9),
                                               StockLevelDTO("GHOST", 1)])
    assert [(r.ok, r.channel_before) for r in results] == [(True, 4), (False, None)]
    products = {p["sku"]: p["offerings"][0]["quantity"]
                for p in shop.emu.inventories[listing]["products"]}
    assert products == {"SKU-1": 9, "SKU-1-RED": 4}


def test_the_daily_budget_spent_fails_the_sync_with_a_time_to_try_again(world, memory_keyring):
    shop = EtsyPlatform(per_day=3)
    try:
        for i in range(40):
            shop.add_order([("SKU-1", 1, "1.00")], at=T0 + timedelta(minutes=i))
        code = add_channel(world, shop)
        result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=shop.connector())
        assert result.status == "failed" and "rate limiting" in result.error
        # the three calls of the day stay: 10, then 9 and 9 new receipts (a page after the
        # first starts at the second of the last one seen, which comes again)
        assert result.created == 28
    finally:
        shop.stop()

