"""Shippo (apis.md section 7): ShippoToken auth, shipments with async false, transactions with
label_file_type, refunds, tracks. Transaction failures come back as status ERROR (HTTP 201)."""

from __future__ import annotations

from decimal import Decimal

from oms_desktop.carriers.base import (
    AddressRejected, Carrier, CarrierError, Label, PurchaseRef, Rate, ShipmentDTO,
    TrackingUpdate, parcel_refusal,
)
from oms_desktop.carriers.easypost import _when
from oms_desktop.plugins.errors import AuthFailed
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

STATUS = {"PRE_TRANSIT": "pre_transit", "TRANSIT": "in_transit", "DELIVERED": "delivered",
          "RETURNED": "returned", "FAILURE": "failure", "UNKNOWN": "unknown"}
FILE_TYPES = {"pdf": "PDF_4x6", "zpl": "ZPLII"}
# Shippo's carrier tokens where they are not the provider's name in lower case.
TOKENS = {"DHL Express": "dhl_express", "Canada Post": "canada_post",
          "Australia Post": "australia_post", "Royal Mail": "royal_mail"}
TEST_NUMBER_PREFIX = "SHIPPO_"  # test-mode numbers, tracked under the token "shippo"


def carrier_token(provider: str) -> str:
    return TOKENS.get(provider) or provider.strip().lower().replace(" ", "_")


def _address(a) -> dict:
    out = {"name": a.name, "company": a.company, "street1": a.street1, "street2": a.street2,
           "city": a.city, "state": a.region, "zip": a.postal_code, "country": a.country,
           "phone": a.phone, "email": a.email}
    return {k: v for k, v in out.items() if v}


def _parcel(p) -> dict:
    length, width, height = p.inches()
    return {"length": str(length), "width": str(width), "height": str(height),
            "distance_unit": "in", "weight": str(p.weight_oz), "mass_unit": "oz"}


def _field_errors(data: dict, prefix: str = "") -> list[tuple[str, str]]:
    """DRF-style {"field": ["msg"]} or nested {"address_to": {"zip": ["msg"]}}."""
    out = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_field_errors(value, name + "."))
        elif isinstance(value, list):
            out.append((name, "; ".join(str(v) for v in value)))
        else:
            out.append((name, str(value)))
    return out


class ShippoCarrier(Carrier):
    name = "shippo"
    title = "Shippo"
    SETTINGS = (
        SettingField("base_url", "API base URL", "url", default="https://api.goshippo.com"),
        SettingField("tracking_carrier", "Carrier token to track labels of unknown carrier",
                     default="usps"),
    )

    def __init__(self, settings, api):
        super().__init__(settings, api)
        self._http: PluginHttp | None = None
        self._providers: dict[str, str] = {}

    @property
    def http(self) -> PluginHttp:
        if self._http is None:
            headers = {"Authorization": f"ShippoToken {self.api.secret(self.name)}"}
            self._http = PluginHttp(self.settings["base_url"], title=self.title,
                                    headers=headers, sleep=self.api.sleep, attempts=3,
                                    retry_server_errors=False)
        return self._http

    def _json(self, method: str, path: str, body: dict | None = None) -> dict:
        return self.http.call(method, path, body, on_error=self._raise)

    def _raise(self, data: dict, status: int) -> None:
        if "detail" in data and len(data) == 1:
            raise AuthFailed(f"Shippo: {data['detail']}") if status in (401, 403) else \
                CarrierError(f"Shippo: {data['detail']}")
        errors = _field_errors(data)
        address = [(f, m) for f, m in errors if f.startswith("address_")]
        if address:
            field, message = address[0]
            raise AddressRejected(f"Shippo rejected the address: {field}: {message}",
                                  field=field)
        text = "; ".join(f"{f}: {m}" for f, m in errors) or f"error {status}"
        raise CarrierError(f"Shippo: {text}")

    def rates(self, shipment: ShipmentDTO) -> list[Rate]:
        refused = parcel_refusal(self.title, shipment, dimensions=True)
        if refused:
            raise CarrierError(refused)
        body = {"address_from": _address(shipment.ship_from),
                "address_to": _address(shipment.ship_to),
                "parcels": [_parcel(p) for p in shipment.parcels], "async": False,
                "metadata": shipment.reference}
        data = self._json("POST", "/shipments/", body)
        return [self._rate(r, data["object_id"]) for r in data.get("rates", [])]

    def _rate(self, r: dict, shipment_id: str) -> Rate:
        level = r.get("servicelevel") or {}
        self._providers[r["object_id"]] = r.get("provider", "")
        return Rate(carrier=self.name, service=f"{r.get('provider', '')} {level.get('name', '')}"
                    .strip(), amount=Decimal(r["amount"]), currency=r["currency"],
                    estimated_days=r.get("estimated_days"), rate_id=r["object_id"],
                    provider=r.get("provider"), shipment_ref=shipment_id)

    def buy(self, shipment: ShipmentDTO, rate: Rate, label_format: str) -> Label:
        body = {"rate": rate.rate_id, "label_file_type": FILE_TYPES[label_format],
                "async": False, "metadata": shipment.reference[:100]}
        data = self._json("POST", "/transactions/", body)
        if data.get("status") != "SUCCESS":
            text = "; ".join(m.get("text") or m.get("message", "") for m in
                             data.get("messages") or []) or data.get("status", "no status")
            raise CarrierError(f"Shippo could not buy the label: {text}")
        return self._label(data, rate, label_format)

    def find_purchase(self, purchase: PurchaseRef) -> Label | None:
        """Shippo takes no idempotency key on /transactions/; its list filtered by the rate
        says whether the rate was bought (a rate belongs to one of our shipments only)."""
        rate = purchase.rate
        data = self._json("GET", f"/transactions/?rate={rate.rate_id}")
        bought = [t for t in data.get("results") or []
                  if t.get("rate") == rate.rate_id and t.get("status") == "SUCCESS"]
        return self._label(bought[0], rate, purchase.label_format) if bought else None

    def _label(self, data: dict, rate: Rate, label_format: str) -> Label:
        return Label(tracking_number=data["tracking_number"],
                     content=self.http.download(data["label_url"]), format=label_format,
                     cost=rate.amount, currency=rate.currency, carrier_ref=data["object_id"],
                     service=rate.service, provider=rate.provider,
                     tracking_url=data.get("tracking_url_provider") or None)

    def void(self, label: Label) -> None:
        data = self._json("POST", "/refunds/", {"transaction": label.carrier_ref,
                                                 "async": False})
        if data.get("status") not in ("QUEUED", "PENDING", "SUCCESS"):
            raise CarrierError(f"Shippo refused the refund of {label.tracking_number}: "
                               f"{data.get('status')}")

    def _token(self, number: str, provider: str | None) -> str:
        if number.startswith(TEST_NUMBER_PREFIX):
            return "shippo"
        return carrier_token(provider) if provider else self.settings["tracking_carrier"]

    def track(self, tracking_numbers: list[str], *,
              providers: dict[str, str] | None = None) -> list[TrackingUpdate]:
        updates = []
        for number in tracking_numbers:
            token = self._token(number, (providers or {}).get(number))
            data = self._json("GET", f"/tracks/{token}/{number}")
            history = data.get("tracking_history") or [data.get("tracking_status") or {}]
            updates.extend(self._update(number, h) for h in history if h)
        return updates

    def _update(self, number: str, h: dict) -> TrackingUpdate:
        where = h.get("location") or {}
        place = ", ".join(v for v in (where.get("city"), where.get("state")) if v) or None
        return TrackingUpdate(number, STATUS.get(h.get("status"), "unknown"),
                              h.get("status_details"), _when(h.get("status_date")), place)
