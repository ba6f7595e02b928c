"""Amazon through the Selling Partner API: orders by Orders v0 getOrders (LastUpdatedAfter,
NextToken paging) with getOrderItems per order, buyer names and street addresses with a
restricted data token where the app's role allows, confirmShipment with tracking, available
stock through Listings Items (a JSON merge patch of fulfillment_availability). Login with
Amazon gives hour-long access tokens from the refresh token; no AWS signature (not required
since October 2023). Each operation has its own rate and burst: the connector paces itself by
them, learns the rate Amazon reports (x-amzn-RateLimit-Limit) and rides out refusals.

Amazon returns getOrders oldest change first (selling-partner-api-docs #3751); each page's
high-water mark relies on it, and a page that breaks the order stops the mark moving until
the walk ends, so an order is never skipped. Amazon-fulfilled (AFN) orders come in fulfilled
by the channel, taking stock at the FBA location of the settings."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Sequence
from urllib.parse import quote

import httpx

from oms_desktop.connectors import amazon_orders as orders
from oms_desktop.connectors.base import Connector, ConnectorError
from oms_desktop.connectors.dto import (
    FulfilmentLine, OrderDTO, Page, PushResult, StockLevelDTO, high_water,
)
from oms_desktop.connectors.pages import parsed_page
from oms_desktop.plugins.errors import AuthFailed, Permanent
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.oauth import ExpiringTokenAuth, Token, post_for_token
from oms_desktop.plugins.pacing import TokenPacer
from oms_desktop.plugins.settings import SettingField
from oms_desktop.plugins.storm import ride_out

ORDERS = "/orders/v0/orders"
LISTINGS = "/listings/2021-08-01/items"
LWA_URL = "https://api.amazon.com/auth/o2/token"
# Documented default rates (requests per second) and bursts, per operation.
RATES = {"getOrders": (0.0167, 20), "getOrder": (0.5, 30), "getOrderItems": (0.5, 30),
         "confirmShipment": (2.0, 10), "createRestrictedDataToken": (1.0, 10),
         "getMarketplaceParticipations": (0.016, 15), "getListingsItem": (5.0, 10),
         "patchListingsItem": (5.0, 10)}
HISTORY = timedelta(days=730)  # getOrders returns nothing older than two years
CARRIERS = {"ups": "UPS", "usps": "USPS", "fedex": "FedEx", "dhl": "DHL", "ontrac": "OnTrac",
            "royal mail": "Royal Mail", "dpd": "DPD", "hermes": "Hermes", "gls": "GLS"}
PII = [{"method": "GET", "path": ORDERS, "dataElements": ["buyerInfo", "shippingAddress"]}]


class AmazonConnector(Connector):
    kind = "amazon"
    title = "Amazon"
    marketplace = "amazon"
    SETTINGS = (
        SettingField("endpoint", "Selling Partner API address", "url",
                     default="https://sellingpartnerapi-na.amazon.com",
                     help="the region's host: …-na, …-eu or …-fe"),
        SettingField("marketplace_id", "Marketplace id", default="ATVPDKIKX0DER",
                     help="ATVPDKIKX0DER is amazon.com, A1F83G8C2ARO7P amazon.co.uk"),
        SettingField("seller_id", "Seller id (merchant token)", required=False,
                     help="needed to push stock"),
        SettingField("client_id", "LWA client id", help="amzn1.application-oa2-client.…"),
        SettingField("client_secret", "LWA client secret", "secret", secret=True),
        SettingField("refresh_token", "LWA refresh token", "secret", secret=True,
                     help="Atzr|… from authorising the app"),
        SettingField("token_url", "Login with Amazon token address", "url", default=LWA_URL),
        SettingField("fba_location", "Location of Amazon-fulfilled (FBA) stock",
                     required=False, help="FBA orders are never picked; they take stock here"),
        SettingField("restricted_data", "Ask for buyer names and addresses", "bool",
                     default=True, help="needs the app's restricted (PII) role"),
        SettingField("page_size", "Orders per page", "int", default=100),
    )

    def __init__(self, settings, secrets, *, sleep=time.sleep, clock=time.monotonic):
        super().__init__(settings, secrets)
        self.auth = ExpiringTokenAuth(self._lwa_token, expired=token_expired,
                                      header="x-amz-access-token", prefix="", clock=clock)
        self.http = PluginHttp(self.settings["endpoint"].rstrip("/"), title="Amazon",
                               auth=self.auth, sleep=sleep)
        self.pacer = TokenPacer(RATES, clock=clock)
        self.page_size = min(100, max(1, int(self.settings.get("page_size") or 100)))
        self.marketplace_id = self.settings.get("marketplace_id") or "ATVPDKIKX0DER"
        self._clock = clock
        self._pii: ExpiringTokenAuth | None | bool = None  # False: the role does not allow it

    # -- transport -----------------------------------------------------------------------------
    def _lwa_token(self) -> Token:
        body = post_for_token(self.settings.get("token_url") or LWA_URL,
                              title="Login with Amazon", data={
            "grant_type": "refresh_token", "refresh_token": self.secrets.get("refresh_token", ""),
            "client_id": self.settings.get("client_id") or "",
            "client_secret": self.secrets.get("client_secret", "")})
        return Token(body["access_token"], float(body.get("expires_in") or 3600))

    def call(self, op: str, method: str, path: str, **kwargs) -> httpx.Response:
        """One operation, paced by its bucket; refusals (429) are waited out."""
        def send() -> httpx.Response:
            self._pace(op)
            return self.http.request(method, path, **kwargs)

        def refused() -> float:
            self.pacer.refused(op)
            return 0.0  # the next send() waits for the bucket

        response = ride_out(self.http, send, refused=refused)
        rate = response.headers.get("x-amzn-RateLimit-Limit")
        if rate:
            self.pacer.set_rate(op, float(rate))
        return response

    def _pace(self, op: str) -> None:
        wait = self.pacer.wait_for(op)
        if wait > 0:
            self.http.wait(wait)

    def _json(self, op: str, method: str, path: str, **kwargs) -> Any:
        response = self.call(op, method, path, **kwargs)
        if response.status_code in (400, 404):
            raise Permanent(f"Amazon refused {op}: {error_text(response)}")
        if response.status_code >= 400:
            raise ConnectorError(f"Amazon refused {op}: {error_text(response)}")
        return response.json() if response.content else {}

    def _orders_auth(self) -> ExpiringTokenAuth | None:
        """The restricted data token's auth for getOrders, when the role allows one."""
        if self._pii is None:
            self._pii = False
            if self.settings.get("restricted_data", True):
                pii = ExpiringTokenAuth(self._rdt, expired=token_expired,
                                        header="x-amz-access-token", prefix="", clock=self._clock)
                try:
                    pii.token()
                    self._pii = pii
                except AuthFailed:
                    pass  # names and streets stay out; the rest of each order comes in
        return self._pii or None

    def _rdt(self) -> Token:
        body = self._json("createRestrictedDataToken", "POST",
                          "/tokens/2021-03-01/restrictedDataToken",
                          json={"restrictedResources": PII})
        return Token(body["restrictedDataToken"], float(body.get("expiresIn") or 3600))

    # -- reading -------------------------------------------------------------------------------
    def test_connection(self) -> str:
        rows = self._json("getMarketplaceParticipations", "GET",
                          "/sellers/v1/marketplaceParticipations")["payload"]
        mine = [r["marketplace"] for r in rows if r["marketplace"]["id"] == self.marketplace_id]
        if not mine:
            raise ConnectorError(f"This seller does not sell in marketplace {self.marketplace_id}")
        m = mine[0]
        return f"Amazon seller on {m.get('domainName') or m['name']} ({m['countryCode']}, " \
               f"{m['defaultCurrencyCode']})"

    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        after = since or datetime.now(timezone.utc) - HISTORY
        params: dict = {"MarketplaceIds": self.marketplace_id, "LastUpdatedAfter": iso(after),
                        "MaxResultsPerPage": self.page_size}
        newest, in_order = None, True
        while True:
            payload = self._json("getOrders", "GET", ORDERS, params=params,
                                 auth=self._orders_auth() or self.auth)["payload"]
            raws = payload.get("Orders") or []
            stamps = [orders.when(r.get("LastUpdateDate")) for r in raws]
            in_order = in_order and not any(s and newest and s < newest for s in stamps)
            newest = high_water(newest, *stamps)
            token = payload.get("NextToken")
            yield self._page(raws, newest if in_order or not token else None)
            if not token:
                return
            params = {"MarketplaceIds": self.marketplace_id, "NextToken": token}

    def _page(self, raws: list[dict], mark: datetime | None) -> Page:
        full = [{**raw, "OrderItems": self._items(raw["AmazonOrderId"])} for raw in raws]
        page = parsed_page(full, self.parse_order, ident=lambda r: r.get("AmazonOrderId"),
                           updated=lambda r: orders.when(r.get("LastUpdateDate")))
        return Page(page.orders, page.failures, mark)

    def _items(self, order_id: str) -> list[dict]:
        items, params = [], {}
        while True:
            payload = self._json("getOrderItems", "GET", f"{ORDERS}/{order_id}/orderItems",
                                 params=params)["payload"]
            items += payload.get("OrderItems") or []
            if not payload.get("NextToken"):
                return items
            params = {"NextToken": payload["NextToken"]}

    def parse_order(self, raw: Any) -> OrderDTO:
        return orders.parse(raw, fba_location=self.settings.get("fba_location") or None)

    def fetch_order(self, external_id: str) -> OrderDTO:
        order = self._json("getOrder", "GET", f"{ORDERS}/{external_id}")["payload"]
        return self.parse_order({**order, "OrderItems": self._items(external_id)})

    # -- pushing back --------------------------------------------------------------------------
    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        if not tracking_number:
            raise Permanent(f"Amazon needs a tracking number to confirm order {external_id}")
        if not lines:
            lines = [FulfilmentLine(i["OrderItemId"],
                                    int(i["QuantityOrdered"]) - int(i.get("QuantityShipped") or 0))
                     for i in self._items(external_id)]
        reference = package_reference(external_id, tracking_number)
        detail = {"packageReferenceId": reference, **carrier_fields(carrier),
                  "trackingNumber": tracking_number, "shipDate": iso(datetime.now(timezone.utc)),
                  "orderItems": [{"orderItemId": l.external_line_id, "quantity": l.quantity}
                                 for l in lines if l.quantity > 0]}
        self._json("confirmShipment", "POST", f"{ORDERS}/{external_id}/shipmentConfirmation",
                   json={"marketplaceId": self.marketplace_id, "packageDetail": detail})
        return PushResult(external_id, True, reference=reference)

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        return {sku: self._listed_quantity(sku) for sku in skus}

    def _listed_quantity(self, sku: str) -> int | None:
        response = self.call("getListingsItem", "GET", self._listing(sku), params={
            "marketplaceIds": self.marketplace_id, "includedData": "fulfillmentAvailability"})
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise ConnectorError(f"Amazon refused getListingsItem: {error_text(response)}")
        for f in response.json().get("fulfillmentAvailability") or []:
            if f.get("fulfillmentChannelCode") == "DEFAULT":
                return f.get("quantity")
        return None

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        return [self._set_quantity(l) for l in levels]

    def _set_quantity(self, level: StockLevelDTO) -> PushResult:
        patch = {"op": "merge", "path": "/attributes/fulfillment_availability",
                 "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": level.quantity}]}
        response = self.call("patchListingsItem", "PATCH", self._listing(level.sku),
                             params={"marketplaceIds": self.marketplace_id},
                             json={"productType": "PRODUCT", "patches": [patch]})
        if response.status_code == 404:
            return PushResult(level.sku, False, error="SKU not listed on Amazon")
        if response.status_code >= 400:
            return PushResult(level.sku, False, error=error_text(response))
        body = response.json()
        if body.get("status") != "ACCEPTED":
            return PushResult(level.sku, False, error="; ".join(
                i.get("message", "?") for i in body.get("issues") or []) or body.get("status"))
        return PushResult(level.sku, True, reference=body.get("submissionId"))

    def _listing(self, sku: str) -> str:
        seller = self.settings.get("seller_id")
        if not seller:
            raise ConnectorError("Set the Amazon seller id in the channel settings to push stock")
        return f"{LISTINGS}/{seller}/{quote(sku, safe='')}"

    def close(self) -> None:
        self.http.close()


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def token_expired(response: httpx.Response) -> bool:
    """Amazon answers an expired access token with 403 Unauthorized, "…has expired"."""
    return response.status_code == 403 and "expired" in response.text.lower()


def error_text(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return f"HTTP {response.status_code}"
    text = "; ".join(f"{e.get('code')}: {e.get('message')}"
                     + (f" ({e['details']})" if e.get("details") else "") for e in errors)
    return f"{text or 'no details'} (HTTP {response.status_code})"


def package_reference(order_id: str, tracking_number: str) -> str:
    """The same parcel always gets the same positive numeric id: Amazon takes a repeated
    confirmation with it as an edit, so a push sent twice confirms one package."""
    digest = hashlib.sha256(f"{order_id}|{tracking_number}".encode()).hexdigest()
    return str(int(digest[:12], 16) % 10**9 + 1)


def carrier_fields(carrier: str | None) -> dict:
    code = CARRIERS.get((carrier or "").strip().lower())
    if code:
        return {"carrierCode": code}
    return {"carrierCode": "Other", "carrierName": carrier or "Other"}
