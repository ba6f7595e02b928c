"""Flipkart Marketplace Seller API v3 shipments to OrderDTOs. Flipkart's unit of work is the
shipment (one or more items of one order, packed, labelled and dispatched together), so a
shipment is one order here: its id is the external id, Flipkart's order id (OD…) the number.
Money is INR as JSON numbers; a COD shipment is authorised, not yet paid."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from oms_desktop.connectors.dto import AddressDTO, LineDTO, OrderDTO

DONE = {"READY_TO_DISPATCH", "PICKUP_COMPLETE", "SHIPPED", "DELIVERED"}
CANCELLED = {"CANCELLED", "RETURN_REQUESTED"}


def when(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except (ValueError, AttributeError):
        return None


def number(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def parse(s: dict[str, Any]) -> OrderDTO:
    """`s` is a shipment from the filter with its shipping details under "details"."""
    items, state = s["orderItems"], s["state"]
    details = s.get("details") or {}
    done = state in DONE
    prices = [i["priceComponents"] for i in items]
    cod = items[0]["paymentType"] == "COD"
    return OrderDTO(
        external_id=s["shipmentId"], number=items[0]["orderId"],
        placed_at=items[0]["orderDate"], updated_at=s["updatedAt"],
        status="cancelled" if state in CANCELLED else "closed" if done else "open",
        financial_status="authorized" if cod else "paid",
        fulfilment_status="fulfilled" if done else "unfulfilled",
        currency="INR", customer_name=_name(details.get("deliveryAddress")),
        shipping=_address(details.get("deliveryAddress")),
        lines=[_line(i, done) for i in items],
        subtotal=sum((number(p["sellingPrice"]) * i["quantity"] for p, i in zip(prices, items)),
                     Decimal(0)),
        shipping_total=sum((number(p.get("shippingCharge")) for p in prices), Decimal(0)),
        discount_total=sum((number(p.get("flipkartDiscount")) for p in prices), Decimal(0)),
        total=sum((number(p["totalPrice"]) for p in prices), Decimal(0)),
        requested_service=s.get("shipmentType"),
        tags=tuple(t for t, on in (("cod", cod), ("express", s.get("shipmentType") == "EXPRESS"))
                   if on))


def _line(i: dict, done: bool) -> LineDTO:
    return LineDTO(external_id=i["orderItemId"], sku=i.get("sku") or "",
                   name=i.get("title") or i.get("sku") or i["fsn"], quantity=i["quantity"],
                   shipped=i["quantity"] if done else 0,
                   unit_price=number(i["priceComponents"]["sellingPrice"]))


def _name(a: dict | None) -> str | None:
    if not a:
        return None
    return " ".join(p for p in (a.get("firstName"), a.get("lastName")) if p) or None


def _address(a: dict | None) -> AddressDTO | None:
    if not a:
        return None
    return AddressDTO(name=_name(a), line1=a.get("addressLine1"),
                      line2=a.get("addressLine2") or None, city=a.get("city"),
                      region=a.get("stateCode") or a.get("state"), postal_code=a.get("pincode"),
                      country="IN", phone=a.get("contactNumber") or None)
