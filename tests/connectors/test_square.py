"""The shop's till on Square, beyond the proofs every channel gives (test_marketplaces.py):
Square's own SDK accepts the emulator; webhook signatures as Square signs them; a sale over
the counter comes in completed at the store and takes its stock there at once; a pickup order
is collected at the store, and "ready" and "handed over" reach the till as the pickup
fulfilment's PREPARED and COMPLETED; a return at the till is not taken for an order."""

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.connectors.square import verify_webhook
from oms_desktop.model import SYSTEM, AuditEvent, Location, Order, OrderStatus, Shipment, ShipmentLine
from oms_desktop.services.channels import push, sync
from oms_desktop.services.floor import pickup
from oms_desktop.services.inventory import stock, stock_ops
from tests.connectors import square_emulator as sqe
from oms_desktop.services.inventory.catalog import add_product
from tests.connectors.marketplaces import SquarePlatform, add_channel
from tests.integration.test_sync_push import receive


@pytest.fixture
def till():
    platform = SquarePlatform()
    yield platform
    platform.stop()


def on_hand(db, sku: str, location: str) -> int:
    return sum(r.on_hand for r in stock.levels(db) if (r.sku, r.location) == (sku, location))


def test_the_square_sdk_searches_pages_updates_and_counts_on_the_emulator(till):
    square = pytest.importorskip("square")
    emu = till.emu
    made = [emu.add_order([("SKU-1", 1, "12.50")]) for _ in range(5)]
    client = square.Square(token=sqe.TOKEN, base_url=emu.url, version="2025-08-20")
    query = {"sort": {"sort_field": "CREATED_AT", "sort_order": "ASC"}}
    first = client.orders.search(location_ids=[sqe.LOCATION], limit=3, query=query)
    rest = client.orders.search(location_ids=[sqe.LOCATION], limit=3, query=query,
                                cursor=first.cursor)
    assert [o.id for o in first.orders + rest.orders] == [o["id"] for o in made]
    assert rest.cursor is None
    order = client.orders.get(order_id=made[0]["id"]).order
    uid = order.fulfillments[0].uid
    updated = client.orders.update(order_id=order.id, idempotency_key="k-1", order={
        "location_id": order.location_id, "version": order.version,
        "fulfillments": [{"uid": uid, "state": "RESERVED"}]}).order
    assert (updated.version, updated.fulfillments[0].state) == (2, "RESERVED")
    client.inventory.batch_create_changes(idempotency_key="k-2", changes=[{
        "type": "PHYSICAL_COUNT", "physical_count": {
            "catalog_object_id": emu.variation("SKU-1"), "state": "IN_STOCK",
            "location_id": sqe.LOCATION, "quantity": "9",
            "occurred_at": "2026-11-01T12:00:00.000Z"}}])
    assert emu.count("SKU-1") == 9 and emu.versions_seen == {"2025-08-20"}


def test_the_square_sdk_is_refused_a_stale_version_and_a_wrong_token(till):
    square = pytest.importorskip("square")
    from square.core.api_error import ApiError

    order = till.emu.add_order([("SKU-1", 1, "12.50")])
    client = square.Square(token=sqe.TOKEN, base_url=till.emu.url)
    with pytest.raises(ApiError) as stale:
        client.orders.update(order_id=order["id"], idempotency_key="k-3", order={
            "location_id": sqe.LOCATION, "version": 7, "state": "CANCELED"})
    assert stale.value.status_code == 400 and "VERSION_MISMATCH" in json.dumps(stale.value.body)
    with pytest.raises(ApiError) as refused:
        square.Square(token="wrong", base_url=till.emu.url).locations.list()
    assert refused.value.status_code == 401


def test_a_webhook_is_trusted_only_with_squares_signature_over_url_and_body(till):
    # The vector from Square's SDK tests (apis-wave2.md section 6).
    body = b'{"data":{"type":"webhooks","id":">id<"}}'
    assert verify_webhook(body, "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=",
                          key="signature-key", url="https://webhook.site/webhooks")
    url = "https://oms.example.com/hooks/square"
    raw, signature = till.emu.notification(url, "s1gn", till.emu.add_order([("SKU-1", 1, "1")]))
    assert verify_webhook(raw, signature, key="s1gn", url=url)
    assert not verify_webhook(raw, signature, key="s1gn", url=url + "/")  # URL byte for byte
    assert not verify_webhook(raw + b" ", signature, key="s1gn", url=url)
    assert not verify_webhook(raw, None, key="s1gn", url=url)
    helper = pytest.importorskip("square.utils.webhooks_helper")
    assert helper.verify_signature(request_body=raw.decode(), signature_header=signature,
                                   signature_key="s1gn", notification_url=url)


def test_a_sale_at_the_till_comes_in_completed_and_takes_the_stores_stock_at_once(
        world, till, memory_keyring):
    receive(world, "SKU-1", "STORE1", 5)
    code = add_channel(world, till, code="till", locations=["STORE1"])
    sale = till.emu.sell_at_till([("SKU-1", 2, "12.50")])
    result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=till.connector())
    assert (result.status, result.created, result.failed) == ("ok", 1, 0)
    with world.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == sale["id"]))
        assert order.status == OrderStatus.completed and order.pickup_location_id is None
    assert on_hand(world, "SKU-1", "STORE1") == 3  # never picked: the customer has them
    again = sync.sync_orders(world, actor=SYSTEM, code=code, connector=till.connector(),
                             full=True)
    assert (again.created, again.updated) == (0, 0) and on_hand(world, "SKU-1", "STORE1") == 3


@pytest.mark.parametrize("rule,shelf", [("restock", "STORE1"), ("quarantine", "STORE1-QUARANTINE")])
def test_a_return_at_the_till_comes_back_into_the_stores_stock_once_by_the_rule(
        world, till, memory_keyring, rule, shelf):
    receive(world, "SKU-1", "STORE1", 5)
    code = add_channel(world, till, code="till", locations=["STORE1"], till_returns=rule)
    sale = till.emu.sell_at_till([("SKU-1", 2, "12.50")])
    sync.sync_orders(world, actor=SYSTEM, code=code, connector=till.connector(till_returns=rule))
    assert on_hand(world, "SKU-1", "STORE1") == 3
    # The customer brings one back the next day; the till refunds him and takes it.
    till.emu.return_at_till(sale, [("SKU-1", 1, "12.50")])
    result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=till.connector(till_returns=rule))
    assert (result.created, result.failed) == (0, 0)  # a return, not an order
    assert on_hand(world, "SKU-1", shelf) == (4 if rule == "restock" else 1)
    sync.sync_orders(world, actor=SYSTEM, code=code, connector=till.connector(till_returns=rule), full=True)
    assert on_hand(world, "SKU-1", shelf) == (4 if rule == "restock" else 1)  # once
    with world.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == sale["id"]))
        [note] = uow.session.scalars(order.audit.select().where(
            AuditEvent.action == "channel_return")).all()
        assert note.detail["at"] == shelf and note.detail["lines"] == [["SKU-1", 1]]


def test_a_return_of_something_we_do_not_sell_is_kept_aside(world, till, memory_keyring):
    code = add_channel(world, till, code="till", locations=["STORE1"])
    till.emu.return_at_till(None, [("NOT-OURS", 1, "5.00")])
    result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=till.connector())
    assert result.failed == 1
    [error] = sync.list_errors(world, code)
    assert "NOT-OURS" in error.reason
    # The product is added to the catalogue; a retry takes the return in, once.
    with world.uow() as uow:
        add_product(uow.session, sku="NOT-OURS", name="Candle", price=Decimal("5.00"))
        uow.commit()
    sync.retry_errors(world, actor=SYSTEM, code=code, connector=till.connector())
    sync.retry_errors(world, actor=SYSTEM, code=code, connector=till.connector())
    assert sync.list_errors(world, code) == [] and on_hand(world, "NOT-OURS", "STORE1") == 1


def _packed_at_the_store(db, external_id: str) -> int:
    """The pickup order reserved from the store's own shelf and packed there."""
    with db.uow() as uow:
        s = uow.session
        order = s.scalar(sa.select(Order).where(Order.external_id == external_id))
        order.verify(by=SYSTEM)
        order.start_fulfilment(by=SYSTEM)
        store = s.scalar(sa.select(Location).where(Location.code == "STORE1"))
        shipment = Shipment(order=order)
        s.add(shipment)
        for line in order.lines:
            shipment.lines.append(ShipmentLine(order_line=line, product_id=line.product_id,
                                               quantity=line.quantity))
        s.flush()
        for sl in shipment.lines:
            assert stock_ops.try_reserve(s, product_id=sl.product_id, location=store,
                                         quantity=sl.quantity, shipment_line_id=sl.id)
        shipment.assign(store, by=SYSTEM)
        shipment.pack(by=SYSTEM)
        uow.commit()
        return shipment.id


def test_a_pickup_order_is_collected_at_the_store_and_the_till_follows_each_step(
        world, till, memory_keyring):
    receive(world, "SKU-1", "STORE1", 5)
    code = add_channel(world, till, code="till", locations=["STORE1"])
    placed = till.emu.add_pickup([("SKU-1", 1, "12.50")])
    sync.sync_orders(world, actor=SYSTEM, code=code, connector=till.connector())
    assert [p.order_number for p in pickup.waiting(world, store="STORE1")] == []
    shipment_id = _packed_at_the_store(world, placed["id"])
    [waiting] = pickup.waiting(world, store="STORE1")
    assert waiting.shipment_id == shipment_id

    ready = pickup.mark_ready(world, actor=SYSTEM, shipment_id=shipment_id)
    assert push.drain_outbox(world, code=code, connector=till.connector()).sent == 1
    assert till.emu.orders[placed["id"]]["fulfillments"][0]["state"] == "PREPARED"

    pickup.hand_over(world, actor=SYSTEM, store="STORE1", value=ready.pickup_code,
                     collected_by="Ana Pick")
    assert push.drain_outbox(world, code=code, connector=till.connector()).sent == 1
    square_order = till.emu.orders[placed["id"]]
    assert (square_order["fulfillments"][0]["state"], square_order["state"]) == \
        ("COMPLETED", "COMPLETED")
    assert on_hand(world, "SKU-1", "STORE1") == 4  # the collected unit left the store
    assert push.drain_outbox(world, code=code, connector=till.connector()).sent == 0
    again = sync.sync_orders(world, actor=SYSTEM, code=code, connector=till.connector())
    assert (again.failed, again.flagged) == (0, 0)
