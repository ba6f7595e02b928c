"""Shopify through the GraphQL Admin API (required for new apps since April 2025): orders by
cursor pagination filtered on updated_at, calculated-cost throttling honoured before each
query, fulfilment orders + fulfillmentCreate with tracking, inventorySetQuantities
(compare-and-set, idempotency key), refundCreate, orderCancel; and webhook HMAC checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Iterator, Sequence

from oms_desktop.connectors import shopify_queries as Q
from oms_desktop.connectors.base import Connector, ConnectorError
from oms_desktop.connectors.dto import (
    AddressDTO, Failure, FulfilmentLine, LineDTO, OrderDTO, Page, PushResult, StockLevelDTO,
    describe_error, high_water,
)
from oms_desktop.plugins.errors import Permanent, RateLimited
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

FINANCIAL = {"PENDING": "pending", "AUTHORIZED": "authorized", "PARTIALLY_PAID": "authorized",
             "PAID": "paid", "PARTIALLY_REFUNDED": "partially_refunded",
             "REFUNDED": "refunded", "VOIDED": "pending", "EXPIRED": "pending"}
FULFILMENT = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial"}
CANCEL_REASONS = ("CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF")
LINE_ITEMS_PER_ORDER = 10
MAX_THROTTLE_WAITS = 20


def verify_webhook(raw_body: bytes, hmac_header: str | None, secret: str) -> bool:
    """X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(app secret, raw body)); constant-time."""
    if not hmac_header:
        return False
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), hmac_header.strip())


class _MaxCost(ConnectorError):
    def __init__(self, requested: float, maximum: float):
        super().__init__(f"Query cost {requested} exceeds Shopify's limit {maximum}")
        self.requested, self.maximum = requested, maximum


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
        SettingField("page_size", "Orders per page", "int", default=250),
        SettingField("webhook_secret", "Webhook signing secret", "secret", required=False,
                     secret=True),
    )

    def __init__(self, settings, secrets, *, sleep=time.sleep):
        super().__init__(settings, secrets)
        version = self.settings.get("api_version") or "2025-10"
        self.endpoint = f"/admin/api/{version}/graphql.json"
        self.http = PluginHttp(self.settings["shop_url"].rstrip("/"), title="Shopify",
                               sleep=sleep, headers={
            "X-Shopify-Access-Token": self.secrets.get("access_token", ""),
            "Content-Type": "application/json"})
        self.page_size = min(250, int(self.settings.get("page_size") or 250))
        self._bucket: dict | None = None
        self._items: dict[str, str] = {}

    # -- transport with cost-based throttling -------------------------------------------------
    def graphql(self, query: str, variables: dict | None = None, *,
                estimate: float | None = None) -> dict:
        for _ in range(MAX_THROTTLE_WAITS):
            self._wait_for(estimate)
            body = self.http.request("POST", self.endpoint,
                                     json={"query": query, "variables": variables or {}}).json()
            cost = (body.get("extensions") or {}).get("cost")
            if cost:
                self._bucket = dict(cost["throttleStatus"], at=time.monotonic())
                estimate = cost.get("requestedQueryCost") or estimate
            code = _error_code(body)
            if code == "THROTTLED":
                continue
            if code == "MAX_COST_EXCEEDED":
                raise _MaxCost(cost["requestedQueryCost"], cost["throttleStatus"]["maximumAvailable"])
            if body.get("errors"):
                raise ConnectorError("Shopify refused the query: "
                                     + "; ".join(e.get("message", "?") for e in body["errors"]))
            return body["data"]
        raise RateLimited("Shopify kept throttling our queries", retry_after=10.0)

    def _wait_for(self, estimate: float | None) -> None:
        """Wait until the bucket has restored enough points for a query of this cost."""
        if not self._bucket or not estimate:
            return
        b = self._bucket
        now_available = min(b["maximumAvailable"], b["currentlyAvailable"]
                            + (time.monotonic() - b["at"]) * b["restoreRate"])
        if estimate > now_available and b["restoreRate"] > 0:
            seconds = (estimate - now_available) / b["restoreRate"]
            self.http.wait(seconds)

    # -- reading ------------------------------------------------------------------------------
    def test_connection(self) -> str:
        shop = self.graphql(Q.SHOP)["shop"]
        return f"{shop['name']} ({shop['myshopifyDomain']}, {shop['currencyCode']})"

    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        query = f"updated_at:>='{_iso(since)}'" if since else None
        after, estimate = None, None
        while True:
            variables = {"first": self.page_size, "after": after, "query": query,
                         "lineItems": LINE_ITEMS_PER_ORDER}
            try:
                data = self.graphql(Q.ORDERS, variables, estimate=estimate)["orders"]
            except _MaxCost as exc:
                self._shrink(exc)
                continue
            yield self._page([e["node"] for e in data["edges"]])
            if not data["pageInfo"]["hasNextPage"]:
                return
            after = data["pageInfo"]["endCursor"]

    def _shrink(self, exc: _MaxCost) -> None:
        """A page too costly for one query: fit the page size into Shopify's limit."""
        per_order = max(1.0, (exc.requested - 2) / self.page_size)
        smaller = int((exc.maximum - 2) // per_order)
        if smaller < 1 or smaller >= self.page_size:
            raise exc
        self.page_size = smaller

    def _page(self, nodes: list[dict]) -> Page:
        page = Page(high_water=high_water(*(_when(n.get("updatedAt")) for n in nodes)))
        for node in nodes:
            self._complete_lines(node)
            try:
                page.orders.append(self.parse_order(node))
            except Exception as exc:  # noqa: BLE001 - stored with the payload for a person
                page.failures.append(Failure(node, describe_error(exc), node.get("id"),
                                             _when(node.get("updatedAt"))))
        return page

    def _complete_lines(self, node: dict) -> None:
        items = node.get("lineItems") or {}
        while (items.get("pageInfo") or {}).get("hasNextPage"):
            more = self.graphql(Q.MORE_LINES, {"id": node["id"],
                                               "after": items["pageInfo"]["endCursor"]})
            extra = more["order"]["lineItems"]
            items["nodes"] = items["nodes"] + extra["nodes"]
            items["pageInfo"] = extra["pageInfo"]

    def fetch_order(self, external_id: str) -> OrderDTO:
        node = self.graphql(Q.ORDER, {"id": external_id, "lineItems": LINE_ITEMS_PER_ORDER})["order"]
        if node is None:
            raise Permanent(f"Shopify has no order {external_id}")
        self._complete_lines(node)
        return self.parse_order(node)

    def parse_order(self, raw: Any) -> OrderDTO:
        n = raw
        status = "cancelled" if n.get("cancelledAt") else ("closed" if n.get("closed") else "open")
        customer = n.get("customer") or {}
        name = " ".join(p for p in (customer.get("firstName"), customer.get("lastName")) if p)
        return OrderDTO(
            external_id=n["id"], number=n["name"], placed_at=n["createdAt"],
            updated_at=n["updatedAt"], status=status,
            financial_status=FINANCIAL.get(n.get("displayFinancialStatus") or "", "pending"),
            fulfilment_status=FULFILMENT.get(n.get("displayFulfillmentStatus"), "unfulfilled"),
            currency=n["currencyCode"], email=n.get("email") or customer.get("email"),
            customer_name=name or None, shipping=_address(n.get("shippingAddress")),
            billing_country=(n.get("billingAddress") or {}).get("countryCodeV2"),
            lines=[_line(l) for l in n["lineItems"]["nodes"]],
            subtotal=_amount(n.get("subtotalPriceSet")),
            shipping_total=_amount(n.get("totalShippingPriceSet")),
            tax_total=_amount(n.get("totalTaxSet")),
            discount_total=_amount(n.get("totalDiscountsSet")),
            total=_amount(n["totalPriceSet"]),
            requested_service=(n.get("shippingLine") or {}).get("title"),
            notes=n.get("note"), tags=tuple(n.get("tags") or ()))

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
        order = self.graphql(Q.FULFILLMENT_ORDERS, {"id": external_id})["order"]
        if order is None:
            raise Permanent(f"Shopify has no order {external_id}")
        wanted = {l.external_line_id: l.quantity for l in lines}
        groups = []
        for fo in order["fulfillmentOrders"]["nodes"]:
            if fo["status"] not in ("OPEN", "IN_PROGRESS"):
                continue
            items = [{"id": li["id"], "quantity": min(li["remainingQuantity"],
                                                      wanted.get(li["lineItem"]["id"], 0))}
                     for li in fo["lineItems"]["nodes"]] if wanted else None
            items = [i for i in items if i["quantity"] > 0] if items is not None else None
            if items is None or items:
                groups.append({"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": items}
                              if items else {"fulfillmentOrderId": fo["id"]})
        return groups

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


def _error_code(body: dict) -> str | None:
    for e in body.get("errors") or []:
        code = (e.get("extensions") or {}).get("code")
        if code:
            return code
    return None


def _raise_user_errors(errors: list, external_id: str) -> None:
    if errors:
        raise Permanent(f"Shopify refused it for {external_id}: "
                                + "; ".join(e["message"] for e in errors))


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def _amount(bag: dict | None):
    return bag["shopMoney"]["amount"] if bag else "0"


def _line(l: dict) -> LineDTO:
    return LineDTO(external_id=l["id"], sku=l.get("sku") or "", name=l["title"],
                   quantity=l["quantity"], unit_price=_amount(l["originalUnitPriceSet"]),
                   discount=_amount(l.get("totalDiscountSet")))


def _address(a: dict | None) -> AddressDTO | None:
    if not a:
        return None
    return AddressDTO(name=a.get("name"), company=a.get("company"), line1=a.get("address1"),
                      line2=a.get("address2") or None, city=a.get("city"),
                      region=a.get("provinceCode"), postal_code=a.get("zip"),
                      country=a.get("countryCodeV2"), phone=a.get("phone"))


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]
