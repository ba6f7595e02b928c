"""The Shopify emulator itself, so a reader can trust it: the documented cost formula worked by
hand on known queries, the single-query limit and the bucket with their documented answers,
GraphQL's null propagation, fulfillment orders and bulk operations. Raw HTTP, no connector."""

import json

import httpx
import pytest
from graphql import parse

from oms_desktop.connectors import shopify_queries as Q
from tests.connectors.shopify_cost import requested_cost
from tests.connectors.shopify_emulator import TOKEN, ShopifyEmulator
from tests.connectors.shopify_schema import SCHEMA
from tests.connectors.shopify_throttle import EmulatorClock

ORDER_IDS = "query { orders(first: 10) { nodes { id } } }"


@pytest.fixture
def emu():
    # the Standard plan (1,000 points, 100 a second) on a clock that moves only when told
    shop = ShopifyEmulator(clock=EmulatorClock(frozen=True)).start()
    yield shop
    shop.stop()


def ask(emu, query: str, variables: dict | None = None) -> tuple[int, dict]:
    response = httpx.post(f"{emu.url}/admin/api/2025-10/graphql.json",
                          json={"query": query, "variables": variables or {}},
                          headers={"X-Shopify-Access-Token": TOKEN})
    return response.status_code, response.json()


def cost(query: str, **variables) -> int:
    return requested_cost(SCHEMA, parse(query), variables)


# -- the cost formula, worked by hand ----------------------------------------------------------

def test_an_object_costs_one_and_its_scalars_nothing():
    assert cost("{ shop { name myshopifyDomain currencyCode } }") == 1  # shop: 1


def test_a_connection_costs_two_plus_first_times_one_node():
    assert cost("{ orders(first: 5) { nodes { id name } } }") == 7  # 2 + 5 x 1
    # edges/node/cursor and pageInfo add nothing: 2 + 5 x 1
    assert cost("{ orders(first: 5) { pageInfo { hasNextPage } edges { cursor node { id } } } }") \
        == 7


def test_nested_connections_multiply():
    # 2 + 10 x (1 order + lineItems (2 + 5 x (1 line + 2 for originalUnitPriceSet.shopMoney)))
    # = 2 + 10 x (1 + 2 + 15) = 182
    assert cost("""{ orders(first: 10) { edges { node { id lineItems(first: 5) { nodes {
                   sku originalUnitPriceSet { shopMoney { amount } } } } } } } }""") == 182


def test_the_connectors_order_page_costs_67_points_an_order():
    # one order: 1 (the Order) + 5 money bags x 2 (bag + shopMoney) + customer, shippingAddress,
    # billingAddress, shippingLine 4 x 1 + lineItems(first: 10) 2 + 10 x (1 + 2 + 2) = 67
    assert cost(Q.ORDER, id="gid://shopify/Order/1", lineItems=10) == 1 * 67
    # a page: 2 + first x 67 -> 250 orders 16,752 (refused), 14 orders 940, 10 orders 672
    assert cost(Q.ORDERS, first=250, lineItems=10) == 16_752
    assert cost(Q.ORDERS, first=14, lineItems=10) == 940
    assert cost(Q.ORDERS, first=10, lineItems=10) == 672


def test_the_connectors_fulfillment_order_queries_fit_the_limit():
    # order 1 + fulfillmentOrders(first: 5): 2 + 5 x (1 + lineItems(first: 50):
    # 2 + 50 x (1 + lineItem 1)) = 1 + 2 + 5 x 103 = 518 (the query of before issue 14 asked
    # 10 x 100: 2,033, refused)
    order = "gid://shopify/Order/1"
    assert cost(Q.FULFILLMENT_ORDERS, id=order, orders=5, lines=50) == 518
    # the rest of one fulfilment order's lines: 1 + 2 + 1 x (1 + 2 + 250 x 2) = 506
    assert cost(Q.FULFILLMENT_ORDER_LINES, id=order, lines=250) == 506


@pytest.mark.parametrize("name", ["ORDERS", "ORDER_IDS", "ORDER", "MORE_LINES", "ORDERS_COUNT",
                                  "BULK_RUN", "BULK_POLL", "FULFILLMENT_ORDERS",
                                  "FULFILLMENT_ORDER_LINES", "VARIANTS", "INVENTORY_SET"])
def test_the_connector_works_out_the_same_cost_as_the_shop(name):
    from oms_desktop.connectors.shopify_cost import requested_cost as ours

    sizes = {"first": 14, "lineItems": 10, "orders": 5, "lines": 50, "id": "x"}
    query = getattr(Q, name)
    assert ours(query, sizes) == cost(query, **sizes)


def test_a_mutation_costs_ten_whatever_it_selects():
    assert cost(Q.FULFILLMENT_CREATE, fulfillment={}) == 10
    assert cost("mutation { a: orderCancel(orderId: \"x\", reason: OTHER, refund: false, "
                "restock: false) { job { id } } b: bulkOperationRunQuery(query: \"\") "
                "{ bulkOperation { id } } }") == 20


def test_an_interface_costs_its_most_expensive_selection():
    # node: 1, whichever type it turns out to be; its scalars cost nothing
    assert cost('{ node(id: "x") { id ... on BulkOperation { status url } } }') == 1
    # ... on Order: 1 + lineItems(first: 3) 2 + 3 x 1 = 6
    assert cost('{ node(id: "x") { ... on BulkOperation { status } '
                '... on Order { lineItems(first: 3) { nodes { id } } } } }') == 6


def test_variables_and_their_defaults_count():
    query = "query($n: Int = 7) { orders(first: $n) { nodes { id } } }"
    assert cost(query) == 9 and cost(query, n=3) == 5  # 2 + 7 x 1, 2 + 3 x 1


# -- the limit and the bucket, with Shopify's answers -------------------------------------------

def test_success_reports_the_requested_and_the_actual_cost_and_refunds_the_difference(emu):
    for _ in range(3):
        emu.add_order(lines=[("SKU-1", 1, "1.00")])
    status, body = ask(emu, ORDER_IDS)
    assert status == 200 and len(body["data"]["orders"]["nodes"]) == 3
    # requested 2 + 10 x 1 = 12, taken before; actual 2 + 3 returned = 5, so 7 come back
    assert body["extensions"]["cost"] == {
        "requestedQueryCost": 12, "actualQueryCost": 5,
        "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 995.0,
                           "restoreRate": 100.0}}


def test_a_query_above_1000_points_is_refused_before_it_runs(emu):
    emu.add_order(lines=[("SKU-1", 1, "1.00")])
    status, body = ask(emu, Q.ORDERS, {"first": 250, "lineItems": 10})
    assert status == 200 and body == {"errors": [{
        "message": "Query cost is 16752, which exceeds the single query max cost limit (1000).",
        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": 16752, "maxCost": 1000,
                       "documentation": "https://shopify.dev/api/usage/rate-limits"}}]}
    assert emu.bucket.available() == 1000  # nothing was taken


def test_the_single_query_limit_holds_on_a_bigger_plan_too():
    emu = ShopifyEmulator(bucket=20_000, restore_rate=2000).start()
    try:
        _, body = ask(emu, Q.ORDERS, {"first": 250, "lineItems": 10})
        assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    finally:
        emu.stop()


def test_a_query_the_bucket_cannot_pay_is_throttled_until_it_restores(emu):
    emu.drain(to=0)
    status, body = ask(emu, ORDER_IDS)
    assert status == 200 and "data" not in body
    assert body["errors"] == [{"message": "Throttled", "extensions": {
        "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}]
    assert body["extensions"]["cost"]["requestedQueryCost"] == 12
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 12
    emu.clock.advance(0.12)  # 12 points at 100 a second
    assert "data" in ask(emu, ORDER_IDS)[1]


def test_throttle_next_answers_n_queries_throttled_then_serves_again(emu):
    emu.throttle_next(2)
    answers = [ask(emu, ORDER_IDS)[1] for _ in range(2)]
    assert all(a["errors"][0]["extensions"]["code"] == "THROTTLED" for a in answers)
    emu.clock.advance(1)
    assert "data" in ask(emu, ORDER_IDS)[1]
    assert [e["outcome"] for e in emu.log] == ["THROTTLED", "THROTTLED", "ok"]


def test_a_connection_needs_first_or_last_and_at_most_250(emu):
    _, body = ask(emu, "{ orders { nodes { id } } }")
    assert body["data"] is None and body["errors"][0]["message"] == \
        "you must provide one of first or last"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 2
    _, body = ask(emu, "{ orders(first: 251) { nodes { id } } }")
    assert "between 0 and 250" in body["errors"][0]["message"]


# -- GraphQL's nulls ---------------------------------------------------------------------------

def test_a_null_in_a_non_null_field_nulls_the_whole_page(emu):
    good = emu.add_order(lines=[("SKU-1", 1, "1.00")])
    bad = emu.add_order(lines=[("SKU-1", 1, "1.00")])
    emu.malform(bad, "name")
    _, body = ask(emu, "{ orders(first: 5) { nodes { id name } } }")
    # Order.name! -> the order -> nodes: [Order!]! -> orders: OrderConnection! -> data
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "Cannot return null for non-nullable field Order.name."
    assert error["path"] == ["orders", "nodes", 1, "name"]
    _, alone = ask(emu, "query($id: ID!) { order(id: $id) { id name } }", {"id": bad["id"]})
    assert alone["data"] == {"order": None}  # order(id:) is nullable: only it is lost
    _, other = ask(emu, "query($id: ID!) { order(id: $id) { name } }", {"id": good["id"]})
    assert other["data"] == {"order": {"name": good["name"]}}


# -- what is still to ship -----------------------------------------------------------------------

LINES = """query($id: ID!) { order(id: $id) {
  displayFulfillmentStatus
  lineItems(first: 10) { nodes { sku quantity currentQuantity unfulfilledQuantity
    refundableQuantity nonFulfillableQuantity requiresShipping isGiftCard } }
  fulfillmentOrders(first: 5) { nodes { status
    lineItems(first: 10) { nodes { remainingQuantity totalQuantity lineItem { sku } } } } } } }"""


def test_shipped_refunded_and_gift_card_units_show_in_every_quantity(emu):
    o = emu.add_order(lines=[("SKU-1", 3, "10.00"), ("SKU-2", 2, "5.00")])
    emu.fulfil(o, {"SKU-1": 1})
    emu.refund_units(o, "SKU-2", 1)
    emu.add_gift_card(o)
    order = ask(emu, LINES, {"id": o["id"]})[1]["data"]["order"]
    assert order["displayFulfillmentStatus"] == "PARTIALLY_FULFILLED"
    assert [tuple(l.values()) for l in order["lineItems"]["nodes"]] == [
        # sku, quantity, current, unfulfilled, refundable, non-fulfillable, ships, gift card
        ("SKU-1", 3, 3, 2, 3, 0, True, False),
        ("SKU-2", 2, 1, 1, 1, 1, True, False),
        (None, 1, 1, 0, 1, 0, False, True)]
    shipping, cards = order["fulfillmentOrders"]["nodes"]
    assert shipping["status"] == "IN_PROGRESS" and cards["status"] == "CLOSED"
    assert [(i["lineItem"]["sku"], i["remainingQuantity"], i["totalQuantity"])
            for i in shipping["lineItems"]["nodes"]] == [("SKU-1", 2, 3), ("SKU-2", 1, 1)]


# -- bulk operations ---------------------------------------------------------------------------

BULK = """mutation($q: String!) { bulkOperationRunQuery(query: $q) {
  bulkOperation { id status } userErrors { field message code } } }"""
ORDERS_WITH_LINES = "{ orders { edges { node { id name lineItems { edges { node { id sku } } } } } } }"
POLL = "query($id: ID!) { node(id: $id) { ... on BulkOperation { status objectCount " \
       "rootObjectCount url } } }"


def test_a_bulk_query_runs_then_serves_jsonl_with_parent_ids(emu):
    a = emu.add_order(lines=[("SKU-1", 1, "1.00"), ("SKU-2", 1, "1.00")])
    b = emu.add_order(lines=[("SKU-1", 2, "1.00")])
    _, started = ask(emu, BULK, {"q": ORDERS_WITH_LINES})
    assert started["extensions"]["cost"]["requestedQueryCost"] == 10
    op = started["data"]["bulkOperationRunQuery"]["bulkOperation"]
    assert op["status"] == "CREATED"
    polls = [ask(emu, POLL, {"id": op["id"]})[1]["data"]["node"] for _ in range(2)]
    assert [p["status"] for p in polls] == ["RUNNING", "COMPLETED"]
    done = polls[-1]
    assert (done["objectCount"], done["rootObjectCount"]) == ("5", "2")
    lines = [json.loads(l) for l in httpx.get(done["url"]).text.splitlines()]
    assert lines[0] == {"id": a["id"], "name": a["name"]}
    assert lines[1] == {"id": a["_lines"][0]["id"], "sku": "SKU-1", "__parentId": a["id"]}
    assert [l.get("__parentId") for l in lines] == [None, a["id"], a["id"], None, b["id"]]


def test_one_bulk_query_at_a_time_before_2026_01_and_one_connection_at_least(emu):
    emu.bulk.polls_to_finish = 5
    ask(emu, BULK, {"q": ORDERS_WITH_LINES})
    _, second = ask(emu, BULK, {"q": ORDERS_WITH_LINES})
    [error] = second["data"]["bulkOperationRunQuery"]["userErrors"]
    assert error["code"] == "OPERATION_IN_PROGRESS"
    current = "{ currentBulkOperation { status } }"
    assert ask(emu, current)[1]["data"]["currentBulkOperation"]["status"] == "RUNNING"
    emu.bulk.polls_to_finish = 0
    ask(emu, current)
    _, flat = ask(emu, BULK, {"q": "{ shop { name } }"})
    assert flat["data"]["bulkOperationRunQuery"]["userErrors"][0]["code"] == "INVALID"


def test_without_grouping_a_bulk_file_promises_no_order_and_lists_children_last(emu):
    a = emu.add_order(lines=[("SKU-1", 1, "1.00")])
    b = emu.add_order(lines=[("SKU-2", 1, "1.00")])
    ungrouped = BULK.replace("bulkOperationRunQuery(query: $q)",
                             "bulkOperationRunQuery(query: $q, groupObjects: false)")
    op = ask(emu, ungrouped, {"q": ORDERS_WITH_LINES})[1]["data"]["bulkOperationRunQuery"]
    done = [ask(emu, POLL, {"id": op["bulkOperation"]["id"]})[1] for _ in range(2)][-1]
    lines = [json.loads(l) for l in httpx.get(done["data"]["node"]["url"]).text.splitlines()]
    assert [l.get("__parentId") for l in lines] == [None, None, a["id"], b["id"]]
