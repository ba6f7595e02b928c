"""Shopify's GraphQL endpoint under its calculated query cost. Before a query is sent its
requested cost is worked out (shopify_cost.py): above the single-query limit it is never
sent; otherwise the client waits until the shop's leaky bucket, as the last answer described
it, holds enough points. A THROTTLED answer is waited out at the bucket's restore rate for as
long as the plugin's patience lasts. Where Shopify reports the cost: `extensions.cost` on
success and THROTTLED, `errors[0].extensions` (cost, maxCost) on MAX_COST_EXCEEDED."""

from __future__ import annotations

import time

from oms_desktop.connectors.base import ConnectorError
from oms_desktop.connectors.shopify_cost import MAX_QUERY_COST, requested_cost
from oms_desktop.plugins.backoff import spread
from oms_desktop.plugins.http import PluginHttp

MIN_THROTTLE_WAIT_S = 0.5  # when the bucket looks full yet another client keeps emptying it


class QueryTooCostly(ConnectorError):
    def __init__(self, requested: float, maximum: float):
        super().__init__(f"Query cost {requested:g} exceeds Shopify's limit {maximum:g}")
        self.requested, self.maximum = requested, maximum


class Bucket:
    """Our picture of the shop's bucket: the last throttleStatus, plus the time since (real
    time and the time we slept, which a test's clock may count instead)."""

    def __init__(self):
        self.status: dict | None = None
        self.at = self.slept = 0.0

    def note(self, status: dict | None) -> None:
        if status:
            self.status, self.at, self.slept = status, time.monotonic(), 0.0

    def seconds_until(self, points: float) -> float:
        s = self.status
        if not s or not s.get("restoreRate"):
            return 0.0
        elapsed = time.monotonic() - self.at + self.slept
        available = min(s["maximumAvailable"], s["currentlyAvailable"] + elapsed * s["restoreRate"])
        return max(0.0, (min(points, s["maximumAvailable"]) - available) / s["restoreRate"])


class ShopifyGraphQL:
    def __init__(self, http: PluginHttp, endpoint: str):
        self.http, self.endpoint = http, endpoint
        self.bucket = Bucket()

    def data(self, query: str, variables: dict | None = None) -> dict:
        """The answer's data; any error in it is raised."""
        body = self.answer(query, variables)
        if body.get("errors"):
            raise ConnectorError(refusal(body))
        return body["data"]

    def answer(self, query: str, variables: dict | None = None) -> dict:
        """The whole answer once it is neither throttled nor refused as a document. Errors
        found while executing (with a `path`: a null in a non-null field…) are left in it."""
        cost = _cost(query, variables)
        if cost > MAX_QUERY_COST:
            raise QueryTooCostly(cost, MAX_QUERY_COST)
        patience = self.http.new_patience()
        while True:
            self.pause(self.bucket.seconds_until(cost))
            body = self.http.request("POST", self.endpoint, json={
                "query": query, "variables": variables or {}}).json()
            self.bucket.note(((body.get("extensions") or {}).get("cost") or {})
                             .get("throttleStatus"))
            code = error_code(body)
            if code != "THROTTLED":
                return _checked(body, code)
            wait = max(self.bucket.seconds_until(cost), MIN_THROTTLE_WAIT_S)
            self.pause(patience.spend(spread(wait)))

    def pause(self, seconds: float) -> None:
        """Wait on the plugin's clock; the bucket restores meanwhile."""
        if seconds > 0:
            self.http.wait(seconds)
            self.bucket.slept += seconds


def _cost(query: str, variables: dict | None) -> float:
    from graphql import GraphQLError

    try:
        return requested_cost(query, variables)
    except GraphQLError:
        return 0  # not a document we can read: Shopify will say what is wrong with it


def _checked(body: dict, code: str | None) -> dict:
    if code == "MAX_COST_EXCEEDED":
        ext = body["errors"][0]["extensions"]
        raise QueryTooCostly(ext.get("cost") or 0, ext.get("maxCost") or MAX_QUERY_COST)
    if any("path" not in e for e in body.get("errors") or ()):
        raise ConnectorError(refusal(body))
    return body


def error_code(body: dict) -> str | None:
    for e in body.get("errors") or []:
        code = (e.get("extensions") or {}).get("code")
        if code:
            return code
    return None


def refusal(body: dict) -> str:
    return "Shopify refused the query: " + "; ".join(
        e.get("message", "?") for e in body.get("errors") or ())
