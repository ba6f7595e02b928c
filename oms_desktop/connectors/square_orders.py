"""A Square order (Orders API) as the OMS's OrderDTO, for one store's till. Money is
{amount: minor units as an integer, currency}; quantities are decimal strings; stamps RFC 3339.
Square's line items carry no SKU: the connector fetches each variation's SKU and keeps it on
the line (`sku`) before parsing.

What the till sells over the counter (an order with no shipment, delivery or pickup
fulfilment) is handed over at once: it is fulfilled by the channel at the store
(`fulfilment_location`) and takes its stock there when Square says it is completed. An order
with a pickup fulfilment is collected at the store (`pickup_location`); one with a shipment or
delivery fulfilment is shipped by us like any web order. A return at the till is a separate
Square order whose `returns` name the order it returns: not an order to fulfil (see
`returns_of`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from oms_desktop.connectors.dto import AddressDTO, ChannelReturnDTO, LineDTO, OrderDTO

ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX"}
SHIPPED_TYPES = {"SHIPMENT", "DELIVERY"}


def when(text: Any) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else None


def money(bag: dict | None) -> Decimal:
    if not bag:
        return Decimal(0)
    if isinstance(bag["amount"], bool) or not isinstance(bag["amount"], int):
        raise ValueError(f"money amount must be an integer of minor units, got {bag['amount']!r}")
    places = 0 if bag.get("currency") in ZERO_DECIMAL else 2
    return Decimal(bag["amount"]).scaleb(-places)


def minor(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(0 if currency in ZERO_DECIMAL else 2).to_integral_value())


def units(text: Any) -> int:
    """A line's quantity: a decimal string that must be whole units here."""
    value = Decimal(str(text))
    if value != value.to_integral_value():
        raise ValueError(f"quantity {text!r} is not a whole number of units")
    return int(value)


def is_return(r: dict) -> bool:
    return bool(r.get("returns")) and not r.get("line_items")


def kind_of(r: dict) -> str:
    """'till' (sold over the counter), 'pickup' or 'ship'."""
    types = {f.get("type") for f in r.get("fulfillments") or []}
    return "ship" if types & SHIPPED_TYPES else "pickup" if "PICKUP" in types else "till"


def parse(r: dict[str, Any], *, store: str | None) -> OrderDTO:
    if is_return(r):
        raise ValueError("a return at the till, not an order: a full sync takes it in")
    kind, state = kind_of(r), r["state"]
    done = state == "COMPLETED" or kind != "till" and all(
        f.get("state") == "COMPLETED" for f in r.get("fulfillments") or [{}])
    # a till sale's units are taken from the store's stock by us, not counted as shipped
    lines = [_line(l, done and kind != "till") for l in r.get("line_items") or []]
    refunded = sum((money(a.get("amount_money")) for a in r.get("refunds") or []), Decimal(0))
    total = money(r["total_money"])
    return OrderDTO(
        external_id=r["id"], number=r.get("reference_id") or r.get("ticket_name") or r["id"][:12],
        placed_at=when(r["created_at"]), updated_at=when(r["updated_at"]),
        status="cancelled" if state == "CANCELED" else "closed" if done else "open",
        financial_status="refunded" if total and refunded >= total else
        "partially_refunded" if refunded else "paid" if r.get("tenders") else "pending",
        fulfilment_status="fulfilled" if done else "unfulfilled",
        currency=r["total_money"]["currency"], customer_name=_recipient(r).get("display_name"),
        email=_recipient(r).get("email_address"), shipping=_address(r, kind), lines=lines,
        subtotal=sum((money(l.get("gross_sales_money")) for l in r.get("line_items") or []),
                     Decimal(0)),
        tax_total=money(r.get("total_tax_money")), discount_total=money(r.get("total_discount_money")),
        total=total, notes=_note(r),
        fulfilled_by_channel=kind == "till", fulfilment_location=store if kind == "till" else None,
        pickup_location=store if kind == "pickup" else None)


def _line(l: dict, done: bool) -> LineDTO:
    quantity = units(l["quantity"])
    return LineDTO(external_id=l["uid"], sku=l.get("sku") or "",
                   name=" ".join(x for x in (l.get("name"), l.get("variation_name")) if x) or l["uid"],
                   quantity=quantity, shipped=quantity if done else 0,
                   unit_price=money(l["base_price_money"]), tax=money(l.get("total_tax_money")),
                   discount=money(l.get("total_discount_money")))


def _fulfilment(r: dict) -> dict:
    return next(iter(r.get("fulfillments") or []), {})


def _recipient(r: dict) -> dict:
    f = _fulfilment(r)
    details = f.get("shipment_details") or f.get("pickup_details") or f.get("delivery_details") or {}
    return details.get("recipient") or {}


def _note(r: dict) -> str | None:
    f = _fulfilment(r)
    return (f.get("pickup_details") or {}).get("note") or \
        (f.get("shipment_details") or {}).get("shipping_note") or None


def _address(r: dict, kind: str) -> AddressDTO | None:
    a = _recipient(r).get("address")
    if kind != "ship" or not a:
        return None
    return AddressDTO(name=_recipient(r).get("display_name"),
                      line1=a.get("address_line_1"), line2=a.get("address_line_2"),
                      city=a.get("locality"), region=a.get("administrative_district_level_1"),
                      postal_code=a.get("postal_code"), country=a.get("country"),
                      phone=_recipient(r).get("phone_number"))


def returns_of(r: dict, *, store: str, disposition: str) -> list[ChannelReturnDTO]:
    """A return order as the units brought back to the store, one per returned order."""
    return [ChannelReturnDTO(f"{r['id']}/{ret.get('uid') or n}", ret.get("source_order_id"),
                             store, tuple((l["sku"], units(l["quantity"]))
                                          for l in ret.get("return_line_items") or []),
                             disposition, when(r["updated_at"]))
            for n, ret in enumerate(r.get("returns") or [])]
