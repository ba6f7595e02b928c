"""A local Shopify GraphQL Admin API, as strict as the published rules. It EXECUTES the documents
it is sent (graphql-core) against shopify_admin.graphql, so a field, argument or type the real
API does not have fails validation, and a null in a non-null field nulls its parents as GraphQL
does. Before executing, it computes the query's requested cost (shopify_cost.py) and refuses a
query above 1,000 points (MAX_COST_EXCEEDED) or one the leaky bucket cannot pay (THROTTLED); on
success it reports extensions.cost with the actual cost and gives the difference back to the
bucket. Also: X-Shopify-Access-Token auth (401), JSON content type (400), keyset cursors over
(updated_at, id), fulfillment orders, the mutations the connector uses with their userErrors,
and bulk operations with their JSONL files.

Knobs: `throttle_next(n)`, `inject` (HTTP answers before any work), `latency`, `clock` (move it
instead of sleeping), `bulk.polls_to_finish`. Shopify's error shapes, from its docs and answers:
MAX_COST_EXCEEDED `{"errors": [{"message", "extensions": {"code", "cost", "maxCost",
"documentation"}}]}` (no data, no extensions.cost); THROTTLED `{"errors": [{"message":
"Throttled", "extensions": {"code": "THROTTLED", "documentation"}}], "extensions": {"cost":
{…, "actualQueryCost": null}}}` with HTTP 200 (the status is unconfirmed in apis.md)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

from graphql import execute, parse, validate

import tests.connectors.shopify_mutations  # noqa: F401 - attaches the mutation resolvers
import tests.connectors.shopify_resolvers  # noqa: F401 - attaches the query resolvers
from tests.connectors.emulator_http import Request, Response, serve
from tests.connectors.shopify_bulk import BulkOperations
from tests.connectors.shopify_cost import actual_cost, requested_cost
from tests.connectors.shopify_schema import SCHEMA, gid
from tests.connectors.shopify_store import Shop
from tests.connectors.shopify_throttle import (
    MAX_QUERY_COST, STANDARD_BUCKET, STANDARD_RESTORE_RATE, EmulatorClock, LeakyBucket,
)

TOKEN = "shpat_" + "0123456789abcdef" * 2
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"


class ShopifyEmulator(Shop):
    """One shop on one plan. `bucket` and `restore_rate` are the plan's (Standard by default);
    `max_query_cost` is Shopify's single-query limit, the same on every plan."""

    def __init__(self, *, bucket: float = STANDARD_BUCKET,
                 restore_rate: float = STANDARD_RESTORE_RATE,
                 max_query_cost: float | None = MAX_QUERY_COST, clock: EmulatorClock | None = None,
                 api_version: str = "2025-10", location_id: str = gid("Location", 1)):
        super().__init__(location_id)
        self.clock = clock or EmulatorClock()
        self.bucket = LeakyBucket(bucket, restore_rate, self.clock)
        self.max_query_cost = max_query_cost
        self.api_version, self.token = api_version, TOKEN
        self.idempotent: dict[str, dict] = {}  # @idempotent key -> the answer first given
        self.latency = 0.0
        self.inject: list[tuple[int, dict]] = []  # (status, headers) answered before real work
        self.log: list[dict] = []  # every answered document (see _record)
        self.bulk = BulkOperations(self)
        self._throttled_left = 0
        self.server, self.url = None, None

    # -- knobs --------------------------------------------------------------------------------
    def throttle_next(self, n: int) -> None:
        """The next n queries find the bucket empty, as if another client of the same app (a
        second workstation, a cron job) had just spent it: they are answered THROTTLED."""
        self._throttled_left = n

    def drain(self, to: float = 0.0) -> None:
        with self.lock:
            self.bucket.drain(to)

    @property
    def throttled(self) -> list[dict]:
        return [e for e in self.log if e["outcome"] == "THROTTLED"]

    # -- HTTP ----------------------------------------------------------------------------------
    def start(self) -> "ShopifyEmulator":
        self.server, self.url = serve(self.handle)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def handle(self, req: Request) -> Response:
        if self.latency:
            time.sleep(self.latency)
        if req.path.startswith("/bulk/"):  # a signed storage URL on the real platform
            content = self.bulk.files.get(req.path[len("/bulk/"):])
            return Response(200, content, {"Content-Type": "application/jsonl"}) if content \
                else Response(404, {"errors": "Not Found"})
        if not re.fullmatch(r"/admin/api/\d{4}-\d{2}/graphql\.json", req.path):
            return Response(404, {"errors": "Not Found"})
        if req.headers.get("X-Shopify-Access-Token") != self.token:
            return Response(401, {"errors": INVALID_TOKEN})
        if not (req.headers.get("Content-Type") or "").startswith("application/json"):
            return Response(400, {"errors": "Content-Type must be application/json"})
        with self.lock:
            if self.inject:
                status, headers = self.inject.pop(0)
                return Response(status, {"errors": "injected"}, headers)
            body = req.json()
            return Response(200, self.run(body.get("query", ""), body.get("variables") or {}))

    # -- GraphQL -------------------------------------------------------------------------------
    def run(self, query: str, variables: dict) -> dict:
        try:
            document = parse(query)
        except Exception as exc:  # noqa: BLE001 - a syntax error is the client's answer
            return {"errors": [{"message": str(exc)}]}
        errors = validate(SCHEMA, document)
        if errors:
            return {"errors": [e.formatted for e in errors]}
        cost = requested_cost(SCHEMA, document, variables)
        refusal = self._refusal(cost)
        self._record(query, variables, cost, refusal or "ok")
        if refusal:
            return self._refused(refusal, cost)
        result = execute(SCHEMA, document, root_value=self, variable_values=variables,
                         context_value={"bulk": False}, is_awaitable=_never)
        actual = actual_cost(SCHEMA, document, variables, result.data)
        self.bucket.give_back(cost - actual)
        out: dict = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        out["extensions"] = {"cost": self._cost(cost, actual)}
        return out

    def _refusal(self, cost: int) -> str | None:
        if self.max_query_cost is not None and cost > self.max_query_cost:
            return "MAX_COST_EXCEEDED"
        if self._throttled_left:
            self._throttled_left -= 1
            self.bucket.drain(0)
            return "THROTTLED"
        return None if self.bucket.take(cost) else "THROTTLED"

    def _refused(self, code: str, cost: int) -> dict:
        if code == "MAX_COST_EXCEEDED":
            limit = int(self.max_query_cost)
            return {"errors": [{
                "message": f"Query cost is {cost}, which exceeds the single query max cost "
                           f"limit ({limit}).",
                "extensions": {"code": code, "cost": cost, "maxCost": limit,
                               "documentation": RATE_LIMITS_DOC}}]}
        return {"errors": [{"message": "Throttled",
                            "extensions": {"code": code, "documentation": RATE_LIMITS_DOC}}],
                "extensions": {"cost": self._cost(cost, None)}}

    def _cost(self, requested: int, actual: int | None) -> dict:
        return {"requestedQueryCost": requested, "actualQueryCost": actual,
                "throttleStatus": self.bucket.status()}

    def _record(self, query: str, variables: dict, cost: int, outcome: str) -> None:
        """What was asked, its requested cost, the answer ("ok", "THROTTLED",
        "MAX_COST_EXCEEDED"), when (on the emulator's clock) and what the bucket held after."""
        self.log.append({"query": query, "variables": variables, "cost": cost,
                         "outcome": outcome, "at": self.clock.now(),
                         "available": self.bucket.available()})


def _never(value) -> bool:
    """Every resolver here is synchronous: skip graphql-core's awaitable checks."""
    return False


def main() -> None:
    """`python -m tests.connectors.shopify_emulator --orders N`: serve a shop with N orders in
    its own process (benchmarks: the remote side must not share our interpreter's GIL) until
    stdin closes; the first line printed is the base URL. The shop is on the Standard plan
    (1,000 points, 100 a second) with its bucket on real time."""
    import argparse
    import sys

    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=0)
    args = ap.parse_args()
    emu = ShopifyEmulator().start()
    start = datetime(2026, 9, 1, tzinfo=timezone.utc)
    for i in range(args.orders):
        emu.add_order(lines=[("SKU-1", 1 + i % 3, "12.50"), ("SKU-2", 1, "3.99")],
                      updated_at=start + timedelta(seconds=60 * i),
                      email=f"buyer{i % 4000}@example.com")
    print(emu.url, flush=True)
    sys.stdin.read()
    emu.stop()


if __name__ == "__main__":
    main()
