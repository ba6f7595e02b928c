"""Flipkart through the Marketplace Seller API v3: shipments by POST /sellers/v3/shipments/
filter (pre-dispatch, post-dispatch and cancelled, each by modifiedDate, then nextPageUrl)
with their shipping details; fulfilment as Flipkart runs it for sellers shipping with
Flipkart's couriers: pack (invoice, tax, package dimensions: Flipkart generates the label,
asynchronously), then ready-to-dispatch once packed; the labels as Flipkart's PDF; stock per
SKU at the seller's Flipkart location (listings v3 update, ten SKUs a call, by FSN). Access
tokens come from the client-credentials grant. Notifications are checked by their FKLOGIN
signature.

The three filter walks are not ordered against each other, so only the last page of a sync
carries the high-water mark: a sync killed part-way fetches again from the last finished
one, and upserting by shipment id keeps that free of duplicates."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Iterator, Sequence

import httpx

from oms_desktop.connectors import flipkart_orders as shipments
from oms_desktop.connectors.base import Connector, ConnectorError
from oms_desktop.connectors.dto import (
    FulfilmentLine, OrderDTO, Page, PushResult, StockLevelDTO, high_water,
)
from oms_desktop.connectors.pages import parsed_page
from oms_desktop.plugins.errors import Permanent, Transient
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.oauth import ExpiringTokenAuth, Token, post_for_token
from oms_desktop.plugins.settings import SettingField
from oms_desktop.plugins.storm import ride_out

SHIPMENTS = "/sellers/v3/shipments"
WALKS = (("preDispatch", ["APPROVED", "PACKING_IN_PROGRESS", "FORM_FAILED", "PACKED",
                          "READY_TO_DISPATCH"]),
         ("postDispatch", ["SHIPPED", "DELIVERED", "PICKUP_COMPLETE"]),
         ("cancelled", None))
PACKAGE = "20x15x10x0.5"
PACK_POLLS, PACK_POLL_S = 15, 2.0  # Flipkart packs in 5-10 s, sometimes far longer


def verify_notification(*, x_date: str, x_authorization: str, url: str, method: str,
                        app_id: str, app_secret: str) -> bool:
    """X_Authorization = "FKLOGIN " + base64(appId + ":" + sha1_hex(epoch seconds of X_Date +
    url + method + appSecret)); the documented example hashes the epoch form of X_Date."""
    try:
        epoch = str(int(parsedate_to_datetime(x_date).timestamp()))
        scheme, token = x_authorization.split(" ", 1)
        sent_id, signature = base64.b64decode(token).decode().split(":", 1)
    except (TypeError, ValueError):
        return False
    expected = hashlib.sha1(f"{epoch}{url}{method.upper()}{app_secret}".encode()).hexdigest()
    return scheme == "FKLOGIN" and sent_id == app_id and hmac.compare_digest(expected, signature)


class FlipkartConnector(Connector):
    kind = "flipkart"
    title = "Flipkart"
    marketplace = "flipkart"
    SETTINGS = (
        SettingField("api_url", "Seller API address", "url", default="https://api.flipkart.net"),
        SettingField("app_id", "Application id"),
        SettingField("app_secret", "Application secret", "secret", secret=True),
        SettingField("location_id", "Flipkart location id", help="LOC… of your warehouse"),
        SettingField("fsn_by_sku", "FSN of each SKU", "mapping", required=False,
                     help='{"SKU-1": "TSHFZ3XYZ12345AB"}: needed to push stock'),
        SettingField("package", "Package L×B×H cm × kg", default=PACKAGE),
        SettingField("tax_rate", "GST rate (%) on the invoice", "int", default=18),
        SettingField("page_size", "Shipments per page", "int", default=20),
    )

    def __init__(self, settings, secrets, *, sleep=time.sleep, clock=time.monotonic):
        super().__init__(settings, secrets)
        self.base = self.settings["api_url"].rstrip("/")
        self.auth = ExpiringTokenAuth(self._token, expired=lambda r: r.status_code == 401,
                                      clock=clock)
        self.http = PluginHttp(self.base, title="Flipkart", auth=self.auth, sleep=sleep,
                               timeout=60.0)
        self.location = self.settings["location_id"]
        self.page_size = min(20, max(1, int(self.settings.get("page_size") or 20)))

    def _token(self) -> Token:
        body = post_for_token(self.base + "/oauth-service/oauth/token", title="Flipkart",
                              method="GET", auth=(self.settings["app_id"],
                                                  self.secrets.get("app_secret", "")),
                              params={"grant_type": "client_credentials", "scope": "Seller_Api"})
        return Token(body["access_token"], float(body.get("expires_in") or 3600))

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = ride_out(self.http, lambda: self.http.request(method, path, **kwargs))
        if response.status_code in (400, 404, 422):
            raise Permanent(f"Flipkart refused {method} {path}: {_text(response)}")
        if response.status_code >= 400:
            raise ConnectorError(f"Flipkart refused {method} {path}: {_text(response)}")
        return response.json() if "json" in response.headers.get("content-type", "") \
            else response.content

    # -- reading -------------------------------------------------------------------------------
    def test_connection(self) -> str:
        self.auth.token(renew=True)
        body = self._json("POST", f"{SHIPMENTS}/filter", json=self._filter("preDispatch",
                                                                            WALKS[0][1], None))
        return f"Flipkart seller at {self.location} " \
               f"({len(body['shipments'])}{'+' if body.get('hasMore') else ''} shipments to pack)"

    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        started, newest = datetime.now(timezone.utc), since
        pending: Page | None = None
        for kind, states in WALKS:
            for raws in self._walk(kind, states, since):
                if pending is not None:
                    yield Page(pending.orders, pending.failures)
                pending = self._page(raws)
                newest = high_water(newest, pending.high_water)
        last = pending or Page()
        yield Page(last.orders, last.failures, high_water(newest and min(newest, started)))

    def _filter(self, kind: str, states: list | None, since: datetime | None) -> dict:
        body: dict = {"type": kind, "locationId": self.location}
        if states:
            body["states"] = states
        if since is not None:
            body["modifiedDate"] = {"from": _iso(since)}
        return {"filter": body, "pagination": {"pageSize": self.page_size},
                "sort": {"field": "modifiedDate", "order": "asc"}}

    def _walk(self, kind: str, states, since) -> Iterator[list[dict]]:
        body = self._json("POST", f"{SHIPMENTS}/filter", json=self._filter(kind, states, since))
        while True:
            yield self._with_details(body["shipments"])
            if not body.get("hasMore"):
                return
            body = self._json("GET", "/sellers" + body["nextPageUrl"])

    def _with_details(self, raws: list[dict]) -> list[dict]:
        if not raws:
            return raws
        ids = ",".join(s["shipmentId"] for s in raws)
        found = {d["shipmentId"]: d for d in self._json("GET", f"{SHIPMENTS}/{ids}")["shipments"]}
        return [{**s, "details": found.get(s["shipmentId"])} for s in raws]

    def _page(self, raws: list[dict]) -> Page:
        return parsed_page(raws, self.parse_order, ident=lambda r: r.get("shipmentId"),
                           updated=lambda r: shipments.when(r.get("updatedAt")))

    def parse_order(self, raw: Any) -> OrderDTO:
        return shipments.parse(raw)

    def fetch_order(self, external_id: str) -> OrderDTO:
        return self.parse_order(self._shipment(external_id))

    def _shipment(self, shipment_id: str) -> dict:
        found = self._json("GET", SHIPMENTS, params={"shipmentIds": shipment_id})["shipments"]
        if not found:
            raise Permanent(f"Flipkart has no shipment {shipment_id}")
        details = self._json("GET", f"{SHIPMENTS}/{shipment_id}")["shipments"]
        return {**found[0], "details": details[0] if details else None}

    def labels(self, shipment_ids: Sequence[str]) -> bytes:
        """Flipkart's labels and invoices of packed shipments, one PDF."""
        return self._json("GET", f"{SHIPMENTS}/{','.join(shipment_ids)}/labels")

    # -- pushing back --------------------------------------------------------------------------
    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        """Flipkart's courier carries the parcel: pack it there (Flipkart makes the label),
        then mark it ready to dispatch. Each step is skipped once done, so a retry is safe."""
        shipment = self._shipment(external_id)
        if shipment["state"] == "APPROVED":
            self._bulk("labels", {"shipments": [self._pack_request(shipment)]}, external_id)
        if shipment["state"] in ("APPROVED", "PACKING_IN_PROGRESS"):
            shipment = self._packed(external_id)
        if shipment["state"] == "PACKED":
            self._bulk("dispatch", {"shipmentIds": [external_id], "locationId": self.location},
                       external_id)
            shipment = self._shipment(external_id)
        if shipment["state"] not in shipments.DONE:
            raise Permanent(f"Flipkart shipment {external_id} is {shipment['state']}")
        courier = (shipment.get("details") or {}).get("courierDetails") or {}
        return PushResult(external_id, True, reference=courier.get("trackingId"))

    def _pack_request(self, s: dict) -> dict:
        length, breadth, height, weight = self._package()
        items = s["orderItems"]
        return {"shipmentId": s["shipmentId"], "locationId": self.location,
                "invoices": [{"orderId": items[0]["orderId"], "invoiceNumber": s["shipmentId"],
                              "invoiceDate": date.today().isoformat()}],
                "taxItems": [{"orderItemId": i["orderItemId"], "quantity": i["quantity"],
                              "taxRate": float(self.settings.get("tax_rate") or 18)}
                             for i in items],
                "subShipments": [{"subShipmentId": sub["subShipmentId"], "dimensions": {
                    "length": length, "breadth": breadth, "height": height, "weight": weight}}
                    for sub in s.get("subShipments") or []]}

    def _package(self) -> tuple[float, ...]:
        text = str(self.settings.get("package") or PACKAGE)
        try:
            sizes = tuple(float(x) for x in text.lower().split("x"))
        except ValueError:
            sizes = ()
        if len(sizes) != 4 or min(sizes) <= 0:
            raise Permanent(f"The Flipkart package setting {text!r} must read like {PACKAGE} "
                            "(length x breadth x height in cm x weight in kg)")
        return sizes

    def _bulk(self, action: str, body: dict, shipment_id: str) -> None:
        """Per-shipment failures of a bulk call come back inside a 200."""
        for row in self._json("POST", f"{SHIPMENTS}/{action}", json=body).get("shipments", []):
            if row.get("shipmentId") == shipment_id and row.get("status") != "SUCCESS":
                raise Permanent(f"Flipkart refused {action} for {shipment_id}: "
                                f"{row.get('errorCode')} {row.get('errorMessage') or ''}".strip())

    def _packed(self, shipment_id: str) -> dict:
        for _ in range(PACK_POLLS):
            shipment = self._shipment(shipment_id)
            if shipment["state"] != "PACKING_IN_PROGRESS":
                return shipment
            self.http.wait(PACK_POLL_S)
        raise Transient(f"Flipkart is still packing shipment {shipment_id}; sent again later")

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        """Flipkart's read of a listing's stock is not in our reference: unknown."""
        return {sku: None for sku in skus}

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        fsn = self.settings.get("fsn_by_sku") or {}
        known = [l for l in levels if l.sku in fsn]
        results = {l.sku: PushResult(l.sku, False, error="no FSN for this SKU in the channel "
                                     "settings") for l in levels if l.sku not in fsn}
        for i in range(0, len(known), 10):
            chunk = known[i:i + 10]
            answer = self._json("POST", "/sellers/listings/v3/update/inventory", json={
                l.sku: {"product_id": fsn[l.sku],
                        "locations": [{"id": self.location, "inventory": l.quantity}]}
                for l in chunk})
            results.update({l.sku: _sku_result(l.sku, answer.get(l.sku) or {}) for l in chunk})
        return [results[l.sku] for l in levels]

    def close(self) -> None:
        self.http.close()


def _sku_result(sku: str, row: dict) -> PushResult:
    if row.get("status") in ("SUCCESS", "WARNING"):
        return PushResult(sku, True)
    return PushResult(sku, False, error="; ".join(e.get("description") or e.get("code", "?")
                                                  for e in row.get("errors") or [])
                      or row.get("status") or "no answer for this SKU")


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _text(response: httpx.Response) -> str:
    return f"{' '.join(response.text.split())[:300]} (HTTP {response.status_code})"
