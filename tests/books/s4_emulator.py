"""An S/4HANA Cloud API_SALES_ORDER_SRV (OData V2, apis-wave2 §5b) on 127.0.0.1, as strict as
the published rules: HTTP Basic for the communication user on every call; a GET of the service
root with `x-csrf-token: Fetch` hands out a token and the session cookies it belongs to, and a
write without both is answered 403 `x-csrf-token: Required` "CSRF token validation failed";
`$metadata` serves an EDMX (s4_metadata.py) that pyodata reads; POST /A_SalesOrder is a deep
insert whose fields are checked against that description (strings, Decimal strings,
`/Date(ms)/` dates, lengths) and against the sales area, customers and materials set up here;
GET with `$filter` (`eq` terms joined by `and`), `$select`, `$top`, `$inlinecount`, and one
order by key with `$expand=to_Item`. The order is priced from the emulator's own price list,
as S/4 prices from its conditions: TotalNetAmount is net of tax."""

from __future__ import annotations

import base64
import re
import secrets
import time
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from tests.books import s4_metadata as meta
from tests.books.emulator import Emulator

ROOT = "/sap/opu/odata/sap/API_SALES_ORDER_SRV"
USER, PASSWORD = "COMM_USER_OMS", "s4-password-1"
SESSION_COOKIE = "SAP_SESSIONID_S4C_100"
SALES_AREA = {"SalesOrderType": "OR", "SalesOrganization": "1710",
              "DistributionChannel": "10", "OrganizationDivision": "00"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def error(code: str, text: str, details: tuple[str, ...] = ()) -> dict:
    return {"error": {"code": code, "message": {"lang": "en", "value": text}, "innererror": {
        "errordetails": [{"code": code, "message": d, "severity": "error"} for d in details]}}}


def date_ms(text: str) -> int | None:
    m = re.fullmatch(r"/Date\((-?\d+)\)/", text) if isinstance(text, str) else None
    return int(m.group(1)) if m else None


class S4Emulator(Emulator):
    token_path = "/no-token-endpoint"

    def __init__(self):
        super().__init__()
        self.customers = {"17100001", "17100002", "17100003"}
        self.prices = {"MZ-FG-R100": Decimal("40.00"), "MZ-FG-R200": Decimal("10.00")}
        self.sessions: dict[str, str] = {}  # session cookie -> its CSRF token
        self.orders: dict[str, dict] = {}
        self.fetches = self.csrf_refusals = 0
        self.refuse_every_token = False
        self.next_answers: list[tuple[int, bool]] = []  # the next POSTs: (status, made first)
        self.expire_at: int | None = None

    def expire_sessions(self, *, after_orders: int = 0) -> None:
        """The sessions time out (once this many orders exist): every token and session
        cookie handed out is stale."""
        self.expire_at = after_orders
        if len(self.orders) >= after_orders:
            self.sessions.clear()
            self.expire_at = None

    def fail_next_post(self, status: int, *, after_making: bool = False) -> None:
        """Answer the next POST with `status`, having made the order first if `after_making`
        (a gateway that times out while the back end works on)."""
        self.next_answers.append((status, after_making))

    def all_orders(self) -> list[dict]:
        return list(self.orders.values())

    # -- the protocol ---------------------------------------------------------------------
    def handle(self, method, path, query, body, headers):
        basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if headers.get("authorization") != f"Basic {basic}":
            return 401, b"Logon failed", {**TEXT, "WWW-Authenticate": 'Basic realm="SAP"'}
        if not path.startswith(ROOT):
            return 404, error("/IWFND/MED/170", f"No service found for namespace '{path}'"), {}
        rest = unquote(path[len(ROOT):]).strip("/")
        if method == "GET" and rest == "":
            return self._service_document(headers)
        if method == "GET" and rest == "$metadata":
            return 200, meta.edmx(), {"Content-Type": "application/xml"}
        if method != "GET":
            self._wait_for_sessions()
        if method != "GET" and not self._csrf_ok(headers):
            self.csrf_refusals += 1
            return 403, b"CSRF token validation failed", {**TEXT, "x-csrf-token": "Required"}
        return self._entities(method, rest, query, body)

    def _wait_for_callers(self, timeout: float = 30.0) -> None:
        """(The base waits for OAuth tokens: S/4 has sessions, waited for by writes only.)"""

    def _wait_for_sessions(self, timeout: float = 30.0) -> None:
        """Writes wait until `callers_expected` sessions exist: posters really compete."""
        end = time.monotonic() + timeout
        while len(self.sessions) < self.callers_expected and time.monotonic() < end:
            time.sleep(0.01)

    def _service_document(self, headers):
        extra = {}
        if headers.get("x-csrf-token", "").lower() == "fetch":
            self.fetches += 1
            session = self._cookies(headers).get(SESSION_COOKIE)
            if session not in self.sessions:
                session = secrets.token_hex(16)
                self.sessions[session] = base64.b64encode(secrets.token_bytes(18)).decode()
            extra = {"x-csrf-token": self.sessions[session], "Set-Cookie": [
                f"{SESSION_COOKIE}={session}; path=/; HttpOnly",
                "sap-usercontext=sap-client=100; path=/"]}
        return 200, {"d": {"EntitySets": ["A_SalesOrder", "A_SalesOrderItem"]}}, extra

    def _csrf_ok(self, headers) -> bool:
        session = self._cookies(headers).get(SESSION_COOKIE)
        token = headers.get("x-csrf-token")
        return not self.refuse_every_token and session in self.sessions and \
            "sap-usercontext" in self._cookies(headers) and token == self.sessions[session]

    @staticmethod
    def _cookies(headers) -> dict:
        return dict(c.strip().split("=", 1) for c in headers.get("cookie", "").split(";")
                    if "=" in c)

    def _entities(self, method, rest, query, body):
        one = re.fullmatch(r"A_SalesOrder\('(\d{1,10})'\)(/to_Item)?", rest)
        if method == "GET" and rest == "A_SalesOrder":
            return self._query(query)
        if method == "GET" and one:
            return self._one(one.group(1), items_only=bool(one.group(2)),
                             expand=query.get("$expand", ""))
        if method == "POST" and rest == "A_SalesOrder":
            if not isinstance(body, dict):
                return 400, error("/IWBEP/CM_MGW_RT/021", "The request body is not JSON"), {}
            return self._answer_post(body)
        return 404, error("/IWBEP/CM_MGW_RT/022", f"Resource not found for segment '{rest}'"), {}

    def _answer_post(self, body):
        if self.next_answers:
            status, made = self.next_answers.pop(0)
            if made:
                self._create(body)
            return status, b"Service unavailable" if status >= 500 else b"Too many requests", \
                {**TEXT, **({"Retry-After": "0"} if status == 429 else {})}
        return self._create(body)

    def _create(self, body):
        problem = self._invalid(body)
        if problem:
            return 400, problem, {}
        with self.lock:
            number = str(4_000_000 + self.next_id())
            order = self._made(number, body)
            self.orders[number] = order
            if self.expire_at is not None:
                self.expire_sessions(after_orders=self.expire_at)
        uri = f"{self.url}{ROOT}/A_SalesOrder('{number}')"
        return 201, {"d": order}, {"Location": uri}

    def _made(self, number: str, body: dict) -> dict:
        today = int(datetime.now(timezone.utc).replace(hour=0, minute=0, second=0,
                                                        microsecond=0).timestamp() * 1000)
        items, total = [], Decimal(0)
        for item in body["to_Item"]:
            net = (self.prices[item["Material"]] * Decimal(item["RequestedQuantity"])) \
                .quantize(Decimal("0.01"))
            total += net
            items.append({**_blank(meta.ITEM), **item, "SalesOrder": number, "NetAmount": f"{net}",
                          "SDProcessStatus": "A", "DeliveryStatus": "A",
                          "OrderRelatedBillingStatus": "A",
                          "__metadata": self._meta(f"A_SalesOrderItem(SalesOrder='{number}',"
                                                   f"SalesOrderItem='{item['SalesOrderItem']}')",
                                                   "A_SalesOrderItemType")})
        header = {k: v for k, v in body.items() if k != "to_Item"}
        return {**_blank(meta.ORDER), "TransactionCurrency": "USD", **header,
                "SalesOrder": number, "CreationDate": f"/Date({today})/",
                "LastChangeDate": f"/Date({today})/", "TotalNetAmount": f"{total}",
                "OverallSDProcessStatus": "A", "OverallTotalDeliveryStatus": "A",
                "TotalCreditCheckStatus": "", "to_Item": {"results": items},
                "__metadata": self._meta(f"A_SalesOrder('{number}')", "A_SalesOrderType")}

    def _meta(self, key: str, type_: str) -> dict:
        uri = f"{self.url}{ROOT}/{key}"
        return {"id": uri, "uri": uri, "type": f"{meta.NAMESPACE}.{type_}"}

    # -- checks -----------------------------------------------------------------------------
    def _invalid(self, body: dict) -> dict | None:
        items = body.get("to_Item")
        if isinstance(items, dict):
            items = items.get("results")
        problem = _shape(body, meta.ORDER, meta.REQUIRED_ORDER, "A_SalesOrderType", {"to_Item"})
        if problem:
            return problem
        if not isinstance(items, list) or not items:
            return error("V1/399", "Sales document contains no items: enter items in to_Item")
        body["to_Item"] = items
        for n, item in enumerate(items):
            problem = _shape(item, meta.ITEM, meta.REQUIRED_ITEM, f"to_Item[{n}]") or \
                self._item_rules(item)
            if problem:
                return problem
        return self._header_rules(body, items)

    def _header_rules(self, body: dict, items: list) -> dict | None:
        area = {k: body[k] for k in SALES_AREA}
        if area != SALES_AREA:
            return error("V1/320", f"Sales area {body['SalesOrganization']}/"
                         f"{body['DistributionChannel']}/{body['OrganizationDivision']} or "
                         f"order type {body['SalesOrderType']} is not defined")
        if body["SoldToParty"] not in self.customers:
            return error("V1/322", f"Sold-to party {body['SoldToParty']} is not defined for "
                         "this sales area", (f"Customer {body['SoldToParty']} does not exist",))
        numbers = [i.get("SalesOrderItem") for i in items if i.get("SalesOrderItem")]
        if len(numbers) != len(set(numbers)):
            return error("V1/010", "An item number is used twice")
        return None

    def _item_rules(self, item: dict) -> dict | None:
        if item["Material"] not in self.prices:
            return error("V1/392", f"Material {item['Material']} does not exist")
        if Decimal(item["RequestedQuantity"]) <= 0:
            return error("V1/077", "Enter a quantity greater than zero")
        if item.get("SalesOrderItem") and not item["SalesOrderItem"].isdigit():
            return error("V1/010", f"Item number {item['SalesOrderItem']} is not numeric")
        return None

    # -- reading ----------------------------------------------------------------------------
    def _query(self, query: dict):
        found = list(self.orders.values())
        if "$filter" in query:
            terms = _filter(query["$filter"])
            if terms is None:
                return 400, error("/IWBEP/CM_MGW_RT/004", "Invalid filter expression"), {}
            found = [o for o in found if all(o.get(k) == v for k, v in terms)]
        if query.get("$format", "json") != "json":
            return 415, error("/IWBEP/CM_MGW_RT/051", "Unsupported format"), {}
        count = len(found)
        found = found[int(query.get("$skip", 0)):][:int(query.get("$top", 10_000))]
        rows = [self._view(o, query.get("$select"), query.get("$expand", "")) for o in found]
        data = {"results": rows}
        if query.get("$inlinecount") == "allpages":
            data["__count"] = str(count)
        return 200, {"d": data}, {}

    def _one(self, number: str, *, items_only: bool, expand: str):
        order = self.orders.get(number)
        if order is None:
            return 404, error("V1/302", f"Sales document {number} is not in the database"), {}
        if items_only:
            return 200, {"d": order["to_Item"]}, {}
        return 200, {"d": self._view(order, None, expand)}, {}

    def _view(self, order: dict, select: str | None, expand: str) -> dict:
        view = dict(order)
        if "to_Item" not in expand.split(","):
            view["to_Item"] = {"__deferred": {"uri": order["__metadata"]["uri"] + "/to_Item"}}
        if select:
            view = {k: v for k, v in view.items() if k in select.split(",") + ["__metadata"]}
        return view


def _blank(fields) -> dict:
    return {f.name: None for f in fields}


def _shape(body: dict, fields, required, where: str, navigation=frozenset()) -> dict | None:
    """Every property known and of its declared type (computed ones are the server's)."""
    known = {f.name: f for f in fields}
    for name, value in body.items():
        if name in navigation or name == "__metadata":
            continue
        f = known.get(name)
        if f is None:
            return error("/IWBEP/CM_MGW_RT/020", f"Property '{name}' is invalid ({where})")
        if value is not None and not f.computed and not _typed(f, value):
            return error("/IWBEP/CM_MGW_RT/020", f"Property '{name}' has an invalid value "
                         f"{value!r}: {f.type}{f'({f.length})' if f.length else ''} "
                         f"expected ({where})")
    missing = [n for n in required if not body.get(n)]
    if missing:
        return error("V1/351", f"Fill in the required fields {', '.join(missing)} ({where})")
    return None


def _typed(f: meta.Field, value) -> bool:
    if not isinstance(value, str):  # OData V2 JSON: strings, Decimal strings, /Date()/
        return False
    if f.type == "Edm.String":
        return f.length is None or len(value) <= f.length
    if f.type == "Edm.Decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            return False
        places = -number.as_tuple().exponent
        digits, scale = f.precision
        return number.is_finite() and places <= scale and \
            len(str(abs(int(number)))) <= digits - scale
    if f.type == "Edm.DateTime":
        return date_ms(value) is not None
    return True


def _filter(text: str) -> list[tuple[str, str]] | None:
    """`Field eq 'value' and …` (a quote inside a value doubled); None for anything else."""
    terms = []
    for part in re.split(r"\s+and\s+", text.strip()):
        m = re.fullmatch(r"(\w+) eq '((?:[^']|'')*)'", part.strip())
        if not m or m.group(1) not in {f.name for f in meta.ORDER}:
            return None
        terms.append((m.group(1), m.group(2).replace("''", "'")))
    return terms
