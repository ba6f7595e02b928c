"""Local emulators of the EasyPost and Shippo HTTP APIs (apis.md sections 6 and 7): real HTTP
on 127.0.0.1, an ephemeral port per test, the documented auth, shapes, status codes, label files
and rate limiting (429 + Retry-After)."""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from oms_desktop.carriers.base import AddressDTO, ParcelDTO, ShipmentDTO
from oms_desktop.documents import labels, zpl

NOW = "2026-11-27T08:00:00Z"


def carrier_label(tracking: str, fmt: str) -> bytes:
    """A real 4x6 label file, as a carrier would serve it."""
    dto = ShipmentDTO(0, "EMU", AddressDTO("Carrier hub", "1 Hub Rd", "Memphis", "38118", "US"),
                      AddressDTO("Customer", "2 Main St", "Austin", "78701", "US"),
                      (ParcelDTO(1, 500),))
    data = labels.collect(dto, tracking_number=tracking, carrier="carrier", service="Ground")
    return labels.render_pdf(data) if fmt == "pdf" else zpl.render(data).encode()


class Emulator:
    """Runs a handler class on a ThreadingHTTPServer; `throttle(n, s)` answers the next n
    requests with 429 and Retry-After: s."""

    def __init__(self):
        self.requests: list[tuple[str, str, dict | None, dict]] = []
        self.files: dict[str, tuple[bytes, str]] = {}
        self._throttled, self._retry_after = 0, 1
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                emulator._serve(self, "GET")

            def do_POST(self):
                emulator._serve(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def throttle(self, count: int, retry_after: int = 1) -> None:
        self._throttled, self._retry_after = count, retry_after

    def next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}{next(self._ids):06d}"

    def _serve(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        url = urlparse(h.path)
        self.requests.append((method, url.path, body, dict(h.headers)))
        if url.path.startswith("/files/"):
            return self._file(h, url.path[len("/files/"):])
        if self._throttled:
            self._throttled -= 1
            return self._send(h, 429, {"error": "rate limited"},
                              {"Retry-After": str(self._retry_after)})
        status, payload = self.handle(method, url.path, parse_qs(url.query), body, h.headers)
        self._send(h, status, payload)

    def _file(self, h, name: str) -> None:
        if name not in self.files:
            return self._send(h, 404, {"error": "no such file"})
        content, mime = self.files[name]
        h.send_response(200)
        h.send_header("Content-Type", mime)
        h.send_header("Content-Length", str(len(content)))
        h.end_headers()
        h.wfile.write(content)

    @staticmethod
    def _send(h, status: int, payload, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def store_file(self, name: str, content: bytes, mime: str) -> str:
        self.files[name] = (content, mime)
        return f"{self.url}/files/{name}"

    def handle(self, method, path, query, body, headers):  # pragma: no cover - abstract
        raise NotImplementedError


# -- EasyPost ---------------------------------------------------------------------------------
EZ_STATUSES = {"EZ1000000001": "pre_transit", "EZ2000000002": "in_transit",
               "EZ3000000003": "out_for_delivery", "EZ4000000004": "delivered",
               "EZ5000000005": "return_to_sender", "EZ6000000006": "failure",
               "EZ7000000007": "unknown"}
EZ_PATH = ["pre_transit", "in_transit", "out_for_delivery", "delivered"]
EZ_RATES = [("USPS", "GroundAdvantage", "5.93", 3), ("USPS", "Priority", "8.10", 2),
            ("UPS", "NextDayAir", "32.50", 1)]


class EasyPostEmulator(Emulator):
    def __init__(self, api_key: str = "EZTK_test_key"):
        super().__init__()
        self.api_key = api_key
        self.shipments: dict[str, dict] = {}
        self.tracking_codes = iter(list(EZ_STATUSES))

    def _authorised(self, headers) -> bool:
        auth = headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        return user == self.api_key and password == ""

    def handle(self, method, path, query, body, headers):
        if not self._authorised(headers):
            return 401, {"error": {"code": "APIKEY.INACTIVE",
                                   "message": "This api key is no longer active.",
                                   "errors": []}}
        routes = [("POST", r"/v2/shipments", self.create),
                  ("POST", r"/v2/shipments/(shp_\w+)/buy", self.buy),
                  ("GET", r"/v2/shipments/(shp_\w+)/label", self.convert),
                  ("POST", r"/v2/shipments/(shp_\w+)/refund", self.refund),
                  ("POST", r"/v2/trackers", self.tracker)]
        for verb, pattern, fn in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return fn(*match.groups(), body=body, query=query)
        return 404, {"error": {"code": "NOT_FOUND", "message": "Not found", "errors": []}}

    @staticmethod
    def _error(code: str, message: str, errors: list[dict], status: int = 422):
        return status, {"error": {"code": code, "message": message, "errors": errors}}

    def create(self, body, query):
        shipment = (body or {}).get("shipment")
        if not shipment:
            return self._error("PARAMETER.REQUIRED", "Missing required parameter.",
                               [{"field": "shipment", "message": "cannot be blank"}])
        to = shipment.get("to_address") or {}
        if not to.get("street1") or to.get("zip", "").startswith("000"):
            field = "street1" if not to.get("street1") else "zip"
            return self._error("ADDRESS.VERIFY.FAILURE", "Unable to verify address.",
                               [{"field": field, "message": "Address not found"}])
        sid = self.next_id("shp_")
        rates = [{"id": self.next_id("rate_"), "object": "Rate", "mode": "test",
                  "service": service, "carrier": carrier, "rate": amount, "currency": "USD",
                  "retail_rate": amount, "retail_currency": "USD", "list_rate": amount,
                  "list_currency": "USD", "billing_type": "easypost", "delivery_days": days,
                  "delivery_date": None, "delivery_date_guaranteed": False,
                  "est_delivery_days": days, "shipment_id": sid, "carrier_account_id": "ca_1"}
                 for carrier, service, amount, days in EZ_RATES]
        record = {"id": sid, "object": "Shipment", "mode": "test", "status": "unknown",
                  "tracking_code": None, "reference": shipment.get("reference"),
                  "to_address": {"id": self.next_id("adr_"), **to},
                  "from_address": {"id": self.next_id("adr_"), **shipment["from_address"]},
                  "parcel": {"id": self.next_id("prcl_"), **shipment["parcel"]},
                  "options": {**shipment.get("options", {}), "currency": "USD",
                              "payment": {"type": "SENDER"}, "date_advance": 0},
                  "rates": rates, "selected_rate": None, "postage_label": None,
                  "tracker": None, "messages": [], "forms": [], "fees": [],
                  "refund_status": None, "created_at": NOW, "updated_at": NOW}
        self.shipments[sid] = record
        return 201, record

    def buy(self, sid, body, query):
        record = self.shipments.get(sid)
        rate_id = ((body or {}).get("rate") or {}).get("id")
        rate = next((r for r in record["rates"] if r["id"] == rate_id), None) if record else None
        if rate is None:
            return self._error("SHIPMENT.RATE.NOT_FOUND", "Rate not found.",
                               [{"field": "rate", "message": "not found"}])
        code = next(self.tracking_codes)
        fmt = record["options"].get("label_format", "PNG")
        record.update(status="unknown", tracking_code=code, selected_rate=rate,
                      postage_label=self._postage_label(sid, code, fmt),
                      tracker={"id": self.next_id("trk_"), "tracking_code": code})
        return 200, record

    def _postage_label(self, sid: str, code: str, fmt: str) -> dict:
        label = {"object": "PostageLabel", "id": self.next_id("pl_"), "label_date": NOW,
                 "label_resolution": 300, "label_size": "4x6", "label_type": "default",
                 "label_file_type": "image/png",
                 "label_url": self.store_file(f"{sid}.png", b"\x89PNG\r\n", "image/png"),
                 "label_pdf_url": None, "label_zpl_url": None, "label_epl2_url": None,
                 "label_file": None, "integrated_form": "none", "date_advance": 0}
        return self._convert(sid, code, fmt, label)

    def _convert(self, sid: str, code: str, fmt: str, label: dict) -> dict:
        if fmt == "PDF":
            label["label_pdf_url"] = self.store_file(f"{sid}.pdf", carrier_label(code, "pdf"),
                                                     "application/pdf")
        elif fmt == "ZPL":
            label["label_zpl_url"] = self.store_file(f"{sid}.zpl", carrier_label(code, "zpl"),
                                                     "application/zpl")
        return label

    def convert(self, sid, body, query):
        record = self.shipments.get(sid)
        if not record or not record["postage_label"]:
            return self._error("SHIPMENT.NOT_PURCHASED", "Shipment not purchased.", [])
        fmt = query.get("file_format", ["PNG"])[0].upper()
        self._convert(sid, record["tracking_code"], fmt, record["postage_label"])
        return 200, record

    def refund(self, sid, body, query):
        record = self.shipments.get(sid)
        if not record or not record["tracking_code"]:
            return self._error("SHIPMENT.REFUND.UNAVAILABLE", "Not purchased.", [])
        record["refund_status"] = "submitted"
        return 200, record

    def tracker(self, body, query):
        code = ((body or {}).get("tracker") or {}).get("tracking_code")
        if not code:
            return self._error("PARAMETER.REQUIRED", "Missing required parameter.",
                               [{"field": "tracker.tracking_code", "message": "required"}])
        status = EZ_STATUSES.get(code, "unknown")
        path = EZ_PATH[:EZ_PATH.index(status) + 1] if status in EZ_PATH else \
            ["pre_transit", "in_transit", status]
        details = [{"object": "TrackingDetail", "message": s.replace("_", " ").title(),
                    "status": s, "status_detail": s, "source": "USPS",
                    "datetime": f"2026-11-2{4 + i}T10:00:00Z",
                    "tracking_location": {"object": "TrackingLocation", "city": "Memphis",
                                          "state": "TN", "country": "US", "zip": "38118"}}
                   for i, s in enumerate(path)]
        return 201, {"id": self.next_id("trk_"), "object": "Tracker", "mode": "test",
                     "tracking_code": code, "status": status, "status_detail": status,
                     "carrier": "USPS", "tracking_details": details, "created_at": NOW,
                     "updated_at": NOW}


# -- Shippo -----------------------------------------------------------------------------------
SHIPPO_RATES = [("USPS", "Ground Advantage", "usps_ground_advantage", "6.10", 4),
                ("USPS", "Priority Mail", "usps_priority", "8.70", 2),
                ("UPS", "Next Day Air", "ups_next_day_air", "29.95", 1)]
SHIPPO_HISTORY = {"SHIPPO_PRE_TRANSIT": ["PRE_TRANSIT"],
                  "SHIPPO_TRANSIT": ["PRE_TRANSIT", "TRANSIT"],
                  "SHIPPO_DELIVERED": ["PRE_TRANSIT", "TRANSIT", "DELIVERED"],
                  "SHIPPO_RETURNED": ["PRE_TRANSIT", "TRANSIT", "RETURNED"],
                  "SHIPPO_FAILURE": ["PRE_TRANSIT", "FAILURE"],
                  "SHIPPO_UNKNOWN": ["UNKNOWN"]}


class ShippoEmulator(Emulator):
    def __init__(self, token: str = "shippo_test_abc"):
        super().__init__()
        self.token = token
        self.shipments: dict[str, dict] = {}
        self.rates: dict[str, dict] = {}
        self.transactions: dict[str, dict] = {}
        self.tracking_numbers = iter(list(SHIPPO_HISTORY))

    def handle(self, method, path, query, body, headers):
        if headers.get("Authorization") != f"ShippoToken {self.token}":
            return 401, {"detail": "Invalid token."}
        routes = [("POST", r"/shipments/", self.create), ("POST", r"/transactions/", self.buy),
                  ("POST", r"/refunds/", self.refund),
                  ("GET", r"/tracks/(\w+)/(\w+)", self.track)]
        for verb, pattern, fn in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return fn(*match.groups(), body=body)
        return 404, {"detail": "Not found."}

    def _object_id(self) -> str:
        return self.next_id("").rjust(32, "a")

    def create(self, body):
        body = body or {}
        missing = {k: ["This field is required."] for k in ("address_from", "address_to",
                                                              "parcels") if not body.get(k)}
        if missing:
            return 400, missing
        to = body["address_to"]
        if not to.get("street1") or to.get("zip", "").startswith("000"):
            field = "street1" if not to.get("street1") else "zip"
            return 400, {"address_to": {field: ["The address could not be validated."]}}
        sid = self._object_id()
        rates = [self._rate(sid, *r) for r in SHIPPO_RATES]
        shipment = {"object_id": sid, "object_created": NOW, "object_owner": "me@example.com",
                    "status": "SUCCESS" if body.get("async") is False else "QUEUED",
                    "address_from": body["address_from"], "address_to": to,
                    "parcels": body["parcels"], "metadata": body.get("metadata", ""),
                    "rates": rates if body.get("async") is False else [], "messages": [],
                    "test": True}
        self.shipments[sid] = shipment
        return 201, shipment

    def _rate(self, sid, provider, name, token, amount, days):
        rate = {"object_id": self._object_id(), "object_created": NOW,
                "object_owner": "me@example.com", "shipment": sid, "amount": amount,
                "currency": "USD", "amount_local": amount, "currency_local": "USD",
                "provider": provider, "servicelevel": {"name": name, "token": token,
                                                       "terms": ""},
                "estimated_days": days, "arrives_by": None, "duration_terms": "",
                "attributes": [], "carrier_account": "ca_1", "zone": "5", "messages": [],
                "test": True}
        self.rates[rate["object_id"]] = rate
        return rate

    def buy(self, body):
        body = body or {}
        if not body.get("rate"):
            return 400, {"rate": ["This field is required."]}
        oid = self._object_id()
        if body["rate"] not in self.rates:
            return 201, {"object_id": oid, "object_state": "INVALID", "status": "ERROR",
                         "messages": [{"code": "rate_not_found", "text": "Rate not found."}]}
        number = next(self.tracking_numbers)
        kind = body.get("label_file_type", "PDF")
        fmt, mime = ("zpl", "application/zpl") if kind == "ZPLII" else ("pdf", "application/pdf")
        url = self.store_file(f"{oid}.{fmt}", carrier_label(number, fmt), mime)
        tx = {"object_id": oid, "object_state": "VALID", "object_created": NOW,
              "object_updated": NOW, "object_owner": "me@example.com",
              "status": "SUCCESS" if body.get("async") is False else "QUEUED",
              "rate": body["rate"], "tracking_number": number,
              "tracking_status": "UNKNOWN", "tracking_url_provider": "", "eta": None,
              "label_url": url, "label_file_type": kind, "commercial_invoice_url": None,
              "qr_code_url": None, "messages": [], "metadata": body.get("metadata", ""),
              "test": True}
        self.transactions[oid] = tx
        return 201, tx

    def refund(self, body):
        tx = self.transactions.get((body or {}).get("transaction"))
        if tx is None:
            return 400, {"transaction": ["Invalid transaction."]}
        tx["status"] = "REFUNDPENDING"
        return 201, {"object_id": self._object_id(), "object_created": NOW,
                     "transaction": tx["object_id"], "status": "QUEUED", "test": True}

    def track(self, carrier, number, body):
        history = [{"status": s, "status_details": s.title(),
                    "status_date": f"2026-11-2{4 + i}T10:00:00Z",
                    "location": {"city": "Denver", "state": "CO", "zip": "80202",
                                 "country": "US"}, "substatus": None}
                   for i, s in enumerate(SHIPPO_HISTORY.get(number, ["UNKNOWN"]))]
        return 200, {"carrier": carrier, "tracking_number": number,
                     "tracking_status": history[-1], "tracking_history": history,
                     "eta": None, "test": True}
