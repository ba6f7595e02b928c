"""Issue 14, "Channels and carriers as the real platforms behave": the Shopify rows, each driven
through the real connector and services against the strict emulator. They fail against the
program as it is (xfail, strict); the fix flips them."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from oms_desktop.connectors.shopify import ShopifyConnector
from oms_desktop.model import SYSTEM, Order, Shipment, ShipmentLine
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services.channels import sync
from tests.connectors.conftest import FITTING_PAGE, add_shopify_channel
from tests.connectors.shopify_emulator import TOKEN, ShopifyEmulator

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def standard_shop():
    """The Standard plan (1,000 points, 100 a second) on a clock the connector sleeps on."""
    emu = ShopifyEmulator(bucket=1000, restore_rate=100).start()
    yield emu
    emu.stop()


def fill(emu, n: int) -> list[dict]:
    return [emu.add_order(lines=[("SKU-1", 1, "12.50"), ("SKU-2", 1, "3.99")],
                          updated_at=T0 + timedelta(minutes=i)) for i in range(n)]


def clocked_connector(emu, **settings) -> ShopifyConnector:
    """The connector as the program builds it, waiting on the emulator's clock."""
    values = {"shop_url": emu.url, "location_id": emu.location_id, **settings}
    return ShopifyConnector(values, {"access_token": TOKEN}, sleep=emu.clock.advance)


def sync_all(db, emu, connector=None, **settings):
    code = add_shopify_channel(db, emu, page_size=FITTING_PAGE, **settings)
    return code, sync.sync_orders(db, actor=SYSTEM, code=code, connector=connector)


def order_lines(db, external_id: str) -> list[tuple[str, int]]:
    with db.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == external_id))
        return [(l.sku, l.quantity) for l in sorted(order.lines, key=lambda l: l.line_no)]


def test_a_sync_at_the_default_page_size_imports_every_order(world, standard_shop,
                                                             memory_keyring):
    fill(standard_shop, 30)
    c = clocked_connector(standard_shop)  # no page size set: the connector's default
    _, result = sync_all(world, standard_shop, connector=c)
    assert (result.status, result.created) == ("ok", 30)


def test_a_queued_fulfilment_reaches_the_store_and_later_syncs_still_run(world, shop,
                                                                        memory_keyring):
    o = shop.add_order(lines=[("SKU-1", 2, "12.50"), ("SKU-2", 1, "3.99")], updated_at=T0)
    code, _ = sync_all(world, shop)
    queue_fulfilment(world, o["id"], carrier="UPS", tracking="1Z999AA10123456784")
    pushed = channel_push.drain_outbox(world, code=code)
    assert (pushed.sent, pushed.failed, pushed.waiting) == (1, 0, 0)
    [f] = shop.fulfillments
    assert sorted(q for _, q in f["_lines"]) == [1, 2]
    assert f["trackingInfo"][0]["number"] == "1Z999AA10123456784"
    assert sync.sync_orders(world, actor=SYSTEM, code=code).ok


def queue_fulfilment(db, external_id: str, *, carrier: str, tracking: str) -> None:
    """What close-out leaves behind: the order's shipment shipped, its push in the outbox."""
    with db.uow() as uow:
        s = uow.session
        order = s.scalar(sa.select(Order).where(Order.external_id == external_id))
        shipment = Shipment(order=order, carrier=carrier, tracking_number=tracking)
        shipment.lines = [ShipmentLine(order_line=l, product_id=l.product_id,
                                       quantity=l.quantity) for l in order.lines]
        s.add(shipment)
        s.flush()
        assert channel_push.enqueue_fulfilment(s, shipment)
        uow.commit()


def test_only_units_still_to_ship_become_lines_to_pick(world, shop, memory_keyring):
    o = shop.add_order(lines=[("SKU-1", 3, "12.50"), ("SKU-2", 2, "3.99")], updated_at=T0)
    shop.fulfil(o, {"SKU-1": 1})  # one unit already shipped from the shop's admin
    shop.refund_units(o, "SKU-2", 1)  # one unit refunded before we saw the order
    shop.add_gift_card(o)  # sent by e-mail: no parcel
    sync_all(world, shop)
    assert order_lines(world, o["id"]) == [("SKU-1", 2), ("SKU-2", 1)]


def test_one_malformed_order_is_kept_aside_and_the_other_83_come_in(world, shop,
                                                                    memory_keyring):
    orders = fill(shop, 84)
    bad = orders[41]
    shop.malform(bad, "name")
    code, result = sync_all(world, shop)
    assert (result.created, result.failed) == (83, 1)
    [error] = sync.list_errors(world, code)
    assert error.external_id == bad["id"]
    assert "Cannot return null for non-nullable field Order.name" in error.raw_payload
    bad["name"] = "#1042"  # the shop repairs it: the next run takes it in
    shop.touch(bad)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    assert order_lines(world, bad["id"]) == [("SKU-1", 1), ("SKU-2", 1)]
    assert sync.list_errors(world, code) == []


def test_the_orders_tags_come_in(world, shop, memory_keyring):
    o = shop.add_order(lines=[("SKU-1", 1, "12.50")], tags=["wholesale", "net-30"])
    sync_all(world, shop)
    with world.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == o["id"]))
        assert order.tag_names == ["net-30", "wholesale"]


def test_25_throttled_answers_are_waited_out_as_the_bucket_restores(world, standard_shop,
                                                                   memory_keyring):
    fill(standard_shop, 30)
    standard_shop.throttle_next(25)
    c = clocked_connector(standard_shop, page_size=FITTING_PAGE)
    _, result = sync_all(world, standard_shop, connector=c)
    assert (result.status, result.created) == ("ok", 30)
    assert len(standard_shop.throttled) >= 25  # and the bucket's own, page after page
    log, rate = standard_shop.log, standard_shop.bucket.restore_rate
    for throttled, retry in zip(log, log[1:]):
        if throttled["outcome"] == "THROTTLED":  # each retry waits what the answer asked
            needed = (throttled["cost"] - throttled["available"]) / rate
            assert retry["at"] - throttled["at"] >= needed - 0.01


def holds(db, external_id: str) -> list[str]:
    with db.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == external_id))
        return [h.note for h in order.active_holds]


def test_our_own_fulfilment_and_a_later_refund_do_not_flag_the_order(world, shop,
                                                                    memory_keyring):
    o = shop.add_order(lines=[("SKU-1", 2, "12.50"), ("SKU-2", 1, "3.99")], updated_at=T0)
    code, _ = sync_all(world, shop)
    queue_fulfilment(world, o["id"], carrier="UPS", tracking="1Z999AA10123456784")
    assert channel_push.drain_outbox(world, code=code).sent == 1
    after_push = sync.sync_orders(world, actor=SYSTEM, code=code)
    shop.refund_units(o, "SKU-1", 1)  # a unit comes back and is refunded on the shop
    after_refund = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert (after_push.updated, after_push.flagged) == (1, 0)
    assert (after_refund.updated, after_refund.flagged) == (1, 0)
    assert holds(world, o["id"]) == []
    assert order_lines(world, o["id"]) == [("SKU-1", 2), ("SKU-2", 1)]


def test_units_shipped_from_the_shops_admin_after_import_leave_the_order(world, shop,
                                                                        memory_keyring):
    o = shop.add_order(lines=[("SKU-1", 2, "12.50"), ("SKU-2", 1, "3.99")], updated_at=T0)
    code, _ = sync_all(world, shop)
    shop.fulfil(o, {"SKU-1": 1})
    sync.sync_orders(world, actor=SYSTEM, code=code)
    assert order_lines(world, o["id"]) == [("SKU-1", 1), ("SKU-2", 1)]
    shop.fulfil(o, {"SKU-1": 1, "SKU-2": 1})  # the rest too: nothing is left for us
    assert sync.sync_orders(world, actor=SYSTEM, code=code).flagged == 1
    [note] = holds(world, o["id"])
    assert note.startswith("Nothing is left to ship on the channel")


def test_an_order_shopify_could_not_return_is_asked_for_again_on_retry(world, shop,
                                                                      memory_keyring):
    orders = fill(shop, 12)
    shop.malform(orders[3], "name")
    code, _ = sync_all(world, shop)
    assert sync.retry_errors(world, actor=SYSTEM, code=code).created == 0
    [still] = sync.list_errors(world, code)
    assert (still.retries, still.external_id) == (1, orders[3]["id"])
    assert "Cannot return null for non-nullable field Order.name" in still.reason
    orders[3]["name"] = "#1004"  # repaired on the shop, its updatedAt left as it was
    assert sync.retry_errors(world, actor=SYSTEM, code=code).created == 1
    assert order_lines(world, orders[3]["id"]) == [("SKU-1", 1), ("SKU-2", 1)]
    assert sync.list_errors(world, code) == []
