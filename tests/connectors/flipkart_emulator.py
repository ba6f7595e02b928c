"""A local Flipkart Marketplace Seller API v3 (apis-wave2.md section 2): client-credentials
tokens (HTTP Basic app id and secret; 401 "Bad credentials"), bearer tokens that expire (401),
POST /sellers/v3/shipments/filter (type and its states checked, pageSize 1-20, locationId,
modifiedDate, sort) and the nextPageUrl it returns (keyset, relative to /sellers), shipments
by ids (at most 100), shipping details, pack (labels: at most 25, asynchronous:
PACKING_IN_PROGRESS for `pack_polls` reads, then PACKED with a tracking id), labels as a PDF
with the tracking id as a Code 128 barcode, ready-to-dispatch (only PACKED), inventory
updates (at most ten SKUs, FSN and location checked, per-SKU status in a 200). Flipkart
publishes no rate limit: `storm` and `inject` play a gateway answering 429 or 503."""

from __future__ import annotations

import base64
import copy
import io
import itertools
import json
import uuid
from datetime import datetime, timedelta, timezone

from tests.connectors.emulator_http import EmulatorServer, Request, Response
from tests.connectors.shopify_throttle import EmulatorClock

APP_ID, APP_SECRET = "0123abcd4567ef", "f1ipk4rt-s3cr3t"
LOCATION = "LOCa1b2c3d4e5f6"
STATES = {"preDispatch": {"APPROVED", "PACKING_IN_PROGRESS", "FORM_FAILED", "PACKED",
                          "READY_TO_DISPATCH"},
          "postDispatch": {"SHIPPED", "DELIVERED", "PICKUP_COMPLETE"},
          "cancelled": {"CANCELLED"}}


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def error(status: int, code: str, message: str) -> Response:
    return Response(status, {"code": code, "message": message})


class FlipkartEmulator(EmulatorServer):
    def __init__(self, *, clock: EmulatorClock | None = None, pack_polls: int = 1):
        super().__init__()
        self.clock = clock or EmulatorClock()
        self.shipments: dict[str, dict] = {}
        self.fsn: dict[str, str] = {}  # listed SKU -> FSN
        self.stock: dict[str, int] = {}
        self.tokens: dict[str, float] = {}
        self.pack_polls = pack_polls
        self.storm, self.inject, self.refused = 0, [], 0
        self.log: list[tuple] = []
        self._ids = itertools.count(1)

    # -- data ----------------------------------------------------------------------------------
    def add_shipment(self, lines, *, updated: datetime | None = None,
                     payment: str = "PREPAID") -> dict:
        n = next(self._ids)
        when = iso(updated or datetime.now(timezone.utc))
        s = {"shipmentId": f"{uuid.UUID(int=n)}", "dispatchByDate": when,
             "dispatchAfterDate": when, "updatedAt": when, "locationId": LOCATION,
             "hold": False, "mps": False, "packagingPolicy": "DEFAULT", "shipmentType": "NORMAL",
             "state": "APPROVED", "forms": [], "_packing": 0, "_order": f"OD{400000000 + n}",
             "_payment": payment, "_when": when,
             "subShipments": [{"subShipmentId": f"SS-{n}-1", "packages": []}]}
        self.set_lines(s, lines)
        self.shipments[s["shipmentId"]] = s
        return s

    def set_lines(self, s: dict, lines) -> None:
        n = int(s["_order"][2:])
        s["orderItems"] = [{
            "orderItemId": f"{n}{i:03d}", "orderId": s["_order"], "cancellationGroupId": f"grp{n}",
            "orderDate": s["_when"], "paymentType": s["_payment"], "status": s["state"],
            "quantity": qty, "fsn": self.fsn.get(sku, f"FSN{sku.replace('-', '')}0000000")[:16],
            "sku": sku, "listingId": f"LST{n}{i}", "hsn": "69120090", "title": f"Item {sku}",
            "serviceProfile": "NON_FBF", "is_replacement": False,
            "priceComponents": {"sellingPrice": float(price), "totalPrice": float(price) * qty,
                                "shippingCharge": 0, "customerPrice": float(price) * qty,
                                "flipkartDiscount": 0}}
            for i, (sku, qty, price) in enumerate(lines, start=1)]

    def touch(self, s: dict) -> None:
        last = datetime.fromisoformat(s["updatedAt"].replace("Z", "+00:00"))
        s["updatedAt"] = iso(max(datetime.now(timezone.utc), last + timedelta(seconds=1)))

    def set_state(self, s: dict, state: str) -> None:
        s["state"] = state
        for item in s["orderItems"]:
            item["status"] = state
        self.touch(s)

    def view(self, s: dict) -> dict:
        return {k: copy.deepcopy(v) for k, v in s.items() if not k.startswith("_")}

    def details(self, s: dict) -> dict:
        courier = {"deliveryPartner": "Ekart", "trackingId": s.get("_tracking")} \
            if s.get("_tracking") else None
        return {"shipmentId": s["shipmentId"], "locationId": LOCATION,
                "deliveryAddress": {"firstName": "Asha", "lastName": "Rao",
                                    "addressLine1": "12 MG Road", "addressLine2": "",
                                    "city": "Bengaluru", "state": "Karnataka",
                                    "stateCode": "KA", "pincode": "560001", "landmark": ""},
                "billingAddress": None, "buyerDetails": {"firstName": "Asha"},
                "courierDetails": courier}

    # -- HTTP ----------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        self.log.append((req.method, req.path, dict(req.query)))
        if req.path == "/oauth-service/oauth/token":
            return self._grant(req)
        auth = req.headers.get("Authorization") or ""
        expiry = self.tokens.get(auth.removeprefix("Bearer "))
        if not auth.startswith("Bearer ") or expiry is None or self.clock.now() >= expiry:
            return error(401, "UNAUTHORIZED", "Invalid or expired access token")
        if self.inject:
            status = self.inject.pop(0)
            return error(status, "UNAVAILABLE", "Service unavailable")
        if self.storm:
            self.storm -= 1
            self.refused += 1
            return error(429, "TOO_MANY_REQUESTS", "Too many requests")
        return self._route(req)

    def _grant(self, req: Request) -> Response:
        basic = req.headers.get("Authorization") or ""
        pair = base64.b64decode(basic[6:]).decode() if basic.startswith("Basic ") else ""
        if req.method != "GET" or pair != f"{APP_ID}:{APP_SECRET}":
            return Response(401, {"error": "unauthorized", "error_description": "Bad credentials"})
        if (req.query.get("grant_type"), req.query.get("scope")) != ("client_credentials",
                                                                    "Seller_Api"):
            return Response(400, {"error": "invalid_request",
                                  "error_description": "grant_type and scope required"})
        token = uuid.uuid4().hex
        self.tokens[token] = self.clock.now() + 5183999
        return Response(200, {"access_token": token, "token_type": "bearer",
                              "expires_in": 5183999, "scope": "Seller_Api"})

    def expire_tokens(self) -> None:
        self.tokens = {t: self.clock.now() - 1 for t in self.tokens}

    def _route(self, req: Request) -> Response:
        path, m = req.path, req.method
        if path == "/sellers/v3/shipments/filter":
            return self._filter(req.json() if m == "POST" else self._token(req))
        if path == "/sellers/v3/shipments" and m == "GET":
            ids = (req.query.get("shipmentIds") or "").split(",")
            if len(ids) > 100:
                return error(400, "INVALID_REQUEST", "At most 100 shipment ids")
            return Response(200, {"shipments": [self.view(self._read(i)) for i in ids
                                                if i in self.shipments]})
        if path == "/sellers/v3/shipments/labels" and m == "POST":
            return self._pack(req.json() or {})
        if path == "/sellers/v3/shipments/dispatch" and m == "POST":
            return self._dispatch(req.json() or {})
        if path == "/sellers/listings/v3/update/inventory" and m == "POST":
            return self._inventory(req.json() or {})
        parts = path.split("/")
        if path.startswith("/sellers/v3/shipments/") and m == "GET" and len(parts) in (5, 6):
            ids = [i for i in parts[4].split(",") if i in self.shipments]
            if len(parts) == 6 and parts[5] == "labels":
                return self._labels(ids)
            return Response(200, {"shipments": [self.details(self.shipments[i]) for i in ids]})
        return error(404, "NOT_FOUND", "Resource not found")

    def _read(self, shipment_id: str) -> dict:
        """Reading a shipment moves a pack along, as Flipkart's background job does."""
        s = self.shipments[shipment_id]
        if s["state"] == "PACKING_IN_PROGRESS":
            s["_packing"] += 1
            if s["_packing"] >= self.pack_polls:
                s["_tracking"] = f"FMPC{int(s['_order'][2:]):010d}"
                self.set_state(s, "PACKED")
        return s

    # -- the filter ------------------------------------------------------------------------------
    def _token(self, req: Request) -> dict:
        try:
            return json.loads(base64.urlsafe_b64decode(req.query["next_token"]))
        except (KeyError, ValueError):
            return {}

    def _filter(self, body: dict) -> Response:
        f, size = body.get("filter") or {}, (body.get("pagination") or {}).get("pageSize", 20)
        kind = f.get("type")
        if kind not in STATES:
            return error(400, "INVALID_FILTER", "filter.type must be preDispatch, "
                                                "postDispatch or cancelled")
        states = set(f.get("states") or ([] if kind != "cancelled" else STATES["cancelled"]))
        if not states or not states <= STATES[kind]:
            return error(400, "INVALID_FILTER", f"filter.states invalid for {kind}")
        if not isinstance(size, int) or not 1 <= size <= 20:
            return error(400, "INVALID_PAGINATION", "pageSize must be between 1 and 20")
        since = (f.get("modifiedDate") or {}).get("from", "")
        rows = sorted((s for s in self.shipments.values() if s["state"] in states
                       and s["updatedAt"] >= since and f.get("locationId") in (None, LOCATION)),
                      key=lambda s: (s["updatedAt"], s["shipmentId"]))
        if body.get("_after"):
            rows = [s for s in rows if (s["updatedAt"], s["shipmentId"]) > tuple(body["_after"])]
        chunk, more = rows[:size], len(rows) > size
        answer = {"hasMore": more, "shipments": [self.view(s) for s in chunk]}
        if more:
            state = {**body, "_after": [chunk[-1]["updatedAt"], chunk[-1]["shipmentId"]]}
            token = base64.urlsafe_b64encode(json.dumps(state).encode()).decode()
            answer["nextPageUrl"] = f"/v3/shipments/filter?next_token={token}"
        return Response(200, answer)

    # -- fulfilment ----------------------------------------------------------------------------
    def _pack(self, body: dict) -> Response:
        rows = body.get("shipments") or []
        if len(rows) > 25:
            return error(400, "INVALID_REQUEST", "At most 25 shipments")
        return Response(200, {"shipments": [self._pack_one(r) for r in rows]})

    def _pack_one(self, r: dict) -> dict:
        s = self.shipments.get(r.get("shipmentId"))
        fail = {"shipmentId": r.get("shipmentId"), "status": "FAILURE"}
        if s is None or s["state"] != "APPROVED":
            return {**fail, "errorCode": "INVALID_SHIPMENTS",
                    "errorMessage": "Shipment not in APPROVED state"}
        subs = {x["subShipmentId"] for x in s["subShipments"]}
        given = {x.get("subShipmentId") for x in r.get("subShipments") or []
                 if all((x.get("dimensions") or {}).get(k) for k in
                        ("length", "breadth", "height", "weight"))}
        invoices = r.get("invoices") or [{}]
        if r.get("locationId") != LOCATION or given != subs or \
                not invoices[0].get("invoiceDate") or not invoices[0].get("orderId"):
            return {**fail, "errorCode": "OPERATION_NOT_ALLOWED",
                    "errorMessage": "locationId, invoices and every sub-shipment's dimensions "
                                    "are required"}
        if any("taxRate" not in t for t in r.get("taxItems") or [{}]):
            return {**fail, "errorCode": "OPERATION_NOT_ALLOWED", "errorMessage": "taxRate required"}
        self.set_state(s, "PACKING_IN_PROGRESS")
        return {"shipmentId": s["shipmentId"], "status": "SUCCESS"}

    def _dispatch(self, body: dict) -> Response:
        ids = body.get("shipmentIds") or []
        if len(ids) > 25 or body.get("locationId") != LOCATION:
            return error(400, "INVALID_REQUEST", "At most 25 shipments of your location")
        out = []
        for i in ids:
            s = self.shipments.get(i)
            if s is None or s["state"] != "PACKED":
                out.append({"shipmentId": i, "status": "FAILURE", "errorCode": "INVALID_SHIPMENTS",
                            "errorMessage": "Shipment is not PACKED"})
                continue
            self.set_state(s, "READY_TO_DISPATCH")
            out.append({"shipmentId": i, "status": "SUCCESS"})
        return Response(200, {"shipments": out})

    def _labels(self, ids: list[str]) -> Response:
        from reportlab.graphics.barcode import code128
        from reportlab.lib.units import inch
        from reportlab.pdfgen import canvas

        packed = [self.shipments[i] for i in ids if self.shipments[i].get("_tracking")]
        if not packed:
            return error(400, "INVALID_SHIPMENTS", "Labels exist only for packed shipments")
        out = io.BytesIO()
        page = canvas.Canvas(out, pagesize=(4 * inch, 6 * inch))
        for s in packed:
            page.drawString(20, 400, f"Flipkart  {s['_order']}  Ekart")
            code128.Code128(s["_tracking"], barHeight=60, barWidth=1.4).drawOn(page, 20, 300)
            page.showPage()
        page.save()
        return Response(200, out.getvalue(), {"Content-Type": "application/pdf"})

    def _inventory(self, body: dict) -> Response:
        if len(body) > 10:
            return error(400, "INVALID_REQUEST", "At most 10 SKUs per request")
        return Response(200, {sku: self._stock_one(sku, row) for sku, row in body.items()})

    def _stock_one(self, sku: str, row: dict) -> dict:
        problem = None
        if self.fsn.get(sku) != row.get("product_id"):
            problem = ("INVALID_PRODUCT_ID", "product_id does not match the SKU's listing")
        locations = row.get("locations") or [{}]
        if not problem and (locations[0].get("id") != LOCATION or
                            not isinstance(locations[0].get("inventory"), int)):
            problem = ("INVALID_LOCATION", "a location id of yours and a whole inventory count")
        if problem:
            return {"status": "FAILURE", "errors": [{"severity": "ERROR", "code": problem[0],
                                                     "description": problem[1], "path": sku}],
                    "attribute_errors": []}
        self.stock[sku] = locations[0]["inventory"]
        return {"status": "SUCCESS", "errors": [], "attribute_errors": []}
