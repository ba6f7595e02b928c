"""WooCommerce REST API v3 (/wp-json/wc/v3). Auth: HTTP Basic with the consumer key and secret
over HTTPS; over plain HTTP, OAuth 1.0a one-legged (HMAC-SHA256) as the WooCommerce docs
require. Orders are read by `modified_after` + `orderby=modified&order=asc` and walked by
keyset (the next request starts at the last modified time seen), so an order changed during a
sync moves to the end instead of shifting pages and hiding another one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets as pysecrets
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Sequence
from urllib.parse import quote, urlsplit

import httpx

from oms_desktop.connectors.base import PATIENCE_S, Connector, ConnectorError
from oms_desktop.connectors.dto import (
    Failure, FulfilmentLine, OrderDTO, Page, ProductPage, PushResult, StockLevelDTO,
    describe_error, high_water,
)
from oms_desktop.connectors.woocommerce_orders import (
    SHIPPED_META, gmt, parse_order, shipped_so_far,
)
from oms_desktop.connectors.woocommerce_products import product_pages
from oms_desktop.plugins.errors import Permanent, Transient
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

API = "/wp-json/wc/v3"
REFUND_KEY = "_oms_refund_key"  # our idempotency key, kept in the refund's meta data
SECOND = timedelta(seconds=1)
ID_FIELDS = "id,date_modified_gmt"  # WordPress's _fields: a list the store can still render


def verify_webhook(raw_body: bytes, signature: str | None, secret: str) -> bool:
    """X-WC-Webhook-Signature = base64(HMAC-SHA256(webhook secret, raw body)); constant-time."""
    if not signature:
        return False
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), signature.strip())


def oauth1_params(method: str, url: str, params: dict, key: str, secret: str) -> dict:
    """RFC 5849 one-legged signature over the query parameters (WooCommerce over HTTP)."""
    oauth = {"oauth_consumer_key": key, "oauth_nonce": pysecrets.token_hex(8),
             "oauth_signature_method": "HMAC-SHA256", "oauth_timestamp": str(int(time.time()))}
    oauth["oauth_signature"] = oauth1_signature(method, url, {**params, **oauth}, secret)
    return oauth


def oauth1_signature(method: str, url: str, params: dict, secret: str) -> str:
    def enc(v) -> str:
        return quote(str(v), safe="~-._")
    pairs = sorted((enc(k), enc(v)) for k, v in params.items() if k != "oauth_signature")
    normal = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join((method.upper(), enc(url.split("?")[0]), enc(normal)))
    digest = hmac.new(f"{secret}&".encode(), base.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class _OAuth1(httpx.Auth):
    def __init__(self, key: str, secret: str):
        self.key, self.secret = key, secret

    def auth_flow(self, request: httpx.Request):
        url = str(request.url.copy_with(query=None))
        params = dict(request.url.params)
        signed = oauth1_params(request.method, url, params, self.key, self.secret)
        request.url = request.url.copy_merge_params(signed)
        yield request


class WooCommerceConnector(Connector):
    kind = "woocommerce"
    title = "WooCommerce"
    SETTINGS = (
        SettingField("store_url", "Store address", "url", help="https://shop.example.com"),
        SettingField("consumer_key", "Consumer key", "secret", secret=True, help="ck_…"),
        SettingField("consumer_secret", "Consumer secret", "secret", secret=True, help="cs_…"),
        SettingField("page_size", "Orders per page", "int", default=100),
    )

    def __init__(self, settings, secrets, *, sleep=time.sleep):
        super().__init__(settings, secrets)
        base = self.settings["store_url"].rstrip("/")
        key, secret = self.secrets.get("consumer_key", ""), self.secrets.get("consumer_secret", "")
        auth = (httpx.BasicAuth(key, secret) if urlsplit(base).scheme == "https"
                else _OAuth1(key, secret))
        self.http = PluginHttp(base + API, title="WooCommerce", auth=auth, sleep=sleep,
                               patience=PATIENCE_S)
        self.page_size = min(100, int(self.settings.get("page_size") or 100))

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = self.http.request(method, path, **kwargs)
        if response.status_code == 404:
            raise Permanent(_message(response))
        if response.status_code >= 400:
            raise ConnectorError(f"WooCommerce refused {method} {path}: {_message(response)}")
        return response.json()

    def test_connection(self) -> str:
        response = self.http.request("GET", "/orders", params={"per_page": 1})
        if response.status_code >= 400:
            raise ConnectorError(_message(response))
        return f"WooCommerce store with {response.headers.get('X-WP-Total', '?')} orders"

    # -- reading ------------------------------------------------------------------------------
    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        mark, page_no, seen = since, 1, set()
        while True:
            params = {"orderby": "modified", "order": "asc", "per_page": self.page_size,
                      "page": page_no, "dates_are_gmt": "true"}
            if mark is not None:  # modified_after is exclusive: one second back keeps ties
                params["modified_after"] = _naive(mark - SECOND)
            raws, failures, pages = self._list(params)
            page = self._page([r for r in raws if _version(r) not in seen], failures)
            seen.update(_version(r) for r in raws)
            yield page
            if page_no >= pages or not (raws or failures):
                return
            if page.high_water is not None and (mark is None or page.high_water > mark):
                mark, page_no = page.high_water, 1
            else:  # a whole page with one modified time: step through the tie
                page_no += 1

    def fetch_products(self, since: datetime | None) -> Iterator[ProductPage]:
        return product_pages(self._get_paged, since, per_page=self.page_size)

    def _get_paged(self, path: str, params: dict) -> tuple[Any, int]:
        response = self.http.request("GET", path, params=params)
        if response.status_code == 404:
            raise Permanent(_message(response))
        if response.status_code >= 400:
            raise ConnectorError(f"WooCommerce refused GET {path}: {_message(response)}")
        return response.json(), int(response.headers.get("X-WP-TotalPages", "1"))

    def _list(self, params: dict) -> tuple[list, list[Failure], int]:
        """One page of orders; when the store fails on the page (one order it cannot render
        brings the whole list down), the page's ids, then each order alone."""
        try:
            response = self.http.request("GET", "/orders", params=params)
        except Transient as exc:
            return self._one_by_one(params, exc)
        if response.status_code >= 400:
            raise ConnectorError(_message(response))
        return response.json(), [], int(response.headers.get("X-WP-TotalPages", "1"))

    def _one_by_one(self, params: dict, failed: Transient) -> tuple[list, list[Failure], int]:
        try:
            response = self.http.request("GET", "/orders", params={**params, "_fields": ID_FIELDS})
        except Transient:
            raise failed from None
        if response.status_code >= 400:
            raise failed
        raws, failures = [], []
        for stub in response.json():
            try:
                raws.append(self._json("GET", f"/orders/{stub['id']}"))
            except Transient as exc:
                failures.append(_unreadable(stub, exc))
            except Permanent:  # deleted since the list was read: nothing to take in
                continue
        return raws, failures, int(response.headers.get("X-WP-TotalPages", "1"))

    def _page(self, raws: list, failures: list[Failure] = ()) -> Page:
        stamps = [gmt(r.get("date_modified_gmt")) for r in raws] + [f.updated_at for f in failures]
        page = Page(failures=list(failures), high_water=high_water(*stamps))
        for raw in raws:
            try:
                page.orders.append(self.parse_order(self._with_refunds(raw)))
            except Exception as exc:  # noqa: BLE001 - stored with the payload
                page.failures.append(Failure(raw, describe_error(exc), _id(raw),
                                             gmt(raw.get("date_modified_gmt"))))
        return page

    def _with_refunds(self, raw: dict) -> dict:
        """The order with its refunds' lines beside it (the order only lists their totals)."""
        if not raw.get("refunds") or "refund_details" in raw:
            return raw
        return {**raw, "refund_details": self._json("GET", f"/orders/{raw['id']}/refunds")}

    def fetch_order(self, external_id: str) -> OrderDTO:
        return self.parse_order(self._with_refunds(self._json("GET", f"/orders/{external_id}")))

    def parse_order(self, raw: Any) -> OrderDTO:
        return parse_order(raw)

    # -- pushing back -------------------------------------------------------------------------
    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        order = self._json("GET", f"/orders/{external_id}")
        done = shipped_so_far(order)
        for l in lines:
            done[l.external_line_id] = done.get(l.external_line_id, 0) + l.quantity
        complete = not lines or all(done.get(str(l["id"]), 0) >= l["quantity"]
                                    for l in order["line_items"])
        text = " ".join(p for p in (f"Shipped with {carrier or 'carrier'}:",
                                    tracking_number or "", tracking_url or "") if p)
        note = self._json("POST", f"/orders/{external_id}/notes",
                          json={"note": text, "customer_note": True})
        update: dict = {"meta_data": [
            {"key": SHIPPED_META, "value": json.dumps(done)},
            {"key": "_tracking_number", "value": tracking_number or ""},
            {"key": "_tracking_provider", "value": carrier or ""}]}
        if complete:
            update["status"] = "completed"
        self._json("PUT", f"/orders/{external_id}", json=update)
        return PushResult(external_id, True, reference=str(note["id"]))

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        return {sku: p.get("stock_quantity") for sku, p in self._products(skus).items()}

    def _products(self, skus: Sequence[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for i in range(0, len(skus), 50):
            chunk = list(skus[i:i + 50])
            for p in self._json("GET", "/products", params={"sku": ",".join(chunk),
                                                            "per_page": 100}):
                found[p["sku"]] = p
        return found

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        products = self._products([l.sku for l in levels])
        todo = [l for l in levels if l.sku in products]
        for i in range(0, len(todo), 100):  # the batch endpoint takes at most 100 objects
            self._json("POST", "/products/batch", json={"update": [
                {"id": products[l.sku]["id"], "manage_stock": True, "stock_quantity": l.quantity}
                for l in todo[i:i + 100]]})
        return [PushResult(l.sku, True, products[l.sku].get("stock_quantity"))
                if l.sku in products else
                PushResult(l.sku, False, error="SKU not found on WooCommerce") for l in levels]

    def push_cancellation(self, external_id, *, reason="other") -> PushResult:
        self._json("PUT", f"/orders/{external_id}", json={"status": "cancelled"})
        return PushResult(external_id, True)

    def push_refund(self, external_id, *, lines=(), amount=None, reason=None,
                    key=None) -> PushResult:
        """WooCommerce takes no idempotency key: the refund carries ours in its meta data,
        and a refund of the order that already carries it is not made again."""
        done = self._refund_with(external_id, key) if key else None
        if done is not None:
            return PushResult(external_id, True, reference=str(done["id"]))
        body: dict = {"reason": reason or "", "api_refund": True,
                      "line_items": [{"id": int(l.external_line_id), "quantity": l.quantity}
                                     for l in lines]}
        if amount is not None:
            body["amount"] = str(amount)
        if key:
            body["meta_data"] = [{"key": REFUND_KEY, "value": key}]
        refund = self._json("POST", f"/orders/{external_id}/refunds", json=body)
        return PushResult(external_id, True, reference=str(refund["id"]))

    def _refund_with(self, external_id, key: str) -> dict | None:
        refunds = self._json("GET", f"/orders/{external_id}/refunds")
        return next((r for r in refunds if any(
            m.get("key") == REFUND_KEY and m.get("value") == key
            for m in r.get("meta_data") or [])), None)

    def close(self) -> None:
        self.http.close()


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
        return f"{body.get('message')} ({body.get('code')}, HTTP {response.status_code})"
    except ValueError:
        return f"HTTP {response.status_code}"


def _unreadable(stub: dict, exc: Transient) -> Failure:
    """An order the store fails to render, kept with the store's answer."""
    try:
        said = json.loads(exc.answer or "").get("message")
    except (ValueError, AttributeError):
        said = None
    return Failure.unreadable(f"WooCommerce cannot return order {stub['id']}: {said or exc}",
                              answer=exc.answer, order=stub, external_id=str(stub["id"]),
                              updated_at=gmt(stub.get("date_modified_gmt")))


def _naive(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _version(raw: Any) -> tuple:
    return (raw.get("id"), raw.get("date_modified_gmt")) if isinstance(raw, dict) else (id(raw),)


def _id(raw: Any) -> str | None:
    return str(raw["id"]) if isinstance(raw, dict) and "id" in raw else None
