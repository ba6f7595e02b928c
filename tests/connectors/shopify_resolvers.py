"""Query resolvers of the emulated Admin API. The emulator is the root value; fields not listed
here are read from the dicts by graphql-core's default resolver (a missing key is null)."""

from __future__ import annotations

import re
from datetime import datetime

from tests.connectors.shopify_schema import connection, gid, num, on, when
from tests.connectors.shopify_store import current, unfulfilled

_FILTER = re.compile(r"updated_at:(>=|<=|>|<)'?([0-9T:\-+.Z]+)'?")


@on("QueryRoot", "shop")
def _shop(emu, info):
    return {"id": gid("Shop", 1), "name": "Emulated shop",
            "myshopifyDomain": "emulated.myshopify.com", "currencyCode": "USD"}


@on("QueryRoot", "order")
def _order(emu, info, id):
    return emu.orders.get(num(id)) if id.startswith("gid://shopify/Order/") else None


@on("QueryRoot", "node")
def _node(emu, info, id):
    if id.startswith("gid://shopify/BulkOperation/"):
        return emu.bulk.find(id)
    return _order(emu, info, id)


def _matching(emu, query: str | None) -> list[dict]:
    items = list(emu.orders.values())
    for op, value in _FILTER.findall(query or ""):
        items = [o for o in items if _compare(when(o["updatedAt"]), op, when(value))]
    return items


@on("QueryRoot", "ordersCount")
def _orders_count(emu, info, query=None, limit=10000, savedSearchId=None):
    """Counted up to `limit` (None: no limit); AT_LEAST when the limit was reached."""
    count = len(_matching(emu, query))
    if limit is not None and count >= limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": count, "precision": "EXACT"}


@on("QueryRoot", "orders")
def _orders(emu, info, first=None, after=None, query=None, sortKey=None, reverse=False,
            last=None, **_):
    items = _matching(emu, query)
    if sortKey == "UPDATED_AT":
        key = lambda o: (o["updatedAt"], num(o["id"]))  # noqa: E731
    else:
        key = lambda o: ("", num(o["id"]))  # noqa: E731
    items.sort(key=key)
    return connection(info, items, first, after, key, last)


def _compare(a: datetime, op: str, b: datetime) -> bool:
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]


@on("QueryRoot", "productVariants")
def _variants(emu, info, first=None, after=None, query=None):
    skus = set(re.findall(r"sku:'?([^' )]+)'?", query or ""))
    items = [v for s, v in emu.variants.items() if not skus or s in skus]
    return connection(info, items, first, after, lambda v: ("", num(v["id"])))


@on("QueryRoot", "products")
def _products(emu, info, first=None, after=None, last=None, before=None, query=None,
              sortKey=None, reverse=False):
    items = list(emu.products.values())
    for op, value in _FILTER.findall(query or ""):
        items = [p for p in items if _compare(when(p["updatedAt"]), op, when(value))]
    if sortKey == "UPDATED_AT":
        key = lambda p: (p["updatedAt"], num(p["id"]))  # noqa: E731
    else:
        key = lambda p: ("", num(p["id"]))  # noqa: E731
    items.sort(key=key)
    return connection(info, items, first, after, key, last)


@on("QueryRoot", "product")
def _product(emu, info, id):
    return emu.products.get(num(id)) if id.startswith("gid://shopify/Product/") else None


@on("Product", "variants")
def _product_variants(product, info, first=None, after=None, last=None, before=None):
    return connection(info, product["_variants"], first, after, lambda v: ("", num(v["id"])),
                      last)


@on("Order", "lineItems")
def _line_items(order, info, first=None, after=None):
    return connection(info, order["_lines"], first, after, lambda l: ("", num(l["id"])))


@on("Order", "fulfillmentOrders")
def _fulfillment_orders(order, info, first=None, after=None):
    return connection(info, info.root_value.fulfillment_orders(order), first, after,
                      lambda f: ("", num(f["id"])))


@on("FulfillmentOrder", "lineItems")
def _fo_lines(fo, info, first=None, after=None):
    return connection(info, fo["_lines"], first, after, lambda l: ("", num(l["id"])))


@on("Order", "fulfillments")
def _fulfillments(order, info, first=None):
    return order["fulfillments"][:first] if first else order["fulfillments"]


@on("Order", "refunds")
def _refunds(order, info, first=None):
    return order["refunds"][:first] if first else order["refunds"]


@on("LineItem", "taxLines")
def _tax_lines(line, info, first=None):
    return line["taxLines"]


@on("LineItem", "currentQuantity")
def _current(line, info):
    return current(line)


@on("LineItem", "unfulfilledQuantity")
def _unfulfilled(line, info):
    return unfulfilled(line)


@on("LineItem", "nonFulfillableQuantity")
def _non_fulfillable(line, info):
    return line["_removed"]


@on("LineItem", "refundableQuantity")
def _refundable(line, info):
    return current(line)


@on("InventoryItem", "inventoryLevel")
def _level(item, info, locationId):
    variant = info.root_value.variants[item["sku"]]
    if locationId not in variant["_levels"]:
        return None
    return {"id": f"{locationId}?item={item['id']}", "_q": variant["_levels"][locationId]}


@on("InventoryLevel", "quantities")
def _quantities(level, info, names):
    return [{"id": f"{level['id']}&name={n}", "name": n,
             "quantity": level["_q"] or 0} for n in names if n in ("available", "on_hand")]


@on("ProductVariant", "inventoryItem")
def _item(variant, info):
    return variant["inventoryItem"]
