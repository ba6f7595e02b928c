"""The data of one emulated shop: orders shaped as the Admin API's Order (private keys start with
"_"), their line items with what was fulfilled and what was refunded, their fulfillment orders,
and product variants with stock per location.

Quantities follow the LineItem reference: `quantity` is what was ordered, `currentQuantity` the
units ordered excluding refunded and removed ones, `unfulfilledQuantity` what is not yet
fulfilled, `nonFulfillableQuantity` the units that cannot be (refunded), `refundableQuantity`
what can still be refunded; `requiresShipping` and `isGiftCard` say whether a parcel carries it.
A fulfillment order's line has `remainingQuantity` (still to fulfil) and `totalQuantity`.
Gift cards are fulfilled by Shopify itself (sent by e-mail): their fulfillment order is closed
from the start and they never wait for a parcel."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from tests.connectors.shopify_schema import gid, iso, money, num, when

FIRST_ORDER_ID = 450789469


def default_address() -> dict:
    return {"id": gid("MailingAddress", 1), "name": "Bob Norman", "firstName": "Bob",
            "lastName": "Norman", "company": None, "address1": "Chestnut Street 92",
            "address2": "", "city": "Louisville", "province": "Kentucky",
            "provinceCode": "KY", "zip": "40202", "country": "United States",
            "countryCodeV2": "US", "phone": "555-625-1199"}


SHOP_ADDRESS = object()  # add_order's default: the usual test address


class Shop:
    def __init__(self, location_id: str):
        self.orders: dict[int, dict] = {}
        self.variants: dict[str, dict] = {}
        self.products: dict[int, dict] = {}
        self.location_id = location_id
        self.fulfillments: list[dict] = []
        self.refunds: list[dict] = []
        self.lock = threading.RLock()
        self._next_id = FIRST_ORDER_ID

    # -- orders ---------------------------------------------------------------------------------
    def add_order(self, *, lines: list[tuple[str, int, str]], updated_at: datetime | None = None,
                  email: str | None = "buyer@example.com", address=SHOP_ADDRESS,
                  financial: str = "PAID", currency: str = "USD", **extra) -> dict:
        """A new order; `address=None` is an order without a shipping address."""
        with self.lock:
            self._next_id += 1
            n = self._next_id
            created = updated_at or datetime.now(timezone.utc)
            order = {
                "__typename": "Order", "id": gid("Order", n), "name": f"#{n - FIRST_ORDER_ID + 1001}",
                "email": email, "createdAt": iso(created), "updatedAt": iso(created),
                "processedAt": iso(created), "cancelledAt": None, "cancelReason": None,
                "closed": False, "closedAt": None, "currencyCode": currency,
                "displayFinancialStatus": financial, "displayFulfillmentStatus": "UNFULFILLED",
                "note": None, "tags": [], "test": False, "customer": _customer(n, email),
                "shippingAddress": default_address() if address is SHOP_ADDRESS else address,
                "billingAddress": {"id": gid("MailingAddress", n), "countryCodeV2": "US"},
                "shippingLine": {"id": None, "title": "Standard", "code": "STANDARD",
                                 "originalPriceSet": money("5.00", currency)},
                "fulfillments": [], "refunds": [], "_lines": [],
            }
            order.update(extra)
            self.set_lines(order, lines)
            self.orders[n] = order
            return order

    def set_lines(self, order: dict, lines: list[tuple[str, int, str]]) -> None:
        order["_lines"] = [_line(order, i, sku, qty, price)
                           for i, (sku, qty, price) in enumerate(lines, start=1)]
        self._totals(order)

    def add_gift_card(self, order: dict, price: str = "50.00") -> dict:
        """A gift card bought with the order: no parcel, fulfilled by Shopify at once."""
        line = _line(order, len(order["_lines"]) + 1, None, 1, price)
        line.update(title="Gift card", name="Gift card", requiresShipping=False,
                    isGiftCard=True, _fulfilled=1)
        order["_lines"].append(line)
        self._totals(order)
        self._fulfilment_status(order)
        return line

    def line(self, order: dict, sku: str) -> dict:
        return next(l for l in order["_lines"] if l["sku"] == sku)

    def malform(self, order: dict, field: str = "name") -> None:
        """Plant a null in a field the schema says is non-null (a corrupt record on the
        platform's side): executing a query that selects it nulls the parents up to the
        nearest nullable field and reports the error, as GraphQL does."""
        order[field] = None

    def _totals(self, order: dict) -> None:
        cur = order["currencyCode"]
        try:
            sub = sum(float(l["originalUnitPriceSet"]["shopMoney"]["amount"]) * l["quantity"]
                      for l in order["_lines"])
        except ValueError:
            sub = 0.0
        order["subtotalPriceSet"] = money(f"{sub:.2f}", cur)
        order["totalShippingPriceSet"] = money("5.00", cur)
        order["totalTaxSet"] = money("0.00", cur)
        order["totalDiscountsSet"] = money("0.00", cur)
        order["totalPriceSet"] = money(f"{sub + 5:.2f}", cur)

    def touch(self, order: dict, seconds: float = 1.0) -> None:
        """Mark an order changed now (or `seconds` after its last change, if that is later)."""
        last = when(order["updatedAt"])
        order["updatedAt"] = iso(max(datetime.now(timezone.utc), last + timedelta(seconds=seconds)))

    # -- fulfilments and refunds made on the shop -------------------------------------------------
    def fulfil(self, order: dict, quantities: dict[str, int], *, company: str = "UPS",
               number: str = "1Z999AA10123456784") -> dict:
        """Units shipped from the shop's own admin (or another app) before we see the order."""
        plan = [(self.line(order, sku), qty) for sku, qty in quantities.items()]
        return self.record_fulfillment(order, plan, {"company": company, "number": number})

    def record_fulfillment(self, order: dict, plan: list[tuple[dict, int]],
                           tracking: dict) -> dict:
        for line, qty in plan:
            line["_fulfilled"] += qty
        self._fulfilment_status(order)
        self.touch(order)
        record = {"id": gid("Fulfillment", len(self.fulfillments) + 1), "status": "SUCCESS",
                  "createdAt": iso(datetime.now(timezone.utc)),
                  "trackingInfo": [{"company": tracking.get("company"),
                                    "number": tracking.get("number"),
                                    "url": tracking.get("url")}],
                  "_order": order["id"], "_lines": [(l["id"], q) for l, q in plan]}
        order["fulfillments"].append(record)
        self.fulfillments.append(record)
        return record

    def refund_units(self, order: dict, sku: str, quantity: int) -> dict:
        """Units refunded (and removed) on the shop: they are no longer to be shipped."""
        line = self.line(order, sku)
        line["_removed"] += quantity
        price = float(line["originalUnitPriceSet"]["shopMoney"]["amount"])
        refund = {"id": gid("Refund", len(self.refunds) + 1), "note": None,
                  "createdAt": iso(datetime.now(timezone.utc)),
                  "totalRefundedSet": money(f"{price * quantity:.2f}", order["currencyCode"]),
                  "_input": {"refundLineItems": [{"lineItemId": line["id"],
                                                  "quantity": quantity}]}}
        self.refunds.append(refund)
        order["refunds"].append(refund)
        order["displayFinancialStatus"] = "PARTIALLY_REFUNDED"
        self._fulfilment_status(order)
        self.touch(order)
        return refund

    def _fulfilment_status(self, order: dict) -> None:
        lines = order["_lines"]
        done = sum(l["_fulfilled"] for l in lines)
        left = sum(unfulfilled(l) for l in lines)
        order["displayFulfillmentStatus"] = (
            "FULFILLED" if done and not left else "PARTIALLY_FULFILLED" if done
            else "UNFULFILLED")

    def fulfillment_orders(self, order: dict) -> list[dict]:
        """One fulfillment order at the shop's location for what needs a parcel, one closed
        order for gift cards (Shopify fulfils them)."""
        n = num(order["id"])
        shipped = [l for l in order["_lines"] if l["requiresShipping"]]
        cards = [l for l in order["_lines"] if l["isGiftCard"]]
        out = [_fulfillment_order(gid("FulfillmentOrder", n), shipped, order)] if shipped else []
        if cards:
            out.append(_fulfillment_order(gid("FulfillmentOrder", n * 10 + 1), cards, order))
        return out

    # -- inventory ------------------------------------------------------------------------------
    def add_variant(self, sku: str, available: int | None = 0, *, product: dict | None = None,
                    barcode: str | None = None, weight: tuple[float, str] | None = None,
                    price: str = "10.00", title: str | None = None) -> dict:
        """A variant (of `product`, else of a product of its own); `weight` as (value, unit)
        with unit GRAMS, KILOGRAMS, OUNCES or POUNDS."""
        with self.lock:
            n = len(self.variants) + 1
            product = product or self.add_product(title or sku)
            value, unit = weight or (0.0, "KILOGRAMS")
            v = {"id": gid("ProductVariant", n), "sku": sku, "title": title or sku,
                 "displayName": f"{product['title']} - {title or sku}", "barcode": barcode,
                 "price": price, "updatedAt": product["updatedAt"], "product": product,
                 "inventoryItem": {"id": gid("InventoryItem", n), "sku": sku, "tracked": True,
                                   "requiresShipping": True, "measurement": {
                                       "id": gid("InventoryItemMeasurement", n),
                                       "weight": {"unit": unit, "value": float(value)}}},
                 "_levels": {self.location_id: available}}
            self.variants[sku] = v
            product["_variants"].append(v)
            self.touch_product(product)
            return v

    def add_product(self, title: str, *, product_type: str = "", status: str = "ACTIVE") -> dict:
        with self.lock:
            n = len(self.products) + 1
            now = iso(datetime.now(timezone.utc))
            product = {"id": gid("Product", n), "title": title, "status": status,
                       "productType": product_type, "vendor": "Emulated", "createdAt": now,
                       "updatedAt": now, "_variants": []}
            self.products[n] = product
            return product

    def touch_product(self, product: dict, seconds: float = 1.0) -> None:
        """A change to the product or one of its variants moves its updatedAt forward."""
        last = when(product["updatedAt"])
        product["updatedAt"] = iso(max(datetime.now(timezone.utc),
                                       last + timedelta(seconds=seconds)))
        for v in product["_variants"]:
            v["updatedAt"] = product["updatedAt"]

    def available(self, sku: str) -> int | None:
        return self.variants[sku]["_levels"].get(self.location_id)


def current(line: dict) -> int:
    return line["quantity"] - line["_removed"]


def unfulfilled(line: dict) -> int:
    return max(0, current(line) - line["_fulfilled"])


def _customer(n: int, email: str | None) -> dict | None:
    if not email:
        return None
    return {"id": gid("Customer", n), "firstName": "Bob", "lastName": "Norman",
            "displayName": "Bob Norman", "email": email, "phone": None}


def _line(order: dict, i: int, sku: str | None, qty: int, price: str) -> dict:
    cur = order["currencyCode"]
    return {"id": gid("LineItem", num(order["id"]) * 100 + i), "sku": sku,
            "title": f"Item {sku}", "name": f"Item {sku}", "quantity": qty,
            "requiresShipping": True, "isGiftCard": False,
            "originalUnitPriceSet": money(price, cur), "totalDiscountSet": money("0.00", cur),
            "taxLines": [], "variant": None, "_fulfilled": 0, "_removed": 0}


def _fulfillment_order(fo_id: str, lines: list[dict], order: dict) -> dict:
    items = [{"id": gid("FulfillmentOrderLineItem", num(l["id"])),
              "remainingQuantity": unfulfilled(l), "totalQuantity": current(l), "lineItem": l}
             for l in lines]
    remaining = sum(i["remainingQuantity"] for i in items)
    started = any(l["_fulfilled"] for l in lines)
    status = ("CANCELLED" if order["cancelledAt"] else "CLOSED" if not remaining
              else "IN_PROGRESS" if started else "OPEN")
    return {"id": fo_id, "status": status, "_lines": items}
