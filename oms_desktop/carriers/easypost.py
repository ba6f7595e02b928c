"""EasyPost (apis.md section 6): Basic auth with the API key, shipments with rates, buy,
refund, trackers. Rates carry the EasyPost shipment id; buying fetches the label file."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from oms_desktop.carriers.base import (
    AddressRejected, Carrier, CarrierError, Label, PurchaseRef, Rate, ShipmentDTO,
    TrackingUpdate, parcel_refusal,
)
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

STATUS = {"unknown": "unknown", "pre_transit": "pre_transit", "in_transit": "in_transit",
          "out_for_delivery": "out_for_delivery", "delivered": "delivered",
          "available_for_pickup": "out_for_delivery", "return_to_sender": "returned",
          "failure": "failure", "cancelled": "failure", "error": "failure"}
FORMATS = {"pdf": ("PDF", "label_pdf_url"), "zpl": ("ZPL", "label_zpl_url")}


def _address(a) -> dict:
    out = {"name": a.name, "company": a.company, "street1": a.street1, "street2": a.street2,
           "city": a.city, "state": a.region, "zip": a.postal_code, "country": a.country,
           "phone": a.phone, "email": a.email}
    return {k: v for k, v in out.items() if v}


def _parcel(shipment: ShipmentDTO) -> dict:
    """EasyPost buys one parcel per shipment: the biggest package's box, total weight. Without
    any dimensions only the weight is sent, and only carriers that need none give rates."""
    weight = round(sum(p.weight_g for p in shipment.parcels) / 28.349523125, 1)
    sized = [p for p in shipment.parcels if p.sized]
    if not sized:
        return {"weight": weight}
    biggest = max(sized, key=lambda p: p.length_mm * p.width_mm * p.height_mm)
    length, width, height = biggest.inches()
    return {"length": length, "width": width, "height": height, "weight": weight}


class EasyPostCarrier(Carrier):
    name = "easypost"
    title = "EasyPost"
    SETTINGS = (
        SettingField("base_url", "API base URL", "url", default="https://api.easypost.com"),
        SettingField("carriers", "Only rates of these carriers", "list", required=False,
                     help="USPS, UPS, …"),
    )

    def __init__(self, settings, api):
        super().__init__(settings, api)
        self._http: PluginHttp | None = None

    @property
    def http(self) -> PluginHttp:
        if self._http is None:
            self._http = PluginHttp(self.settings["base_url"], title=self.title,
                                    auth=(self.api.secret(self.name), ""),
                                    sleep=self.api.sleep, attempts=3, retry_server_errors=False)
        return self._http

    def _json(self, method: str, path: str, body: dict | None = None) -> dict:
        return self.http.call(method, path, body, on_error=self._raise)

    def _raise(self, data: dict, status: int) -> None:
        error = data.get("error") or {}
        message = error.get("message") or f"EasyPost error {status}"
        fields = [e.get("field") for e in error.get("errors") or [] if e.get("field")]
        if "ADDRESS" in (error.get("code") or "") or any("address" in f for f in fields):
            raise AddressRejected(f"EasyPost rejected the address: {message} "
                                  f"({', '.join(fields)})", field=fields[0] if fields else None)
        raise CarrierError(f"EasyPost: {message} [{error.get('code', status)}]")

    def rates(self, shipment: ShipmentDTO) -> list[Rate]:
        refused = parcel_refusal(self.title, shipment, dimensions=False)
        if refused:
            raise CarrierError(refused)
        body = {"shipment": {"to_address": _address(shipment.ship_to),
                             "from_address": _address(shipment.ship_from),
                             "parcel": _parcel(shipment),
                             "options": {"label_size": "4x6"},
                             "reference": shipment.reference}}
        data = self._json("POST", "/v2/shipments", body)
        wanted = self.settings["carriers"]
        return [self._rate(r, data["id"]) for r in data.get("rates", [])
                if not wanted or r["carrier"] in wanted]

    def _rate(self, r: dict, shipment_id: str) -> Rate:
        return Rate(carrier=self.name, service=f"{r['carrier']} {r['service']}",
                    amount=Decimal(r["rate"]), currency=r["currency"],
                    estimated_days=r.get("delivery_days") or r.get("est_delivery_days"),
                    rate_id=r["id"], provider=r["carrier"], shipment_ref=shipment_id)

    def buy(self, shipment: ShipmentDTO, rate: Rate, label_format: str) -> Label:
        data = self._json("POST", f"/v2/shipments/{rate.shipment_ref}/buy",
                          {"rate": {"id": rate.rate_id}})
        return self._label(data, rate, label_format)

    def find_purchase(self, purchase: PurchaseRef) -> Label | None:
        """EasyPost takes no idempotency key; the shipment the rate belongs to says whether
        it was bought (it then has a tracking code)."""
        rate = purchase.rate
        data = self._json("GET", f"/v2/shipments/{rate.shipment_ref}")
        return self._label(data, rate, purchase.label_format) if data.get("tracking_code") \
            else None

    def _label(self, data: dict, rate: Rate, label_format: str) -> Label:
        """The label of a bought shipment, converted to the format asked for if need be."""
        file_format, url_key = FORMATS[label_format]
        label = data.get("postage_label") or {}
        if not label.get(url_key):
            label = self._json("GET", f"/v2/shipments/{rate.shipment_ref}/label"
                               f"?file_format={file_format}").get("postage_label") or {}
        if not label.get(url_key):
            raise CarrierError(f"EasyPost gave no {file_format} label for {rate.shipment_ref}")
        selected = data.get("selected_rate") or {}
        return Label(tracking_number=data["tracking_code"],
                     content=self.http.download(label[url_key]), format=label_format,
                     cost=Decimal(selected.get("rate", rate.amount)),
                     currency=selected.get("currency", rate.currency),
                     carrier_ref=rate.shipment_ref, service=rate.service,
                     provider=selected.get("carrier") or rate.provider,
                     tracking_url=(data.get("tracker") or {}).get("public_url"))

    def void(self, label: Label) -> None:
        data = self._json("POST", f"/v2/shipments/{label.carrier_ref}/refund")
        if data.get("refund_status") not in ("submitted", "refunded"):
            raise CarrierError(f"EasyPost did not accept the refund of {label.tracking_number}"
                               f" (refund_status {data.get('refund_status')})")

    def track(self, tracking_numbers: list[str], *,
              providers: dict[str, str] | None = None) -> list[TrackingUpdate]:
        updates = []
        for code in tracking_numbers:
            tracker = {"tracking_code": code}
            if (providers or {}).get(code):
                tracker["carrier"] = providers[code]
            data = self._json("POST", "/v2/trackers", {"tracker": tracker})
            updates.extend(self._details(code, data))
        return updates

    def _details(self, code: str, tracker: dict) -> list[TrackingUpdate]:
        out = []
        for d in tracker.get("tracking_details") or []:
            where = d.get("tracking_location") or {}
            place = ", ".join(v for v in (where.get("city"), where.get("state")) if v) or None
            out.append(TrackingUpdate(code, STATUS.get(d.get("status"), "unknown"),
                                      d.get("message"), _when(d.get("datetime")), place))
        if not out:
            out.append(TrackingUpdate(code, STATUS.get(tracker.get("status"), "unknown"),
                                      tracker.get("status_detail"),
                                      _when(tracker.get("updated_at"))))
        return out


def _when(text: str | None) -> datetime:
    if not text:
        return datetime.now(timezone.utc).replace(microsecond=0)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
