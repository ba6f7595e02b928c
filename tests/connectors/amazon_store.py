"""The seller's data behind the Amazon emulator: orders in the Orders v0 shape (money as
{CurrencyCode, Amount: str}, line totals, IsGift a string, OrderItemId a string, 3-7-7 order
ids), their shipments, and listings' quantities."""

from __future__ import annotations

import copy
import itertools
from datetime import datetime, timedelta, timezone
from decimal import Decimal

RESTRICTED_ADDRESS = ("Name", "AddressLine1", "AddressLine2", "AddressLine3", "Phone",
                      "AddressType", "CompanyName")
ADDRESS_STATUSES = {"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"}


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def usd(amount) -> dict:
    return {"CurrencyCode": "USD", "Amount": f"{Decimal(str(amount)):.2f}"}


class AmazonStore:
    def __init__(self):
        self.orders: dict[str, dict] = {}
        self.listings: dict[str, int] = {}
        self.confirmations: list[dict] = []
        self.log: list[tuple] = []
        self._ids = itertools.count(1)

    def add_order(self, *, lines: list[tuple[str, int, str]], updated: datetime | None = None,
                  status: str = "Unshipped", channel: str = "MFN",
                  email: str = "buyer@marketplace.amazon.com") -> dict:
        n = next(self._ids)
        oid = f"113-{n:07d}-{(n * 7919) % 10**7:07d}"
        when = iso(updated or datetime.now(timezone.utc))
        order = {
            "AmazonOrderId": oid, "PurchaseDate": when, "LastUpdateDate": when,
            "OrderStatus": status, "FulfillmentChannel": channel, "SalesChannel": "Amazon.com",
            "ShipServiceLevel": "Std US D2D Dom", "ShipmentServiceLevelCategory": "Standard",
            "NumberOfItemsShipped": 0, "NumberOfItemsUnshipped": 0, "PaymentMethod": "Other",
            "PaymentMethodDetails": ["Standard"], "MarketplaceId": "ATVPDKIKX0DER",
            "OrderType": "StandardOrder", "IsBusinessOrder": False, "IsPrime": False,
            "IsPremiumOrder": False, "IsGlobalExpressEnabled": False, "IsReplacementOrder": False,
            "IsSoldByAB": False, "IsISPU": False, "IsAccessPointOrder": False,
            "EarliestShipDate": when, "LatestShipDate": when,
            "ShippingAddress": {"Name": "Jane Buyer", "AddressLine1": "1 Main St",
                                "City": "Canton", "StateOrRegion": "MI", "PostalCode": "48817",
                                "CountryCode": "US", "Phone": "+1 555 0100",
                                "AddressType": "Residential"},
            "BuyerInfo": {"BuyerEmail": email, "BuyerName": "Jane Buyer"},
            "AutomatedShippingSettings": {"HasAutomatedShippingSettings": False},
        }
        self.set_lines(order, lines)
        self.orders[oid] = order
        return order

    def set_lines(self, order: dict, lines) -> None:
        n = int(order["AmazonOrderId"][4:11])
        order["_items"] = [{
            "ASIN": f"B0{i:08d}", "SellerSKU": sku, "OrderItemId": f"{n:07d}{i:07d}",
            "Title": f"Item {sku}", "QuantityOrdered": qty, "QuantityShipped": 0,
            "ItemPrice": usd(Decimal(price) * qty), "ItemTax": usd(0), "ShippingPrice": usd(0),
            "ShippingTax": usd(0), "PromotionDiscount": usd(0), "IsGift": "false",
            "ConditionId": "New", "ConditionSubtypeId": "New", "IsTransparency": False,
            "SerialNumberRequired": False,
            "BuyerRequestedCancel": {"IsBuyerRequestedCancel": "false", "BuyerCancelReason": ""},
        } for i, (sku, qty, price) in enumerate(lines, start=1)]
        total = sum((Decimal(p) * q for _, q, p in lines), Decimal(0))
        order["OrderTotal"] = usd(total)
        order["NumberOfItemsUnshipped"] = sum(q for _, q, _ in lines)

    def touch(self, order: dict, when: datetime | None = None) -> None:
        """A change: LastUpdateDate moves on (at least a second past the last one)."""
        last = datetime.fromisoformat(order["LastUpdateDate"].replace("Z", "+00:00"))
        now = when or datetime.now(timezone.utc)
        order["LastUpdateDate"] = iso(max(now, last + timedelta(seconds=1)))

    def cancel(self, order: dict) -> None:
        """Amazon cancels the order and zeroes what was ordered on each item."""
        order["OrderStatus"] = "Canceled"
        for item in order["_items"]:
            item["QuantityOrdered"] = 0
        order["NumberOfItemsUnshipped"] = 0
        order.pop("ShippingAddress", None)
        self.touch(order)

    def ship_by_amazon(self, order: dict) -> None:
        for item in order["_items"]:
            item["QuantityShipped"] = item["QuantityOrdered"]
        self._recount(order)
        self.touch(order)

    def view(self, order: dict, pii: bool = False) -> dict:
        """The order as getOrders shows it: no items, restricted fields only with an RDT."""
        out = {k: copy.deepcopy(v) for k, v in order.items() if not k.startswith("_")}
        if order["OrderStatus"] not in ADDRESS_STATUSES:
            out.pop("ShippingAddress", None)
        if not pii:
            for field in RESTRICTED_ADDRESS:
                (out.get("ShippingAddress") or {}).pop(field, None)
            out.pop("BuyerInfo", None)
        return out

    # -- confirmShipment ---------------------------------------------------------------------------
    def confirmation_problem(self, order: dict, body: dict, d: dict) -> str | None:
        missing = [f for f in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate",
                               "orderItems") if not d.get(f)]
        if not body.get("marketplaceId") or missing:
            return f"Missing required field(s): {', '.join(missing or ['marketplaceId'])}"
        if not str(d["packageReferenceId"]).isdigit() or int(d["packageReferenceId"]) < 1:
            return "packageReferenceId must be a positive numeric string"
        if d["carrierCode"] == "Other" and not d.get("carrierName"):
            return "carrierName is required when carrierCode is Other"
        if order["FulfillmentChannel"] == "AFN":
            return "Amazon-fulfilled orders cannot be confirmed by the seller"
        if order["OrderStatus"] not in ("Unshipped", "PartiallyShipped", "Shipped"):
            return f"Order is {order['OrderStatus']}"
        return self._items_problem(order, d)

    def _items_problem(self, order: dict, d: dict) -> str | None:
        items = {i["OrderItemId"]: i for i in order["_items"]}
        earlier = self._package(order, d["packageReferenceId"])
        again = {i["orderItemId"]: i["quantity"] for i in (earlier or {}).get("orderItems", [])}
        for line in d["orderItems"]:
            item = items.get(line.get("orderItemId"))
            if item is None or int(line.get("quantity") or 0) < 1:
                return f"Invalid orderItemId or quantity: {line}"
            left = item["QuantityOrdered"] - item["QuantityShipped"] + again.get(item["OrderItemId"], 0)
            if line["quantity"] > left:
                return f"Quantity {line['quantity']} exceeds what is left to ship ({left})"
        return None

    def _package(self, order: dict, reference: str) -> dict | None:
        return next((c for c in self.confirmations if c["order"] == order["AmazonOrderId"]
                     and c["packageReferenceId"] == reference), None)

    def confirm(self, order: dict, d: dict) -> None:
        """A new packageReferenceId adds a package; a known one edits it."""
        earlier = self._package(order, d["packageReferenceId"])
        if earlier is not None:
            self.confirmations.remove(earlier)
        self.confirmations.append({"order": order["AmazonOrderId"], **copy.deepcopy(d)})
        shipped: dict[str, int] = {}
        for c in self.confirmations:
            if c["order"] == order["AmazonOrderId"]:
                for line in c["orderItems"]:
                    shipped[line["orderItemId"]] = shipped.get(line["orderItemId"], 0) + line["quantity"]
        for item in order["_items"]:
            item["QuantityShipped"] = shipped.get(item["OrderItemId"], 0)
        self._recount(order)
        self.touch(order)

    def _recount(self, order: dict) -> None:
        items = order["_items"]
        shipped = sum(i["QuantityShipped"] for i in items)
        left = sum(i["QuantityOrdered"] - i["QuantityShipped"] for i in items)
        order["NumberOfItemsShipped"], order["NumberOfItemsUnshipped"] = shipped, left
        order["OrderStatus"] = "Shipped" if not left else "PartiallyShipped" if shipped else order["OrderStatus"]

    # -- listings ----------------------------------------------------------------------------------
    def patch_listing(self, sku: str, body: dict) -> dict:
        issues = []
        for patch in body.get("patches") or []:
            value = patch.get("value") or [{}]
            if patch.get("path") != "/attributes/fulfillment_availability" or \
                    patch.get("op") not in ("merge", "replace") or \
                    not value[0].get("fulfillment_channel_code"):
                issues.append({"code": "4000001", "message": "Invalid patch", "severity": "ERROR",
                               "attributeNames": ["fulfillment_availability"]})
            elif not isinstance(value[0].get("quantity"), int) or value[0]["quantity"] < 0:
                issues.append({"code": "4000002", "message": "quantity must be a whole number >= 0",
                               "severity": "ERROR", "attributeNames": ["fulfillment_availability"]})
        if not body.get("productType"):
            issues.append({"code": "4000003", "message": "productType is required",
                           "severity": "ERROR", "attributeNames": []})
        if not issues:
            self.listings[sku] = body["patches"][0]["value"][0]["quantity"]
        return {"sku": sku, "status": "INVALID" if issues else "ACCEPTED",
                "submissionId": f"sub-{len(self.log)}", "issues": issues}
