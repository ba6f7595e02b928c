"""A local BigCommerce store (apis.md section 5): `X-Auth-Token` on every call (401 with v2's
error list otherwise); a quota of requests per 30 s window shared by the store (150 on
Standard), with the `X-Rate-Limit-*` headers on every answer and 429 carrying the reset time
when it is spent; Orders v2 as bare arrays (`limit` 1-250, default 50; `page`; `sort`;
`min_date_modified` in RFC 2822 or ISO 8601; an empty page is 204 No Content) with money as
4-decimal strings and RFC 2822 dates, products and shipping addresses as sub-resources,
shipments that check their address, items and carrier and move the order to Partially
Shipped / Shipped; Inventory v3 items and absolute adjustments (422 for an unknown SKU);
Refunds v3 quotes and refunds (amounts as numbers, never above what is left to refund)."""

from __future__ import annotations

import copy
import math
import itertools
from datetime import datetime, timezone
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime

from tests.connectors.emulator_http import EmulatorServer, Request, Response
from tests.connectors.shopify_throttle import EmulatorClock

STORE_HASH, TOKEN = "abc123xyz", "bc-token-0123456789abcdef"
WINDOW_MS = 30_000
STATUS = {0: "Incomplete", 1: "Pending", 2: "Shipped", 3: "Partially Shipped", 4: "Refunded",
          5: "Cancelled", 6: "Declined", 7: "Awaiting Payment", 8: "Awaiting Pickup",
          9: "Awaiting Shipment", 10: "Completed", 11: "Awaiting Fulfillment",
          12: "Manual Verification Required", 13: "Disputed", 14: "Partially Refunded"}
TRACKING_CARRIERS = {"", "ups", "usps", "fedex", "dhl", "royal-mail", "canada-post",
                     "australia-post"}
SORTS = {"id", "date_created", "date_modified", "status_id"}
PROBLEM = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


def money(value) -> str:
    return f"{Decimal(str(value)):.4f}"


def rfc2822(stamp: int) -> str:
    return format_datetime(datetime.fromtimestamp(stamp, timezone.utc))


def v2_error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(status, [{"status": status, "message": message}], headers)


def problem(status: int, title: str, errors: dict | None = None) -> Response:
    return Response(status, {"status": status, "title": title, "type": PROBLEM,
                             "errors": errors or {}},
                    {"Content-Type": "application/problem+json"})


def parse_date(text: str) -> int:
    try:
        stamp = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        raise ValueError(text)
    return int(stamp.timestamp())


class BigCommerceEmulator(EmulatorServer):
    def __init__(self, *, clock: EmulatorClock | None = None, quota: int = 150):
        super().__init__()
        self.clock = clock or EmulatorClock()
        self.quota, self.used, self.window_start = quota, 0, self.clock.now()
        self.orders: dict[int, dict] = {}
        self.stock: dict[str, dict[int, int]] = {}  # sku -> location id -> available
        self.storm = self.refused = 0
        self.log: list[tuple] = []
        self._ids, self._line_ids = itertools.count(100), itertools.count(1000)
        self._other_ids = itertools.count(1)

    # -- data ----------------------------------------------------------------------------------
    def add_order(self, lines, *, updated: datetime | None = None, status_id: int = 11) -> dict:
        n = next(self._ids)
        stamp = int((updated or datetime.now(timezone.utc)).timestamp())
        o = {"id": n, "customer_id": 10, "date_created": rfc2822(stamp),
             "date_modified": rfc2822(stamp), "date_shipped": "", "status_id": status_id,
             "status": STATUS[status_id], "custom_status": STATUS[status_id],
             "shipping_cost_ex_tax": money(5), "shipping_cost_inc_tax": money(5),
             "total_tax": money(0), "items_shipped": 0, "payment_method": "Credit Card",
             "payment_status": "captured", "refunded_amount": money(0),
             "currency_code": "USD", "default_currency_code": "USD", "staff_notes": "",
             "customer_message": "", "discount_amount": money(0), "coupon_discount": money(0),
             "shipping_address_count": 1, "is_deleted": False, "channel_id": 1,
             "billing_address": {"first_name": "Trisha", "last_name": "McLaughlin",
                                 "company": "", "street_1": "12345 W Anderson Ln",
                                 "street_2": "", "city": "Austin", "state": "Texas",
                                 "zip": "78757", "country": "United States",
                                 "country_iso2": "US", "phone": "", "email": "elsie@example.com"},
             "_modified": stamp, "_shipments": [], "_refunds": [],
             "_addresses": [{"id": next(self._other_ids), "order_id": n, "first_name": "Trisha",
                             "last_name": "McLaughlin", "company": "",
                             "street_1": "12345 W Anderson Ln", "street_2": "", "city": "Austin",
                             "state": "Texas", "zip": "78757", "country": "United States",
                             "country_iso2": "US", "phone": "", "email": "elsie@example.com",
                             "shipping_method": "Ground", "items_total": 0, "items_shipped": 0}]}
        self.set_lines(o, lines)
        self.orders[n] = o
        return o

    def set_lines(self, o: dict, lines) -> None:
        o["_products"] = [{
            "id": next(self._line_ids), "order_id": o["id"], "product_id": 70 + i,
            "variant_id": 170 + i, "order_address_id": o["_addresses"][0]["id"],
            "name": f"Item {sku}", "sku": sku, "type": "physical", "base_price": money(price),
            "price_ex_tax": money(price), "price_inc_tax": money(price), "price_tax": money(0),
            "total_ex_tax": money(Decimal(str(price)) * qty),
            "total_inc_tax": money(Decimal(str(price)) * qty), "total_tax": money(0),
            "quantity": qty, "quantity_shipped": 0, "quantity_refunded": 0}
            for i, (sku, qty, price) in enumerate(lines, 1)]
        subtotal = sum(Decimal(str(p)) * q for _, q, p in lines)
        o["subtotal_ex_tax"] = o["subtotal_inc_tax"] = money(subtotal)
        o["total_ex_tax"] = o["total_inc_tax"] = money(subtotal + 5)
        o["items_total"] = sum(q for _, q, _ in lines)

    def touch(self, o: dict) -> None:
        stamp = max(int(datetime.now(timezone.utc).timestamp()), o["_modified"] + 1)
        o["_modified"], o["date_modified"] = stamp, rfc2822(stamp)

    def set_status(self, o: dict, status_id: int) -> None:
        o["status_id"], o["status"] = status_id, STATUS[status_id]
        o["custom_status"] = STATUS[status_id]
        self.touch(o)

    def list_sku(self, sku: str, quantity: int, location: int = 1) -> None:
        self.stock.setdefault(sku, {})[location] = quantity

    def expire_tokens(self) -> None:
        """Store API tokens do not expire."""

    # -- HTTP ----------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        self.log.append((req.method, req.path, dict(req.query)))
        prefix = f"/stores/{STORE_HASH}/"
        if not req.path.startswith(prefix):
            return v2_error(404, "The requested resource was not found.")
        if req.headers.get("X-Auth-Token") != TOKEN:
            return v2_error(401, "You have not been authorized to access the resource. "
                                 "Check your X-Auth-Token.")
        refused = self._budget()
        if refused:
            return refused
        response = self._route(req, req.path[len(prefix):].strip("/").split("/"))
        response.headers.update(self._limits())
        return response

    def _window(self) -> float:
        now = self.clock.now()
        if (now - self.window_start) * 1000 >= WINDOW_MS:
            self.window_start, self.used = now, 0
        return WINDOW_MS - (now - self.window_start) * 1000

    def _budget(self) -> Response | None:
        self._window()
        if self.storm or self.used >= self.quota:
            self.storm = max(0, self.storm - 1)
            self.refused += 1
            return v2_error(429, "Too many requests", self._limits())
        self.used += 1
        return None

    def _limits(self) -> dict:
        reset = self._window()
        return {"X-Rate-Limit-Time-Window-Ms": WINDOW_MS,
                "X-Rate-Limit-Time-Reset-Ms": math.ceil(reset),
                "X-Rate-Limit-Requests-Quota": self.quota,
                "X-Rate-Limit-Requests-Left": max(0, self.quota - self.used)}

    def _route(self, req: Request, p: list[str]) -> Response:
        if p == ["v2", "store"]:
            return Response(200, {"id": STORE_HASH, "name": "Emulated Outfitters",
                                  "currency": "USD", "domain": "shop.example.com"})
        if p[:2] == ["v2", "orders"]:
            return self._orders(req, p[2:])
        if p[:2] == ["v3", "inventory"]:
            return self._inventory(req, p[2:])
        if p[:2] == ["v3", "orders"] and len(p) == 5 and p[3] == "payment_actions":
            o = self.orders.get(int(p[2])) if p[2].isdigit() else None
            if o is None:
                return problem(404, f"Order {p[2]} not found")
            return self._refunds(req, o, p[4])
        return v2_error(404, "The requested resource was not found.")

    # -- orders --------------------------------------------------------------------------------
    def _orders(self, req: Request, tail: list[str]) -> Response:
        if not tail:
            return self._list(req) if req.method == "GET" else v2_error(405, "Method not allowed")
        o = self.orders.get(int(tail[0])) if tail[0].isdigit() else None
        if o is None:
            return v2_error(404, "The requested resource was not found.")
        sub = tail[1:]
        if not sub and req.method == "GET":
            return Response(200, self._public(o))
        if not sub and req.method == "PUT":
            return self._update(req, o)
        if sub and o.get("_archived_meanwhile"):  # listed a moment ago, gone since
            return v2_error(404, "The requested resource was not found.")
        if sub == ["products"] and req.method == "GET":
            return Response(200, copy.deepcopy(o["_products"]))
        if sub == ["shipping_addresses"] and req.method == "GET":
            return Response(200, copy.deepcopy(o["_addresses"]))
        if sub == ["shipments"] and req.method == "GET":
            return Response(200, copy.deepcopy(o["_shipments"])) if o["_shipments"] \
                else Response(204, b"")
        if sub == ["shipments"] and req.method == "POST":
            return self._ship(req, o)
        return v2_error(404, "The requested resource was not found.")

    def _public(self, o: dict) -> dict:
        body = {k: copy.deepcopy(v) for k, v in o.items() if not k.startswith("_")}
        base = f"{self.url}/stores/{STORE_HASH}/v2/orders/{o['id']}"
        for sub in ("products", "shipping_addresses", "coupons"):
            body[sub] = {"url": f"{base}/{sub}", "resource": f"/orders/{o['id']}/{sub}"}
        return body

    def _list(self, req: Request) -> Response:
        q = req.query
        try:
            limit, page = int(q.get("limit", 50)), int(q.get("page", 1))
            since = parse_date(q["min_date_modified"]) if "min_date_modified" in q else None
        except ValueError:
            return v2_error(400, "The filter parameters are not valid.")
        field, _, direction = q.get("sort", "id:asc").partition(":")
        if not 1 <= limit <= 250 or page < 1 or field not in SORTS or \
                direction not in ("", "asc", "desc"):
            return v2_error(400, "The filter parameters are not valid.")
        key = {"date_modified": "_modified"}.get(field, field)
        rows = sorted((o for o in self.orders.values()
                       if since is None or o["_modified"] >= since),
                      key=lambda o: (o[key] if key != "date_created"
                                     else parse_date(o["date_created"]), o["id"]),
                      reverse=direction == "desc")
        chunk = rows[(page - 1) * limit:page * limit]
        return Response(200, [self._public(o) for o in chunk]) if chunk else Response(204, b"")

    def _update(self, req: Request, o: dict) -> Response:
        body = req.json() or {}
        if "status_id" in body:
            if body["status_id"] not in STATUS:
                return v2_error(400, "The field 'status_id' is invalid.")
            self.set_status(o, body["status_id"])
        return Response(200, self._public(o))

    def _ship(self, req: Request, o: dict) -> Response:
        body = req.json() or {}
        if body.get("order_address_id") not in [a["id"] for a in o["_addresses"]]:
            return v2_error(400, "The field 'order_address_id' is invalid.")
        if body.get("tracking_carrier", "") not in TRACKING_CARRIERS:
            return v2_error(400, "The field 'tracking_carrier' is invalid.")
        products = {p["id"]: p for p in o["_products"]}
        items = body.get("items") or []
        if not items:
            return v2_error(400, "The field 'items' cannot be empty.")
        for item in items:
            p = products.get(item.get("order_product_id"))
            quantity = item.get("quantity")
            if p is None or not isinstance(quantity, int) or quantity < 1 or \
                    quantity > p["quantity"] - p["quantity_shipped"]:
                return v2_error(400, f"The item {item.get('order_product_id')} cannot be "
                                     f"shipped in that quantity.")
        for item in items:
            products[item["order_product_id"]]["quantity_shipped"] += item["quantity"]
        shipment = {"id": next(self._other_ids), "order_id": o["id"],
                    "order_address_id": body["order_address_id"],
                    "date_created": rfc2822(o["_modified"]),
                    "tracking_number": body.get("tracking_number") or "",
                    "tracking_carrier": body.get("tracking_carrier") or "",
                    "shipping_provider": body.get("shipping_provider") or "",
                    "comments": body.get("comments") or "", "items": items}
        o["_shipments"].append(shipment)
        o["items_shipped"] = sum(p["quantity_shipped"] for p in o["_products"])
        done = all(p["quantity_shipped"] >= p["quantity"] for p in o["_products"])
        self.set_status(o, 2 if done else 3)
        if done:
            o["date_shipped"] = o["date_modified"]
        return Response(201, shipment)

    # -- inventory -----------------------------------------------------------------------------
    def _inventory(self, req: Request, tail: list[str]) -> Response:
        if tail == ["items"] and req.method == "GET":
            wanted = set(filter(None, req.query.get("sku:in", "").split(",")))
            where = {int(x) for x in req.query.get("location_id:in", "").split(",") if x}
            data = [{"identity": {"sku": sku, "variant_id": 170 + i, "product_id": 70 + i},
                     "locations": [{"location_id": lid, "location_code": f"LOC{lid}",
                                    "available_to_sell": qty, "total_inventory_onhand": qty}
                                   for lid, qty in sorted(levels.items())
                                   if not where or lid in where]}
                    for i, (sku, levels) in enumerate(sorted(self.stock.items()))
                    if not wanted or sku in wanted]
            return Response(200, {"data": data, "meta": {"pagination": {
                "total": len(data), "count": len(data), "per_page": 1000, "current_page": 1,
                "total_pages": 1}}})
        if tail == ["adjustments", "absolute"] and req.method == "PUT":
            items = (req.json() or {}).get("items") or []
            if not 1 <= len(items) <= 2000:
                return problem(422, "Between 1 and 2000 items are required")
            for item in items:
                if item.get("sku") not in self.stock or not isinstance(item.get("location_id"), int) \
                        or not isinstance(item.get("quantity"), int) or item["quantity"] < 0:
                    return problem(422, f"[Item with sku {item.get('sku')} is not valid]")
            for item in items:
                self.stock[item["sku"]][item["location_id"]] = item["quantity"]
            return Response(200, {"transaction_id": f"tx-{next(self._other_ids)}"})
        return problem(404, "Not found")

    # -- refunds -------------------------------------------------------------------------------
    def _refund_total(self, o: dict, items: list) -> Decimal | Response:
        products = {p["id"]: p for p in o["_products"]}
        total = Decimal(0)
        for item in items:
            if item.get("item_type") == "PRODUCT":
                p = products.get(item.get("item_id"))
                quantity = item.get("quantity")
                if p is None or not isinstance(quantity, int) or \
                        not 1 <= quantity <= p["quantity"] - p["quantity_refunded"]:
                    return problem(422, "The refund items are not valid",
                                   {"items": f"item {item.get('item_id')} cannot be refunded"})
                total += Decimal(p["price_inc_tax"]) * quantity
            elif item.get("item_type") == "ORDER" and item.get("item_id") == o["id"]:
                total += Decimal(str(item.get("amount") or 0))
            else:
                return problem(422, "The refund items are not valid")
        return total

    def _refundable(self, o: dict) -> Decimal:
        return Decimal(o["total_inc_tax"]) - Decimal(o["refunded_amount"])

    def _refunds(self, req: Request, o: dict, action: str) -> Response:
        if action == "refunds" and req.method == "GET":
            return Response(200, {"data": copy.deepcopy(o["_refunds"]), "meta": {}})
        body = req.json() or {}
        total = self._refund_total(o, body.get("items") or [])
        if isinstance(total, Response):
            return total
        if action == "refund_quotes" and req.method == "POST":
            amount = float(min(total, self._refundable(o)))
            return Response(201, {"data": {
                "order_id": o["id"], "total_refund_amount": amount, "total_refund_tax_amount": 0,
                "rounding": 0, "adjustment": 0, "tax_inclusive": True,
                "refund_methods": [[{"provider_id": "braintree", "provider_description":
                                     "Braintree", "amount": amount, "offline": False,
                                     "offline_provider": False, "offline_reason": ""}],
                                   [{"provider_id": "storecredit", "provider_description":
                                     "Store Credit", "amount": amount, "offline": True,
                                     "offline_provider": True, "offline_reason": ""}]]}})
        if action == "refunds" and req.method == "POST":
            return self._refund(o, body)
        return problem(404, "Not found")

    def _refund(self, o: dict, body: dict) -> Response:
        payments = body.get("payments") or []
        paid = sum((Decimal(str(p.get("amount") or 0)) for p in payments), Decimal(0))
        if not payments or paid <= 0 or paid > self._refundable(o):
            return problem(422, "The refund amount is not valid",
                           {"payments": "must be more than 0 and at most what is left"})
        for item in body["items"]:
            if item.get("item_type") == "PRODUCT":
                p = next(p for p in o["_products"] if p["id"] == item["item_id"])
                p["quantity_refunded"] += item["quantity"]
        o["refunded_amount"] = money(Decimal(o["refunded_amount"]) + paid)
        refund = {"id": next(self._other_ids), "order_id": o["id"], "user_id": 0,
                  "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "reason": body.get("reason") or "", "total_amount": float(paid),
                  "total_tax": 0, "uses_merchant_override_values": False,
                  "payments": [{**p, "id": next(self._other_ids), "is_declined": False,
                                "declined_message": ""} for p in payments],
                  "items": body["items"]}
        o["_refunds"].append(refund)
        self.set_status(o, 4 if self._refundable(o) <= 0 else 14)
        return Response(201, {"data": refund, "meta": {}})
