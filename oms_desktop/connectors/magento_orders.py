"""A Magento 2 sales order (REST V1) as the OMS's OrderDTO. Timestamps are UTC without a zone
("YYYY-MM-DD HH:MM:SS"); amounts are JSON numbers; the shipping address lives only in
extension_attributes.shipping_assignments; child rows of configurable and bundle items
(`parent_item_id`) are left out, their parent carries the line. The `state` is mapped (the
`status` is a merchant's label for it)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from oms_desktop.connectors.dto import AddressDTO, LineDTO, OrderDTO

STAMP = "%Y-%m-%d %H:%M:%S"
PAID_STATES = {"processing", "complete", "closed"}


def when(text: Any) -> datetime | None:
    try:
        return datetime.strptime(text, STAMP).replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(STAMP)


def number(value: Any) -> Decimal:
    """A JSON number as a Decimal; a string (a misbehaving extension) is refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    return Decimal(str(value))


def parse(r: dict[str, Any]) -> OrderDTO:
    state = r["state"]
    lines = [l for l in (_line(i) for i in r["items"] if not i.get("parent_item_id")) if l]
    shipped = bool(lines) and all(l.to_ship == 0 for l in lines)
    refunded, paid = number(r.get("total_refunded") or 0), number(r.get("total_paid") or 0)
    return OrderDTO(
        external_id=str(r["entity_id"]), number=str(r["increment_id"]),
        placed_at=when(r["created_at"]), updated_at=when(r["updated_at"]),
        status="cancelled" if state == "canceled" else
        "closed" if state in ("complete", "closed") or shipped else "open",
        financial_status="refunded" if state == "closed" else
        "partially_refunded" if refunded > 0 else
        "paid" if paid > 0 or state in PAID_STATES else "pending",
        fulfilment_status="fulfilled" if state == "complete" or shipped else
        "partial" if any(l.shipped for l in lines) else "unfulfilled",
        currency=r["order_currency_code"], email=r.get("customer_email"),
        customer_name=" ".join(x for x in (r.get("customer_firstname"),
                                           r.get("customer_lastname")) if x) or None,
        shipping=_address(_shipping(r)),
        billing_country=(r.get("billing_address") or {}).get("country_id"), lines=lines,
        subtotal=number(r.get("subtotal") or 0), shipping_total=number(r.get("shipping_amount") or 0),
        tax_total=number(r.get("tax_amount") or 0),
        discount_total=abs(number(r.get("discount_amount") or 0)),
        total=number(r["grand_total"]), requested_service=r.get("shipping_description") or None,
        notes=r.get("customer_note") or None)


def _line(i: dict) -> LineDTO | None:
    quantity = int(number(i["qty_ordered"]) - number(i.get("qty_refunded") or 0)
                   - number(i.get("qty_canceled") or 0))
    if quantity <= 0:
        return None
    return LineDTO(external_id=str(i["item_id"]), sku=i.get("sku") or "", name=i["name"],
                   quantity=quantity, shipped=min(quantity, int(number(i.get("qty_shipped") or 0))),
                   unit_price=number(i["price"]), tax=number(i.get("tax_amount") or 0),
                   discount=number(i.get("discount_amount") or 0))


def _shipping(r: dict) -> dict | None:
    for assignment in (r.get("extension_attributes") or {}).get("shipping_assignments") or []:
        address = (assignment.get("shipping") or {}).get("address")
        if address:
            return address
    return None


def _address(a: dict | None) -> AddressDTO | None:
    if not a:
        return None
    street = a.get("street") or []
    return AddressDTO(name=" ".join(x for x in (a.get("firstname"), a.get("lastname")) if x) or None,
                      company=a.get("company") or None, line1=street[0] if street else None,
                      line2=", ".join(street[1:]) or None, city=a.get("city"),
                      region=a.get("region_code") or a.get("region") or None,
                      postal_code=a.get("postcode"), country=a.get("country_id"),
                      phone=a.get("telephone") or None)
