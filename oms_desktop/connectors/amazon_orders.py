"""Amazon Orders v0 payloads to OrderDTOs. Money is {CurrencyCode, Amount: str}; ItemPrice,
ItemTax, ShippingPrice and PromotionDiscount are line totals, not unit prices; OrderStatus is
the only fulfilment flag (Shipped, PartiallyShipped with the item counts). An order Amazon
fulfils itself (FulfillmentChannel AFN) is marked fulfilled by the channel."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from oms_desktop.connectors.dto import AddressDTO, LineDTO, OrderDTO

CANCELLED = {"Canceled", "Unfulfillable"}
FINANCIAL = {"Pending": "pending", "PendingAvailability": "pending"}
FULFILMENT = {"Shipped": "fulfilled", "InvoiceUnconfirmed": "fulfilled",
              "PartiallyShipped": "partial"}
AMAZON_FULFILLED = "AFN"


def when(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except (ValueError, AttributeError):
        return None


def money(bag: dict | None) -> Decimal:
    return Decimal(bag["Amount"]) if bag else Decimal(0)


def parse(raw: dict[str, Any], *, fba_location: str | None = None) -> OrderDTO:
    """`raw` is the getOrders Order with its getOrderItems list under "OrderItems"."""
    o, items = raw, raw["OrderItems"]
    status = o["OrderStatus"]
    amazon_ships = o.get("FulfillmentChannel") == AMAZON_FULFILLED
    lines = [_line(i, count_shipped=not amazon_ships) for i in items
             if int(i["QuantityOrdered"]) > 0]
    subtotal = sum((money(i.get("ItemPrice")) for i in items), Decimal(0))
    shipping = sum((money(i.get("ShippingPrice")) for i in items), Decimal(0))
    return OrderDTO(
        external_id=o["AmazonOrderId"], number=o["AmazonOrderId"],
        placed_at=o["PurchaseDate"], updated_at=o["LastUpdateDate"],
        status="cancelled" if status in CANCELLED else (
            "closed" if FULFILMENT.get(status) == "fulfilled" else "open"),
        financial_status=FINANCIAL.get(status, "paid"),
        fulfilment_status=FULFILMENT.get(status, "unfulfilled"),
        currency=(o.get("OrderTotal") or _first_price(items))["CurrencyCode"],
        email=(o.get("BuyerInfo") or {}).get("BuyerEmail"),
        customer_name=(o.get("BuyerInfo") or {}).get("BuyerName"),
        shipping=_address(o.get("ShippingAddress")), lines=lines, subtotal=subtotal,
        shipping_total=shipping,
        tax_total=sum((money(i.get("ItemTax")) + money(i.get("ShippingTax")) for i in items),
                      Decimal(0)),
        discount_total=sum((money(i.get("PromotionDiscount")) for i in items), Decimal(0)),
        total=money(o["OrderTotal"]) if o.get("OrderTotal") else subtotal + shipping,
        requested_service=o.get("ShipServiceLevel"),
        tags=("fba",) if amazon_ships else ("prime",) if o.get("IsPrime") else (),
        fulfilled_by_channel=amazon_ships,
        fulfilment_location=fba_location if amazon_ships else None)


def _first_price(items: list[dict]) -> dict:
    for item in items:
        if item.get("ItemPrice"):
            return item["ItemPrice"]
    raise ValueError("the order has no OrderTotal and no item price to read a currency from")


def _line(i: dict, *, count_shipped: bool) -> LineDTO:
    """An Amazon-fulfilled order keeps every unit on its lines: they are the stock it took."""
    quantity = int(i["QuantityOrdered"])
    return LineDTO(external_id=i["OrderItemId"], sku=i.get("SellerSKU") or "",
                   name=i.get("Title") or i.get("SellerSKU") or i["ASIN"], quantity=quantity,
                   shipped=int(i.get("QuantityShipped") or 0) if count_shipped else 0,
                   unit_price=(money(i.get("ItemPrice")) / quantity).quantize(Decimal("0.0001")),
                   tax=money(i.get("ItemTax")), discount=money(i.get("PromotionDiscount")))


def _address(a: dict | None) -> AddressDTO | None:
    """Name, street and phone come only with a restricted data token; the rest always."""
    if not a:
        return None
    return AddressDTO(name=a.get("Name"), company=a.get("CompanyName"),
                      line1=a.get("AddressLine1"),
                      line2=" ".join(filter(None, (a.get("AddressLine2"),
                                                   a.get("AddressLine3")))) or None,
                      city=a.get("City"), region=a.get("StateOrRegion"),
                      postal_code=a.get("PostalCode"), country=a.get("CountryCode"),
                      phone=a.get("Phone"))
