"""A local Selling Partner API (apis.md section 3): Login with Amazon (refresh-token grant,
hour-long access tokens sent as x-amz-access-token; 403 "Unauthorized … has expired"),
restricted data tokens for buyer names and addresses (only with the PII role, only for the
path they were made for), Orders v0 getOrders (MarketplaceIds and exactly one of CreatedAfter /
LastUpdatedAfter required, LastUpdatedBefore at least two minutes back, MaxResultsPerPage
1-100, NextToken that wins over every other criterion, oldest change first), getOrder,
getOrderItems, confirmShipment (the documented required fields, packageReferenceId a positive
numeric string, a repeat of one edits it, 204), Listings Items get and patch (merge of
fulfillment_availability), marketplace participations; a token bucket per operation with the
documented rate and burst on a clock tests move, x-amzn-RateLimit-Limit on every answer and
429 QuotaExceeded without Retry-After, errors as {"errors": [{code, message, details}]}."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

from oms_desktop.connectors.amazon import RATES
from tests.connectors.amazon_store import AmazonStore, iso
from tests.connectors.emulator_http import EmulatorServer, Request, Response
from tests.connectors.shopify_throttle import EmulatorClock
from tests.connectors.token_bucket import TokenBucket

CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef"
CLIENT_SECRET = "amzn1.oa2-cs.v1.secret0123456789"
REFRESH_TOKEN = "Atzr|IwEBIexample-refresh-token"
SELLER_ID = "A2EXAMPLESELLER"
US = "ATVPDKIKX0DER"
TOKEN_LIFE = 3600.0


def errors(status: int, code: str, message: str, details: str = "") -> Response:
    return Response(status, {"errors": [{"code": code, "message": message, "details": details}]},
                    {"x-amzn-RequestId": str(uuid.uuid4())})


class AmazonEmulator(AmazonStore, EmulatorServer):
    def __init__(self, *, clock: EmulatorClock | None = None, pii_role: bool = True,
                 rates: dict | None = None):
        AmazonStore.__init__(self)
        EmulatorServer.__init__(self)
        self.clock = clock or EmulatorClock()
        self.pii_role = pii_role
        self.rates = {**RATES, **(rates or {})}
        self.buckets = {op: TokenBucket(r, b, self.clock) for op, (r, b) in self.rates.items()}
        self.tokens: dict[str, tuple[float, str | None]] = {}  # token -> (expiry, RDT path)
        self.token_grants = 0
        self.storm = 0  # answer this many calls 429 whatever the buckets hold
        self.refused: list[str] = []  # the operations answered 429

    def expire_tokens(self) -> None:
        self.tokens = {t: (self.clock.now() - 1, path) for t, (_, path) in self.tokens.items()}

    # -- HTTP ----------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        self.log.append((req.method, req.path, dict(req.query)))
        if req.path == "/auth/o2/token":
            return self._lwa(req)
        op, route = self._route(req)
        if op is None:
            return errors(404, "NotFound", "Resource not found")
        denied = self._auth(req, op)
        if denied:
            return denied
        if self.storm or not self.buckets[op].take():
            self.storm = max(0, self.storm - 1)
            self.refused.append(op)
            return errors(429, "QuotaExceeded",
                          "You exceeded your quota for the requested resource.")
        response = route()
        response.headers.update({"x-amzn-RateLimit-Limit": str(self.rates[op][0]),
                                 "x-amzn-RequestId": str(uuid.uuid4())})
        return response

    def _lwa(self, req: Request) -> Response:
        form = {k: v[-1] for k, v in parse_qs(req.body.decode()).items()}
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return Response(401, {"error": "invalid_client",
                                  "error_description": "Client authentication failed"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH_TOKEN:
            return Response(400, {"error": "invalid_grant", "error_description":
                                  "The request has an invalid grant parameter : refresh_token"})
        self.token_grants += 1
        token = "Atza|" + uuid.uuid4().hex
        self.tokens[token] = (self.clock.now() + TOKEN_LIFE, None)
        return Response(200, {"access_token": token, "token_type": "bearer",
                              "expires_in": int(TOKEN_LIFE), "refresh_token": REFRESH_TOKEN})

    def _auth(self, req: Request, op: str) -> Response | None:
        token = req.headers.get("x-amz-access-token")
        expiry, rdt_path = self.tokens.get(token, (None, None))
        if expiry is None:
            return errors(403, "Unauthorized", "Access to requested resource is denied.",
                          "The access token you provided is revoked, malformed or invalid.")
        if self.clock.now() >= expiry:
            return errors(403, "Unauthorized", "Access to requested resource is denied.",
                          "The access token you provided has expired.")
        if rdt_path is not None and rdt_path != req.path:
            return errors(403, "Unauthorized", "Access to requested resource is denied.",
                          "The restricted data token is not valid for this resource.")
        req.pii = rdt_path is not None
        return None

    def _route(self, req: Request):
        p, m = req.path.strip("/").split("/"), req.method
        if req.path == "/orders/v0/orders" and m == "GET":
            return "getOrders", lambda: self._get_orders(req)
        if p[:3] == ["orders", "v0", "orders"] and len(p) >= 4:
            tail = p[4:]
            if not tail and m == "GET":
                return "getOrder", lambda: self._one(p[3], lambda o: {"payload": self.view(o)})
            if tail == ["orderItems"] and m == "GET":
                return "getOrderItems", lambda: self._one(p[3], self._items)
            if tail == ["shipmentConfirmation"] and m == "POST":
                return "confirmShipment", lambda: self._one(p[3], lambda o: self._confirm(o, req))
        if req.path == "/tokens/2021-03-01/restrictedDataToken" and m == "POST":
            return "createRestrictedDataToken", lambda: self._rdt(req)
        if req.path == "/sellers/v1/marketplaceParticipations" and m == "GET":
            return "getMarketplaceParticipations", self._participations
        if p[:3] == ["listings", "2021-08-01", "items"] and len(p) == 5:
            op = {"GET": "getListingsItem", "PATCH": "patchListingsItem"}.get(m)
            return (op, lambda: self._listing(req, p[3], p[4])) if op else (None, None)
        return None, None

    def _one(self, order_id: str, answer) -> Response:
        order = self.orders.get(order_id)
        if order is None:
            return errors(404, "NotFound", f"Order {order_id} not found")
        result = answer(order)
        return result if isinstance(result, Response) else Response(200, result)

    # -- getOrders -------------------------------------------------------------------------------
    def _get_orders(self, req: Request) -> Response:
        q = dict(req.query)
        if "MarketplaceIds" not in q:
            return errors(400, "InvalidInput", "Missing required 'MarketplaceIds'")
        if "NextToken" in q:
            try:
                q = {**json.loads(base64.b64decode(q["NextToken"])), "NextToken": q["NextToken"]}
            except ValueError:
                return errors(400, "InvalidInput", "Invalid NextToken")
        bad = self._check_dates(q)
        if bad:
            return errors(400, "InvalidInput", bad)
        size = int(q.get("MaxResultsPerPage", 100))
        if not 1 <= size <= 100:
            return errors(400, "InvalidInput", "MaxResultsPerPage must be between 1 and 100")
        field = "LastUpdateDate" if "LastUpdatedAfter" in q else "PurchaseDate"
        after = q.get("LastUpdatedAfter") or q["CreatedAfter"]
        rows = sorted((o for o in self.orders.values() if o[field] >= after
                       and o["MarketplaceId"] in q["MarketplaceIds"].split(",")),
                      key=lambda o: (o[field], o["AmazonOrderId"]))
        if "last" in q:
            rows = [o for o in rows if (o[field], o["AmazonOrderId"]) > tuple(q["last"])]
        chunk, payload = rows[:size], {"Orders": [self.view(o, req.pii) for o in rows[:size]]}
        if len(rows) > size:
            state = {k: v for k, v in q.items() if k not in ("NextToken", "last")}
            state["last"] = [chunk[-1][field], chunk[-1]["AmazonOrderId"]]
            payload["NextToken"] = base64.b64encode(json.dumps(state).encode()).decode()
        return Response(200, {"payload": payload})

    def _check_dates(self, q: dict) -> str | None:
        if ("CreatedAfter" in q) == ("LastUpdatedAfter" in q):
            return "Exactly one of CreatedAfter and LastUpdatedAfter must be specified"
        before = q.get("LastUpdatedBefore") or q.get("CreatedBefore")
        latest = datetime.now(timezone.utc) - timedelta(minutes=2)
        if before and before > iso(latest):
            return "Date must be no later than 2 minutes before the time of the request"
        return None

    def _items(self, order: dict) -> dict:
        return {"payload": {"AmazonOrderId": order["AmazonOrderId"],
                            "OrderItems": [dict(i) for i in order["_items"]]}}

    # -- confirmShipment -------------------------------------------------------------------------
    def _confirm(self, order: dict, req: Request) -> Response:
        body = req.json() or {}
        detail = body.get("packageDetail") or {}
        problem = self.confirmation_problem(order, body, detail)
        if problem:
            return errors(400, "InvalidInput", "Invalid Input", problem)
        self.confirm(order, detail)
        return Response(204, None)

    # -- tokens, sellers, listings ---------------------------------------------------------------
    def _rdt(self, req: Request) -> Response:
        if not self.pii_role:
            return errors(403, "Unauthorized", "Access to requested resource is denied.",
                          "The application is not authorized for restricted data.")
        [resource] = (req.json() or {}).get("restrictedResources") or [None]
        if not resource or resource.get("method") != "GET" or not resource.get("path"):
            return errors(400, "InvalidInput", "Invalid restrictedResources")
        token = "Atz.sprdt|" + uuid.uuid4().hex
        self.tokens[token] = (self.clock.now() + TOKEN_LIFE, resource["path"])
        return Response(200, {"restrictedDataToken": token, "expiresIn": int(TOKEN_LIFE)})

    def _participations(self) -> Response:
        return Response(200, {"payload": [{
            "marketplace": {"id": US, "name": "Amazon.com", "countryCode": "US",
                            "defaultCurrencyCode": "USD", "defaultLanguageCode": "en_US",
                            "domainName": "www.amazon.com"},
            "participation": {"isParticipating": True, "hasSuspendedListings": False}}]})

    def _listing(self, req: Request, seller: str, sku: str) -> Response:
        from urllib.parse import unquote
        sku = unquote(sku)
        if seller != SELLER_ID or not req.query.get("marketplaceIds"):
            return errors(400, "InvalidInput", "Invalid sellerId or missing marketplaceIds")
        if sku not in self.listings:
            return errors(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace")
        if req.method == "GET":
            return Response(200, {"sku": sku, "fulfillmentAvailability": [
                {"fulfillmentChannelCode": "DEFAULT", "quantity": self.listings[sku]}]})
        return Response(200, self.patch_listing(sku, req.json() or {}))
