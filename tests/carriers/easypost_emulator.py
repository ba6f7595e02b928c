"""A local EasyPost API (apis.md section 6; docs.easypost.com Parcels, Errors, Messages):
Basic auth with the API key, shipments with rates (201), buy, label conversion, refunds,
trackers.

Parcels as the Parcel reference says: `weight` (oz) is always required; `length`, `width` and
`height` (in) go together (each is required when another is given) or are replaced by a
`predefined_package`; zero or negative values are refused. Refusals use EasyPost's error body
`{"error": {"code", "message", "errors": [{"field", "message"}]}}` with 422; the code for a
bad parcel, PARCEL.INVALID, is not confirmed by the documents at hand. A parcel without
dimensions is rated only by carriers that do not need them: the others report a `rate_error`
in the shipment's `messages` ("some carriers also require parcel dimensions"; here, UPS).
A bought shipment's `selected_rate.carrier` and its `tracker` name the real carrier (USPS,
UPS…), and the tracker carries its `public_url`."""

from __future__ import annotations

import base64
import itertools

from tests.carriers.emulator_base import NOW, Emulator, carrier_label, positive

EZ_STATUSES = {"EZ1000000001": "pre_transit", "EZ2000000002": "in_transit",
               "EZ3000000003": "out_for_delivery", "EZ4000000004": "delivered",
               "EZ5000000005": "return_to_sender", "EZ6000000006": "failure",
               "EZ7000000007": "unknown"}
EZ_PATH = ["pre_transit", "in_transit", "out_for_delivery", "delivered"]
EZ_RATES = [("USPS", "GroundAdvantage", "5.93", 3), ("USPS", "Priority", "8.10", 2),
            ("UPS", "NextDayAir", "32.50", 1)]
ACCOUNTS = {"USPS": "ca_1", "UPS": "ca_2"}
NEED_DIMENSIONS = {"UPS"}
DIMENSIONS = ("length", "width", "height")


def error(code: str, message: str, errors: list[dict], status: int = 422):
    return status, {"error": {"code": code, "message": message, "errors": errors}}


def parcel_refusal(parcel: dict | None):
    """EasyPost's answer to a parcel it cannot take, or None."""
    if not parcel:
        return error("PARAMETER.REQUIRED", "Missing required parameter.",
                     [{"field": "shipment.parcel", "message": "cannot be blank"}])
    if parcel.get("weight") is None:
        return error("PARAMETER.REQUIRED", "Missing required parameter.",
                     [{"field": "parcel.weight", "message": "cannot be blank"}])
    given = [d for d in DIMENSIONS if parcel.get(d) is not None]
    problems = [{"field": f"parcel.{d}", "message": "is required when the other dimensions "
                 "are given"} for d in DIMENSIONS if given and d not in given]
    problems += [{"field": f"parcel.{f}", "message": "must be greater than 0"}
                 for f in (*given, "weight") if not positive(parcel[f])]
    return error("PARCEL.INVALID", "Invalid parcel.", problems) if problems else None


def has_dimensions(parcel: dict) -> bool:
    return all(parcel.get(d) is not None for d in DIMENSIONS) or bool(
        parcel.get("predefined_package"))


class EasyPostEmulator(Emulator):
    def __init__(self, api_key: str = "EZTK_test_key"):
        super().__init__()
        self.api_key = api_key
        self.shipments: dict[str, dict] = {}
        # the documented test codes first, then made-up ones: an emulator never runs dry
        self.tracking_codes = itertools.chain(
            EZ_STATUSES, (f"EZ9{n:09d}" for n in itertools.count(1)))

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
                  ("GET", r"/v2/shipments/(shp_\w+)", self.retrieve),
                  ("POST", r"/v2/shipments/(shp_\w+)/buy", self.buy),
                  ("GET", r"/v2/shipments/(shp_\w+)/label", self.convert),
                  ("POST", r"/v2/shipments/(shp_\w+)/refund", self.refund),
                  ("POST", r"/v2/trackers", self.tracker)]
        answer = self.route(routes, method, path, body=body, query=query)
        return answer or (404, {"error": {"code": "NOT_FOUND", "message": "Not found",
                                          "errors": []}})

    # -- shipments and rates ----------------------------------------------------------------------
    def create(self, body, query):
        shipment = (body or {}).get("shipment")
        if not shipment:
            return error("PARAMETER.REQUIRED", "Missing required parameter.",
                         [{"field": "shipment", "message": "cannot be blank"}])
        refused = _address_refusal(shipment.get("to_address") or {}) or \
            parcel_refusal(shipment.get("parcel"))
        if refused:
            return refused
        sid = self.next_id("shp_")
        rates, messages = self._rates(sid, shipment["parcel"])
        record = {"id": sid, "object": "Shipment", "mode": "test", "status": "unknown",
                  "tracking_code": None, "reference": shipment.get("reference"),
                  "to_address": {"id": self.next_id("adr_"), **shipment["to_address"]},
                  "from_address": {"id": self.next_id("adr_"), **shipment["from_address"]},
                  "parcel": {"id": self.next_id("prcl_"), "object": "Parcel",
                             **shipment["parcel"]},
                  "options": {**shipment.get("options", {}), "currency": "USD",
                              "payment": {"type": "SENDER"}, "date_advance": 0},
                  "rates": rates, "selected_rate": None, "postage_label": None,
                  "tracker": None, "messages": messages, "forms": [], "fees": [],
                  "refund_status": None, "created_at": NOW, "updated_at": NOW}
        self.shipments[sid] = record
        return 201, record

    def _rates(self, sid: str, parcel: dict) -> tuple[list[dict], list[dict]]:
        sized = has_dimensions(parcel)
        rates = [self._rate(sid, *r) for r in EZ_RATES if sized or r[0] not in NEED_DIMENSIONS]
        messages = [] if sized else [
            {"carrier": c, "carrier_account_id": ACCOUNTS[c], "type": "rate_error",
             "message": "Package dimensions are required for this service."}
            for c in sorted(NEED_DIMENSIONS)]
        return rates, messages

    def _rate(self, sid, carrier, service, amount, days) -> dict:
        return {"id": self.next_id("rate_"), "object": "Rate", "mode": "test",
                "service": service, "carrier": carrier, "rate": amount, "currency": "USD",
                "retail_rate": amount, "retail_currency": "USD", "list_rate": amount,
                "list_currency": "USD", "billing_type": "easypost", "delivery_days": days,
                "delivery_date": None, "delivery_date_guaranteed": False,
                "est_delivery_days": days, "shipment_id": sid,
                "carrier_account_id": ACCOUNTS[carrier]}

    def retrieve(self, sid, body, query):
        record = self.shipments.get(sid)
        if record is None:
            return error("NOT_FOUND", "The requested resource could not be found.", [], 404)
        return 200, record

    # -- labels ---------------------------------------------------------------------------------
    def buy(self, sid, body, query):
        record = self.shipments.get(sid)
        rate_id = ((body or {}).get("rate") or {}).get("id")
        rate = next((r for r in record["rates"] if r["id"] == rate_id), None) if record else None
        if rate is None:
            return error("SHIPMENT.RATE.NOT_FOUND", "Rate not found.",
                         [{"field": "rate", "message": "not found"}])
        code = next(self.tracking_codes)
        fmt = record["options"].get("label_format", "PNG")
        record.update(status="unknown", tracking_code=code, selected_rate=rate,
                      postage_label=self._postage_label(sid, code, fmt),
                      tracker=self._new_tracker(code, rate["carrier"], sid))
        return 200, record

    def _new_tracker(self, code: str, carrier: str, sid: str | None = None) -> dict:
        tid = self.next_id("trk_")
        return {"id": tid, "object": "Tracker", "mode": "test", "tracking_code": code,
                "carrier": carrier, "shipment_id": sid,
                "public_url": f"https://track.easypost.com/{tid}"}

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
            return error("SHIPMENT.NOT_PURCHASED", "Shipment not purchased.", [])
        fmt = query.get("file_format", ["PNG"])[0].upper()
        self._convert(sid, record["tracking_code"], fmt, record["postage_label"])
        return 200, record

    def refund(self, sid, body, query):
        record = self.shipments.get(sid)
        if not record or not record["tracking_code"]:
            return error("SHIPMENT.REFUND.UNAVAILABLE", "Not purchased.", [])
        record["refund_status"] = "submitted"
        return 200, record

    # -- tracking -------------------------------------------------------------------------------
    def tracker(self, body, query):
        asked = (body or {}).get("tracker") or {}
        code = asked.get("tracking_code")
        if not code:
            return error("PARAMETER.REQUIRED", "Missing required parameter.",
                         [{"field": "tracker.tracking_code", "message": "required"}])
        status = EZ_STATUSES.get(code, "unknown")
        carrier = asked.get("carrier") or self._label_carrier(code)
        return 201, {**self._new_tracker(code, carrier), "status": status,
                     "status_detail": status, "tracking_details": _details(status, carrier),
                     "created_at": NOW, "updated_at": NOW}

    def _label_carrier(self, code: str) -> str:
        return next((s["selected_rate"]["carrier"] for s in self.shipments.values()
                     if s["tracking_code"] == code), "USPS")


def _address_refusal(to: dict):
    if not to.get("street1") or to.get("zip", "").startswith("000"):
        field = "street1" if not to.get("street1") else "zip"
        return error("ADDRESS.VERIFY.FAILURE", "Unable to verify address.",
                     [{"field": field, "message": "Address not found"}])
    return None


def _details(status: str, carrier: str) -> list[dict]:
    path = EZ_PATH[:EZ_PATH.index(status) + 1] if status in EZ_PATH else \
        ["pre_transit", "in_transit", status]
    return [{"object": "TrackingDetail", "message": s.replace("_", " ").title(),
             "status": s, "status_detail": s, "source": carrier,
             "datetime": f"2026-11-2{4 + i}T10:00:00Z",
             "tracking_location": {"object": "TrackingLocation", "city": "Memphis",
                                   "state": "TN", "country": "US", "zip": "38118"}}
            for i, s in enumerate(path)]
