"""Square, the shop's till: one channel per store (a Square location and our store's code).
Orders by `POST /v2/orders/search` at that location, on `updated_at` sorted ascending, paged by
cursor (the identical body again with the cursor). What the till sells over the counter comes
in fulfilled by the channel at the store and takes its stock there; pickup orders are collected
at the store, and our "ready for pickup" and "handed over" go back as the pickup fulfilment's
PREPARED and COMPLETED; shipped orders get their tracking on the shipment fulfilment. Stock:
the store's available-to-sell as IN_STOCK physical counts (`inventory/changes/batch-create`).
Every call sends the `Square-Version` it was written for; writes carry idempotency keys made
from their content, so a push repeated after a lost answer is the same push to Square."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import time
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterator, Sequence

import httpx

from oms_desktop.connectors import square_orders as sq
from oms_desktop.connectors.base import PATIENCE_S, Connector, ConnectorError
from oms_desktop.connectors.dto import (
    Failure, FulfilmentLine, OrderDTO, Page, PushResult, StockLevelDTO, describe_error,
    high_water,
)
from oms_desktop.connectors.pages import parsed_page
from oms_desktop.plugins.errors import Permanent
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

VERSION = "2025-08-20"
STATES = ("OPEN", "COMPLETED", "CANCELED")
PICKUP_STATES = {"ready": "PREPARED", "handed_over": "COMPLETED"}
ORDER = ("PROPOSED", "RESERVED", "PREPARED", "COMPLETED")
CHANGES = 100  # inventory changes in one batch


def verify_webhook(raw_body: bytes, signature: str | None, *, key: str, url: str) -> bool:
    """x-square-hmacsha256-signature = base64(HMAC-SHA256(signature key, notification URL +
    raw body)); the URL exactly as subscribed. Constant-time."""
    if not signature or not key:
        return False
    digest = hmac.new(key.encode(), url.encode() + raw_body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), signature.strip())


def idempotency_key(*parts: Any) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:45]


class SquareConnector(Connector):
    kind = "square"
    title = "Square (shop till)"
    SETTINGS = (
        SettingField("api_url", "API address", "url", default="https://connect.squareup.com"),
        SettingField("access_token", "Access token", "secret", secret=True,
                     help="Developer dashboard ▸ Credentials, or the seller's OAuth token"),
        SettingField("location_id", "Square location id", help="the store's till location (L…)"),
        SettingField("store", "Our store location", help="the code of the store in this program"),
        SettingField("square_version", "Square-Version", default=VERSION),
        SettingField("page_size", "Orders per page", "int", default=100),
        SettingField("till_returns", "Returns at the till go", "choice", default="restock",
                     choices=("restock", "quarantine"),
                     help="back on the store's shelf, or held in its quarantine for a look"),
        SettingField("webhook_signature_key", "Webhook signature key", "secret", secret=True,
                     required=False),
    )

    def __init__(self, settings, secrets, *, sleep=time.sleep, clock=time.monotonic):
        super().__init__(settings, secrets)
        self.http = PluginHttp(self.settings["api_url"].rstrip("/") + "/v2", title="Square",
                               sleep=sleep, patience=PATIENCE_S, headers={
                                   "Authorization": f"Bearer {self.secrets.get('access_token', '')}",
                                   "Square-Version": self.settings.get("square_version") or VERSION})
        self.location, self.store = self.settings["location_id"], self.settings["store"]
        self.page_size = min(1000, max(1, int(self.settings.get("page_size") or 100)))
        self.returns_to = self.settings.get("till_returns") or "restock"
        self._skus: dict[str, str] = {}  # variation id -> SKU

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = self.http.request(method, path, **kwargs)
        if response.status_code in (400, 404, 409):
            raise Permanent(f"Square refused {method} {path}: {error_text(response)}")
        if response.status_code >= 400:
            raise ConnectorError(f"Square refused {method} {path}: {error_text(response)}")
        return response.json()

    def test_connection(self) -> str:
        for location in self._json("GET", "/locations").get("locations") or []:
            if location["id"] == self.location:
                return f"Square location {location['name']} ({location.get('currency', '?')})"
        raise ConnectorError(f"Square has no location {self.location} for this account")

    # -- reading -------------------------------------------------------------------------------
    def fetch_orders(self, since: datetime | None) -> Iterator[Page]:
        query: dict[str, Any] = {"filter": {"state_filter": {"states": list(STATES)}},
                                 "sort": {"sort_field": "UPDATED_AT", "sort_order": "ASC"}}
        if since is not None:
            query["filter"]["date_time_filter"] = {"updated_at": {"start_at": _rfc3339(since)}}
        body = {"location_ids": [self.location], "limit": self.page_size, "query": query}
        cursor = None
        while True:
            answer = self._json("POST", "/orders/search",
                                json={**body, **({"cursor": cursor} if cursor else {})})
            raws = self._with_skus(answer.get("orders") or [])
            yield self._page(raws)
            cursor = answer.get("cursor")
            if not cursor:
                return

    def _page(self, raws: list) -> Page:
        """Orders to take in, and the returns taken at the till (a return that cannot be
        read is kept aside like an order)."""
        returns = [r for r in raws if isinstance(r, dict) and sq.is_return(r)]
        page = parsed_page([r for r in raws if not any(r is x for x in returns)],
                           self.parse_order, ident=_id, updated=_updated)
        for r in returns:
            try:
                page.returns.extend(sq.returns_of(r, store=self.store,
                                                  disposition=self.returns_to))
            except Exception as exc:  # noqa: BLE001 - kept with the payload for a person
                page.failures.append(Failure(r, describe_error(exc), _id(r), _updated(r)))
        return dataclasses.replace(page, high_water=high_water(
            page.high_water, *(_updated(r) for r in returns)))

    def _with_skus(self, raws: list) -> list:
        """Each line (and returned line) with its variation's SKU from the catalogue."""
        lines = [l for r in raws if isinstance(r, dict) for l in _all_lines(r)]
        wanted = {l["catalog_object_id"] for l in lines if l.get("catalog_object_id")}
        missing = sorted(wanted - set(self._skus))
        for start in range(0, len(missing), 1000):
            for obj in self._json("POST", "/catalog/batch-retrieve", json={
                    "object_ids": missing[start:start + 1000]}).get("objects") or []:
                self._skus[obj["id"]] = (obj.get("item_variation_data") or {}).get("sku") or ""
        for l in lines:
            l["sku"] = self._skus.get(l.get("catalog_object_id") or "", "")
        return raws

    def parse_order(self, raw: Any) -> OrderDTO:
        return sq.parse(raw, store=self.store)

    def fetch_order(self, external_id: str) -> OrderDTO:
        return self.parse_order(self._with_skus([self._order(external_id)])[0])

    def _order(self, external_id: str) -> dict:
        return self._json("GET", f"/orders/{external_id}")["order"]

    # -- pushing back --------------------------------------------------------------------------
    def _update(self, external_id: str, change: dict, *, key: str) -> dict:
        """A sparse update at the order's current version; one retry when the till changed
        the order between our read and our write."""
        for attempt in (1, 2):
            order = self._order(external_id)
            body = {"order": {"location_id": order["location_id"], "version": order["version"],
                              **change},
                    "idempotency_key": idempotency_key(key, order["version"])}
            response = self.http.request("PUT", f"/orders/{external_id}", json=body)
            if response.status_code < 400:
                return response.json()["order"]
            if attempt == 2 or "VERSION_MISMATCH" not in response.text:
                raise Permanent(f"Square refused the update of order {external_id}: "
                                f"{error_text(response)}")
        raise AssertionError("unreachable")

    def push_fulfilment(self, external_id, *, lines: Sequence[FulfilmentLine], carrier,
                        tracking_number, tracking_url=None) -> PushResult:
        order = self._order(external_id)
        for f in order.get("fulfillments") or []:
            if tracking_number and (f.get("shipment_details") or {}).get(
                    "tracking_number") == tracking_number:
                return PushResult(external_id, True, reference=f["uid"])
        details = {k: v for k, v in (("carrier", carrier), ("tracking_number", tracking_number),
                                     ("tracking_url", tracking_url)) if v}
        fulfilment = _shipment_for(order, lines, details)
        self._update(external_id, {"fulfillments": [fulfilment]},
                     key=f"ship:{external_id}:{tracking_number or fulfilment['uid']}")
        return PushResult(external_id, True, reference=fulfilment["uid"])

    def push_pickup(self, external_id: str, *, step: str) -> PushResult:
        """"ready" or "handed_over" as the pickup fulfilment's PREPARED / COMPLETED; a step
        Square already shows (or passed) is not sent again."""
        target = PICKUP_STATES[step]
        order = self._order(external_id)
        pickup = next((f for f in order.get("fulfillments") or [] if f.get("type") == "PICKUP"),
                      None)
        if pickup is None:
            raise Permanent(f"Square order {external_id} is not a pickup order")
        if pickup["state"] in ORDER and ORDER.index(pickup["state"]) >= ORDER.index(target):
            return PushResult(external_id, True, reference=pickup["uid"])
        self._update(external_id, {"fulfillments": [{"uid": pickup["uid"], "state": target}]},
                     key=f"pickup:{external_id}:{target}")
        return PushResult(external_id, True, reference=pickup["uid"])

    def push_cancellation(self, external_id: str, *, reason: str = "other") -> PushResult:
        self._update(external_id, {"state": "CANCELED"}, key=f"cancel:{external_id}")
        return PushResult(external_id, True)

    def push_refund(self, external_id, *, lines=(), amount=None, reason=None,
                    key=None) -> PushResult:
        """Square refunds a payment and takes our idempotency key: a repeat is the same
        refund."""
        order = self._order(external_id)
        payment = next((t.get("payment_id") for t in order.get("tenders") or []
                        if t.get("payment_id")), None)
        if payment is None:
            raise Permanent(f"Square order {external_id} has no card payment to refund")
        currency = order["total_money"]["currency"]
        if amount is None:
            prices = {l["uid"]: sq.money(l["base_price_money"]) for l in order["line_items"]}
            amount = sum((prices[l.external_line_id] * l.quantity for l in lines), Decimal(0))
        refund = self._json("POST", "/refunds", json={
            "idempotency_key": key or uuid.uuid4().hex, "payment_id": payment,
            "amount_money": {"amount": sq.minor(Decimal(str(amount)), currency),
                             "currency": currency}, "reason": (reason or "Return")[:192]})
        return PushResult(external_id, True, reference=refund["refund"]["id"])

    # -- stock ---------------------------------------------------------------------------------
    def _variations(self, skus: Sequence[str]) -> dict[str, str]:
        """SKU -> variation id, from the catalogue."""
        found: dict[str, str] = {}
        for start in range(0, len(skus), 100):
            cursor = None
            while True:
                answer = self._json("POST", "/catalog/search", json={
                    "object_types": ["ITEM_VARIATION"], "limit": 1000,
                    "query": {"set_query": {"attribute_name": "sku",
                                            "attribute_values": list(skus[start:start + 100])}},
                    **({"cursor": cursor} if cursor else {})})
                for obj in answer.get("objects") or []:
                    found[obj["item_variation_data"]["sku"]] = obj["id"]
                cursor = answer.get("cursor")
                if not cursor:
                    break
        return found

    def _counts(self, ids: Sequence[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for start in range(0, len(ids), 1000):
            cursor = None
            while True:
                answer = self._json("POST", "/inventory/counts/batch-retrieve", json={
                    "catalog_object_ids": list(ids[start:start + 1000]),
                    "location_ids": [self.location], "states": ["IN_STOCK"], "limit": 1000,
                    **({"cursor": cursor} if cursor else {})})
                for c in answer.get("counts") or []:
                    counts[c["catalog_object_id"]] = int(Decimal(c["quantity"]))
                cursor = answer.get("cursor")
                if not cursor:
                    break
        return counts

    def fetch_inventory(self, skus: Sequence[str]) -> dict[str, int | None]:
        ids = self._variations(skus)
        counts = self._counts(list(ids.values()))
        return {s: counts.get(ids[s], 0) if s in ids else None for s in skus}

    def push_inventory(self, levels: Sequence[StockLevelDTO]) -> list[PushResult]:
        ids = self._variations([l.sku for l in levels])
        before = self._counts(list(ids.values()))
        now = _rfc3339(datetime.now(timezone.utc))
        changes = [{"type": "PHYSICAL_COUNT", "physical_count": {
            "catalog_object_id": ids[l.sku], "state": "IN_STOCK", "location_id": self.location,
            "quantity": str(l.quantity), "occurred_at": now}} for l in levels if l.sku in ids]
        for start in range(0, len(changes), CHANGES):
            chunk = changes[start:start + CHANGES]
            self._json("POST", "/inventory/changes/batch-create", json={
                "idempotency_key": idempotency_key("stock", self.location, chunk),
                "ignore_unchanged_counts": True, "changes": chunk})
        return [PushResult(l.sku, True, before.get(ids[l.sku], 0)) if l.sku in ids else
                PushResult(l.sku, False, error="SKU not in the Square catalogue")
                for l in levels]

    def close(self) -> None:
        self.http.close()


def _shipment_for(order: dict, lines: Sequence[FulfilmentLine], details: dict) -> dict:
    """The order's open shipment fulfilment completed when the parcel holds everything;
    otherwise a new fulfilment for just the parcel's lines."""
    quantities = {l["uid"]: sq.units(l["quantity"]) for l in order.get("line_items") or []}
    sent = {l.external_line_id: l.quantity for l in lines}
    open_ = [f for f in order.get("fulfillments") or []
             if f.get("type") in sq.SHIPPED_TYPES and f.get("state") not in ("COMPLETED",
                                                                               "CANCELED", "FAILED")]
    if open_ and sent == quantities:
        return {"uid": open_[0]["uid"], "state": "COMPLETED", "shipment_details": details}
    return {"uid": uuid.uuid4().hex[:20], "type": "SHIPMENT", "state": "COMPLETED",
            "line_item_application": "ENTRY_LIST",
            "entries": [{"line_item_uid": uid, "quantity": str(q)} for uid, q in sent.items()],
            "shipment_details": details}


def _all_lines(r: dict) -> list[dict]:
    return [*(r.get("line_items") or []),
            *(l for ret in r.get("returns") or [] for l in ret.get("return_line_items") or [])]


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _updated(raw: Any) -> datetime | None:
    return sq.when(raw.get("updated_at")) if isinstance(raw, dict) else None


def _id(raw: Any) -> str | None:
    return str(raw["id"]) if isinstance(raw, dict) and "id" in raw else None


def error_text(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}"
    return "; ".join(f"{e.get('code')}: {e.get('detail')}"
                     f"{' (' + e['field'] + ')' if e.get('field') else ''}" for e in errors) \
        + f" (HTTP {response.status_code})"
