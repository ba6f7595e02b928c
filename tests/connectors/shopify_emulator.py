"""A local Shopify GraphQL Admin API: it EXECUTES the documents it is sent (graphql-core)
against shopify_admin.graphql, so a field, argument or type the real API does not have fails
validation here as it would there. Also: X-Shopify-Access-Token auth (401), JSON content type
(400), calculated query cost with extensions.cost.throttleStatus and a leaky bucket (THROTTLED,
MAX_COST_EXCEEDED), keyset cursors over (updated_at, id), and the mutations the connector uses
with userErrors. Knobs let tests inject 429s, 5xx and latency."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from copy import deepcopy
from datetime import datetime, timedelta, timezone
from pathlib import Path

from graphql import (
    FieldNode, FragmentSpreadNode, GraphQLObjectType, InlineFragmentNode, OperationType,
    build_schema, execute, get_named_type, is_leaf_type, parse, validate,
)

from tests.connectors.emulator_http import Request, Response, serve

SCHEMA = build_schema((Path(__file__).with_name("shopify_admin.graphql")).read_text())
TOKEN = "shpat_" + "0123456789abcdef" * 2
MAX_PAGE = 250  # connections refuse a larger first/last
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def gid(kind: str, n: int | str) -> str:
    return f"gid://shopify/{kind}/{n}"


def num(global_id: str) -> int:
    return int(str(global_id).rsplit("/", 1)[-1])


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount, currency="USD") -> dict:
    m = {"amount": str(amount), "currencyCode": currency}
    return {"shopMoney": m, "presentmentMoney": m}


def _cursor(updated: str, n: int) -> str:
    return base64.b64encode(json.dumps([updated, n]).encode()).decode()


def _uncursor(text: str) -> tuple[str, int]:
    updated, n = json.loads(base64.b64decode(text))
    return updated, n


def _connection(items: list, first: int | None, after: str | None, key) -> dict:
    if after:
        mark = _uncursor(after)
        items = [i for i in items if key(i) > mark]
    first = 50 if first is None else first
    if not 0 <= first <= MAX_PAGE:
        raise ValueError(f"The page size must be between 0 and {MAX_PAGE} (got {first}).")
    page = items[:first]
    edges = [{"cursor": _cursor(*key(i)), "node": i} for i in page]
    return {"edges": edges, "nodes": page,
            "pageInfo": {"hasNextPage": len(items) > first, "hasPreviousPage": bool(after),
                         "startCursor": edges[0]["cursor"] if edges else None,
                         "endCursor": edges[-1]["cursor"] if edges else None}}


class ShopifyEmulator:
    """One shop. `orders` maps numeric id -> a GraphQL-shaped Order dict (private keys start
    with "_"); `variants` maps SKU -> {"id", "item", "levels": {location gid: available}}."""

    def __init__(self, *, max_available: float = 1000.0, restore_rate: float = 100.0,
                 api_version: str = "2025-10", location_id: str = gid("Location", 1)):
        self.orders: dict[int, dict] = {}
        self.variants: dict[str, dict] = {}
        self.location_id = location_id
        self.max_available, self.restore_rate = max_available, restore_rate
        self._available, self._at = max_available, time.monotonic()
        self.api_version = api_version
        self.token = TOKEN
        self.latency = 0.0
        self.inject: list[tuple[int, dict]] = []  # (status, headers) answered before real work
        self.log: list[dict] = []  # every document executed: {"query", "variables", "cost"}
        self.fulfillments: list[dict] = []
        self.refunds: list[dict] = []
        self.lock = threading.RLock()
        self._next_id = 450789469
        self.server, self.url = None, None

    # -- data ----------------------------------------------------------------------------------
    def add_order(self, *, lines: list[tuple[str, int, str]], updated_at: datetime | None = None,
                  email: str | None = "buyer@example.com", address: dict | None = None,
                  financial: str = "PAID", currency: str = "USD", **extra) -> dict:
        with self.lock:
            self._next_id += 1
            n = self._next_id
            created = updated_at or datetime.now(timezone.utc)
            order = {
                "id": gid("Order", n), "name": f"#{n - 450788468}", "email": email,
                "createdAt": iso(created), "updatedAt": iso(created), "processedAt": iso(created),
                "cancelledAt": None, "cancelReason": None, "closed": False, "closedAt": None,
                "currencyCode": currency, "displayFinancialStatus": financial,
                "displayFulfillmentStatus": "UNFULFILLED", "note": None, "tags": [],
                "test": False, "customer": None,
                "shippingAddress": address if address is not None else default_address(),
                "billingAddress": {"id": gid("MailingAddress", n), "countryCodeV2": "US"},
                "shippingLine": {"id": None, "title": "Standard", "code": "STANDARD",
                                 "originalPriceSet": money("5.00", currency)},
                "fulfillments": [], "refunds": [], "_lines": [],
            }
            if email:
                order["customer"] = {"id": gid("Customer", n), "firstName": "Bob",
                                     "lastName": "Norman", "displayName": "Bob Norman",
                                     "email": email, "phone": None}
            order.update(extra)
            self.set_lines(order, lines)
            self.orders[n] = order
            return order

    def set_lines(self, order: dict, lines: list[tuple[str, int, str]]) -> None:
        n = num(order["id"])
        order["_lines"] = [{
            "id": gid("LineItem", n * 100 + i), "sku": sku, "title": f"Item {sku}",
            "name": f"Item {sku}", "quantity": qty, "currentQuantity": qty,
            "originalUnitPriceSet": money(price, order["currencyCode"]),
            "totalDiscountSet": money("0.00", order["currencyCode"]),
            "taxLines": [], "variant": None, "_fulfilled": 0,
        } for i, (sku, qty, price) in enumerate(lines, start=1)]
        self._totals(order)

    def _totals(self, order: dict) -> None:
        cur = order["currencyCode"]
        try:
            sub = sum(float(l["originalUnitPriceSet"]["shopMoney"]["amount"]) * l["quantity"]
                      for l in order["_lines"])
        except ValueError:
            sub = 0.0
        order["subtotalPriceSet"] = money(f"{sub:.2f}", cur)
        order["totalShippingPriceSet"] = money("5.00", cur)
        order["totalTaxSet"] = money("0.00", cur)
        order["totalDiscountsSet"] = money("0.00", cur)
        order["totalPriceSet"] = money(f"{sub + 5:.2f}", cur)

    def touch(self, order: dict, seconds: float = 1.0) -> None:
        """Mark an order changed now (or `seconds` after its last change, if that is later)."""
        last = datetime.fromisoformat(order["updatedAt"].replace("Z", "+00:00"))
        order["updatedAt"] = iso(max(datetime.now(timezone.utc), last + timedelta(seconds=seconds)))

    def add_variant(self, sku: str, available: int | None = 0) -> dict:
        n = len(self.variants) + 1
        v = {"id": gid("ProductVariant", n), "sku": sku, "title": sku,
             "inventoryItem": {"id": gid("InventoryItem", n), "sku": sku, "tracked": True},
             "_levels": {self.location_id: available}}
        self.variants[sku] = v
        return v

    def available(self, sku: str) -> int | None:
        return self.variants[sku]["_levels"].get(self.location_id)

    # -- HTTP ----------------------------------------------------------------------------------
    def start(self) -> "ShopifyEmulator":
        self.server, self.url = serve(self.handle)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def handle(self, req: Request) -> Response:
        if self.latency:
            time.sleep(self.latency)
        if not re.fullmatch(r"/admin/api/\d{4}-\d{2}/graphql\.json", req.path):
            return Response(404, {"errors": "Not Found"})
        if req.headers.get("X-Shopify-Access-Token") != self.token:
            return Response(401, {"errors": INVALID_TOKEN})
        if not (req.headers.get("Content-Type") or "").startswith("application/json"):
            return Response(400, {"errors": "Content-Type must be application/json"})
        with self.lock:
            if self.inject:
                status, headers = self.inject.pop(0)
                return Response(status, {"errors": "injected"}, headers)
            body = req.json()
            return Response(200, self.run(body.get("query", ""), body.get("variables") or {}))

    # -- GraphQL -------------------------------------------------------------------------------
    def run(self, query: str, variables: dict) -> dict:
        try:
            document = parse(query)
        except Exception as exc:  # noqa: BLE001 - a syntax error is the client's answer
            return {"errors": [{"message": str(exc)}]}
        errors = validate(SCHEMA, document)
        if errors:
            return {"errors": [{"message": e.message} for e in errors]}
        cost = query_cost(document, variables)
        self._restore()
        if cost > self.max_available:
            return {"errors": [{"message": f"Query cost is {cost}, which exceeds the single "
                                f"query max cost limit ({int(self.max_available)}).",
                                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost,
                                               "maxCost": self.max_available}}],
                    "extensions": {"cost": self._cost(cost, None)}}
        if cost > self._available:
            return {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                    "extensions": {"cost": self._cost(cost, None)}}
        self._available -= cost
        self.log.append({"query": query, "variables": variables, "cost": cost})
        result = execute(SCHEMA, document, root_value=self, variable_values=variables,
                         is_awaitable=_never)
        out: dict = {"data": result.data}
        if result.errors:
            out["errors"] = [{"message": e.message, "path": e.path} for e in result.errors]
        out["extensions"] = {"cost": self._cost(cost, cost)}
        return out

    def _restore(self) -> None:
        now = time.monotonic()
        self._available = min(self.max_available,
                              self._available + (now - self._at) * self.restore_rate)
        self._at = now

    def _cost(self, requested: int, actual: int | None) -> dict:
        return {"requestedQueryCost": requested, "actualQueryCost": actual,
                "throttleStatus": {"maximumAvailable": float(self.max_available),
                                   "currentlyAvailable": float(int(self._available)),
                                   "restoreRate": float(self.restore_rate)}}

    def drain(self, to: float = 0.0) -> None:
        """Empty the bucket (tests of throttling)."""
        with self.lock:
            self._restore()
            self._available = to


def default_address() -> dict:
    return {"id": gid("MailingAddress", 1), "name": "Bob Norman", "firstName": "Bob",
            "lastName": "Norman", "company": None, "address1": "Chestnut Street 92",
            "address2": "", "city": "Louisville", "province": "Kentucky",
            "provinceCode": "KY", "zip": "40202", "country": "United States",
            "countryCodeV2": "US", "phone": "555-625-1199"}


# -- calculated query cost: object 1, scalar/enum 0, connection 2 + first × node, mutation 10 --

def query_cost(document, variables: dict) -> int:
    fragments = {d.name.value: d for d in document.definitions
                 if d.kind == "fragment_definition"}
    total = 0
    for op in (d for d in document.definitions if d.kind == "operation_definition"):
        root = SCHEMA.mutation_type if op.operation == OperationType.MUTATION else SCHEMA.query_type
        if op.operation == OperationType.MUTATION:
            total += 10 * len(op.selection_set.selections)
        else:
            total += _selection_cost(op.selection_set, root, variables, fragments)
    return total


def _fields(selection_set, fragments):
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            yield sel
        elif isinstance(sel, InlineFragmentNode):
            yield from _fields(sel.selection_set, fragments)
        elif isinstance(sel, FragmentSpreadNode):
            yield from _fields(fragments[sel.name.value].selection_set, fragments)


def _arg(node: FieldNode, name: str, variables: dict):
    for a in node.arguments:
        if a.name.value == name:
            v = a.value
            return variables.get(v.name.value) if v.kind == "variable" else int(v.value)
    return None


def _selection_cost(selection_set, parent: GraphQLObjectType, variables, fragments) -> int:
    total = 0
    for node in _fields(selection_set, fragments):
        if node.name.value.startswith("__"):
            continue
        ftype = get_named_type(parent.fields[node.name.value].type)
        if is_leaf_type(ftype):
            continue
        inner = _selection_cost(node.selection_set, ftype, variables, fragments)
        if ftype.name.endswith("Connection"):
            first = _arg(node, "first", variables) or _arg(node, "last", variables) or 50
            total += 2 + first * _node_cost(node, ftype, variables, fragments)
        else:
            total += 1 + inner
    return total


def _node_cost(conn_node: FieldNode, conn_type, variables, fragments) -> int:
    best = 0
    for child in _fields(conn_node.selection_set, fragments):
        name = child.name.value
        if name == "nodes":
            t = get_named_type(conn_type.fields["nodes"].type)
            best = max(best, 1 + _selection_cost(child.selection_set, t, variables, fragments))
        elif name == "edges":
            edge = get_named_type(conn_type.fields["edges"].type)
            for sub in _fields(child.selection_set, fragments):
                if sub.name.value == "node":
                    t = get_named_type(edge.fields["node"].type)
                    best = max(best, 1 + _selection_cost(sub.selection_set, t, variables,
                                                         fragments))
    return best


# -- resolvers: the emulator itself is the root value -------------------------------------------

def _on(type_name: str, field: str):
    def attach(fn):
        SCHEMA.type_map[type_name].fields[field].resolve = fn
        return fn
    return attach


def _public(order: dict) -> dict:
    return order


@_on("QueryRoot", "shop")
def _shop(emu, info):
    return {"id": gid("Shop", 1), "name": "Emulated shop", "myshopifyDomain": "emulated.myshopify.com",
            "currencyCode": "USD"}


@_on("QueryRoot", "order")
def _order(emu, info, id):
    return emu.orders.get(num(id)) if id.startswith("gid://shopify/Order/") else None


_FILTER = re.compile(r"updated_at:(>=|<=|>|<)'?([0-9T:\-+.Z]+)'?")


@_on("QueryRoot", "orders")
def _orders(emu, info, first=None, after=None, query=None, sortKey=None, reverse=False, **_):
    items = list(emu.orders.values())
    for op, value in _FILTER.findall(query or ""):
        mark = datetime.fromisoformat(value.replace("Z", "+00:00"))
        items = [o for o in items if _compare(_dt(o["updatedAt"]), op, mark)]
    if sortKey == "UPDATED_AT":
        key = lambda o: (o["updatedAt"], num(o["id"]))  # noqa: E731
    else:
        key = lambda o: ("", num(o["id"]))  # noqa: E731
    items.sort(key=key)
    return _connection(items, first, after, key)


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _compare(a, op, b) -> bool:
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]


@_on("QueryRoot", "productVariants")
def _variants(emu, info, first=None, after=None, query=None):
    skus = set(re.findall(r"sku:'?([^' )]+)'?", query or ""))
    items = [v for s, v in emu.variants.items() if not skus or s in skus]
    return _connection(items, first, after, lambda v: ("", num(v["id"])))


@_on("Order", "lineItems")
def _line_items(order, info, first=None, after=None):
    return _connection(order["_lines"], first, after, lambda l: ("", num(l["id"])))


@_on("Order", "fulfillmentOrders")
def _fulfillment_orders(order, info, first=None, after=None):
    n = num(order["id"])
    open_lines = [{"id": gid("FulfillmentOrderLineItem", num(l["id"])),
                   "remainingQuantity": l["quantity"] - l["_fulfilled"],
                   "totalQuantity": l["quantity"], "lineItem": l} for l in order["_lines"]]
    status = "CLOSED" if all(x["remainingQuantity"] == 0 for x in open_lines) else "OPEN"
    if order["cancelledAt"]:
        status = "CANCELLED"
    fo = {"id": gid("FulfillmentOrder", n), "status": status, "_lines": open_lines}
    return _connection([fo], first, after, lambda f: ("", num(f["id"])))


@_on("FulfillmentOrder", "lineItems")
def _fo_lines(fo, info, first=None, after=None):
    return _connection(fo["_lines"], first, after, lambda l: ("", num(l["id"])))


@_on("Order", "fulfillments")
def _fulfillments(order, info, first=None):
    return order["fulfillments"][:first] if first else order["fulfillments"]


@_on("LineItem", "taxLines")
def _tax_lines(line, info, first=None):
    return line["taxLines"]


@_on("InventoryItem", "inventoryLevel")
def _level(item, info, locationId):
    emu = info.root_value
    variant = emu.variants[item["sku"]]
    if locationId not in variant["_levels"]:
        return None
    return {"id": f"{locationId}?item={item['id']}", "_q": variant["_levels"][locationId]}


@_on("InventoryLevel", "quantities")
def _quantities(level, info, names):
    return [{"id": f"{level['id']}&name={n}", "name": n,
             "quantity": level["_q"] or 0} for n in names if n in ("available", "on_hand")]


@_on("ProductVariant", "inventoryItem")
def _item(variant, info):
    return variant["inventoryItem"]


# -- mutations ---------------------------------------------------------------------------------

def _err(message: str, field=None, code=None) -> dict:
    e = {"field": field, "message": message}
    if code:
        e["code"] = code
    return e


@_on("Mutation", "fulfillmentCreate")
def _fulfillment_create(emu, info, fulfillment, message=None):
    groups = fulfillment["lineItemsByFulfillmentOrder"]
    plan = []
    for g in groups:
        order = emu.orders.get(num(g["fulfillmentOrderId"]))
        if order is None:
            return {"fulfillment": None, "userErrors": [_err("Fulfillment order does not exist.",
                                                             ["fulfillment"])]}
        by_id = {gid("FulfillmentOrderLineItem", num(l["id"])): l for l in order["_lines"]}
        wanted = g.get("fulfillmentOrderLineItems") or [
            {"id": k, "quantity": l["quantity"] - l["_fulfilled"]} for k, l in by_id.items()]
        for w in wanted:
            line = by_id.get(w["id"])
            if line is None or w["quantity"] > line["quantity"] - line["_fulfilled"]:
                return {"fulfillment": None, "userErrors": [_err(
                    "Invalid fulfillment order line item quantity requested.", ["fulfillment"])]}
            plan.append((line, w["quantity"]))
    for line, qty in plan:
        line["_fulfilled"] += qty
    order["displayFulfillmentStatus"] = (
        "FULFILLED" if all(l["_fulfilled"] == l["quantity"] for l in order["_lines"])
        else "PARTIALLY_FULFILLED")
    emu.touch(order)
    tracking = fulfillment.get("trackingInfo") or {}
    record = {"id": gid("Fulfillment", len(emu.fulfillments) + 1), "status": "SUCCESS",
              "createdAt": iso(datetime.now(timezone.utc)),
              "trackingInfo": [{"company": tracking.get("company"),
                                "number": tracking.get("number"), "url": tracking.get("url")}],
              "_order": order["id"], "_lines": [(l["id"], q) for l, q in plan]}
    order["fulfillments"].append(record)
    emu.fulfillments.append(record)
    return {"fulfillment": record, "userErrors": []}


def _needs_idempotency(emu) -> bool:
    return emu.api_version >= "2026-04"


@_on("Mutation", "inventorySetQuantities")
def _inventory_set(emu, info, input):
    directives = [d.name.value for d in info.field_nodes[0].directives]
    if _needs_idempotency(emu) and "idempotent" not in directives:
        raise ValueError("The @idempotent directive is required for this mutation.")
    if input["name"] not in ("available", "on_hand"):
        return {"inventoryAdjustmentGroup": None, "userErrors": [_err(
            "The quantity name must be available or on_hand.", ["input", "name"], "INVALID_NAME")]}
    by_item = {v["inventoryItem"]["id"]: v for v in emu.variants.values()}
    changes, errors = [], []
    for i, q in enumerate(input["quantities"]):
        v = by_item.get(q["inventoryItemId"])
        field = ["input", "quantities", str(i)]
        if v is None:
            errors.append(_err("The specified inventory item could not be found.", field,
                               "INVALID_INVENTORY_ITEM"))
        elif q["locationId"] not in v["_levels"]:
            errors.append(_err("The specified inventory item is not stocked at the location.",
                               field, "ITEM_NOT_STOCKED_AT_LOCATION"))
        elif not input.get("ignoreCompareQuantity") and q.get("compareQuantity") is None:
            errors.append(_err("A compareQuantity is required.", field,
                               "COMPARE_QUANTITY_REQUIRED"))
        elif not input.get("ignoreCompareQuantity") and \
                q["compareQuantity"] != (v["_levels"][q["locationId"]] or 0):
            errors.append(_err("The compareQuantity argument no longer matches the persisted "
                               "quantity.", field, "COMPARE_QUANTITY_STALE"))
        elif q["quantity"] < 0 and input["name"] == "on_hand":
            errors.append(_err("The quantity can't be negative.", field,
                               "INVALID_QUANTITY_NEGATIVE"))
        else:
            changes.append((v, q))
    if errors:
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    out = []
    for v, q in changes:
        before = v["_levels"][q["locationId"]] or 0
        v["_levels"][q["locationId"]] = q["quantity"]
        out.append({"name": input["name"], "delta": q["quantity"] - before,
                    "quantityAfterChange": q["quantity"], "item": v["inventoryItem"]})
    group = {"id": gid("InventoryAdjustmentGroup", len(emu.log)), "reason": input["reason"],
             "createdAt": iso(datetime.now(timezone.utc)), "changes": out}
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


@_on("Mutation", "refundCreate")
def _refund_create(emu, info, input):
    order = emu.orders.get(num(input["orderId"]))
    if order is None:
        return {"order": None, "refund": None, "userErrors": [_err("Order does not exist",
                                                                   ["orderId"])]}
    lines = {l["id"]: l for l in order["_lines"]}
    total = 0.0
    for r in input.get("refundLineItems") or []:
        line = lines.get(r["lineItemId"])
        if line is None or r["quantity"] > line["quantity"]:
            return {"order": None, "refund": None, "userErrors": [_err(
                "Quantity cannot refund more items than were purchased",
                ["refundLineItems", "quantity"])]}
        total += float(line["originalUnitPriceSet"]["shopMoney"]["amount"]) * r["quantity"]
    for t in input.get("transactions") or []:
        total = float(t["amount"])
    refund = {"id": gid("Refund", len(emu.refunds) + 1), "note": input.get("note"),
              "createdAt": iso(datetime.now(timezone.utc)),
              "totalRefundedSet": money(f"{total:.2f}", order["currencyCode"]),
              "_input": deepcopy(input)}
    emu.refunds.append(refund)
    order["refunds"].append(refund)
    order["displayFinancialStatus"] = "PARTIALLY_REFUNDED"
    emu.touch(order)
    return {"order": order, "refund": refund, "userErrors": []}


@_on("Mutation", "orderCancel")
def _order_cancel(emu, info, orderId, reason, refund, restock, notifyCustomer=None,
                  staffNote=None):
    order = emu.orders.get(num(orderId))
    if order is None:
        return {"job": None, "userErrors": [], "orderCancelUserErrors": [
            _err("Order not found", ["orderId"], "NOT_FOUND")]}
    if order["cancelledAt"]:
        return {"job": None, "userErrors": [], "orderCancelUserErrors": [
            _err("Order has already been cancelled", ["orderId"], "INVALID")]}
    order["cancelledAt"] = iso(datetime.now(timezone.utc))
    order["cancelReason"] = reason
    order["closed"] = True
    emu.touch(order)
    return {"job": {"id": gid("Job", num(orderId)), "done": False}, "userErrors": [],
            "orderCancelUserErrors": []}


def _never(value) -> bool:
    """Every resolver here is synchronous: skip graphql-core's awaitable checks."""
    return False


def main() -> None:
    """`python -m tests.connectors.shopify_emulator --orders N`: serve a shop with N orders in
    its own process (benchmarks: the remote side must not share our interpreter's GIL) until
    stdin closes; the first line printed is the base URL."""
    import argparse
    import sys

    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=0)
    args = ap.parse_args()
    emu = ShopifyEmulator(max_available=1e9, restore_rate=1e9).start()
    start = datetime(2026, 9, 1, tzinfo=timezone.utc)
    for i in range(args.orders):
        emu.add_order(lines=[("SKU-1", 1 + i % 3, "12.50"), ("SKU-2", 1, "3.99")],
                      updated_at=start + timedelta(seconds=60 * i), email=f"buyer{i % 4000}@example.com")
    print(emu.url, flush=True)
    sys.stdin.read()
    emu.stop()


if __name__ == "__main__":
    main()
