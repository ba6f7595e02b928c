"""The platforms' own Python clients accept our emulators, so an emulator is not a mirror of
our connector: the community `bigcommerce` client (its v2 paging, sub-resources, shipments
and rate-limit headers) and `pymagento` (its searchCriteria paging, which stops by
total_count, shipments and MSI source items). The BigCommerce client builds https URLs; the
emulator is plain HTTP on 127.0.0.1, so only its URL builder is pointed there."""

from datetime import datetime, timedelta, timezone

import pytest

from tests.connectors import bigcommerce_emulator as bc
from tests.connectors import magento_emulator as mg

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def bigcommerce_store():
    emu = bc.BigCommerceEmulator().start()
    yield emu
    emu.stop()


@pytest.fixture
def magento_store():
    emu = mg.MagentoEmulator().start()
    yield emu
    emu.stop()


def bigcommerce_client(emu, token=bc.TOKEN):
    bigcommerce = pytest.importorskip("bigcommerce")
    api = bigcommerce.api.BigcommerceApi(client_id="oms", store_hash=bc.STORE_HASH,
                                         access_token=token)
    api.connection.full_path = lambda url: f"{emu.url}/stores/{bc.STORE_HASH}/v2/{url}"
    return api


def test_the_bigcommerce_client_pages_orders_reads_sub_resources_and_ships(bigcommerce_store):
    emu = bigcommerce_store
    made = [emu.add_order([("SKU-1", 2, "12.50")], updated=T0 + timedelta(minutes=i))
            for i in range(300)]
    api = bigcommerce_client(emu)
    # pages of 250 until the store answers 204 No Content
    seen = list(api.Orders.iterall(min_date_modified=(T0 + timedelta(minutes=1)).isoformat(),
                                   sort="date_modified:asc"))
    assert [o.id for o in seen] == [o["id"] for o in made[1:]]
    assert [q.get("page") for m, path, q in emu.log if path.endswith("/v2/orders")] == \
        ["1", "2", "3"]
    order = api.Orders.get(made[0]["id"])
    [product] = order.products()
    [address] = order.shipping_addresses()
    assert (product.sku, product.quantity, product.price_ex_tax) == ("SKU-1", 2, "12.5000")
    shipment = api.OrderShipments.create(order.id, order_address_id=address.id,
                                         tracking_number="1Z999AA10123456784",
                                         tracking_carrier="ups",
                                         items=[{"order_product_id": product.id, "quantity": 2}])
    assert shipment.tracking_number == "1Z999AA10123456784"
    assert api.Orders.get(order.id).status == "Shipped"
    assert api.connection.rate_limit["requests_quota"] == 150


def test_the_bigcommerce_client_is_refused_without_the_right_token(bigcommerce_store):
    from bigcommerce.exception import ClientRequestException

    with pytest.raises(ClientRequestException, match="401"):
        bigcommerce_client(bigcommerce_store, token="wrong").Orders.all()


def magento_client(emu, token=mg.TOKEN, **kw):
    magento = pytest.importorskip("magento")
    return magento.Magento(token=token, base_url=emu.url, scope="all", **kw)


def test_pymagento_pages_orders_by_total_count_and_ships_and_sets_stock(magento_store):
    from magento.queries import make_search_query

    emu = magento_store
    made = [emu.add_order([("SKU-1", 1, "12.50")], updated=T0 + timedelta(minutes=i))
            for i in range(25)]
    client = magento_client(emu, batch_page_size=10)
    query = make_search_query([[("updated_at", "2026-11-01 12:05:00", "gteq")]],
                              sort_orders=[("updated_at", "asc")])
    orders = list(client.get_orders(query=query))
    assert [o["entity_id"] for o in orders] == [o["entity_id"] for o in made[5:]]
    item = made[0]["items"][0]
    shipment_id = client.ship_order(made[0]["entity_id"], {
        "items": [{"order_item_id": item["item_id"], "qty": 1}],
        "tracks": [{"track_number": "1Z999AA10123456784", "title": "UPS",
                    "carrier_code": "ups"}]})
    assert [s["entity_id"] for s in client.get_order_shipments(made[0]["entity_id"])] == \
        [int(shipment_id)]
    assert client.get_order(made[0]["entity_id"])["state"] == "complete"
    emu.list_sku("SKU-1", 0)
    client.save_source_items([{"sku": "SKU-1", "source_code": "default", "quantity": 7,
                               "status": 1}])
    assert [(s["sku"], s["quantity"]) for s in client.get_source_items(
        source_code="default", skus=["SKU-1"])] == [("SKU-1", 7)]


def test_pymagento_is_refused_without_the_right_token(magento_store):
    from magento.exceptions import MagentoException

    with pytest.raises(MagentoException):
        magento_client(magento_store, token="wrong").get_order(1)
