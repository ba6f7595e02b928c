"""A local Shippo API (apis.md section 7): ShippoToken auth, shipments with rates (async unless
"async": false), transactions (labels), refunds, tracks.

Parcels need length, width, height, distance_unit, weight and mass_unit, the numbers above zero;
refusals are 400 with DRF-style field errors per parcel, e.g. `{"parcels": [{"length":
["Ensure this value is greater than 0."]}]}` (the exact wording is unconfirmed in apis.md).
A transaction carries the tracking number of the rate's carrier (USPS 9400…, UPS 1Z…) and its
`tracking_url_provider`. `GET /tracks/<carrier>/<number>` knows a number only under its own
carrier's token (usps, ups, …): under another one the shipment is UNKNOWN with no history, and an
unknown carrier token is 404. Test mode: numbers given through `tracking_numbers` (SHIPPO_*) are
tracked under the carrier token "shippo"."""

from __future__ import annotations

from tests.carriers.emulator_base import NOW, Emulator, carrier_label, positive

SHIPPO_RATES = [("USPS", "Ground Advantage", "usps_ground_advantage", "6.10", 4),
                ("USPS", "Priority Mail", "usps_priority", "8.70", 2),
                ("UPS", "Next Day Air", "ups_next_day_air", "29.95", 1)]
SHIPPO_HISTORY = {"SHIPPO_PRE_TRANSIT": ["PRE_TRANSIT"],
                  "SHIPPO_TRANSIT": ["PRE_TRANSIT", "TRANSIT"],
                  "SHIPPO_DELIVERED": ["PRE_TRANSIT", "TRANSIT", "DELIVERED"],
                  "SHIPPO_RETURNED": ["PRE_TRANSIT", "TRANSIT", "RETURNED"],
                  "SHIPPO_FAILURE": ["PRE_TRANSIT", "FAILURE"],
                  "SHIPPO_UNKNOWN": ["UNKNOWN"]}
CARRIERS = {"USPS": ("usps", "9400111899562{:09d}",
                     "https://tools.usps.com/go/TrackConfirmAction?tLabels={}"),
            "UPS": ("ups", "1Z999AA1{:010d}", "https://www.ups.com/track?tracknum={}")}
TOKENS = {"usps", "ups", "fedex", "dhl_express", "shippo"}
PARCEL_FIELDS = ("length", "width", "height", "distance_unit", "weight", "mass_unit")


def parcel_errors(parcel: dict) -> dict:
    """The field errors of one parcel, DRF style ({} when it is fine)."""
    errors = {f: ["This field is required."] for f in PARCEL_FIELDS if parcel.get(f) in (None, "")}
    errors.update({f: ["Ensure this value is greater than 0."]
                   for f in ("length", "width", "height", "weight")
                   if f not in errors and not positive(parcel[f])})
    return errors


class ShippoEmulator(Emulator):
    def __init__(self, token: str = "shippo_test_abc"):
        super().__init__()
        self.token = token
        self.shipments: dict[str, dict] = {}
        self.rates: dict[str, dict] = {}
        self.transactions: dict[str, dict] = {}
        self.tracking_numbers = None  # test mode: an iterator of SHIPPO_* numbers to hand out
        self.histories: dict[tuple[str, str], list[str]] = {}  # (token, number) -> statuses

    def handle(self, method, path, query, body, headers):
        if headers.get("Authorization") != f"ShippoToken {self.token}":
            return 401, {"detail": "Invalid token."}
        if (method, path) == ("GET", "/transactions/"):
            return self.transactions_list(query)
        routes = [("POST", r"/shipments/", self.create), ("POST", r"/transactions/", self.buy),
                  ("POST", r"/refunds/", self.refund),
                  ("GET", r"/tracks/(\w+)/(\w+)", self.track)]
        return self.route(routes, method, path, body=body) or (404, {"detail": "Not found."})

    def advance(self, number: str, *statuses: str) -> None:
        """The carrier scans a label's parcel: its tracking history goes on with `statuses`."""
        key = next(k for k in self.histories if k[1] == number)
        self.histories[key] += list(statuses)

    def _object_id(self) -> str:
        return self.next_id("").rjust(32, "a")

    # -- shipments and rates ----------------------------------------------------------------------
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
        errors = [parcel_errors(p) for p in body["parcels"]]
        if any(errors):
            return 400, {"parcels": errors}
        return 201, self._shipment(body)

    def _shipment(self, body: dict) -> dict:
        sid, now = self._object_id(), body.get("async") is False
        shipment = {"object_id": sid, "object_created": NOW, "object_owner": "me@example.com",
                    "status": "SUCCESS" if now else "QUEUED",
                    "address_from": body["address_from"], "address_to": body["address_to"],
                    "parcels": body["parcels"], "metadata": body.get("metadata", ""),
                    "rates": [self._rate(sid, *r) for r in SHIPPO_RATES] if now else [],
                    "messages": [], "test": True}
        self.shipments[sid] = shipment
        return shipment

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

    # -- transactions (labels) ----------------------------------------------------------------------
    def buy(self, body):
        body = body or {}
        if not body.get("rate"):
            return 400, {"rate": ["This field is required."]}
        oid = self._object_id()
        rate = self.rates.get(body["rate"])
        if rate is None:
            return 201, {"object_id": oid, "object_state": "INVALID", "status": "ERROR",
                         "messages": [{"code": "rate_not_found", "text": "Rate not found."}]}
        number, url = self._tracking_number(rate["provider"])
        kind = body.get("label_file_type", "PDF")
        fmt, mime = ("zpl", "application/zpl") if kind == "ZPLII" else ("pdf", "application/pdf")
        tx = {"object_id": oid, "object_state": "VALID", "object_created": NOW,
              "object_updated": NOW, "object_owner": "me@example.com",
              "status": "SUCCESS" if body.get("async") is False else "QUEUED",
              "rate": body["rate"], "tracking_number": number,
              "tracking_status": "UNKNOWN", "tracking_url_provider": url, "eta": None,
              "label_url": self.store_file(f"{oid}.{fmt}", carrier_label(number, fmt), mime),
              "label_file_type": kind, "commercial_invoice_url": None, "qr_code_url": None,
              "messages": [], "metadata": body.get("metadata", ""), "test": True}
        self.transactions[oid] = tx
        return 201, tx

    def transactions_list(self, query):
        """GET /transactions/ (newest first), filtered by `rate` as the API's list allows."""
        rate = (query.get("rate") or [None])[0]
        found = [t for t in reversed(self.transactions.values())
                 if rate is None or t["rate"] == rate]
        return 200, {"count": len(found), "next": None, "previous": None, "results": found}

    def _tracking_number(self, provider: str) -> tuple[str, str]:
        token, pattern, url = CARRIERS[provider]
        if self.tracking_numbers is not None:
            number = next(self.tracking_numbers)
            self.histories[("shippo", number)] = list(SHIPPO_HISTORY.get(number, ["UNKNOWN"]))
        else:
            number = pattern.format(len(self.transactions) + 1)
            self.histories[(token, number)] = ["PRE_TRANSIT"]
        return number, url.format(number)

    def refund(self, body):
        tx = self.transactions.get((body or {}).get("transaction"))
        if tx is None:
            return 400, {"transaction": ["Invalid transaction."]}
        tx["status"] = "REFUNDPENDING"
        return 201, {"object_id": self._object_id(), "object_created": NOW,
                     "transaction": tx["object_id"], "status": "QUEUED", "test": True}

    # -- tracking -------------------------------------------------------------------------------
    def track(self, carrier, number, body):
        if carrier not in TOKENS:
            return 404, {"detail": "Not found."}
        statuses = self.histories.get((carrier, number))
        if statuses is None and carrier == "shippo":
            statuses = SHIPPO_HISTORY.get(number)
        history = [{"status": s, "status_details": s.replace("_", " ").title(),
                    "status_date": f"2026-11-2{4 + i}T10:00:00Z",
                    "location": {"city": "Denver", "state": "CO", "zip": "80202",
                                 "country": "US"}, "substatus": None}
                   for i, s in enumerate(statuses or [])]
        unknown = {"status": "UNKNOWN", "status_details": "The carrier has no information "
                   "about this tracking number.", "status_date": None, "location": None}
        return 200, {"carrier": carrier, "tracking_number": number,
                     "tracking_status": history[-1] if history else unknown,
                     "tracking_history": history, "eta": None, "test": True}
