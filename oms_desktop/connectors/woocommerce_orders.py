"""A WooCommerce order (REST v3) as the OMS's OrderDTO. Refunded units stay in a line's
`quantity` on WooCommerce; the refunds themselves (fetched beside the order, kept with it as
`refund_details`) carry them as negative quantities, each refund line pointing at the order
line through its `_refunded_item_id` meta. They are left out here, and what we already pushed
as shipped (the order's `_oms_shipped` meta) is carried as `shipped`."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from oms_desktop.connectors.dto import AddressDTO, LineDTO, OrderDTO

CANCELLED = {"cancelled", "failed", "trash"}
FINANCIAL = {"processing": "paid", "completed": "paid", "refunded": "refunded"}
SHIPPED_META = "_oms_shipped"


def parse_order(r: Any) -> OrderDTO:
    billing = r.get("billing") or {}
    status = "cancelled" if r["status"] in CANCELLED else (
        "closed" if r["status"] == "completed" else "open")
    refunded, shipped = refunded_units(r), shipped_so_far(r)
    lines = [_line(l, refunded, shipped) for l in r["line_items"]]
    return OrderDTO(
        external_id=str(r["id"]), number=str(r.get("number") or r["id"]),
        placed_at=gmt(r["date_created_gmt"]), updated_at=gmt(r["date_modified_gmt"]),
        status=status, financial_status=FINANCIAL.get(r["status"], "pending"),
        fulfilment_status="fulfilled" if r["status"] == "completed" else "unfulfilled",
        currency=r["currency"], email=billing.get("email") or None,
        customer_name=_name(billing), shipping=_address(r.get("shipping")),
        billing_country=billing.get("country") or None, lines=[l for l in lines if l],
        subtotal=sum((Decimal(l["subtotal"]) for l in r["line_items"]), Decimal(0)),
        shipping_total=r.get("shipping_total") or "0", tax_total=r.get("total_tax") or "0",
        discount_total=r.get("discount_total") or "0", total=r["total"],
        requested_service=shipping_method(r), notes=r.get("customer_note") or None)


def refunded_units(order: dict) -> dict[str, int]:
    """Units refunded per order line id, from the refunds fetched with the order."""
    units: dict[str, int] = {}
    for refund in order.get("refund_details") or ():
        for item in refund.get("line_items") or ():
            line = _meta(item, "_refunded_item_id") or item.get("id")
            units[str(line)] = units.get(str(line), 0) + abs(int(item.get("quantity") or 0))
    return units


def shipped_so_far(order: dict) -> dict[str, int]:
    value = _meta(order, SHIPPED_META)
    return json.loads(value) if value else {}


def shipping_method(order: dict) -> str | None:
    titles = [s.get("method_title") for s in order.get("shipping_lines") or ()]
    return ", ".join(t for t in titles if t) or None


def _line(l: dict, refunded: dict[str, int], shipped: dict[str, int]) -> LineDTO | None:
    line_id = str(l["id"])
    left = l["quantity"] - refunded.get(line_id, 0)
    if left <= 0:
        return None
    return LineDTO(external_id=line_id, sku=l.get("sku") or "", name=l["name"], quantity=left,
                   shipped=shipped.get(line_id, 0), unit_price=Decimal(str(l["price"])),
                   tax=l.get("total_tax") or "0",
                   discount=Decimal(l["subtotal"]) - Decimal(l["total"]))


def _meta(obj: dict, key: str):
    return next((m.get("value") for m in obj.get("meta_data") or () if m.get("key") == key),
                None)


def gmt(text: str | None) -> datetime | None:
    """WooCommerce dates have no zone; the *_gmt twins are UTC."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _name(a: dict) -> str | None:
    return " ".join(p for p in (a.get("first_name"), a.get("last_name")) if p) or None


def _address(a: dict | None) -> AddressDTO | None:
    if not a or not (a.get("address_1") or a.get("city")):
        return None
    return AddressDTO(name=_name(a), company=a.get("company") or None,
                      line1=a.get("address_1") or None, line2=a.get("address_2") or None,
                      city=a.get("city") or None, region=a.get("state") or None,
                      postal_code=a.get("postcode") or None, country=a.get("country") or None,
                      phone=a.get("phone") or None)
