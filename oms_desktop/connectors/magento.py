"""Magento 2 / Adobe Commerce through REST V1 with an integration's access token sent as a
Bearer token. Orders by searchCriteria on `updated_at` (gteq, sorted ascending), walked by
keyset; Magento answers a page past the end with the last page again, so paging stops by
`total_count`, never by an empty page. Ship with tracks (`POST /V1/order/{id}/ship`), offline
credit memos (`POST /V1/order/{id}/refund`), stock as MSI source items of one source. The
admin REST API has no rate limit, but a 429 (Magento's optional limits, a proxy) is waited out."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Iterator, Sequence

import httpx

from oms_desktop.connectors import magento_orders as orders
from oms_desktop.connectors.base import PATIENCE_S, Connector, ConnectorError
from oms_desktop.connectors.dto import FulfilmentLine, OrderDTO, Page, PushResult, StockLevelDTO
from oms_desktop.connectors.pages import parsed_page
from oms_desktop.plugins.errors import Permanent
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

CARRIERS = {"ups": "ups", "usps": "usps", "fedex": "fedex", "dhl": "dhl"}
CHUNK = 50  # SKUs in one `in` filter


def criteria(filters: Sequence[tuple[str, Any, str]], *, sort: str | None = None,
             size: int | None = None, page: int | None = None) -> dict[str, Any]:
    """searchCriteria as query parameters: each filter its own group (groups are AND-ed)."""
    params: dict[str, Any] = {}
    for n, (field, value, condition) in enumerate(filters):
        key = f"searchCriteria[filter_groups][{n}][filters][0]"
        params.update({f"{key}[field]": field, f"{key}[value]": value,
                       f"{key}[condition_type]": condition})
    if sort:
        params.update({"searchCriteria[sortOrders][0][field]": sort,
                       "searchCriteria[sortOrders][0][direction]": "ASC"})
    if size:
        params.update({"searchCriteria[pageSize]": size, "searchCriteria[currentPage]": page or 1})
    return params


class MagentoConnector(Connector):
    kind = "magento"
    title = "Magento"
    SETTINGS = (
        SettingField("base_url", "Store address", "url", help="https://shop.example.com"),
        SettingField("store_code", "Store view code", default="all",
                     help="'all' for admin writes, or a store view's code"),
        SettingField("access_token", "Integration access token", "secret", secret=True,
                     help="System ▸ Integrations; allow OAuth access tokens as Bearer tokens"),
        SettingField("source_code", "MSI source code", default="default"),
        SettingField("page_size", "Orders per page", "int", default=100),
    )

    def __init__(self, settings, secrets, *, sleep=time.sleep, clock=time.monotonic):
        super().__init__(settings, secrets)
        base = f"{self.settings['base_url'].rstrip('/')}/rest/{self.settings.get('store_code') or 'all'}/V1"
        self.http = PluginHttp(base, title="Magento", sleep=sleep, patience=PATIENCE_S,
                               headers={"Authorization": f"Bearer {self.secrets.get('access_token', '')}"})
        self.page_size = min(300, max(1, int(self.settings.get("page_size") or 100)))
        self.source = self.settings.get("source_code") or "default"

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = self.http.request(method, path, **kwargs)
        if response.status_code in (400, 404):
            raise Permanent(f"Magento refused {method} {path}: {error_text(response)}")
        if response.status_code >= 400:
            raise ConnectorError(f"Magento refused {method} {path}: {error_text(response)}")
        return response.json() if response.content else None

    # -- reading -------------------------------------------------------------------------------
    def test_connection(self) -> str:
        body = self._json("GET", "/orders", params=criteria([], size=1))
        return f"Magento store with {body['total_count']} orders"

    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        mark, page_no, seen = since, 1, set()
        while True:
            where = [("updated_at", orders.stamp(mark), "gteq")] if mark else []
            body = self._json("GET", "/orders", params=criteria(
                where, sort="updated_at", size=self.page_size, page=page_no))
            raws = body.get("items") or []
            page = self._page([r for r in raws if _version(r) not in seen])
            seen.update(_version(r) for r in raws)
            yield page
            if page_no * self.page_size >= body["total_count"]:
                return  # asking further would bring the last page back again
            if page.high_water is not None and (mark is None or page.high_water > mark):
                mark, page_no = page.high_water, 1
            else:  # a whole page changed in one second: step through it
                page_no += 1

    def _page(self, raws: list) -> Page:
        return parsed_page(raws, self.parse_order, ident=_id,
                           updated=lambda r: orders.when(r.get("updated_at"))
                           if isinstance(r, dict) else None)

    def parse_order(self, raw: Any) -> OrderDTO:
        return orders.parse(raw)

    def fetch_order(self, external_id: str) -> OrderDTO:
        return self.parse_order(self._json("GET", f"/orders/{external_id}"))

    # -- pushing back --------------------------------------------------------------------------
    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        """One Magento shipment per parcel; a parcel the order already shows with this
        tracking number (a push repeated after a lost answer) is not shipped again."""
        for shipment in self._search("/shipments", "order_id", external_id):
            if tracking_number and any(t.get("track_number") == tracking_number
                                       for t in shipment.get("tracks") or []):
                return PushResult(external_id, True, reference=str(shipment["entity_id"]))
        body: dict[str, Any] = {"items": [{"order_item_id": int(l.external_line_id),
                                           "qty": l.quantity} for l in lines],
                                "notify": True}
        if tracking_number:
            code = CARRIERS.get((carrier or "").strip().lower(), "custom")
            body["tracks"] = [{"track_number": tracking_number, "title": carrier or "Carrier",
                               "carrier_code": code}]
        shipment_id = self._json("POST", f"/order/{external_id}/ship", json=body)
        return PushResult(external_id, True, reference=str(shipment_id))

    def push_cancellation(self, external_id: str, *, reason: str = "other") -> PushResult:
        if self._json("POST", f"/orders/{external_id}/cancel") is not True:
            raise Permanent(f"Magento cannot cancel order {external_id} in its state")
        return PushResult(external_id, True)

    def push_refund(self, external_id, *, lines=(), amount=None, reason=None,
                    key=None) -> PushResult:
        """An offline credit memo (the money goes back the way it was paid, outside the
        gateway); stock is not returned by Magento, we restock ourselves. The key rides in the
        memo's comment: a memo already carrying it is not made again."""
        tag = f"[{key}]" if key else None
        for memo in self._search("/creditmemos", "order_id", external_id) if tag else []:
            if any(tag in (c.get("comment") or "") for c in memo.get("comments") or []):
                return PushResult(external_id, True, reference=str(memo["entity_id"]))
        body = {"items": [{"order_item_id": int(l.external_line_id), "qty": l.quantity}
                          for l in lines],
                "notify": True, "appendComment": True,
                "comment": {"comment": f"{reason or 'Refund'} {tag or ''}".strip(),
                            "is_visible_on_front": 0},
                "arguments": {"shipping_amount": 0, "adjustment_negative": 0,
                              "adjustment_positive": 0 if lines else float(amount or 0),
                              "extension_attributes": {"return_to_stock_items": []}}}
        memo_id = self._json("POST", f"/order/{external_id}/refund", json=body)
        return PushResult(external_id, True, reference=str(memo_id))

    def _search(self, path: str, field: str, value: Any) -> list[dict]:
        return (self._json("GET", path, params=criteria([(field, value, "eq")])) or {}).get(
            "items") or []

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        found: dict[str, int | None] = {sku: None for sku in skus}
        for start in range(0, len(skus), CHUNK):
            for item in self._json("GET", "/inventory/source-items", params=criteria(
                    [("sku", ",".join(skus[start:start + CHUNK]), "in"),
                     ("source_code", self.source, "eq")]))["items"]:
                found[item["sku"]] = int(item["quantity"])
        return found

    def _catalogue(self, skus: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(skus), CHUNK):
            known.update(p["sku"] for p in self._json("GET", "/products", params={
                **criteria([("sku", ",".join(skus[start:start + CHUNK]), "in")]),
                "fields": "items[sku],total_count"})["items"])
        return known

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        skus = [l.sku for l in levels]
        known, before = self._catalogue(skus), self.fetch_inventory(skus)
        items = [{"sku": l.sku, "source_code": self.source, "quantity": l.quantity,
                  "status": 1 if l.quantity > 0 else 0} for l in levels if l.sku in known]
        for start in range(0, len(items), 20):  # Magento's synchronous list limit
            self._json("POST", "/inventory/source-items",
                       json={"sourceItems": items[start:start + 20]})
        return [PushResult(l.sku, True, before.get(l.sku)) if l.sku in known else
                PushResult(l.sku, False, error="SKU not in the Magento catalogue")
                for l in levels]

    def close(self) -> None:
        self.http.close()


def error_text(response: httpx.Response) -> str:
    """{"message": "%fieldName is required", "parameters": {...} or [...]} filled in."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    text, params = str(body.get("message") or ""), body.get("parameters") or {}
    pairs = params.items() if isinstance(params, dict) else \
        ((str(n), v) for n, v in enumerate(params, 1))
    for name, value in pairs:
        text = text.replace(f"%{name}", str(value))
    return f"{text} (HTTP {response.status_code})"


def _version(raw: Any) -> tuple:
    return (raw.get("entity_id"), raw.get("updated_at")) if isinstance(raw, dict) else (id(raw),)


def _id(raw: Any) -> str | None:
    return str(raw["entity_id"]) if isinstance(raw, dict) and "entity_id" in raw else None
