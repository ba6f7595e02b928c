"""A local Etsy Open API v3 (apis.md section 4): both headers on every call (x-api-key as
keystring:shared_secret, refused with Etsy's own 403 texts; the OAuth bearer token, 401 once
expired), the refresh-token grant that hands out a new refresh token and retires the old one,
getShopReceipts (limit 1-100, offset, sort_on/sort_order, min_last_modified in epoch seconds,
{"count", "results"}), createReceiptShipment (form fields), the shop's listings with their
SKUs and each listing's inventory (GET, and PUT as a full replace: a product left out is
deleted), the per-second and per-day budgets with their x-limit-* / x-remaining-* headers and
429 with retry-after; errors as {"error": "…"}."""

from __future__ import annotations

import copy
import itertools
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qs

from tests.connectors.emulator_http import EmulatorServer, Request, Response
from tests.connectors.shopify_throttle import EmulatorClock
from tests.connectors.token_bucket import TokenBucket

KEYSTRING, SHARED_SECRET = "1aa2bb33cc4dd5ee6ff7gg8h", "s3cr3tsh4r3d"
REFRESH_TOKEN = "12345678.refresh-first"
SHOP_ID = 55501
API = "/v3/application"


def cents(amount) -> dict:
    return {"amount": int(round(float(amount) * 100)), "divisor": 100, "currency_code": "USD"}


def error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(status, {"error": message}, headers)


class EtsyEmulator(EmulatorServer):
    def __init__(self, *, clock: EmulatorClock | None = None, per_second: int = 10,
                 per_day: int = 10_000):
        super().__init__()
        self.clock = clock or EmulatorClock()
        self.receipts: dict[int, dict] = {}
        self.inventories: dict[int, dict] = {}  # listing id -> inventory
        self.refresh_tokens = {REFRESH_TOKEN}
        self.tokens: dict[str, float] = {}
        self.second = TokenBucket(per_second, per_second, self.clock)
        self.per_day, self.used_today = per_day, 0
        self.storm, self.refused = 0, 0
        self.log: list[tuple] = []
        self._ids = itertools.count(3_000_001)

    # -- data ----------------------------------------------------------------------------------
    def add_receipt(self, lines, *, updated: datetime | None = None) -> dict:
        n = next(self._ids)
        stamp = int((updated or datetime.now(timezone.utc)).timestamp())
        r = {"receipt_id": n, "receipt_type": 0, "seller_user_id": 456789,
             "buyer_user_id": 987654, "buyer_email": "jane@example.com", "name": "Jane Buyer",
             "first_line": "123 Main St", "second_line": None, "city": "Brooklyn",
             "state": "NY", "zip": "11201", "country_iso": "US", "status": "paid",
             "payment_method": "cc", "message_from_buyer": None, "is_paid": True,
             "is_shipped": False, "is_gift": False, "gift_message": "",
             "create_timestamp": stamp, "created_timestamp": stamp,
             "update_timestamp": stamp, "updated_timestamp": stamp,
             "total_tax_cost": cents(0), "total_vat_cost": cents(0), "discount_amt": cents(0),
             "gift_wrap_price": cents(0), "total_shipping_cost": cents(5),
             "shipments": [], "refunds": []}
        self.set_lines(r, lines)
        self.receipts[n] = r
        return r

    def set_lines(self, r: dict, lines) -> None:
        r["transactions"] = [{
            "transaction_id": r["receipt_id"] * 10 + i, "title": f"Item {sku}",
            "seller_user_id": 456789, "buyer_user_id": 987654, "quantity": qty,
            "receipt_id": r["receipt_id"], "is_digital": False, "listing_id": 900 + i,
            "transaction_type": "listing", "product_id": 700 + i, "sku": sku,
            "price": cents(price), "shipping_cost": cents(0), "variations": [],
            "buyer_coupon": 0.0, "shop_coupon": 0.0} for i, (sku, qty, price) in enumerate(lines, 1)]
        subtotal = sum(float(p) * q for _, q, p in lines)
        r["subtotal"] = r["total_price"] = cents(subtotal)
        r["grandtotal"] = cents(subtotal + 5)

    def touch(self, r: dict) -> None:
        stamp = max(int(datetime.now(timezone.utc).timestamp()), r["updated_timestamp"] + 1)
        r["update_timestamp"] = r["updated_timestamp"] = stamp

    def add_listing(self, sku: str, quantity: int, *, also: tuple[str, ...] = ()) -> int:
        listing = 900_000 + len(self.inventories)
        self.inventories[listing] = {"products": [{
            "product_id": listing * 10 + i, "sku": s, "is_deleted": False,
            "property_values": [], "offerings": [{"offering_id": listing * 100 + i,
                                                  "quantity": quantity, "is_enabled": True,
                                                  "is_deleted": False, "price": cents(25)}]}
            for i, s in enumerate((sku, *also))],
            "price_on_property": [], "quantity_on_property": [], "sku_on_property": []}
        return listing

    def quantity(self, sku: str) -> int | None:
        for inv in self.inventories.values():
            for p in inv["products"]:
                if p["sku"] == sku:
                    return p["offerings"][0]["quantity"]
        return None

    def expire_tokens(self) -> None:
        self.tokens = {t: self.clock.now() - 1 for t in self.tokens}

    # -- HTTP ----------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        self.log.append((req.method, req.path, dict(req.query)))
        if req.path == "/v3/public/oauth/token" and req.method == "POST":
            return self._grant(req)
        refused = self._key(req) or self._bearer(req) or self._budget()
        if refused:
            return refused
        response = self._route(req, req.path[len(API):].strip("/").split("/"))
        response.headers.update(self._limits())
        return response

    def _key(self, req: Request) -> Response | None:
        key = req.headers.get("x-api-key") or ""
        if ":" not in key:
            return error(403, "Shared secret is required in x-api-key header.")
        if key != f"{KEYSTRING}:{SHARED_SECRET}":
            return error(403, "Invalid API key: should be in the format "
                              "'keystring:shared_secret'.")
        return None

    def _bearer(self, req: Request) -> Response | None:
        auth = req.headers.get("Authorization") or ""
        expiry = self.tokens.get(auth.removeprefix("Bearer "))
        if not auth.startswith("Bearer ") or expiry is None:
            return error(401, "invalid_token")
        if self.clock.now() >= expiry:
            return error(401, "access token is expired")
        return None

    def _budget(self) -> Response | None:
        if self.used_today >= self.per_day:
            self.refused += 1
            return error(429, "Daily request limit exceeded", {"retry-after": "3600",
                                                              **self._limits()})
        if self.storm or not self.second.take():
            self.storm = max(0, self.storm - 1)
            self.refused += 1
            return error(429, "Too many requests", {"retry-after": "1", **self._limits()})
        self.used_today += 1
        return None

    def _limits(self) -> dict:
        return {"x-limit-per-second": int(self.second.burst),
                "x-remaining-this-second": int(self.second.level()),
                "x-limit-per-day": self.per_day,
                "x-remaining-today": self.per_day - self.used_today}

    def _grant(self, req: Request) -> Response:
        form = {k: v[-1] for k, v in parse_qs(req.body.decode()).items()}
        if form.get("client_id") != KEYSTRING:
            return error(401, "invalid_client")
        if form.get("grant_type") != "refresh_token" or \
                form.get("refresh_token") not in self.refresh_tokens:
            return Response(400, {"error": "invalid_grant",
                                  "error_description": "Invalid refresh token"})
        self.refresh_tokens.discard(form["refresh_token"])
        fresh = f"12345678.{uuid.uuid4().hex}"
        self.refresh_tokens.add(fresh)
        token = f"12345678.{uuid.uuid4().hex}"
        self.tokens[token] = self.clock.now() + 3600
        return Response(200, {"access_token": token, "token_type": "Bearer",
                              "expires_in": 3600, "refresh_token": fresh})

    def _route(self, req: Request, p: list[str]) -> Response:
        if p[:2] != ["shops", str(SHOP_ID)]:
            if p[0] == "listings" and len(p) == 3 and p[2] == "inventory":
                return self._inventory(req, int(p[1]))
            return error(404, "Resource not found")
        tail = p[2:]
        if not tail:
            return Response(200, {"shop_id": SHOP_ID, "shop_name": "EmulatedCrafts",
                                  "currency_code": "USD"})
        if tail == ["receipts"] and req.method == "GET":
            return self._list(req)
        if tail == ["listings"] and req.method == "GET":
            return self._listings(req)
        if tail[0] == "receipts" and len(tail) >= 2:
            r = self.receipts.get(int(tail[1])) if tail[1].isdigit() else None
            if r is None:
                return error(404, f"Receipt {tail[1]} not found")
            if len(tail) == 2 and req.method == "GET":
                return Response(200, r)
            if tail[2:] == ["tracking"] and req.method == "POST":
                return self._tracking(req, r)
        return error(404, "Resource not found")

    def _list(self, req: Request) -> Response:
        q = req.query
        try:
            limit, offset = int(q.get("limit", 25)), int(q.get("offset", 0))
            since = int(q.get("min_last_modified", 0))
        except ValueError:
            return error(400, "limit, offset and min_last_modified must be integers")
        if not 1 <= limit <= 100 or offset < 0:
            return error(400, "Expected limit between 1 and 100 and a positive offset")
        if q.get("sort_on", "created") not in ("created", "updated", "receipt_id") or \
                q.get("sort_order", "desc") not in ("asc", "desc", "up", "down"):
            return error(400, "Invalid sort_on or sort_order")
        key = {"created": "created_timestamp", "updated": "updated_timestamp",
               "receipt_id": "receipt_id"}[q.get("sort_on", "created")]
        rows = sorted((r for r in self.receipts.values() if r["updated_timestamp"] >= since),
                      key=lambda r: (r[key], r["receipt_id"]),
                      reverse=q.get("sort_order", "desc") in ("desc", "down"))
        return Response(200, {"count": len(rows),
                              "results": copy.deepcopy(rows[offset:offset + limit])})

    def _tracking(self, req: Request, r: dict) -> Response:
        form = {k: v[-1] for k, v in parse_qs(req.body.decode()).items()}
        if "tracking_code" in form and not form.get("carrier_name"):
            return error(400, "carrier_name is required with a tracking_code")
        r["shipments"].append({"receipt_shipping_id": len(r["shipments"]) + 1,
                               "shipment_notification_timestamp": r["updated_timestamp"],
                               "carrier_name": form.get("carrier_name"),
                               "tracking_code": form.get("tracking_code")})
        r["is_shipped"], r["status"] = True, "completed"
        self.touch(r)
        return Response(200, r)

    def _listings(self, req: Request) -> Response:
        rows = [{"listing_id": lid, "state": "active",
                 "skus": [p["sku"] for p in inv["products"]]}
                for lid, inv in sorted(self.inventories.items())]
        limit, offset = int(req.query.get("limit", 25)), int(req.query.get("offset", 0))
        return Response(200, {"count": len(rows), "results": rows[offset:offset + limit]})

    def _inventory(self, req: Request, listing: int) -> Response:
        if listing not in self.inventories:
            return error(404, f"Listing {listing} not found")
        if req.method == "GET":
            return Response(200, self.inventories[listing])
        body = req.json() or {}
        for p in body.get("products") or []:
            for o in p.get("offerings") or []:
                if not isinstance(o.get("price"), (int, float)) or \
                        not isinstance(o.get("quantity"), int) or "is_enabled" not in o:
                    return error(400, "Each offering needs a price, a quantity and is_enabled")
        self.inventories[listing] = {"products": [{
            "product_id": listing * 10 + i, "sku": p.get("sku", ""), "is_deleted": False,
            "property_values": p.get("property_values") or [],
            "offerings": [{**o, "offering_id": listing * 100 + i, "is_deleted": False,
                           "price": cents(o["price"])} for o in p["offerings"]]}
            for i, p in enumerate(body.get("products") or [])],
            **{k: body.get(k) or [] for k in ("price_on_property", "quantity_on_property",
                                              "sku_on_property")}}
        return Response(200, self.inventories[listing])
