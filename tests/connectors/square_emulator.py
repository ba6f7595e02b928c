"""A local Square API (apis-wave2.md section 6): Bearer token (401 AUTHENTICATION_ERROR
otherwise), `Square-Version` checked for its form when sent; SearchOrders (1 to 10
location_ids, limit 1-1000, one date_time_filter field that the sort must name, states;
cursor paging that refuses a cursor with a changed body), RetrieveOrder, UpdateOrder (the
order's `version` must match, VERSION_MISMATCH otherwise; fulfilments merged by uid and only
moved forward; idempotency keys remembered: the same key with another body is refused), the
catalogue (batch-retrieve; search by SKU), inventory counts and batch changes (physical
counts and adjustments, at most 100, quantities as decimal strings), refunds of an order's
payment (never above what was paid), locations; errors as {"errors": [{category, code,
detail, field}]}; `storm` answers 429 RATE_LIMITED. Orders: online orders to ship, pickup
orders, sales over the counter (completed at once) and returns at the till."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from tests.connectors.emulator_http import EmulatorServer, Request, Response
from tests.connectors.shopify_throttle import EmulatorClock

TOKEN = "EAAAl-square-access-token-123"
LOCATION, OTHER_LOCATION = "L8TILLSTORE1", "L9WAREHOUSE0"
FORWARD = ("PROPOSED", "RESERVED", "PREPARED", "COMPLETED")
ORDER_STATES = {"OPEN", "COMPLETED", "CANCELED", "DRAFT"}
DATE_FIELDS = {"created_at": "CREATED_AT", "updated_at": "UPDATED_AT", "closed_at": "CLOSED_AT"}


def error(status: int, category: str, code: str, detail: str, field: str | None = None,
          headers: dict | None = None) -> Response:
    e = {"category": category, "code": code, "detail": detail}
    if field:
        e["field"] = field
    return Response(status, {"errors": [e]}, headers)


def bad(code: str, detail: str, field: str | None = None) -> Response:
    return error(400, "INVALID_REQUEST_ERROR", code, detail, field)


def usd(amount) -> dict:
    return {"amount": int((Decimal(str(amount)) * 100).to_integral_value()), "currency": "USD"}


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sign(key: str, url: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), url.encode() + body,
                                     hashlib.sha256).digest()).decode()


class SquareEmulator(EmulatorServer):
    def __init__(self, *, clock: EmulatorClock | None = None):
        super().__init__()
        self.clock = clock or EmulatorClock()
        self.orders: dict[str, dict] = {}
        self.variations: dict[str, str] = {}  # variation id -> sku
        self.counts: dict[tuple[str, str], Decimal] = {}  # (variation, location) -> IN_STOCK
        self.refunds: list[dict] = []
        self.keys: dict[str, tuple[str, Response]] = {}  # idempotency key -> (body, answer)
        self.cursors: dict[str, tuple[str, tuple]] = {}
        self.versions_seen: set[str] = set()
        self.storm = self.refused = 0
        self.log: list[tuple] = []
        self._n = itertools.count(1)

    # -- data ----------------------------------------------------------------------------------
    def variation(self, sku: str) -> str:
        for vid, s in self.variations.items():
            if s == sku:
                return vid
        vid = f"VAR{sku.replace('-', '')}{len(self.variations):04d}"
        self.variations[vid] = sku
        return vid

    def _stamp(self, at: datetime | None) -> str:
        return rfc3339(at or datetime.now(timezone.utc))

    def _lines(self, lines) -> list[dict]:
        return [{"uid": uuid.uuid4().hex[:22], "name": f"Item {sku}", "quantity": str(qty),
                 "catalog_object_id": self.variation(sku), "variation_name": "Regular",
                 "base_price_money": usd(price), "gross_sales_money": usd(Decimal(str(price)) * qty),
                 "total_tax_money": usd(0), "total_discount_money": usd(0),
                 "total_money": usd(Decimal(str(price)) * qty)} for sku, qty, price in lines]

    def _order(self, lines, *, state: str, fulfillments: list, at: datetime | None,
               location: str = LOCATION) -> dict:
        oid = f"SQ{next(self._n):06d}{uuid.uuid4().hex[:12].upper()}"
        stamp = self._stamp(at)
        o = {"id": oid, "location_id": location, "reference_id": f"T-{len(self.orders) + 1001}",
             "source": {"name": "Square Online"}, "state": state, "version": 1,
             "created_at": stamp, "updated_at": stamp, "fulfillments": fulfillments,
             "tenders": [{"id": f"TND{oid}", "type": "CARD", "payment_id": f"PAY{oid}"}],
             "refunds": []}
        if state == "COMPLETED":
            o["closed_at"] = stamp
        self.set_lines(o, lines)
        self.orders[oid] = o
        return o

    def add_order(self, lines, *, updated: datetime | None = None) -> dict:
        """An order placed online, shipped by the merchant."""
        return self._order(lines, state="OPEN", at=updated, fulfillments=[{
            "uid": uuid.uuid4().hex[:20], "type": "SHIPMENT", "state": "PROPOSED",
            "shipment_details": {"recipient": {
                "display_name": "Jaiden Urie", "email_address": "jaiden@example.com",
                "phone_number": "+1 555 0100", "address": {
                    "address_line_1": "1455 Market St", "locality": "San Francisco",
                    "administrative_district_level_1": "CA", "postal_code": "94103",
                    "country": "US"}}}}])

    def add_pickup(self, lines, *, updated: datetime | None = None) -> dict:
        return self._order(lines, state="OPEN", at=updated, fulfillments=[{
            "uid": uuid.uuid4().hex[:20], "type": "PICKUP", "state": "PROPOSED",
            "pickup_details": {"recipient": {"display_name": "Ana Pick",
                                             "email_address": "ana@example.com"},
                               "schedule_type": "ASAP", "note": "at the counter"}}])

    def sell_at_till(self, lines, *, updated: datetime | None = None) -> dict:
        """A sale over the counter: paid and handed over, completed at once; the till takes
        the units out of the location's IN_STOCK count."""
        o = self._order(lines, state="COMPLETED", at=updated, fulfillments=[])
        o["source"] = {"name": "Square Point of Sale"}
        for l in o["line_items"]:
            key = (l["catalog_object_id"], o["location_id"])
            self.counts[key] = self.counts.get(key, Decimal(0)) - Decimal(l["quantity"])
        return o

    def return_at_till(self, source: dict | None, lines) -> dict:
        """A return at the till: a separate order whose `returns` point at the source."""
        oid = f"SQR{next(self._n):05d}{uuid.uuid4().hex[:12].upper()}"
        stamp = self._stamp(None)
        self.orders[oid] = {
            "id": oid, "location_id": LOCATION, "state": "COMPLETED", "version": 1,
            "created_at": stamp, "updated_at": stamp, "closed_at": stamp,
            "returns": [{"uid": uuid.uuid4().hex[:20],
                         **({"source_order_id": source["id"]} if source else {}),
                         "return_line_items": [{"uid": uuid.uuid4().hex[:20],
                                                "name": f"Item {sku}", "quantity": str(qty),
                                                "catalog_object_id": self.variation(sku),
                                                "base_price_money": usd(price)}
                                               for sku, qty, price in lines]}],
            "total_money": usd(0), "net_amounts": {}}
        return self.orders[oid]

    def set_lines(self, o: dict, lines) -> None:
        o["line_items"] = self._lines(lines)
        total = sum((Decimal(str(p)) * q for _, q, p in lines), Decimal(0))
        o["total_money"] = usd(total)
        o["total_tax_money"] = o["total_discount_money"] = usd(0)

    def touch(self, o: dict) -> None:
        last = datetime.fromisoformat(o["updated_at"].replace("Z", "+00:00"))
        o["updated_at"] = rfc3339(max(datetime.now(timezone.utc), last + timedelta(milliseconds=1)))
        o["version"] += 1

    def set_count(self, sku: str, quantity: int, location: str = LOCATION) -> None:
        self.counts[(self.variation(sku), location)] = Decimal(quantity)

    def count(self, sku: str, location: str = LOCATION) -> int | None:
        value = self.counts.get((self.variation(sku), location)) \
            if sku in self.variations.values() else None
        return None if value is None else int(value)

    def expire_tokens(self) -> None:
        """Personal access tokens do not expire."""

    def notification(self, url: str, key: str, order: dict) -> tuple[bytes, str]:
        body = json.dumps({"merchant_id": "ML1", "type": "order.updated",
                           "event_id": str(uuid.uuid4()), "created_at": order["updated_at"],
                           "data": {"type": "order_updated", "id": order["id"], "object": {
                               "order_updated": {"order_id": order["id"],
                                                 "version": order["version"],
                                                 "location_id": order["location_id"],
                                                 "state": order["state"]}}}}).encode()
        return body, sign(key, url, body)

    # -- HTTP ----------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        self.log.append((req.method, req.path, req.body[:200]))
        if req.headers.get("Authorization") != f"Bearer {TOKEN}":
            return error(401, "AUTHENTICATION_ERROR", "UNAUTHORIZED",
                         "This request could not be authorized.")
        version = req.headers.get("Square-Version")
        if version is not None:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
                return bad("INVALID_SQUARE_VERSION_FORMAT", f"Invalid Square-Version {version}")
            self.versions_seen.add(version)
        if self.storm:
            self.storm -= 1
            self.refused += 1
            return error(429, "RATE_LIMIT_ERROR", "RATE_LIMITED", "Rate limited.")
        return self._route(req, req.path.strip("/").split("/"))

    def _route(self, req: Request, p: list[str]) -> Response:
        m, body = req.method, (req.json() if req.body else None) or {}
        if p == ["v2", "locations"] and m == "GET":
            return Response(200, {"locations": [
                {"id": LOCATION, "name": "Downtown store", "status": "ACTIVE",
                 "currency": "USD", "timezone": "America/New_York", "merchant_id": "ML1"},
                {"id": OTHER_LOCATION, "name": "Back office", "status": "ACTIVE",
                 "currency": "USD", "timezone": "America/New_York", "merchant_id": "ML1"}]})
        if p == ["v2", "orders", "search"] and m == "POST":
            return self._search(body)
        if p[:2] == ["v2", "orders"] and len(p) == 3:
            o = self.orders.get(p[2])
            if o is None:
                return error(404, "INVALID_REQUEST_ERROR", "NOT_FOUND",
                             f"Order with id {p[2]} not found.")
            if m == "GET":
                return Response(200, {"order": copy.deepcopy(o)})
            if m == "PUT":
                return self._idempotent(body, lambda: self._update(o, body))
        if p == ["v2", "catalog", "batch-retrieve"] and m == "POST":
            ids = body.get("object_ids") or []
            if not ids:
                return bad("MISSING_REQUIRED_PARAMETER", "Missing object_ids", "object_ids")
            return Response(200, {"objects": [self._variation(v) for v in ids
                                              if v in self.variations]})
        if p == ["v2", "catalog", "search"] and m == "POST":
            return self._catalog_search(body)
        if p == ["v2", "inventory", "counts", "batch-retrieve"] and m == "POST":
            return self._counts(body)
        if p == ["v2", "inventory", "changes", "batch-create"] and m == "POST":
            return self._idempotent(body, lambda: self._changes(body))
        if p == ["v2", "refunds"] and m == "POST":
            return self._idempotent(body, lambda: self._refund(body))
        return error(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "Endpoint not found.")

    def _idempotent(self, body: dict, act) -> Response:
        key = body.get("idempotency_key")
        if not key or len(key) > 192:
            return bad("INVALID_VALUE", "idempotency_key must be 1 to 192 characters",
                       "idempotency_key")
        text = json.dumps({k: v for k, v in body.items() if k != "idempotency_key"},
                          sort_keys=True)
        if key in self.keys:
            before, answer = self.keys[key]
            return answer if before == text else bad(
                "IDEMPOTENCY_KEY_REUSED", "The idempotency key was used for another request.")
        answer = act()
        if answer.status < 400:
            self.keys[key] = (text, answer)
        return answer

    # -- orders --------------------------------------------------------------------------------
    def _search(self, body: dict) -> Response:
        cursor = body.get("cursor")
        shape = json.dumps({k: v for k, v in body.items() if k != "cursor"}, sort_keys=True)
        after = None
        if cursor is not None:
            if cursor not in self.cursors or self.cursors[cursor][0] != shape:
                return bad("INVALID_CURSOR", "The cursor does not belong to this query.",
                           "cursor")
            after = self.cursors[cursor][1]
        locations = body.get("location_ids")
        if not isinstance(locations, list) or not 1 <= len(locations) <= 10:
            return bad("INVALID_VALUE", "location_ids must hold 1 to 10 locations",
                       "location_ids")
        limit = body.get("limit", 500)
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            return bad("INVALID_VALUE", "limit must be between 1 and 1000", "limit")
        query = body.get("query") or {}
        f, sort = query.get("filter") or {}, query.get("sort") or {}
        dates = f.get("date_time_filter") or {}
        if len(dates) > 1 or set(dates) - set(DATE_FIELDS):
            return bad("INVALID_VALUE", "Only one of created_at, updated_at or closed_at may "
                       "be filtered", "query.filter.date_time_filter")
        field = next(iter(dates), None)
        sort_field = sort.get("sort_field", "CREATED_AT")
        if field and DATE_FIELDS[field] != sort_field:
            return bad("INVALID_VALUE", "sort_field must name the date_time_filter field",
                       "query.sort.sort_field")
        states = set((f.get("state_filter") or {}).get("states") or ORDER_STATES)
        key_field = {v: k for k, v in DATE_FIELDS.items()}[sort_field]
        rows = [o for o in self.orders.values() if o["location_id"] in locations
                and o["state"] in states and self._in_range(o, field, dates.get(field))]
        rows.sort(key=lambda o: (o.get(key_field) or "", o["id"]),
                  reverse=sort.get("sort_order", "DESC") == "DESC")
        if after is not None:
            desc = sort.get("sort_order", "DESC") == "DESC"
            rows = [o for o in rows if ((o.get(key_field) or "", o["id"]) < after) == desc
                    and (o.get(key_field) or "", o["id"]) != after]
        chunk = rows[:limit]
        answer: dict = {"orders": copy.deepcopy(chunk)} if chunk else {}
        if len(rows) > limit:
            token = uuid.uuid4().hex
            self.cursors[token] = (shape, (chunk[-1].get(key_field) or "", chunk[-1]["id"]))
            answer["cursor"] = token
        return Response(200, answer)

    @staticmethod
    def _in_range(o: dict, field: str | None, window: dict | None) -> bool:
        if not field:
            return True
        value = datetime.fromisoformat(o[field].replace("Z", "+00:00")) if o.get(field) else None
        if value is None:
            return False
        start, end = (window or {}).get("start_at"), (window or {}).get("end_at")
        return (not start or value >= datetime.fromisoformat(start.replace("Z", "+00:00"))) and \
            (not end or value < datetime.fromisoformat(end.replace("Z", "+00:00")))

    def _update(self, o: dict, body: dict) -> Response:
        change = body.get("order") or {}
        if change.get("version") != o["version"]:
            return bad("VERSION_MISMATCH", f"The order is at version {o['version']}.",
                       "order.version")
        if o["state"] in ("COMPLETED", "CANCELED"):
            return bad("INVALID_VALUE", f"Orders with a {o['state']} state cannot be updated.")
        fulfilments = {f["uid"]: f for f in o.get("fulfillments") or []}
        new = []
        for f in change.get("fulfillments") or []:
            old = fulfilments.get(f.get("uid"))
            state = f.get("state")
            if old is None:
                if f.get("type") not in ("SHIPMENT", "PICKUP", "DELIVERY") or \
                        state not in (*FORWARD, "CANCELED"):
                    return bad("INVALID_VALUE", "A new fulfillment needs a type and a state",
                               "order.fulfillments")
                new.append(copy.deepcopy(f))
            elif state and old["state"] != state and (
                    old["state"] in ("COMPLETED", "CANCELED", "FAILED") or
                    state in FORWARD and FORWARD.index(state) < FORWARD.index(old["state"])):
                return bad("INVALID_VALUE", f"Fulfillment {old['uid']} cannot go from "
                           f"{old['state']} to {state}", "order.fulfillments.state")
        for f in change.get("fulfillments") or []:
            old = fulfilments.get(f.get("uid"))
            if old is not None:
                details = {**(old.get("shipment_details") or {}), **(f.get("shipment_details") or {})}
                old.update({k: v for k, v in f.items() if k != "shipment_details"})
                if details:
                    old["shipment_details"] = details
                if old["state"] == "COMPLETED" and old["type"] == "PICKUP":
                    old.setdefault("pickup_details", {})["picked_up_at"] = rfc3339(datetime.now(timezone.utc))
                if old["state"] == "PREPARED" and old["type"] == "PICKUP":
                    old.setdefault("pickup_details", {})["ready_at"] = rfc3339(datetime.now(timezone.utc))
        o["fulfillments"] = [*(o.get("fulfillments") or []), *new]
        if change.get("state") in ORDER_STATES:
            o["state"] = change["state"]
        if o["state"] == "OPEN" and self._all_delivered(o):
            o["state"], o["closed_at"] = "COMPLETED", rfc3339(datetime.now(timezone.utc))
        self.touch(o)
        return Response(200, {"order": copy.deepcopy(o)})

    @staticmethod
    def _all_delivered(o: dict) -> bool:
        done = {l["uid"]: 0 for l in o["line_items"]}
        for f in o.get("fulfillments") or []:
            if f["state"] != "COMPLETED":
                continue
            if f.get("line_item_application") == "ENTRY_LIST":
                for e in f.get("entries") or []:
                    done[e["line_item_uid"]] = done.get(e["line_item_uid"], 0) + int(e["quantity"])
            else:
                return True
        return all(done[l["uid"]] >= int(l["quantity"]) for l in o["line_items"])

    # -- catalogue and inventory ---------------------------------------------------------------
    def _variation(self, vid: str) -> dict:
        return {"type": "ITEM_VARIATION", "id": vid, "version": 1, "is_deleted": False,
                "item_variation_data": {"item_id": f"ITEM{vid}", "name": "Regular",
                                        "sku": self.variations[vid]}}

    def _catalog_search(self, body: dict) -> Response:
        if body.get("object_types") != ["ITEM_VARIATION"]:
            return bad("INVALID_VALUE", "only ITEM_VARIATION is searchable here", "object_types")
        query = body.get("query") or {}
        wanted = set((query.get("set_query") or {}).get("attribute_values") or []) | \
            {(query.get("exact_query") or {}).get("attribute_value")}
        name = (query.get("set_query") or query.get("exact_query") or {}).get("attribute_name")
        if name != "sku":
            return bad("INVALID_VALUE", "query must be on the sku attribute", "query")
        return Response(200, {"objects": [self._variation(v) for v, s in self.variations.items()
                                          if s in wanted]})

    def _counts(self, body: dict) -> Response:
        ids, locations = body.get("catalog_object_ids") or [], body.get("location_ids") or []
        states = body.get("states") or ["IN_STOCK"]
        counts = [{"catalog_object_id": v, "catalog_object_type": "ITEM_VARIATION",
                   "state": "IN_STOCK", "location_id": loc, "quantity": str(q),
                   "calculated_at": rfc3339(datetime.now(timezone.utc))}
                  for (v, loc), q in sorted(self.counts.items())
                  if (not ids or v in ids) and (not locations or loc in locations)
                  and "IN_STOCK" in states]
        return Response(200, {"counts": counts} if counts else {})

    def _changes(self, body: dict) -> Response:
        changes = body.get("changes") or []
        if not 1 <= len(changes) <= 100:
            return bad("INVALID_ARRAY_LENGTH", "changes must hold 1 to 100 changes", "changes")
        for c in changes:
            detail = c.get("physical_count") if c.get("type") == "PHYSICAL_COUNT" else \
                c.get("adjustment") if c.get("type") == "ADJUSTMENT" else None
            if detail is None or detail.get("catalog_object_id") not in self.variations or \
                    detail.get("location_id") not in (LOCATION, OTHER_LOCATION) or \
                    not detail.get("occurred_at"):
                return bad("INVALID_VALUE", "Each change needs a known catalog_object_id, "
                           "location_id and occurred_at", "changes")
            try:
                quantity = Decimal(detail["quantity"]) if isinstance(detail.get("quantity"), str) \
                    else None
            except InvalidOperation:
                quantity = None
            if quantity is None or quantity < 0:
                return bad("INVALID_VALUE", "quantity must be a decimal string", "quantity")
        for c in changes:
            if c["type"] == "PHYSICAL_COUNT":
                d = c["physical_count"]
                if d.get("state") != "IN_STOCK":
                    return bad("INVALID_VALUE", "physical counts set IN_STOCK", "state")
                self.counts[(d["catalog_object_id"], d["location_id"])] = Decimal(d["quantity"])
            else:
                d = c["adjustment"]
                key = (d["catalog_object_id"], d["location_id"])
                sign_ = -1 if d.get("from_state") == "IN_STOCK" else 1
                self.counts[key] = self.counts.get(key, Decimal(0)) + sign_ * Decimal(d["quantity"])
        return self._counts({"catalog_object_ids": [
            (c.get("physical_count") or c.get("adjustment"))["catalog_object_id"] for c in changes]})

    # -- refunds -------------------------------------------------------------------------------
    def _refund(self, body: dict) -> Response:
        o = next((o for o in self.orders.values() for t in o.get("tenders") or []
                  if t.get("payment_id") == body.get("payment_id")), None)
        if o is None:
            return error(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "Payment not found.",
                         "payment_id")
        money = body.get("amount_money") or {}
        if not isinstance(money.get("amount"), int) or money["amount"] <= 0 or \
                money.get("currency") != o["total_money"]["currency"]:
            return bad("INVALID_VALUE", "amount_money must be a positive amount in the "
                       "payment's currency", "amount_money")
        refunded = sum(r["amount_money"]["amount"] for r in o["refunds"])
        if refunded + money["amount"] > o["total_money"]["amount"]:
            return error(400, "REFUND_ERROR", "REFUND_AMOUNT_INVALID",
                         "The refund is more than what is left to refund.")
        refund = {"id": f"RF{next(self._n):06d}", "status": "COMPLETED",
                  "amount_money": money, "payment_id": body["payment_id"], "order_id": o["id"],
                  "location_id": o["location_id"], "reason": body.get("reason"),
                  "created_at": rfc3339(datetime.now(timezone.utc))}
        self.refunds.append(refund)
        o["refunds"].append({"id": refund["id"], "location_id": o["location_id"],
                             "transaction_id": o["id"], "tender_id": o["tenders"][0]["id"],
                             "reason": refund["reason"], "amount_money": money,
                             "status": "COMPLETED"})
        self.touch(o)
        return Response(200, {"refund": refund})
