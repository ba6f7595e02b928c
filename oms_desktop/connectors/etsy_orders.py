"""Etsy Open API v3 ShopReceipts to OrderDTOs. Money is {amount: int, divisor: int,
currency_code}; timestamps are epoch seconds; the receipt carries its transactions (lines);
`is_shipped` is the fulfilment flag and `status` says paid, completed, canceled or refunded."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from oms_desktop.connectors.dto import AddressDTO, LineDTO, OrderDTO

CANCELLED = {"canceled", "fully refunded"}
FINANCIAL = {"paid": "paid", "completed": "paid", "partially refunded": "partially_refunded",
             "fully refunded": "refunded", "open": "pending", "payment processing": "pending",
             "canceled": "pending"}


def when(stamp: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(stamp), timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None


def money(bag: dict | None) -> Decimal:
    return Decimal(bag["amount"]) / Decimal(bag["divisor"]) if bag else Decimal(0)


def parse(r: dict[str, Any]) -> OrderDTO:
    shipped = bool(r.get("is_shipped"))
    return OrderDTO(
        external_id=str(r["receipt_id"]), number=str(r["receipt_id"]),
        placed_at=when(r["created_timestamp"]), updated_at=when(r["updated_timestamp"]),
        status="cancelled" if r["status"] in CANCELLED else "closed" if shipped else "open",
        financial_status=FINANCIAL.get(r["status"], "pending"),
        fulfilment_status="fulfilled" if shipped else "unfulfilled",
        currency=r["grandtotal"]["currency_code"], email=r.get("buyer_email"),
        customer_name=r.get("name"), shipping=_address(r),
        lines=[_line(t, shipped) for t in r["transactions"]],
        subtotal=money(r.get("subtotal")), shipping_total=money(r.get("total_shipping_cost")),
        tax_total=money(r.get("total_tax_cost")) + money(r.get("total_vat_cost")),
        discount_total=money(r.get("discount_amt")), total=money(r["grandtotal"]),
        notes=r.get("message_from_buyer") or None, tags=("gift",) if r.get("is_gift") else ())


def _line(t: dict, shipped: bool) -> LineDTO:
    return LineDTO(external_id=str(t["transaction_id"]), sku=t.get("sku") or "",
                   name=t.get("title") or t.get("sku") or str(t["listing_id"]),
                   quantity=t["quantity"], shipped=t["quantity"] if shipped else 0,
                   unit_price=money(t["price"]),
                   discount=Decimal(str(t.get("buyer_coupon") or 0))
                   + Decimal(str(t.get("shop_coupon") or 0)))


def _address(r: dict) -> AddressDTO | None:
    if not (r.get("first_line") or r.get("city")):
        return None
    return AddressDTO(name=r.get("name"), line1=r.get("first_line"),
                      line2=r.get("second_line") or None, city=r.get("city"),
                      region=r.get("state") or None, postal_code=r.get("zip"),
                      country=r.get("country_iso"))
