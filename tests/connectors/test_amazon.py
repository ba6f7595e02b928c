"""Amazon as the Selling Partner API behaves: Amazon's own Python client accepts the
emulator; getOrders' rules; per-operation pacing; buyer data
only with the restricted role; FBA orders never picked; one package per parcel however often
it is confirmed; an order brought in by a report file is taken over, not imported again."""

from datetime import datetime, timedelta, timezone

import httpx
import pytest
import sqlalchemy as sa

from oms_desktop.connectors.dto import FulfilmentLine
from oms_desktop.model import (
    SYSTEM, ChannelOrderState, LocationKind, Order, OrderStatus, Shipment, StockMove,
)
from oms_desktop.services.channels import setup as channels
from oms_desktop.services.channels import sync
from oms_desktop.services.inventory import stock
from tests.connectors import amazon_emulator as amz
from tests.connectors.marketplaces import AmazonPlatform, add_channel
from tests.factories import add_location

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def amazon():
    p = AmazonPlatform()
    yield p
    p.stop()


def orders_in(db) -> dict[str, Order]:
    with db.uow(readonly=True) as uow:
        rows = uow.session.scalars(sa.select(Order)).all()
        uow.session.expunge_all()
        return {o.external_id: o for o in rows}


def test_amazons_python_client_reads_and_confirms_orders_on_the_emulator(amazon):
    from sp_api.api import Orders
    from sp_api.auth import AccessTokenClient
    from sp_api.base import Marketplaces

    class EmulatedLwa(AccessTokenClient):
        scheme, host = "http://", amazon.emu.url.removeprefix("http://")

    order = amazon.add_order([("SKU-1", 2, "12.50")], at=T0)
    client = Orders(marketplace=Marketplaces.US, auth_token_client_class=EmulatedLwa,
                    credentials={"refresh_token": amz.REFRESH_TOKEN,
                                 "lwa_app_id": amz.CLIENT_ID,
                                 "lwa_client_secret": amz.CLIENT_SECRET})
    client.endpoint = amazon.emu.url
    listed = client.get_orders(LastUpdatedAfter="2026-10-01T00:00:00Z").payload["Orders"]
    assert [o["AmazonOrderId"] for o in listed] == [order["AmazonOrderId"]]
    assert "Name" not in listed[0]["ShippingAddress"], "no restricted data without a token"
    pii = client.get_orders(LastUpdatedAfter="2026-10-01T00:00:00Z",
                            RestrictedResources=["buyerInfo", "shippingAddress"])
    assert pii.payload["Orders"][0]["ShippingAddress"]["Name"] == "Jane Buyer"
    [item] = client.get_order_items(order["AmazonOrderId"]).payload["OrderItems"]
    client.confirm_shipment(order["AmazonOrderId"], marketplaceId=amz.US, packageDetail={
        "packageReferenceId": "1", "carrierCode": "UPS", "trackingNumber": "1Z1",
        "shipDate": "2026-11-02T10:00:00Z",
        "orderItems": [{"orderItemId": item["OrderItemId"], "quantity": 2}]})
    assert order["OrderStatus"] == "Shipped"


@pytest.mark.parametrize("query, complaint", [
    ({"LastUpdatedAfter": "2026-10-01T00:00:00Z"}, "MarketplaceIds"),
    ({"MarketplaceIds": amz.US}, "Exactly one"),
    ({"MarketplaceIds": amz.US, "CreatedAfter": "2026-10-01T00:00:00Z",
      "LastUpdatedAfter": "2026-10-01T00:00:00Z"}, "Exactly one"),
    ({"MarketplaceIds": amz.US, "LastUpdatedAfter": "2026-10-01T00:00:00Z",
      "LastUpdatedBefore": "2999-01-01T00:00:00Z"}, "2 minutes"),
    ({"MarketplaceIds": amz.US, "CreatedAfter": "2026-10-01T00:00:00Z",
      "MaxResultsPerPage": "101"}, "between 1 and 100"),
])
def test_get_orders_refuses_what_the_published_model_refuses(amazon, query, complaint):
    token = amazon.connector().auth.token()
    r = httpx.get(amazon.emu.url + "/orders/v0/orders", params=query,
                  headers={"x-amz-access-token": token})
    assert r.status_code == 400 and complaint in r.json()["errors"][0]["message"]


def test_the_connector_paces_each_operation_instead_of_being_refused(amazon):
    import time

    for i in range(70):
        amazon.add_order([("SKU-1", 1, "1.00")], at=T0 + timedelta(minutes=i))
    c = amazon.connector(page_size=100)
    started, real = amazon.emu.clock.now(), time.monotonic()
    assert sum(len(p.orders) for p in c.fetch_orders(None)) == 70
    took, real = amazon.emu.clock.now() - started, time.monotonic() - real
    assert amazon.emu.refused == []
    assert len([w for w in amazon.emu.log if w[1].endswith("orderItems")]) == 70
    # 70 getOrderItems calls: the burst of 30 at once, then one every 2 s, and no longer
    assert 79 < took < 81 + real


def test_without_the_restricted_role_orders_come_in_without_names_and_streets(world,
                                                                            memory_keyring):
    amazon = AmazonPlatform(pii_role=False)
    try:
        order = amazon.add_order([("SKU-1", 1, "12.50")], at=T0)
        code = add_channel(world, amazon)
        result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=amazon.connector())
        assert result.created == 1
        mine = orders_in(world)[order["AmazonOrderId"]]
        assert (mine.ship_name, mine.ship_line1, mine.email) == (None, None, None)
        assert (mine.ship_city, mine.ship_postal_code, mine.ship_country) == ("Canton", "48817", "US")
    finally:
        amazon.stop()


def fba_site(db) -> None:
    with db.uow() as uow:
        add_location(uow.session, code="FBA-US", name="Amazon fulfilment",
                     kind=LocationKind.threepl, sellable=False)
        uow.commit()


def test_an_fba_order_is_never_picked_and_takes_stock_at_the_fba_site_when_amazon_ships(
        world, amazon, memory_keyring):
    fba_site(world)
    stock.receive(world, actor=SYSTEM, sku="SKU-1", location="FBA-US", quantity=1)
    order = amazon.add_order([("SKU-1", 2, "12.50")], at=T0, channel="AFN")
    code = add_channel(world, amazon, fba_location="FBA-US")
    assert sync.sync_orders(world, actor=SYSTEM, code=code,
                            connector=amazon.connector(fba_location="FBA-US")).created == 1
    mine = orders_in(world)[order["AmazonOrderId"]]
    assert mine.status == OrderStatus.in_fulfilment
    amazon.emu.ship_by_amazon(order)
    sync.sync_orders(world, actor=SYSTEM, code=code,
                     connector=amazon.connector(fba_location="FBA-US"))
    assert orders_in(world)[order["AmazonOrderId"]].status == OrderStatus.completed
    with world.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(Shipment)) == 0
        moves = uow.session.execute(sa.select(StockMove.reason, StockMove.quantity,
                                              StockMove.reason_code)
                                    .where(StockMove.reference == order["AmazonOrderId"])
                                    .order_by(StockMove.id)).all()
    assert [(m.reason.value, m.quantity, m.reason_code) for m in moves] == [
        ("adjustment", 1, "channel-shipped"), ("shipment", 2, None)]
    [row] = stock.levels(world, sku="SKU-1", location="FBA-US")
    assert row.on_hand == 0
    assert stock.reconcile(world) == []


def test_an_fba_location_we_do_not_have_keeps_the_order_aside_with_the_reason(
        world, amazon, memory_keyring):
    order = amazon.add_order([("SKU-1", 1, "12.50")], at=T0, channel="AFN")
    code = add_channel(world, amazon, fba_location="NOWHERE")
    result = sync.sync_orders(world, actor=SYSTEM, code=code,
                              connector=amazon.connector(fba_location="NOWHERE"))
    assert (result.created, result.failed) == (0, 1)
    [error] = sync.list_errors(world, code)
    assert error.external_id == order["AmazonOrderId"] and "NOWHERE" in error.reason


def test_a_parcel_confirmed_twice_is_one_package_on_amazon(amazon):
    order = amazon.add_order([("SKU-1", 2, "12.50")], at=T0)
    line = FulfilmentLine(order["_items"][0]["OrderItemId"], 2)
    for _ in range(2):
        amazon.connector().push_fulfilment(order["AmazonOrderId"], lines=[line],
                                           carrier="Parcelforce", tracking_number="PF123")
    [package] = amazon.emu.confirmations
    assert (package["carrierCode"], package["carrierName"]) == ("Other", "Parcelforce")
    assert order["_items"][0]["QuantityShipped"] == 2


def test_an_order_first_read_from_a_report_file_is_taken_over_by_the_api_channel(
        world, amazon, memory_keyring, tmp_path):
    order = amazon.add_order([("SKU-1", 2, "12.50")], at=T0)
    item = order["_items"][0]["OrderItemId"]
    inbox, outbox = tmp_path / "in", tmp_path / "out"
    inbox.mkdir(), outbox.mkdir()
    (inbox / "orders.txt").write_text(
        "order-id\torder-item-id\tpurchase-date\tsku\tproduct-name\tquantity-purchased\t"
        "item-price\tcurrency\tship-city\tship-country\n"
        f"{order['AmazonOrderId']}\t{item}\t2026-11-01T12:00:00Z\tSKU-1\tMug\t2\t25.00\tUSD\t"
        "Canton\tUS\n")
    channels.save_channel(world, actor=SYSTEM, kind="file", name="reports", code="reports",
                          values={"format": "amazon", "inbox": str(inbox),
                                  "outbox": str(outbox)})
    assert sync.sync_orders(world, actor=SYSTEM, code="reports").created == 1
    code = add_channel(world, amazon)
    result = sync.sync_orders(world, actor=SYSTEM, code=code, connector=amazon.connector())
    assert (result.created, result.updated) == (0, 1)
    again = sync.sync_orders(world, actor=SYSTEM, code="reports", full=True)
    assert (again.created, again.unchanged) == (0, 1)
    with world.uow(readonly=True) as uow:
        [(channel, external)] = uow.session.execute(
            sa.select(Order.channel_id, Order.external_id)).all()
        states = uow.session.scalars(sa.select(ChannelOrderState.channel_id)).all()
    assert channel == channels.get_channel(world, code).id and states == [channel]
