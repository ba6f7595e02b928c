"""A local WooCommerce REST API v3 (/wp-json/wc/v3): orders with the documented shape and
types (money strings, line price a number, zone-less dates with *_gmt twins), page/per_page
with X-WP-Total / X-WP-TotalPages and an RFC 5988 Link header (next, prev, first, last),
modified_after (exclusive) with orderby=modified, order notes, refunds (negative line
quantities), products by SKU and the batch endpoint (max 100), the
{"code","message","data":{"status"}} error body, and auth: OAuth 1.0a (HMAC-SHA1/-SHA256,
15-minute timestamp window) over plain HTTP; Basic or query keys only when the emulator is told
it sits behind HTTPS.

WooCommerce itself has no rate limit; the host's firewall may answer 429, with or without
Retry-After (apis.md section 2): `throttle(n, retry_after)` plays that host. `malform(order,
…)` plants values of the wrong type, as a plugin writing straight into the database can;
`break_order(order)` makes the store fail to render an order at all (a PHP fatal error: HTTP
500 and WordPress's "critical error" body) in any answer that holds it, unless WordPress's
`_fields` asks only for fields that render. Refunds list their lines with negative quantities
and `_refunded_item_id` meta pointing at the order line; GET …/refunds lists them."""

from __future__ import annotations

import base64
import threading
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from oms_desktop.connectors.woocommerce import oauth1_signature
from tests.connectors.emulator_http import Request, Response, serve

KEY, SECRET = "ck_" + "a1" * 20, "cs_" + "b2" * 20
API = "/wp-json/wc/v3"


def wc_date(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def error(status: int, code: str, message: str) -> Response:
    return Response(status, {"code": code, "message": message, "data": {"status": status}})


class WooEmulator:
    def __init__(self, *, behind_https: bool = False):
        self.orders: dict[int, dict] = {}
        self.products: dict[int, dict] = {}
        self.variations: dict[int, list[dict]] = {}
        self.units = {"woocommerce_weight_unit": "kg", "woocommerce_dimension_unit": "cm"}
        self.notes: dict[int, list] = {}
        self.refunds: dict[int, list] = {}
        self.behind_https = behind_https
        self.inject: list[tuple[int, dict]] = []
        self._throttled, self._retry_after = 0, None
        self.requests: list[tuple[str, str, dict]] = []
        self.broken: set[int] = set()
        self._refund_lines = 0
        self.lock = threading.RLock()
        self._next = 700
        self.server = self.url = None

    # -- data ----------------------------------------------------------------------------------
    def add_order(self, *, lines: list[tuple[str, int, float]], modified: datetime | None = None,
                  status: str = "processing", email: str = "john@example.com") -> dict:
        with self.lock:
            self._next += 1
            n, when = self._next, modified or datetime.now(timezone.utc)
            order = {
                "id": n, "parent_id": 0, "number": str(n), "order_key": f"wc_order_{n}",
                "created_via": "checkout", "version": "8.0.0", "status": status,
                "currency": "USD", "date_created": wc_date(when), "date_created_gmt": wc_date(when),
                "date_modified": wc_date(when), "date_modified_gmt": wc_date(when),
                "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": "10.00",
                "shipping_tax": "0.00", "cart_tax": "0.00", "total": "0.00", "total_tax": "0.00",
                "prices_include_tax": False, "customer_id": 0, "customer_note": "",
                "billing": {"first_name": "John", "last_name": "Doe", "company": "",
                            "address_1": "969 Market", "address_2": "", "city": "San Francisco",
                            "state": "CA", "postcode": "94103", "country": "US", "email": email,
                            "phone": "(555) 555-5555"},
                "shipping": {"first_name": "John", "last_name": "Doe", "company": "",
                             "address_1": "969 Market", "address_2": "", "city": "San Francisco",
                             "state": "CA", "postcode": "94103", "country": "US"},
                "payment_method": "bacs", "payment_method_title": "Direct Bank Transfer",
                "date_paid": None, "date_paid_gmt": None, "date_completed": None,
                "date_completed_gmt": None, "meta_data": [], "tax_lines": [],
                "shipping_lines": [{"id": n * 10, "method_title": "Flat Rate",
                                    "method_id": "flat_rate", "total": "10.00",
                                    "total_tax": "0.00", "taxes": [], "meta_data": []}],
                "fee_lines": [], "coupon_lines": [], "refunds": [], "line_items": [],
            }
            self.set_lines(order, lines)
            self.orders[n] = order
            return order

    def set_lines(self, order: dict, lines) -> None:
        order["line_items"] = [{
            "id": order["id"] * 100 + i, "name": f"Item {sku}", "product_id": 90 + i,
            "variation_id": 0, "quantity": qty, "tax_class": "", "subtotal": f"{price * qty:.2f}",
            "subtotal_tax": "0.00", "total": f"{price * qty:.2f}", "total_tax": "0.00",
            "taxes": [], "meta_data": [], "sku": sku, "price": price,
        } for i, (sku, qty, price) in enumerate(lines, start=1)]
        order["total"] = f"{sum(p * q for _, q, p in lines) + 10:.2f}"

    def touch(self, order: dict, seconds: int = 1) -> None:
        last = datetime.fromisoformat(order["date_modified_gmt"]).replace(tzinfo=timezone.utc)
        now = max(datetime.now(timezone.utc).replace(microsecond=0), last + timedelta(seconds=seconds))
        order["date_modified"] = order["date_modified_gmt"] = wc_date(now)

    def add_product(self, sku: str, stock: int | None = 0, *, name: str | None = None,
                    weight: str = "", dimensions: tuple[str, str, str] = ("", "", ""),
                    gtin: str = "", price: str = "10.00", kind: str = "simple",
                    category: str | None = None) -> dict:
        """A product as the REST API shows it: weight and sizes are strings in the store's
        units (weight_unit, dimension_unit), the GTIN in global_unique_id (WooCommerce 9.2)."""
        with self.lock:
            pid = 90 + len(self.products) + 1
            now = wc_date(datetime.now(timezone.utc))
            self.products[pid] = {
                "id": pid, "name": name or sku, "type": kind, "status": "publish", "sku": sku,
                "price": price, "regular_price": price, "manage_stock": True,
                "stock_quantity": stock, "stock_status": "instock", "weight": weight,
                "dimensions": dict(zip(("length", "width", "height"), dimensions)),
                "global_unique_id": gtin, "date_modified": now, "date_modified_gmt": now,
                "categories": [{"id": 1, "name": category, "slug": category.lower()}]
                if category else [], "variations": []}
            self.variations[pid] = []
            return self.products[pid]

    def add_variation(self, parent: dict, sku: str, *, option: str, weight: str = "",
                      gtin: str = "", price: str = "10.00") -> dict:
        with self.lock:
            vid = parent["id"] * 100 + len(self.variations[parent["id"]]) + 1
            variation = {"id": vid, "sku": sku, "price": price, "weight": weight,
                         "dimensions": {"length": "", "width": "", "height": ""},
                         "global_unique_id": gtin, "status": "publish",
                         "attributes": [{"id": 1, "name": "Size", "option": option}],
                         "date_modified_gmt": parent["date_modified_gmt"]}
            self.variations[parent["id"]].append(variation)
            parent["type"] = "variable"
            parent["variations"].append(vid)
            self.touch_product(parent)
            return variation

    def touch_product(self, product: dict, seconds: float = 1.0) -> None:
        last = datetime.fromisoformat(product["date_modified_gmt"]).replace(tzinfo=timezone.utc)
        now = max(datetime.now(timezone.utc).replace(microsecond=0), last + timedelta(seconds=seconds))
        product["date_modified"] = product["date_modified_gmt"] = wc_date(now)

    def malform(self, order: dict, **fields) -> None:
        order.update(fields)

    def break_order(self, order: dict) -> None:
        self.broken.add(order["id"])

    def refund(self, order: dict, line_no: int, quantity: int) -> dict:
        """Units of the order's line `line_no` (1-based) refunded from the store's admin."""
        line = order["line_items"][line_no - 1]
        return self._refund(order, {"line_items": [{"id": line["id"], "quantity": quantity}],
                                    "reason": "refunded in the admin"}).body

    def throttle(self, count: int, retry_after: float | None = None) -> None:
        """The host's firewall answers the next `count` requests 429 (Retry-After if given)."""
        self._throttled, self._retry_after = count, retry_after

    def stock(self, sku: str) -> int | None:
        return next(p["stock_quantity"] for p in self.products.values() if p["sku"] == sku)

    # -- HTTP ----------------------------------------------------------------------------------
    def start(self) -> "WooEmulator":
        self.server, self.url = serve(self.handle)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def handle(self, req: Request) -> Response:
        with self.lock:
            self.requests.append((req.method, req.path, dict(req.query)))
            if self.inject:
                status, headers = self.inject.pop(0)
                return Response(status, {"code": "injected", "message": "injected",
                                         "data": {"status": status}}, headers)
            if self._throttled:
                return self._too_many()
            if not req.path.startswith(API):
                return error(404, "rest_no_route", "No route was found matching the URL and request method.")
            denied = self._auth(req)
            if denied:
                return denied
            return self._route(req, req.path[len(API):].strip("/").split("/"))

    def _too_many(self) -> Response:
        self._throttled -= 1
        headers = {"Content-Type": "text/html"}
        if self._retry_after is not None:
            headers["Retry-After"] = str(self._retry_after)
        return Response(429, b"<html><body>429 Too Many Requests</body></html>", headers)

    def _auth(self, req: Request) -> Response | None:
        q = req.query
        if "oauth_signature" in q:
            if q.get("oauth_consumer_key") != KEY:
                return error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
            if abs(time.time() - int(q.get("oauth_timestamp", 0))) > 15 * 60:
                return error(401, "woocommerce_rest_authentication_error", "Invalid timestamp.")
            url = self.url + req.path
            if oauth1_signature(req.method, url, q, SECRET) != q["oauth_signature"]:
                return error(401, "woocommerce_rest_authentication_error", "Invalid signature - provided signature does not match.")
            return None
        if not self.behind_https:
            return error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        basic = req.headers.get("Authorization", "")
        pair = base64.b64decode(basic[6:]).decode() if basic.startswith("Basic ") else \
            f"{q.get('consumer_key')}:{q.get('consumer_secret')}"
        if pair != f"{KEY}:{SECRET}":
            return error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        return None

    def _route(self, req: Request, parts: list[str]) -> Response:
        m = req.method
        if parts == ["orders"] and m == "GET":
            return self._list_orders(req)
        if parts[0] == "orders" and len(parts) >= 2:
            order = self.orders.get(int(parts[1])) if parts[1].isdigit() else None
            if order is None:
                return error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
            if len(parts) == 2 and m == "GET":
                return _critical() if order["id"] in self.broken else Response(200, order)
            if len(parts) == 2:
                return self._update(order, req.json())
            if parts[2] == "notes" and m == "POST":
                return self._note(order, req.json())
            if parts[2] == "refunds" and m == "POST":
                return self._refund(order, req.json())
            if parts[2] == "refunds" and m == "GET":
                return Response(200, list(reversed(self.refunds.get(order["id"], []))))
        if parts == ["products"] and m == "GET" and "sku" in req.query:
            skus = set((req.query.get("sku") or "").split(","))
            return Response(200, [p for p in self.products.values() if p["sku"] in skus])
        if parts == ["products"] and m == "GET":
            return self._paged(req, list(self.products.values()))
        if len(parts) == 3 and parts[0] == "products" and parts[2] == "variations" \
                and parts[1].isdigit() and int(parts[1]) in self.products:
            return self._paged(req, list(self.variations[int(parts[1])]))
        if parts[:2] == ["settings", "products"] and len(parts) == 3 and m == "GET":
            if parts[2] not in self.units:
                return error(404, "rest_setting_setting_invalid", "Invalid setting.")
            return Response(200, {"id": parts[2], "value": self.units[parts[2]]})
        if parts == ["products", "batch"] and m == "POST":
            return self._batch(req.json())
        return error(404, "rest_no_route", "No route was found matching the URL and request method.")

    def _paged(self, req: Request, items: list[dict]) -> Response:
        """Products or variations: page/per_page (1–100), modified_after (exclusive),
        orderby=modified or id."""
        q = req.query
        per_page, page = int(q.get("per_page", 10)), int(q.get("page", 1))
        if not 1 <= per_page <= 100:
            return error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        if q.get("modified_after"):
            items = [p for p in items if p["date_modified_gmt"] > q["modified_after"]]
        if q.get("orderby") == "modified":
            items.sort(key=lambda p: (p["date_modified_gmt"], p["id"]),
                       reverse=q.get("order", "desc") == "desc")
        total, pages = len(items), max(1, -(-len(items) // per_page))
        return Response(200, items[(page - 1) * per_page: page * per_page],
                        {"X-WP-Total": total, "X-WP-TotalPages": pages})

    def _list_orders(self, req: Request) -> Response:
        q = req.query
        per_page, page = int(q.get("per_page", 10)), int(q.get("page", 1))
        if not 1 <= per_page <= 100:
            return error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        items = list(self.orders.values())
        if q.get("modified_after"):
            items = [o for o in items if o["date_modified_gmt"] > q["modified_after"]]
        key = "date_modified_gmt" if q.get("orderby") == "modified" else "date_created_gmt"
        items.sort(key=lambda o: (o[key], o["id"]), reverse=q.get("order", "desc") == "desc")
        total, pages = len(items), max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        fields = [f for f in (q.get("_fields") or "").split(",") if f]
        if fields:
            chunk = [{f: o[f] for f in fields if f in o} for o in chunk]
        elif any(o["id"] in self.broken for o in chunk):
            return _critical()
        return Response(200, chunk, {"X-WP-Total": total, "X-WP-TotalPages": pages,
                                     "Link": self._links(req, page, pages)})

    def _links(self, req: Request, page: int, pages: int) -> str:
        query = {k: v for k, v in req.query.items() if not k.startswith("oauth_")}

        def link(n: int, rel: str) -> str:
            return f'<{self.url}{req.path}?{urlencode({**query, "page": n})}>; rel="{rel}"'
        rels = [(page - 1, "prev")] if page > 1 else []
        rels += [(page + 1, "next")] if page < pages else []
        return ", ".join(link(n, rel) for n, rel in [(1, "first"), *rels, (pages, "last")])

    def _update(self, order: dict, body: dict) -> Response:
        if body.get("status"):
            order["status"] = body["status"]
            if body["status"] == "completed":
                order["date_completed"] = order["date_completed_gmt"] = wc_date(datetime.now(timezone.utc))
        for meta in body.get("meta_data") or []:
            order["meta_data"] = [x for x in order["meta_data"] if x["key"] != meta["key"]]
            order["meta_data"].append({"id": len(order["meta_data"]) + 1, **meta})
        self.touch(order)
        return Response(200, order)

    def _note(self, order: dict, body: dict) -> Response:
        notes = self.notes.setdefault(order["id"], [])
        note = {"id": 1000 + len(notes), "author": "system", "note": body["note"],
                "customer_note": bool(body.get("customer_note")),
                "date_created": wc_date(datetime.now(timezone.utc)),
                "date_created_gmt": wc_date(datetime.now(timezone.utc))}
        notes.append(note)
        return Response(201, note)

    def _refund(self, order: dict, body: dict) -> Response:
        lines = {l["id"]: l for l in order["line_items"]}
        items = []
        for li in body.get("line_items") or []:
            line = lines.get(li["id"])
            if line is None or li["quantity"] > line["quantity"] - self._refunded(order, li["id"]):
                return error(400, "woocommerce_rest_cannot_create_order_refund",
                             "Invalid refund line item.")
            self._refund_lines += 1
            items.append({"id": 50_000 + self._refund_lines,
                          "name": line["name"], "sku": line["sku"],
                          "quantity": -li["quantity"],
                          "total": f"-{line['price'] * li['quantity']:.2f}",
                          "price": -line["price"],
                          "meta_data": [{"key": "_refunded_item_id", "value": str(li["id"])}]})
        amount = body.get("amount") or f"{sum(-float(i['total']) for i in items):.2f}"
        refunds = self.refunds.setdefault(order["id"], [])
        refund = {"id": 900 + len(refunds), "amount": amount, "reason": body.get("reason", ""),
                  "refunded_by": 1, "refunded_payment": bool(body.get("api_refund", True)),
                  "meta_data": [{"id": n, **meta} for n, meta in
                                enumerate(body.get("meta_data") or [], 1)],
                  "line_items": items}
        refunds.append(refund)
        order["refunds"].append({"id": refund["id"], "refund": refund["reason"],
                                 "total": f"-{float(amount):.2f}"})
        self.touch(order)
        return Response(201, refund)

    def _refunded(self, order: dict, line_id: int) -> int:
        return sum(-i["quantity"] for r in self.refunds.get(order["id"], [])
                   for i in r["line_items"] if i["meta_data"][0]["value"] == str(line_id))

    def _batch(self, body: dict) -> Response:
        updates = body.get("update") or []
        if len(updates) > 100:
            return error(413, "woocommerce_rest_request_entity_too_large",
                         "Unable to accept more than 100 items for this request.")
        out = []
        for u in updates:
            p = self.products.get(u["id"])
            if p is not None:
                p.update({k: v for k, v in u.items() if k != "id"})
                out.append(p)
        return Response(200, {"update": out})


def _critical() -> Response:
    """WordPress's answer when PHP dies rendering a response."""
    return error(500, "internal_server_error",
                 "<p>There has been a critical error on this website.</p>")
