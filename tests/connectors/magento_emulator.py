"""A local Magento 2.4 admin REST API (apis-wave2.md section 1): `/rest/{store}/V1/...` (and
`/rest/V1/...` for the default view); the integration token as `Authorization: Bearer` (401
with Magento's message and parameters otherwise); searchCriteria in the query string in
either spelling (filter_groups / filterGroups…; filters in a group OR-ed, groups AND-ed;
conditions eq, neq, gt, gteq, lt, lteq, in, nin, like), sortOrders, pageSize and currentPage,
`{items, search_criteria, total_count}`, and the quirk every client must live with: a
currentPage past the end answers the LAST page again. Orders with their items, addresses in
shipping_assignments and UTC "YYYY-MM-DD HH:MM:SS" stamps; ship with tracks (each track's
track_number, title and carrier_code required; no more than is left to ship), offline credit
memos, cancel, MSI source items (a SKU outside the catalogue or an unknown source is 400).
No rate limit on the admin API; `storm` plays Magento's optional limits (429, no Retry-After)."""

from __future__ import annotations

import copy
import itertools
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from tests.connectors.emulator_http import EmulatorServer, Request, Response
from tests.connectors.shopify_throttle import EmulatorClock

TOKEN = "mg-integration-token-4f9a2c"
STAMP = "%Y-%m-%d %H:%M:%S"
KEY = re.compile(r"searchCriteria\[(filter_groups|filterGroups)\]\[(\d+)\]\[filters\]\[(\d+)\]"
                 r"\[(field|value|condition_type|conditionType)\]")
SORT = re.compile(r"searchCriteria\[(sort_orders|sortOrders)\]\[(\d+)\]\[(field|direction)\]")


def error(status: int, message: str, parameters=None) -> Response:
    return Response(status, {"message": message, "parameters": parameters or {}})


def unauthorised() -> Response:
    return error(401, "The consumer isn't authorized to access %resources.",
                 {"resources": "Magento_Sales::actions_view"})


def search(query: dict) -> tuple[list[list[dict]], list[tuple[str, str]], int | None, int]:
    groups: dict[int, dict[int, dict]] = {}
    for key, value in query.items():
        m = KEY.fullmatch(key)
        if m:
            name = "condition_type" if m[4] in ("condition_type", "conditionType") else m[4]
            groups.setdefault(int(m[2]), {}).setdefault(int(m[3]), {})[name] = value
    sorts: dict[int, dict] = {}
    for key, value in query.items():
        m = SORT.fullmatch(key)
        if m:
            sorts.setdefault(int(m[2]), {})[m[3]] = value
    size = query.get("searchCriteria[pageSize]")
    page = int(query.get("searchCriteria[currentPage]", 1))
    return ([list(g.values()) for _, g in sorted(groups.items())],
            [(s["field"], s.get("direction", "ASC")) for _, s in sorted(sorts.items())],
            int(size) if size else None, page)


def matches(row: dict, f: dict) -> bool:
    have, want, cond = row.get(f.get("field")), f.get("value"), f.get("condition_type", "eq")
    text = "" if have is None else str(have)
    if cond in ("in", "nin"):
        hit = text in str(want).split(",")
        return hit if cond == "in" else not hit
    if cond == "like":
        return re.fullmatch(re.escape(str(want)).replace("%", ".*"), text) is not None
    ops = {"eq": text == want, "neq": text != want}
    if cond in ops:
        return ops[cond]
    try:
        a, b = Decimal(text), Decimal(str(want))
    except ArithmeticError:
        a, b = text, str(want)
    return {"gt": a > b, "gteq": a >= b, "lt": a < b, "lteq": a <= b}[cond]


class MagentoEmulator(EmulatorServer):
    def __init__(self, *, clock: EmulatorClock | None = None):
        super().__init__()
        self.clock = clock or EmulatorClock()
        self.orders: dict[int, dict] = {}
        self.shipments: list[dict] = []
        self.creditmemos: list[dict] = []
        self.catalogue: set[str] = set()
        self.sources = {"default", "store1"}
        self.source_items: dict[tuple[str, str], dict] = {}
        self.storm = self.refused = 0
        self.log: list[tuple] = []
        self._ids, self._item_ids, self._other = (itertools.count(1), itertools.count(1),
                                                  itertools.count(1))

    # -- data ----------------------------------------------------------------------------------
    def add_order(self, lines, *, updated: datetime | None = None) -> dict:
        n = next(self._ids)
        at = (updated or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(STAMP)
        address = {"address_type": "shipping", "firstname": "Veronica", "lastname": "Costello",
                   "street": ["6146 Honey Bluff Parkway"], "city": "Calder", "region": "Michigan",
                   "region_code": "MI", "region_id": 33, "postcode": "49628-7978",
                   "country_id": "US", "telephone": "(555) 229-3326",
                   "email": "roni_cost@example.com"}
        o = {"entity_id": n, "increment_id": f"{n:09d}", "state": "processing",
             "status": "processing", "created_at": at, "updated_at": at, "store_id": 1,
             "customer_is_guest": 0, "customer_id": 1, "customer_email": "roni_cost@example.com",
             "customer_firstname": "Veronica", "customer_lastname": "Costello",
             "order_currency_code": "USD", "base_currency_code": "USD",
             "shipping_amount": 5, "discount_amount": 0, "tax_amount": 0, "total_refunded": 0,
             "shipping_description": "Flat Rate - Fixed",
             "billing_address": {**address, "address_type": "billing"},
             "payment": {"method": "checkmo", "amount_ordered": 0, "amount_paid": 0},
             "status_histories": [],
             "extension_attributes": {"shipping_assignments": [
                 {"shipping": {"address": address, "method": "flatrate_flatrate"},
                  "items": []}]}}
        self.set_lines(o, lines)
        self.orders[n] = o
        return o

    def set_lines(self, o: dict, lines) -> None:
        o["items"] = [{"item_id": next(self._item_ids), "order_id": o["entity_id"], "sku": sku,
                       "name": f"Item {sku}", "product_type": "simple",
                       "qty_ordered": qty, "qty_invoiced": qty, "qty_shipped": 0,
                       "qty_refunded": 0, "qty_canceled": 0, "price": float(price),
                       "row_total": float(Decimal(str(price)) * qty), "tax_amount": 0,
                       "discount_amount": 0} for sku, qty, price in lines]
        subtotal = float(sum(Decimal(str(p)) * q for _, q, p in lines))
        o["subtotal"] = subtotal
        o["grand_total"] = o["base_grand_total"] = o["total_paid"] = subtotal + 5
        o["total_qty_ordered"] = sum(q for _, q, _ in lines)
        o["payment"].update(amount_ordered=o["grand_total"], amount_paid=o["grand_total"])

    def touch(self, o: dict) -> None:
        now = datetime.now(timezone.utc).replace(microsecond=0)
        last = datetime.strptime(o["updated_at"], STAMP).replace(tzinfo=timezone.utc)
        o["updated_at"] = max(now, last + timedelta(seconds=1)).strftime(STAMP)

    def cancel(self, o: dict) -> None:
        o["state"] = o["status"] = "canceled"
        for i in o["items"]:
            i["qty_canceled"] = i["qty_ordered"] - i["qty_shipped"]
        self.touch(o)

    def list_sku(self, sku: str, quantity: int, source: str = "default") -> None:
        self.catalogue.add(sku)
        self.source_items[(sku, source)] = {"sku": sku, "source_code": source,
                                            "quantity": quantity, "status": int(quantity > 0)}

    def expire_tokens(self) -> None:
        """Integration tokens never expire."""

    # -- HTTP ----------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        self.log.append((req.method, req.path, dict(req.query)))
        m = re.fullmatch(r"/rest(?:/([a-z0-9_]+))?/V1/(.+)", req.path)
        if not m:
            return error(404, "Request does not match any route.")
        if req.headers.get("Authorization") != f"Bearer {TOKEN}":
            return unauthorised()
        if self.storm:
            self.storm -= 1
            self.refused += 1
            return Response(429, {"message": "Too Many Requests", "trace": None})
        return self._route(req, m[2].strip("/").split("/"))

    def _route(self, req: Request, p: list[str]) -> Response:
        get, post = req.method == "GET", req.method == "POST"
        if p == ["orders"] and get:
            return self._list(req, list(self.orders.values()))
        if p[0] == "orders" and len(p) >= 2:
            o = self.orders.get(int(p[1])) if p[1].isdigit() else None
            if o is None:
                return error(404, "The entity that was requested doesn't exist. Verify the "
                                  "entity and try again.")
            if len(p) == 2 and get:
                return Response(200, copy.deepcopy(o))
            if p[2:] == ["cancel"] and post:
                return self._cancel(o)
        if p[0] == "order" and len(p) == 3 and post:
            o = self.orders.get(int(p[1])) if p[1].isdigit() else None
            if o is None:
                return error(404, "The entity that was requested doesn't exist. Verify the "
                                  "entity and try again.")
            if p[2] == "ship":
                return self._ship(req, o)
            if p[2] == "refund":
                return self._refund(req, o)
        if p == ["shipments"] and get:
            return self._list(req, self.shipments)
        if p == ["creditmemos"] and get:
            return self._list(req, self.creditmemos)
        if p == ["products"] and get:
            return self._list(req, [{"sku": s, "type_id": "simple"} for s in sorted(self.catalogue)])
        if p == ["inventory", "source-items"]:
            return self._list(req, list(self.source_items.values())) if get \
                else self._set_stock(req) if post else error(405, "Method not allowed")
        return error(404, "Request does not match any route.")

    def _list(self, req: Request, rows: list[dict]) -> Response:
        groups, sorts, size, page = search(req.query)
        if not groups and any(k.startswith("searchCriteria[filter") for k in req.query):
            return error(400, "%fieldName is a required field.", {"fieldName": "searchCriteria"})
        rows = [r for r in rows if all(any(matches(r, f) for f in g) for g in groups)]
        for field, direction in reversed(sorts):
            rows.sort(key=lambda r: (str(r.get(field)), r.get("entity_id", 0)),
                      reverse=direction.upper() == "DESC")
        total = len(rows)
        if size:
            last = max(1, -(-total // size))
            page = min(page, last)  # Magento's quirk: past the end, the last page again
            rows = rows[(page - 1) * size:page * size]
        return Response(200, {"items": copy.deepcopy(rows), "search_criteria": {},
                              "total_count": total})

    def _cancel(self, o: dict) -> Response:
        if o["state"] not in ("new", "pending_payment", "processing") or \
                any(i["qty_shipped"] for i in o["items"]):
            return Response(200, False)
        self.cancel(o)
        return Response(200, True)

    def _ship(self, req: Request, o: dict) -> Response:
        body = req.json() or {}
        if o["state"] in ("canceled", "closed", "holded"):
            return error(400, "Shipment Document Validation Error(s):\nThe order does not "
                              "allow a shipment to be created.")
        items = {i["item_id"]: i for i in o["items"]}
        for item in body.get("items") or []:
            i = items.get(item.get("order_item_id"))
            qty = item.get("qty")
            if i is None or not isinstance(qty, (int, float)) or qty <= 0 or \
                    qty > i["qty_ordered"] - i["qty_shipped"] - i["qty_refunded"] - i["qty_canceled"]:
                return error(400, "Shipment Document Validation Error(s):\nYou can't create a "
                                  "shipment without products.")
        for track in body.get("tracks") or []:
            for field in ("track_number", "title", "carrier_code"):
                if not track.get(field):
                    return error(400, "%fieldName is a required field.", {"fieldName": field})
        for item in body.get("items") or []:
            items[item["order_item_id"]]["qty_shipped"] += item["qty"]
        shipment = {"entity_id": next(self._other), "order_id": o["entity_id"],
                    "items": body.get("items") or [], "tracks": body.get("tracks") or []}
        self.shipments.append(shipment)
        if all(i["qty_shipped"] + i["qty_refunded"] + i["qty_canceled"] >= i["qty_ordered"]
               for i in o["items"]):
            o["state"] = o["status"] = "complete"
        self.touch(o)
        return Response(200, str(shipment["entity_id"]))  # an int in the docs, a string on the wire

    def _refund(self, req: Request, o: dict) -> Response:
        body = req.json() or {}
        items = {i["item_id"]: i for i in o["items"]}
        total = Decimal(0)
        for item in body.get("items") or []:
            i = items.get(item.get("order_item_id"))
            qty = item.get("qty")
            if i is None or not isinstance(qty, (int, float)) or qty <= 0 or \
                    qty > i["qty_invoiced"] - i["qty_refunded"]:
                return error(400, "The most money available to refund is %1.",
                             [o["grand_total"] - o["total_refunded"]])
            total += Decimal(str(i["price"])) * Decimal(str(qty))
        args = body.get("arguments") or {}
        total += Decimal(str(args.get("adjustment_positive") or 0)) + \
            Decimal(str(args.get("shipping_amount") or 0))
        if total <= 0 or total > Decimal(str(o["grand_total"] - o["total_refunded"])):
            return error(400, "The most money available to refund is %1.",
                         [o["grand_total"] - o["total_refunded"]])
        for item in body.get("items") or []:
            items[item["order_item_id"]]["qty_refunded"] += item["qty"]
        o["total_refunded"] = float(Decimal(str(o["total_refunded"])) + total)
        comment = (body.get("comment") or {}).get("comment")
        memo = {"entity_id": next(self._other), "order_id": o["entity_id"],
                "grand_total": float(total), "items": body.get("items") or [],
                "comments": [{"comment": comment}] if comment else []}
        self.creditmemos.append(memo)
        if o["total_refunded"] >= o["grand_total"]:
            o["state"] = o["status"] = "closed"
        self.touch(o)
        return Response(200, memo["entity_id"])

    def _set_stock(self, req: Request) -> Response:
        items = (req.json() or {}).get("sourceItems")
        if not isinstance(items, list) or not items:
            return error(400, "%fieldName is a required field.", {"fieldName": "sourceItems"})
        for item in items:
            if item.get("sku") not in self.catalogue:
                return error(400, 'The product with SKU "%1" doesn\'t exist.', [item.get("sku")])
            if item.get("source_code") not in self.sources:
                return error(400, "Validation Failed", [])
            if not isinstance(item.get("quantity"), (int, float)) or item.get("status") not in (0, 1):
                return error(400, "Validation Failed", [])
        for item in items:
            self.source_items[(item["sku"], item["source_code"])] = dict(item)
        return Response(200, [])

