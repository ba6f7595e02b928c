"""BigCommerce: Orders v2 by `min_date_modified` sorted `date_modified:asc`, walked by keyset
(a page's newest change is where the next request starts), each order with its products and
shipping addresses (sub-resources, fetched beside it); shipments with tracking
(`POST /v2/orders/{id}/shipments`); stock by absolute adjustments of Inventory v3 at one
inventory location; refunds through Refunds v3 (a quote, then the refund). Every call carries
`X-Auth-Token`. The store's quota (150 requests a 30 s window on Standard) is read from the
`X-Rate-Limit-*` headers: when none is left the connector waits for the window to reset
instead of being refused, and a 429 waits `X-Rate-Limit-Time-Reset-Ms`."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import time
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterator, Sequence

import httpx

from oms_desktop.connectors import bigcommerce_orders as orders
from oms_desktop.connectors.base import PATIENCE_S, Connector, ConnectorError
from oms_desktop.connectors.dto import (
    Failure, FulfilmentLine, OrderDTO, Page, PushResult, StockLevelDTO, high_water,
)
from oms_desktop.connectors.pages import parsed_page
from oms_desktop.plugins.errors import Permanent
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

CARRIERS = {"ups": "ups", "usps": "usps", "fedex": "fedex", "dhl": "dhl", "dhl express": "dhl",
            "royal mail": "royal-mail", "canada post": "canada-post",
            "australia post": "australia-post"}
BATCH = 2000  # items in one absolute adjustment
MARGIN_S = 0.01  # a reset is waited for a hair longer: the store's clock is not ours
WEBHOOK_TOLERANCE_S = 300


def verify_webhook(raw_body: bytes, headers, client_secret: str, *,
                   now: float | None = None) -> bool:
    """A delivery signed per Standard Webhooks, as BigCommerce signs them: HMAC-SHA256 with
    the app's client secret over "{webhook-id}.{webhook-timestamp}.{body}", sent as one or
    more "v1,<base64>" in webhook-signature; a timestamp more than 5 minutes off is refused
    (a replay)."""
    ident, stamp = headers.get("webhook-id"), headers.get("webhook-timestamp")
    if not (ident and stamp and stamp.isdigit() and client_secret):
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > WEBHOOK_TOLERANCE_S:
        return False
    signed = f"{ident}.{stamp}.".encode() + raw_body
    expected = base64.b64encode(hmac.new(client_secret.encode(), signed,
                                         hashlib.sha256).digest()).decode()
    offered = [part.partition(",")[2] for part in (headers.get("webhook-signature") or "").split()
               if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, sig) for sig in offered)


class BigCommerceConnector(Connector):
    kind = "bigcommerce"
    title = "BigCommerce"
    SETTINGS = (
        SettingField("api_url", "API address", "url", default="https://api.bigcommerce.com"),
        SettingField("store_hash", "Store hash", help="the part after /stores/ in the API path"),
        SettingField("access_token", "API account access token", "secret", secret=True,
                     help="Settings ▸ API ▸ Store-level API accounts (Orders, Products, "
                          "Information & settings: modify)"),
        SettingField("location_id", "Inventory location id", "int", default=1,
                     help="the BigCommerce location whose stock we set (1: the default)"),
        SettingField("page_size", "Orders per page", "int", default=50),
    )

    def __init__(self, settings, secrets, *, sleep=time.sleep, clock=time.monotonic):
        super().__init__(settings, secrets)
        base = f"{self.settings['api_url'].rstrip('/')}/stores/{self.settings['store_hash']}"
        self.http = PluginHttp(base, title="BigCommerce", sleep=sleep, patience=PATIENCE_S,
                               headers={"X-Auth-Token": self.secrets.get("access_token", ""),
                                        "Accept": "application/json"})
        self.http.client.event_hooks["response"].append(self._quota)
        self.clock, self._resume_at = clock, 0.0
        self.page_size = min(250, max(1, int(self.settings.get("page_size") or 50)))
        self.location = int(self.settings.get("location_id") or 1)

    # -- the store's quota -------------------------------------------------------------------
    def _quota(self, response: httpx.Response) -> None:
        """Read the window: a 429's reset time becomes its Retry-After for the kit; none left
        means the next call waits for the reset."""
        reset = response.headers.get("X-Rate-Limit-Time-Reset-Ms")
        if reset is None:
            return
        seconds = int(reset) / 1000 + MARGIN_S
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = f"{seconds:.3f}"
        elif response.headers.get("X-Rate-Limit-Requests-Left") == "0":
            self._resume_at = self.clock() + seconds

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        wait = self._resume_at - self.clock()
        if wait > 0:
            self.http.wait(wait)
        return self.http.request(method, path, **kwargs)

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = self._request(method, path, **kwargs)
        if response.status_code == 204:
            return None
        if response.status_code in (400, 404, 409, 422):
            raise Permanent(f"BigCommerce refused {method} {path}: {error_text(response)}")
        if response.status_code >= 400:
            raise ConnectorError(f"BigCommerce refused {method} {path}: {error_text(response)}")
        return response.json()

    # -- reading -------------------------------------------------------------------------------
    def test_connection(self) -> str:
        store = self._json("GET", "/v2/store")
        return f"BigCommerce store {store['name']} ({store.get('currency', '?')})"

    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        mark, page_no, seen = since, 1, set()
        while True:
            params = {"sort": "date_modified:asc", "limit": self.page_size, "page": page_no}
            if mark is not None:
                params["min_date_modified"] = mark.isoformat(timespec="seconds")
            raws = self._json("GET", "/v2/orders", params=params) or []
            page = self._page([r for r in raws if _version(r) not in seen])
            seen.update(_version(r) for r in raws)
            yield page
            if len(raws) < self.page_size:
                return
            if page.high_water is not None and (mark is None or page.high_water > mark):
                mark, page_no = page.high_water, 1
            else:  # a whole page changed in one second: step through it
                page_no += 1

    def _whole(self, raw: Any) -> Any:
        """The order with its line items and ship-to addresses in place of their links."""
        if not isinstance(raw, dict) or "id" not in raw:
            return raw
        path = f"/v2/orders/{raw['id']}"
        return {**raw,
                "products": self._json("GET", f"{path}/products", params={"limit": 250}) or [],
                "shipping_addresses": self._json("GET", f"{path}/shipping_addresses") or []}

    def _page(self, raws: list) -> Page:
        """The page's orders made whole; one whose sub-resources the store will not serve
        (archived meanwhile) is kept aside, and a retry asks for it again."""
        whole, unreadable = [], []
        for raw in raws:
            try:
                whole.append(self._whole(raw))
            except Permanent as exc:
                unreadable.append(Failure.unreadable(
                    str(exc), answer=None, order=raw, external_id=_id(raw),
                    updated_at=_updated(raw)))
        page = parsed_page(whole, self.parse_order, ident=_id, updated=_updated)
        page.failures.extend(unreadable)
        return dataclasses.replace(page, high_water=high_water(
            page.high_water, *(f.updated_at for f in unreadable)))

    def parse_order(self, raw: Any) -> OrderDTO:
        return orders.parse(raw)

    def fetch_order(self, external_id: str) -> OrderDTO:
        return self.parse_order(self._whole(self._json("GET", f"/v2/orders/{external_id}")))

    # -- pushing back --------------------------------------------------------------------------
    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        """One BigCommerce shipment per parcel; a parcel whose tracking number the order
        already shows (a push repeated after a lost answer) is not shipped twice."""
        path = f"/v2/orders/{external_id}"
        for shipment in self._json("GET", f"{path}/shipments") or []:
            if tracking_number and shipment.get("tracking_number") == tracking_number:
                return PushResult(external_id, True, reference=str(shipment["id"]))
        addresses = self._json("GET", f"{path}/shipping_addresses") or []
        if not addresses:
            raise Permanent(f"BigCommerce order {external_id} has no shipping address")
        code = CARRIERS.get((carrier or "").strip().lower(), "")
        body = {"order_address_id": addresses[0]["id"], "tracking_number": tracking_number or "",
                "tracking_carrier": code, "shipping_provider": "",
                "comments": "" if code or not carrier else f"Carrier: {carrier}",
                "items": [{"order_product_id": int(l.external_line_id), "quantity": l.quantity}
                          for l in lines]}
        shipment = self._json("POST", f"{path}/shipments", json=body)
        return PushResult(external_id, True, reference=str(shipment["id"]))

    def push_cancellation(self, external_id: str, *, reason: str = "other") -> PushResult:
        self._json("PUT", f"/v2/orders/{external_id}", json={"status_id": 5})
        return PushResult(external_id, True)

    def push_refund(self, external_id, *, lines=(), amount=None, reason=None,
                    key=None) -> PushResult:
        """A quote for the items, then the refund by the quote's first refund method. The
        key travels in the refund's reason: a refund already carrying it is not made again."""
        path = f"/v3/orders/{external_id}/payment_actions"
        for refund in (self._json("GET", f"{path}/refunds") or {}).get("data") or []:
            if key and f"[{key}]" in (refund.get("reason") or ""):
                return PushResult(external_id, True, reference=str(refund["id"]))
        items = [{"item_type": "PRODUCT", "item_id": int(l.external_line_id),
                  "quantity": l.quantity} for l in lines] or \
            [{"item_type": "ORDER", "item_id": int(external_id), "amount": float(amount or 0)}]
        quote = self._json("POST", f"{path}/refund_quotes", json={"items": items})["data"]
        methods = quote.get("refund_methods") or []
        if not methods:
            raise Permanent(f"BigCommerce offers no way to refund order {external_id}")
        total = Decimal(str(amount)) if amount is not None else \
            Decimal(str(quote["total_refund_amount"]))
        payments = _pay(methods[0], total)
        refund = self._json("POST", f"{path}/refunds", json={
            "items": items, "payments": payments,
            "reason": f"{reason or 'Refund'} [{key}]" if key else reason or "Refund"})["data"]
        return PushResult(external_id, True, reference=str(refund["id"]))

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        return {sku: level for sku, (level, _) in self._levels(skus).items()}

    def _levels(self, skus: Sequence[str]) -> dict[str, tuple[int | None, bool]]:
        """SKU -> (available at our location, known to the store)."""
        found: dict[str, tuple[int | None, bool]] = {sku: (None, False) for sku in skus}
        for start in range(0, len(skus), 50):
            body = self._json("GET", "/v3/inventory/items", params={
                "sku:in": ",".join(skus[start:start + 50]), "location_id:in": self.location,
                "limit": 1000}) or {}
            for item in body.get("data") or []:
                here = [l for l in item.get("locations") or []
                        if l.get("location_id") == self.location]
                found[item["identity"]["sku"]] = (
                    here[0].get("available_to_sell") if here else None, True)
        return found

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        before = self._levels([l.sku for l in levels])
        known = [l for l in levels if before[l.sku][1]]
        for start in range(0, len(known), BATCH):
            self._json("PUT", "/v3/inventory/adjustments/absolute", json={
                "reason": "Available to sell from the OMS",
                "items": [{"location_id": self.location, "sku": l.sku, "quantity": l.quantity}
                          for l in known[start:start + BATCH]]})
        return [PushResult(l.sku, True, before[l.sku][0]) if before[l.sku][1] else
                PushResult(l.sku, False, error="SKU not in the BigCommerce catalogue")
                for l in levels]

    def close(self) -> None:
        self.http.close()


def _pay(options: list[dict], total: Decimal) -> list[dict]:
    """The refund split over the method's payments in their order, none above its share."""
    payments, left = [], total
    for option in options:
        share = min(left, Decimal(str(option["amount"])))
        if share > 0:
            payments.append({"provider_id": option["provider_id"], "amount": float(share),
                             "offline": bool(option.get("offline"))})
            left -= share
    return payments


def error_text(response: httpx.Response) -> str:
    """v3 answers problem+json {title, errors}; v2 a list of {status, message}."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return f"{body[0].get('message')} (HTTP {response.status_code})"
    if isinstance(body, dict):
        detail = "; ".join(f"{k}: {v}" for k, v in (body.get("errors") or {}).items())
        return f"{body.get('title')}{' - ' + detail if detail else ''} (HTTP {response.status_code})"
    return f"HTTP {response.status_code}"


def _updated(raw: Any) -> datetime | None:
    return orders.when(raw.get("date_modified")) if isinstance(raw, dict) else None


def _version(raw: Any) -> tuple:
    return (raw.get("id"), raw.get("date_modified")) if isinstance(raw, dict) else (id(raw),)


def _id(raw: Any) -> str | None:
    return str(raw["id"]) if isinstance(raw, dict) and "id" in raw else None
