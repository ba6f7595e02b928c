"""Etsy through the Open API v3: receipts (orders with their transactions) by
min_last_modified and offset paging, walked by keyset (a page's newest change is where the
next request starts) so a receipt changed during a sync moves to the end instead of hiding
another; tracking by createReceiptShipment; stock by rewriting each listing's inventory
(a full replace: every product of the listing is sent back, only quantities changed). Every
call carries both Etsy headers: x-api-key (keystring:shared secret) and the OAuth 2 bearer
token, renewed from the refresh token, whose replacement Etsy hands back is kept."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Iterator, Sequence

import httpx

from oms_desktop.connectors import etsy_orders as receipts
from oms_desktop.connectors.base import Connector, ConnectorError
from oms_desktop.connectors.dto import FulfilmentLine, OrderDTO, Page, PushResult, StockLevelDTO
from oms_desktop.connectors.pages import parsed_page
from oms_desktop.plugins.errors import Permanent
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.oauth import ExpiringTokenAuth, Token, post_for_token
from oms_desktop.plugins.settings import SettingField
from oms_desktop.plugins.storm import ride_out

API = "/v3/application"
TOKEN_URL = "https://api.etsy.com/v3/public/oauth/token"
CARRIERS = {"usps": "usps", "ups": "ups", "fedex": "fedex", "dhl": "dhl-express",
            "canada post": "canada-post", "royal mail": "royal-mail"}


class EtsyConnector(Connector):
    kind = "etsy"
    title = "Etsy"
    marketplace = "etsy"
    SETTINGS = (
        SettingField("api_url", "Open API address", "url", default="https://openapi.etsy.com"),
        SettingField("token_url", "OAuth token address", "url", default=TOKEN_URL),
        SettingField("shop_id", "Shop id", help="the number in your shop's API answers"),
        SettingField("keystring", "App keystring", help="the app's API key (client id)"),
        SettingField("shared_secret", "App shared secret", "secret", secret=True),
        SettingField("refresh_token", "OAuth refresh token", "secret", secret=True,
                     help="from the app's first consent (PKCE); Etsy replaces it on each use"),
        SettingField("page_size", "Receipts per page", "int", default=100),
    )

    def __init__(self, settings, secrets, *, sleep=time.sleep, clock=time.monotonic):
        super().__init__(settings, secrets)
        key = f"{self.settings['keystring']}:{self.secrets.get('shared_secret', '')}"
        self.auth = ExpiringTokenAuth(self._token, expired=token_expired, clock=clock)
        self.http = PluginHttp(self.settings["api_url"].rstrip("/") + API, title="Etsy",
                               auth=self.auth, headers={"x-api-key": key}, sleep=sleep)
        self.shop = f"/shops/{self.settings['shop_id']}"
        self.page_size = min(100, max(1, int(self.settings.get("page_size") or 100)))
        self._listings: dict[str, int] | None = None

    def _token(self) -> Token:
        body = post_for_token(self.settings.get("token_url") or TOKEN_URL, title="Etsy", data={
            "grant_type": "refresh_token", "client_id": self.settings["keystring"],
            "refresh_token": self.secrets.get("refresh_token", "")})
        if body.get("refresh_token") and body["refresh_token"] != self.secrets.get("refresh_token"):
            self.save_secret("refresh_token", body["refresh_token"])
        return Token(body["access_token"], float(body.get("expires_in") or 3600))

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = ride_out(self.http, lambda: self.http.request(method, path, **kwargs))
        if response.status_code in (400, 404, 409):
            raise Permanent(f"Etsy refused {method} {path}: {error_text(response)}")
        if response.status_code >= 400:
            raise ConnectorError(f"Etsy refused {method} {path}: {error_text(response)}")
        return response.json()

    # -- reading -------------------------------------------------------------------------------
    def test_connection(self) -> str:
        shop = self._json("GET", self.shop)
        return f"Etsy shop {shop['shop_name']} ({shop.get('currency_code', '?')})"

    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        mark, offset, seen = since, 0, set()
        while True:
            params = {"sort_on": "updated", "sort_order": "asc", "limit": self.page_size,
                      "offset": offset}
            if mark is not None:
                params["min_last_modified"] = int(mark.timestamp())
            body = self._json("GET", f"{self.shop}/receipts", params=params)
            raws = body["results"]
            page = self._page([r for r in raws if _version(r) not in seen])
            seen.update(_version(r) for r in raws)
            yield page
            if not raws or offset + len(raws) >= body["count"]:
                return
            if page.high_water is not None and (mark is None or page.high_water > mark):
                mark, offset = page.high_water, 0
            else:  # a whole page changed in one second: step through it
                offset += len(raws)

    def _page(self, raws: list[dict]) -> Page:
        return parsed_page(raws, self.parse_order, ident=_id,
                           updated=lambda r: receipts.when(r.get("updated_timestamp")))

    def parse_order(self, raw: Any) -> OrderDTO:
        return receipts.parse(raw)

    def fetch_order(self, external_id: str) -> OrderDTO:
        return self.parse_order(self._json("GET", f"{self.shop}/receipts/{external_id}"))

    # -- pushing back --------------------------------------------------------------------------
    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        """Etsy takes tracking per receipt; each parcel adds one shipment to it."""
        form = {"send_bcc": "false"}
        if tracking_number:
            form["tracking_code"] = tracking_number
            form["carrier_name"] = CARRIERS.get((carrier or "").strip().lower(), "other")
        receipt = self._json("POST", f"{self.shop}/receipts/{external_id}/tracking", data=form)
        shipments = receipt.get("shipments") or [{}]
        return PushResult(external_id, True, reference=str(shipments[-1].get("receipt_shipping_id")))

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        found: dict[str, int | None] = {sku: None for sku in skus}
        for listing in {self._listing_ids().get(s) for s in skus} - {None}:
            for product in self._json("GET", f"/listings/{listing}/inventory")["products"]:
                if product.get("sku") in found:
                    found[product["sku"]] = sum(o["quantity"] for o in product["offerings"])
        return found

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        listings = self._listing_ids()
        by_listing: dict[int, dict[str, int]] = {}
        for l in levels:
            if l.sku in listings:
                by_listing.setdefault(listings[l.sku], {})[l.sku] = l.quantity
        before: dict[str, int] = {}
        for listing, quantities in by_listing.items():
            before.update(self._rewrite(listing, quantities))
        return [PushResult(l.sku, True, before.get(l.sku)) if l.sku in listings else
                PushResult(l.sku, False, error="SKU not listed on Etsy") for l in levels]

    def _rewrite(self, listing: int, quantities: dict[str, int]) -> dict[str, int]:
        """The listing's whole inventory sent back with new quantities (Etsy deletes a
        product left out); returns what each SKU had before."""
        inventory = self._json("GET", f"/listings/{listing}/inventory")
        before = {p["sku"]: sum(o["quantity"] for o in p["offerings"])
                  for p in inventory["products"] if p.get("sku") in quantities}
        body = {"products": [_product(p, quantities.get(p.get("sku")))
                             for p in inventory["products"]],
                **{k: inventory.get(k) or [] for k in
                   ("price_on_property", "quantity_on_property", "sku_on_property")}}
        self._json("PUT", f"/listings/{listing}/inventory", json=body)
        return before

    def _listing_ids(self) -> dict[str, int]:
        """SKU -> listing id, from the shop's active listings (read once per connector)."""
        if self._listings is None:
            self._listings, offset = {}, 0
            while True:
                body = self._json("GET", f"{self.shop}/listings", params={
                    "state": "active", "limit": 100, "offset": offset})
                for listing in body["results"]:
                    self._listings.update({sku: listing["listing_id"]
                                           for sku in listing.get("skus") or []})
                offset += len(body["results"])
                if not body["results"] or offset >= body["count"]:
                    return self._listings
        return self._listings

    def close(self) -> None:
        self.http.close()


def _product(p: dict, quantity: int | None) -> dict:
    offerings = [{"price": float(receipts.money(o["price"])), "is_enabled": o["is_enabled"],
                  "quantity": o["quantity"] if quantity is None else quantity}
                 for o in p["offerings"]]
    return {"sku": p.get("sku") or "", "property_values": p.get("property_values") or [],
            "offerings": offerings}


def token_expired(response: httpx.Response) -> bool:
    return response.status_code == 401 and "expired" in response.text.lower()


def error_text(response: httpx.Response) -> str:
    try:
        return f"{response.json().get('error')} (HTTP {response.status_code})"
    except ValueError:
        return f"HTTP {response.status_code}"


def _version(raw: Any) -> tuple:
    return (raw.get("receipt_id"), raw.get("updated_timestamp")) if isinstance(raw, dict) \
        else (id(raw),)


def _id(raw: Any) -> str | None:
    return str(raw["receipt_id"]) if isinstance(raw, dict) and "receipt_id" in raw else None
