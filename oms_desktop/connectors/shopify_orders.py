"""A Shopify Order node (GraphQL Admin API) as the OMS's OrderDTO. Only what travels in a
parcel becomes a line: a line that needs no shipping (a gift card, a digital good) is left
out, and so are refunded and removed units (`currentQuantity`); what Shopify already counts as
fulfilled (`currentQuantity - unfulfilledQuantity`) is carried as `shipped`, so the order asks
for what is still owed and never ships a unit twice."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from oms_desktop.connectors.dto import (
    AddressDTO, Failure, LineDTO, OrderDTO, Page, describe_error, high_water,
)

FINANCIAL = {"PENDING": "pending", "AUTHORIZED": "authorized", "PARTIALLY_PAID": "authorized",
             "PAID": "paid", "PARTIALLY_REFUNDED": "partially_refunded",
             "REFUNDED": "refunded", "VOIDED": "pending", "EXPIRED": "pending"}
FULFILMENT = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial"}


def parse_order(n: Any) -> OrderDTO:
    status = "cancelled" if n.get("cancelledAt") else ("closed" if n.get("closed") else "open")
    customer = n.get("customer") or {}
    name = " ".join(p for p in (customer.get("firstName"), customer.get("lastName")) if p)
    return OrderDTO(
        external_id=n["id"], number=n["name"], placed_at=n["createdAt"],
        updated_at=n["updatedAt"], status=status,
        financial_status=FINANCIAL.get(n.get("displayFinancialStatus") or "", "pending"),
        fulfilment_status=FULFILMENT.get(n.get("displayFulfillmentStatus"), "unfulfilled"),
        currency=n["currencyCode"], email=n.get("email") or customer.get("email"),
        customer_name=name or None, shipping=_address(n.get("shippingAddress")),
        billing_country=(n.get("billingAddress") or {}).get("countryCodeV2"),
        lines=[_line(l) for l in n["lineItems"]["nodes"] if _travels(l)],
        subtotal=_amount(n.get("subtotalPriceSet")),
        shipping_total=_amount(n.get("totalShippingPriceSet")),
        tax_total=_amount(n.get("totalTaxSet")),
        discount_total=_amount(n.get("totalDiscountsSet")),
        total=_amount(n["totalPriceSet"]),
        requested_service=(n.get("shippingLine") or {}).get("title"),
        notes=n.get("note"), tags=tuple(n.get("tags") or ()))


def page_of(nodes: list[dict], failures: list[Failure] = (), *,
            moves_cursor: bool = True) -> Page:
    """Parse a page of nodes; a node that does not validate is kept as a Failure."""
    stamps = [when(n.get("updatedAt")) for n in nodes] + [f.updated_at for f in failures]
    page = Page(failures=list(failures),
                high_water=high_water(*stamps) if moves_cursor else None)
    for node in nodes:
        try:
            page.orders.append(parse_order(node))
        except Exception as exc:  # noqa: BLE001 - stored with the payload for a person
            page.failures.append(Failure(node, describe_error(exc), node.get("id"),
                                         when(node.get("updatedAt"))))
    return page


def _travels(line: dict) -> bool:
    return line.get("requiresShipping", True) and not line.get("isGiftCard") \
        and line["currentQuantity"] > 0


def _line(l: dict) -> LineDTO:
    current = l["currentQuantity"]
    return LineDTO(external_id=l["id"], sku=l.get("sku") or "", name=l["title"],
                   quantity=current, shipped=max(0, current - l["unfulfilledQuantity"]),
                   unit_price=_amount(l["originalUnitPriceSet"]),
                   discount=_amount(l.get("totalDiscountSet")))


def when(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount(bag: dict | None):
    return bag["shopMoney"]["amount"] if bag else "0"


def _address(a: dict | None) -> AddressDTO | None:
    if not a:
        return None
    return AddressDTO(name=a.get("name"), company=a.get("company"), line1=a.get("address1"),
                      line2=a.get("address2") or None, city=a.get("city"),
                      region=a.get("provinceCode"), postal_code=a.get("zip"),
                      country=a.get("countryCodeV2"), phone=a.get("phone"))
