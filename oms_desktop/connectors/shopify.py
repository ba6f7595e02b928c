"""Shopify through the GraphQL Admin API (required for new apps since April 2025): orders by
cursor pagination filtered on updated_at, every query sized to fit Shopify's cost limit and
paced by its bucket (shopify_graphql.py), large imports as bulk operations (shopify_bulk.py),
fulfilment orders + fulfillmentCreate with tracking, inventorySetQuantities (compare-and-set,
idempotency key), refundCreate, orderCancel; and webhook HMAC checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
import uuid
from datetime import datetime
from typing import Any, Iterator, Sequence

from oms_desktop.connectors import shopify_queries as Q
from oms_desktop.connectors.base import PATIENCE_S, Connector, ConnectorError
from oms_desktop.connectors.dto import (
    Failure, FulfilmentLine, OrderDTO, Page, ProductPage, PushResult, StockLevelDTO,
)
from oms_desktop.connectors.shopify_bulk import BulkBusy, bulk_pages
from oms_desktop.connectors.shopify_cost import fit
from oms_desktop.connectors.shopify_graphql import QueryTooCostly, ShopifyGraphQL, refusal
from oms_desktop.connectors.shopify_orders import iso, page_of, parse_order, when
from oms_desktop.connectors.shopify_products import product_pages
from oms_desktop.plugins.errors import Permanent
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

log = logging.getLogger(__name__)

CANCEL_REASONS = ("CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF")
LINE_ITEMS_PER_ORDER = 10  # more come by MORE_LINES; 14 orders a page fit 1,000 points
BULK_FROM = 2000  # orders left after the first page from which a bulk export is faster
FO_PAGE, FO_LINES, FO_MORE_LINES = 5, 50, 250  # 518 and 506 points


def verify_webhook(raw_body: bytes, hmac_header: str | None, secret: str) -> bool:
    """X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(app secret, raw body)); constant-time."""
    if not hmac_header:
        return False
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), hmac_header.strip())


class ShopifyConnector(Connector):
    kind = "shopify"
    title = "Shopify"
    SETTINGS = (
        SettingField("shop_url", "Shop address", "url",
                     help="https://your-shop.myshopify.com"),
        SettingField("access_token", "Admin API access token", "secret", secret=True,
                     help="shpat_… from the custom app"),
        SettingField("api_version", "API version", default="2025-10"),
        SettingField("location_id", "Stock location id", required=False,
                     help="gid://shopify/Location/… that gets our available-to-sell"),
        SettingField("page_size", "Orders per page (at most)", "int", default=250,
                     help="fewer when a page would pass Shopify's query cost limit"),
        SettingField("webhook_secret", "Webhook signing secret", "secret", required=False,
                     secret=True),
    )
    bulk_from = BULK_FROM

    def __init__(self, settings, secrets, *, sleep=time.sleep):
        super().__init__(settings, secrets)
        version = self.settings.get("api_version") or "2025-10"
        self.http = PluginHttp(self.settings["shop_url"].rstrip("/"), title="Shopify",
                               sleep=sleep, patience=PATIENCE_S, headers={
            "X-Shopify-Access-Token": self.secrets.get("access_token", ""),
            "Content-Type": "application/json"})
        self.gql = ShopifyGraphQL(self.http, f"/admin/api/{version}/graphql.json")
        self.page_size = min(250, int(self.settings.get("page_size") or 250))
        self._items: dict[str, str] = {}

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        return self.gql.data(query, variables)

    # -- reading ------------------------------------------------------------------------------
    def test_connection(self) -> str:
        shop = self.graphql(Q.SHOP)["shop"]
        return f"{shop['name']} ({shop['myshopifyDomain']}, {shop['currencyCode']})"

    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        """Page by page; when the first page shows that many orders follow, the rest comes
        as one bulk export instead."""
        search = _search(since)
        for number, (page, more) in enumerate(self._pages(search)):
            yield page
            if number == 0 and more and self._many_after(page.high_water):
                try:
                    yield from bulk_pages(self.gql, _search(page.high_water))
                    return
                except BulkBusy as exc:  # another export of ours runs: page through instead
                    log.info("Shopify bulk export not started (%s); paging", exc)

    def _pages(self, search: str | None) -> Iterator[tuple[Page, bool]]:
        after, more = None, True
        while more:
            page, after, more = self._page_at(search, after)
            yield page, more

    def _page_at(self, search: str | None, after: str | None) -> tuple[Page, str, bool]:
        size = self._page_size()
        try:
            body = self.gql.answer(Q.ORDERS, {"first": size, "after": after, "query": search,
                                              "lineItems": LINE_ITEMS_PER_ORDER})
        except QueryTooCostly as exc:  # Shopify counts differently than we did: fit its figure
            self._shrink(exc, size)
            return self._page_at(search, after)
        orders = (body.get("data") or {}).get("orders")
        if orders is None:  # one order nulled the whole page
            return self._one_by_one(search, after, size)
        page = self._page([e["node"] for e in orders["edges"]], body.get("errors") or ())
        return page, orders["pageInfo"]["endCursor"], orders["pageInfo"]["hasNextPage"]

    def _page_size(self) -> int:
        return max(1, fit(Q.ORDERS, {"lineItems": LINE_ITEMS_PER_ORDER}, "first",
                          most=self.page_size))

    def _shrink(self, exc: QueryTooCostly, size: int) -> None:
        per_order = max(1.0, (exc.requested - 2) / size)
        smaller = int((exc.maximum - 2) // per_order)
        if smaller < 1 or smaller >= size:
            raise exc
        self.page_size = smaller

    def _page(self, nodes: list[dict], errors=(), failures=()) -> Page:
        """Nodes an error points at are kept aside with it; the others are taken in."""
        bad = {e["path"][2]: e for e in errors if len(e.get("path") or ()) > 2}
        failures = [*failures, *(Failure.unreadable(
            refusal({"errors": [bad[i]]}), answer={"errors": [bad[i]]}, order=n,
            external_id=n.get("id"), updated_at=when(n.get("updatedAt")))
            for i, n in enumerate(nodes) if i in bad)]
        good = [n for i, n in enumerate(nodes) if i not in bad]
        for node in good:
            self._complete_lines(node)
        return page_of(good, failures)

    def _one_by_one(self, search: str | None, after: str | None,
                    size: int) -> tuple[Page, str, bool]:
        """The page again as ids, then each order alone: `order(id:)` is nullable, so a
        broken order loses only itself. It is kept with Shopify's answer and the reason."""
        ids = self.gql.data(Q.ORDER_IDS, {"first": size, "after": after, "query": search})
        nodes, failures = [], []
        for stub in ids["orders"]["nodes"]:
            body = self.gql.answer(Q.ORDER, {"id": stub["id"],
                                             "lineItems": LINE_ITEMS_PER_ORDER})
            node = (body.get("data") or {}).get("order")
            if body.get("errors") or node is None:
                failures.append(Failure.unreadable(refusal(body), answer=body, order=stub,
                                                   external_id=stub["id"],
                                                   updated_at=when(stub["updatedAt"])))
            else:
                nodes.append(node)
        info = ids["orders"]["pageInfo"]
        return self._page(nodes, failures=failures), info["endCursor"], info["hasNextPage"]

    def _many_after(self, mark: datetime | None) -> bool:
        try:
            left = self.graphql(Q.ORDERS_COUNT, {"query": _search(mark)})["ordersCount"]
        except ConnectorError as exc:  # an API version without ordersCount
            log.info("Shopify ordersCount unavailable (%s); paging", exc)
            return False
        return left["count"] >= self.bulk_from

    def _complete_lines(self, node: dict) -> None:
        items = node.get("lineItems") or {}
        while (items.get("pageInfo") or {}).get("hasNextPage"):
            more = self.graphql(Q.MORE_LINES, {"id": node["id"],
                                               "after": items["pageInfo"]["endCursor"]})
            extra = more["order"]["lineItems"]
            items["nodes"] = items["nodes"] + extra["nodes"]
            items["pageInfo"] = extra["pageInfo"]

    def fetch_order(self, external_id: str) -> OrderDTO:
        node = self.graphql(Q.ORDER, {"id": external_id,
                                      "lineItems": LINE_ITEMS_PER_ORDER})["order"]
        if node is None:
            raise Permanent(f"Shopify has no order {external_id}")
        self._complete_lines(node)
        return self.parse_order(node)

    def parse_order(self, raw: Any) -> OrderDTO:
        return parse_order(raw)

    # -- pushing back -------------------------------------------------------------------------
    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        groups = self._fulfilment_groups(external_id, lines)
        if not groups:
            raise Permanent(f"Shopify order {external_id} has nothing left to fulfil")
        tracking = {k: v for k, v in (("company", carrier), ("number", tracking_number),
                                      ("url", tracking_url)) if v}
        data = self.graphql(Q.FULFILLMENT_CREATE, {"fulfillment": {
            "lineItemsByFulfillmentOrder": groups, "trackingInfo": tracking,
            "notifyCustomer": True}})["fulfillmentCreate"]
        _raise_user_errors(data["userErrors"], external_id)
        return PushResult(external_id, True, reference=data["fulfillment"]["id"])

    def _fulfilment_groups(self, external_id: str, lines: Sequence[FulfilmentLine]) -> list:
        wanted = {l.external_line_id: l.quantity for l in lines}
        groups = []
        for fo in self._fulfillment_orders(external_id):
            if fo["status"] not in ("OPEN", "IN_PROGRESS"):
                continue
            if not wanted:
                groups.append({"fulfillmentOrderId": fo["id"]})
                continue
            items = [{"id": li["id"], "quantity": min(li["remainingQuantity"],
                                                      wanted.get(li["lineItem"]["id"], 0))}
                     for li in fo["lineItems"]["nodes"]]
            items = [i for i in items if i["quantity"] > 0]
            if items:
                groups.append({"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": items})
        return groups

    def _fulfillment_orders(self, external_id: str) -> Iterator[dict]:
        """The order's fulfilment orders with all their lines, a few at a time to stay
        within the cost limit."""
        after, more = None, True
        while more:
            order = self.graphql(Q.FULFILLMENT_ORDERS, {"id": external_id, "orders": FO_PAGE,
                                                        "lines": FO_LINES, "after": after})["order"]
            if order is None:
                raise Permanent(f"Shopify has no order {external_id}")
            connection = order["fulfillmentOrders"]
            for edge in connection["edges"]:
                self._complete_fo_lines(external_id, after, edge["node"]["lineItems"])
                yield edge["node"]
                after = edge["cursor"]
            more = connection["pageInfo"]["hasNextPage"]

    def _complete_fo_lines(self, external_id: str, before: str | None, items: dict) -> None:
        """More lines of the fulfilment order that comes after cursor `before`."""
        while items["pageInfo"]["hasNextPage"]:
            more = self.graphql(Q.FULFILLMENT_ORDER_LINES, {
                "id": external_id, "after": before, "lines": FO_MORE_LINES,
                "linesAfter": items["pageInfo"]["endCursor"]})
            extra = more["order"]["fulfillmentOrders"]["nodes"][0]["lineItems"]
            items["nodes"] = items["nodes"] + extra["nodes"]
            items["pageInfo"] = extra["pageInfo"]

    def fetch_products(self, since: datetime | None) -> Iterator[ProductPage]:
        return product_pages(self.gql, since, most=self.page_size)

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        location = self._location()
        found: dict[str, int | None] = {}
        for chunk in _chunks(list(skus), 50):
            query = " OR ".join(f"sku:'{s}'" for s in chunk)
            data = self.graphql(Q.VARIANTS, {"first": 100, "query": query, "location": location})
            for v in data["productVariants"]["nodes"]:
                self._items[v["sku"]] = v["inventoryItem"]["id"]
                level = v["inventoryItem"]["inventoryLevel"]
                found[v["sku"]] = level["quantities"][0]["quantity"] if level else None
        return found

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        before = self.fetch_inventory([l.sku for l in levels])
        results = {l.sku: PushResult(l.sku, False, error="SKU not found on Shopify")
                   for l in levels if l.sku not in before}
        todo = [l for l in levels if l.sku in before]
        for chunk in _chunks(todo, 100):
            results.update(self._set_quantities(chunk, before))
        return [results[l.sku] for l in levels]

    def _set_quantities(self, levels: list[StockLevelDTO], before: dict) -> dict[str, PushResult]:
        location = self._location()
        quantities = [{"inventoryItemId": self._items[l.sku], "locationId": location,
                       "quantity": l.quantity, "compareQuantity": before[l.sku] or 0}
                      for l in levels]
        data = self.graphql(Q.INVENTORY_SET, {"key": str(uuid.uuid4()), "input": {
            "name": "available", "reason": "correction",
            "referenceDocumentUri": "oms-desktop://available-to-sell",
            "quantities": quantities}})["inventorySetQuantities"]
        bad = {int(e["field"][2]): e["message"] for e in data["userErrors"]
               if e.get("field") and len(e["field"]) > 2}
        if data["userErrors"] and not bad:
            raise ConnectorError("; ".join(e["message"] for e in data["userErrors"]))
        if bad:  # nothing was applied: report the bad ones, push the others again
            good = [l for i, l in enumerate(levels) if i not in bad]
            out = {levels[i].sku: PushResult(levels[i].sku, False, before[levels[i].sku], msg)
                   for i, msg in bad.items()}
            return {**out, **(self._set_quantities(good, before) if good else {})}
        return {l.sku: PushResult(l.sku, True, before[l.sku]) for l in levels}

    def _location(self) -> str:
        location = self.settings.get("location_id")
        if not location:
            raise ConnectorError("Set the Shopify location id (gid://shopify/Location/…) "
                                 "in the channel settings to push stock")
        return location

    def push_cancellation(self, external_id, *, reason="other") -> PushResult:
        reason = reason.upper() if reason.upper() in CANCEL_REASONS else "OTHER"
        data = self.graphql(Q.ORDER_CANCEL, {"orderId": external_id, "reason": reason,
                                             "staffNote": "cancelled in oms-desktop"})
        _raise_user_errors(data["orderCancel"]["orderCancelUserErrors"], external_id)
        return PushResult(external_id, True, reference=data["orderCancel"]["job"]["id"])

    def push_refund(self, external_id, *, lines=(), amount=None, reason=None,
                    key=None) -> PushResult:
        """refundCreate with @idempotent (2026-01+): Shopify answers a repeated key with the
        refund it made the first time."""
        refund: dict = {"orderId": external_id, "note": reason, "notify": True,
                        "refundLineItems": [{"lineItemId": l.external_line_id,
                                             "quantity": l.quantity, "restockType": "RETURN"}
                                            for l in lines]}
        if amount is not None:
            refund["transactions"] = [{"orderId": external_id, "amount": str(amount),
                                       "kind": "REFUND", "gateway": "manual"}]
        data = self.graphql(Q.REFUND_CREATE, {"input": refund,
                                              "key": key or str(uuid.uuid4())})["refundCreate"]
        _raise_user_errors(data["userErrors"], external_id)
        return PushResult(external_id, True, reference=data["refund"]["id"])

    def close(self) -> None:
        self.http.close()


def _raise_user_errors(errors: list, external_id: str) -> None:
    if errors:
        raise Permanent(f"Shopify refused it for {external_id}: "
                        + "; ".join(e["message"] for e in errors))


def _search(since: datetime | None) -> str | None:
    return f"updated_at:>='{iso(since)}'" if since else None


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]
