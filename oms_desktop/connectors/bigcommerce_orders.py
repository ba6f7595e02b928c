"""A BigCommerce Orders v2 order as the OMS's OrderDTO. The order comes with its two
sub-resources fetched beside it (`products`, `shipping_addresses`: v2 links them, it does not
embed them). Money is a 4-decimal string, dates RFC 2822, the state one `status_id`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from oms_desktop.connectors.dto import AddressDTO, LineDTO, OrderDTO

CANCELLED = {0, 5, 6}  # incomplete (an abandoned checkout), cancelled, declined
SHIPPED = {2, 10}  # shipped, completed
PAID = {2, 3, 8, 9, 10, 11}
FINANCIAL = {4: "refunded", 14: "partially_refunded"}


def when(text: Any) -> datetime | None:
    """RFC 2822 as v2 writes it; None for "" (date_shipped of an unshipped order) or junk."""
    try:
        stamp = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError):
        return None
    return stamp if stamp is None or stamp.tzinfo else None


def parse(r: dict[str, Any]) -> OrderDTO:
    status = r["status_id"]
    lines = [l for l in (_line(p) for p in r["products"]) if l]
    billing = r.get("billing_address") or {}
    addresses = r.get("shipping_addresses") or []
    shipped = status in SHIPPED or bool(lines) and all(l.to_ship == 0 for l in lines)
    return OrderDTO(
        external_id=str(r["id"]), number=str(r["id"]),
        placed_at=when(r["date_created"]), updated_at=when(r["date_modified"]),
        status="cancelled" if status in CANCELLED else "closed" if shipped else "open",
        financial_status=FINANCIAL.get(status, "paid" if status in PAID else "pending"),
        fulfilment_status="fulfilled" if shipped else
        "partial" if any(l.shipped for l in lines) else "unfulfilled",
        currency=r["currency_code"], email=billing.get("email") or None,
        customer_name=_name(billing), shipping=_address(addresses[0]) if addresses else None,
        billing_country=billing.get("country_iso2") or None, lines=lines,
        subtotal=Decimal(r["subtotal_ex_tax"]), shipping_total=Decimal(r["shipping_cost_ex_tax"]),
        tax_total=Decimal(r["total_tax"]), discount_total=Decimal(r.get("discount_amount") or 0),
        total=Decimal(r["total_inc_tax"]),
        requested_service=(addresses[0].get("shipping_method") or None) if addresses else None,
        notes=r.get("customer_message") or None)


def _line(p: dict) -> LineDTO | None:
    quantity = int(p["quantity"]) - int(p.get("quantity_refunded") or 0)
    if quantity <= 0:
        return None
    return LineDTO(external_id=str(p["id"]), sku=p.get("sku") or "", name=p["name"],
                   quantity=quantity, shipped=min(quantity, int(p.get("quantity_shipped") or 0)),
                   unit_price=Decimal(p["price_ex_tax"]), tax=Decimal(p.get("total_tax") or 0))


def _name(a: dict) -> str | None:
    return " ".join(x for x in (a.get("first_name"), a.get("last_name")) if x) or None


def _address(a: dict) -> AddressDTO:
    return AddressDTO(name=_name(a), company=a.get("company") or None,
                      line1=a.get("street_1") or None, line2=a.get("street_2") or None,
                      city=a.get("city") or None, region=a.get("state") or None,
                      postal_code=a.get("zip") or None, country=a.get("country_iso2") or None,
                      phone=a.get("phone") or None)
