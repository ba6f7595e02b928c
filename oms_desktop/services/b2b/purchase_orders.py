"""A business customer's purchase order becomes an order: by hand, from a CSV/XLSX file read
with a saved column mapping, or from an X12 850 (services/b2b/edi.py). Every route meets in
`place_in_session`: lines resolved to products, the customer's prices applied, each line
judged (accepted, changed, back-ordered, rejected), the order verified at once so that one
over the credit limit is held for a manager."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from oms_desktop.connectors.report_reading import ReportUnreadable, records
from oms_desktop.errors import NotFound, ValidationError
from oms_desktop.model import (
    AckStatus, Channel, Customer, FinancialStatus, Location, Order, OrderLine, Product,
    ProductBarcode, PurchaseOrderLine, StockLevel, utcnow,
)
from oms_desktop.policies import trade_terms
from oms_desktop.policies.permissions import require
from oms_desktop.services import settings
from oms_desktop.services.b2b.accounts import account_of, customer_by_ref, price_book
from oms_desktop.services.b2b import deliveries
from oms_desktop.services.events import OrderImported
from oms_desktop.services.messagebus import publish
from oms_desktop.services.orders.pipeline import verify_in_session
from oms_desktop.storage import Database
from oms_desktop.values import Actor

CHANNEL_CODE = "B2B"
MAPPING_KEY = "b2b.mapping."
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country")
FILE_FIELDS = ("po_number", "sku", "quantity", "buyer_part", "price", "requested_on",
               "po_line", *ADDRESS_FIELDS)


@dataclass(frozen=True)
class LineIn:
    code: str | None  # our SKU or a GTIN
    quantity: int
    po_line: str | None = None
    buyer_part: str | None = None
    price_asked: Decimal | None = None
    uom: str = "EA"
    requested_on: date | None = None


@dataclass(frozen=True)
class PoIn:
    number: str
    lines: tuple[LineIn, ...]
    ordered_on: date | None = None
    requested_on: date | None = None
    ship_to: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LineResult:
    po_line: str
    sku: str | None
    quantity: int
    unit_price: Decimal
    status: str
    backordered: int
    why: str
    price_changed: bool = False


@dataclass(frozen=True)
class PoResult:
    order_id: int | None
    order_number: str | None
    po_number: str
    status: str  # the order's status after verification: verified, on_hold…
    total: Decimal
    holds: tuple[str, ...]
    lines: tuple[LineResult, ...]


def place_order(db: Database, *, actor: Actor, customer: str, po: PoIn) -> PoResult:
    """A purchase order entered by hand (screen or command line)."""
    require(actor, "b2b.orders")
    with db.uow() as uow:
        result = place_in_session(uow.session, actor, customer_by_ref(uow.session, customer),
                                  po, strict=True)
        uow.commit()
        return result


def place_in_session(session: Session, actor: Actor, customer: Customer, po: PoIn, *,
                     strict: bool) -> PoResult:
    """Make the order; `strict` refuses an unknown item (a person can fix the entry), else
    the line is rejected in the acknowledgement and the rest goes ahead (EDI)."""
    account_of(session, customer)
    _refuse_duplicate(session, customer, po.number)
    if not po.lines:
        raise ValidationError(f"purchase order {po.number} has no lines")
    day = po.ordered_on or utcnow().date()
    judged = _judge_lines(session, customer, po, day, strict=strict)
    if not any(o is not None for o, _ in judged):
        raise ValidationError(f"purchase order {po.number}: none of its items is ours")
    result_lines = _line_results(judged)
    order = _new_order(session, customer, po, judged)
    session.add(order)
    session.flush()
    for line, po_line in judged:
        if line is not None:
            po_line.order_line_id = line.id
            session.add(po_line)
    deliveries.stage_order(session, order, [(line, po_line.requested_on)
                                            for line, po_line in judged if line is not None])
    publish(session, OrderImported(actor=actor, order_id=order.id))
    session.flush()
    verify_in_session(session, actor, [order.id], again=False)
    session.flush()
    session.refresh(order)
    return PoResult(order.id, order.number, po.number, order.status.value, order.total,
                    tuple(h.reason.value for h in order.active_holds), result_lines)


def _refuse_duplicate(session: Session, customer: Customer, number: str) -> None:
    found = session.scalar(sa.select(Order.number).where(
        Order.external_id == _external_id(customer, number)))
    if found:
        raise ValidationError(f"purchase order {number} of {customer.company or customer.name}"
                              f" was already received as order {found}")


def _external_id(customer: Customer, number: str) -> str:
    return f"{customer.id}:{number}"


def _judge_lines(session: Session, customer: Customer, po: PoIn, day: date, *,
                 strict: bool) -> list[tuple[OrderLine | None, PurchaseOrderLine]]:
    available = _available(session)
    products = _products(session, po.lines)
    book = price_book(session, customer, {p.sku for p in products.values()})
    out = []
    for n, line in enumerate(po.lines, 1):
        if line.quantity <= 0:
            raise ValidationError(f"PO line {line.po_line or n}: quantity must be positive")
        product = _product(products, line, strict)
        po_line = PurchaseOrderLine(
            po_line=line.po_line or str(n), buyer_part=line.buyer_part, vendor_part=line.code,
            uom=line.uom, quantity=line.quantity, price_asked=line.price_asked,
            requested_on=line.requested_on or po.requested_on, po_date=po.ordered_on)
        if product is None:
            po_line.ack = AckStatus.rejected
            out.append((None, po_line))
            continue
        price, _ = trade_terms.choose_price(book[product.sku], line.quantity, day,
                                            product.price or Decimal(0))
        have = max(available[product.id], 0)
        available[product.id] = have - line.quantity
        po_line.backordered = max(line.quantity - have, 0)
        po_line.ack = AckStatus.backordered if po_line.backordered else \
            AckStatus.changed if line.price_asked not in (None, price) else AckStatus.accepted
        out.append((OrderLine(line_no=n, product_id=product.id, sku=product.sku,
                              name=product.name, quantity=line.quantity, unit_price=price,
                              external_id=po_line.po_line), po_line))
    return out


def _products(session: Session, lines) -> dict[str, Product]:
    """Every product the lines name, by SKU or barcode, in two queries."""
    codes = sorted({c for l in lines for c in (l.code, l.buyer_part) if c})
    found = {p.sku: p for p in session.scalars(sa.select(Product).where(Product.sku.in_(codes)))}
    for code, product in session.execute(
            sa.select(ProductBarcode.code, Product).join(Product)
            .where(ProductBarcode.code.in_(codes))):
        found.setdefault(code, product)
    return found


def _product(products: dict[str, Product], line: LineIn, strict: bool) -> Product | None:
    for code in (line.code, line.buyer_part):
        if code and code in products:
            return products[code]
    if strict:
        raise NotFound(f"No product with SKU or barcode {line.code or line.buyer_part!r}")
    return None


def _available(session: Session) -> dict[int, int]:
    rows = session.execute(
        sa.select(StockLevel.product_id, sa.func.sum(StockLevel.on_hand - StockLevel.reserved))
        .join(Location, Location.id == StockLevel.location_id)
        .where(Location.sellable.is_(True)).group_by(StockLevel.product_id))
    found: dict[int, int] = defaultdict(int)
    found.update({pid: int(qty or 0) for pid, qty in rows})
    return found


def _new_order(session: Session, customer: Customer, po: PoIn, judged) -> Order:
    lines = [o for o, _ in judged if o is not None]
    total = sum((l.unit_price * l.quantity for l in lines), Decimal(0))
    to = po.ship_to or {}
    requested = min((p.requested_on for o, p in judged if o and p.requested_on),
                    default=po.requested_on)
    return Order(
        number=po.number, channel_id=_channel(session).id,
        external_id=_external_id(customer, po.number), customer=customer,
        customer_po=po.number, financial_status=FinancialStatus.pending,
        subtotal=total, total=total, email=customer.email,
        ship_name=to.get("name") or customer.company or customer.name,
        ship_company=customer.company, ship_line1=to.get("line1"), ship_line2=to.get("line2"),
        ship_city=to.get("city"), ship_region=to.get("region"),
        ship_postal_code=to.get("postal_code"), ship_country=to.get("country") or "US",
        deliver_by=requested, ship_by=requested, notes=_store(to), lines=lines)


def _store(to: dict) -> str | None:
    return f"Ship-to store {to['code']}" if to.get("code") else None


def _channel(session: Session) -> Channel:
    channel = session.scalar(sa.select(Channel).where(Channel.code == CHANNEL_CODE))
    if channel is None:
        channel = Channel(code=CHANNEL_CODE, name="Business customers", kind="b2b")
        session.add(channel)
        session.flush()
    return channel


def _line_results(judged) -> tuple[LineResult, ...]:
    return tuple(LineResult(p.po_line, o.sku if o else None, p.quantity,
                            o.unit_price if o else Decimal(0), p.ack.value, p.backordered,
                            _why(p, o), bool(o and p.price_asked not in (None, o.unit_price)))
                 for o, p in judged)


def _why(p: PurchaseOrderLine, o: OrderLine | None) -> str:
    if o is None:
        return f"unknown item {p.vendor_part or p.buyer_part}"
    if p.ack == AckStatus.backordered:
        return f"{p.backordered} of {p.quantity} to follow"
    if p.ack == AckStatus.changed:
        return f"price {p.price_asked} asked, {o.unit_price} agreed"
    return "accepted"


# -- purchase orders from files ---------------------------------------------------------------
def save_mapping(db: Database, *, actor: Actor, name: str, columns: dict[str, str],
                 delimiter: str = ",") -> None:
    """Keep a column mapping ({field: column heading}) under a name for later uploads."""
    require(actor, "b2b.orders")
    unknown = set(columns) - set(FILE_FIELDS)
    missing = {"po_number", "sku", "quantity"} - set(columns)
    if unknown or missing:
        raise ValidationError(f"mapping {name!r}: unknown fields {sorted(unknown)}, "
                              f"missing {sorted(missing)}" if unknown else
                              f"mapping {name!r} lacks {', '.join(sorted(missing))}")
    with db.uow() as uow:
        settings.put(uow.session, MAPPING_KEY + name,
                     {"columns": columns, "delimiter": delimiter})
        uow.commit()


def import_file(db: Database, *, actor: Actor, customer: str, path: Path,
                mapping: str) -> list[PoResult]:
    """Each purchase order in a CSV/XLSX file (rows grouped by PO number) becomes an order.
    The file is read whole first: one bad row refuses the file, naming the row."""
    require(actor, "b2b.orders")
    with db.uow(readonly=True) as uow:
        saved = settings.get(uow.session, MAPPING_KEY + mapping)
    if saved is None:
        raise NotFound(f"No saved column mapping {mapping!r}")
    pos = _read_pos(Path(path), saved["columns"], saved.get("delimiter", ","))
    with db.uow() as uow:
        c = customer_by_ref(uow.session, customer)
        results = [place_in_session(uow.session, actor, c, po, strict=True) for po in pos]
        uow.commit()
        return results


def _read_pos(path: Path, columns: dict[str, str], delimiter: str) -> list[PoIn]:
    grouped: dict[str, list[LineIn]] = {}
    ship_to: dict[str, dict] = {}
    try:
        rows = list(records(path, None, delimiter))
    except (ReportUnreadable, OSError) as exc:
        raise ValidationError(f"{path.name}: {exc}") from None
    for n, row in enumerate(rows, 2):
        values = {f: row.get(col, "").strip() for f, col in columns.items()}
        if not values["po_number"] or not values["sku"]:
            raise ValidationError(f"{path.name} row {n}: no PO number or SKU")
        grouped.setdefault(values["po_number"], []).append(_file_line(path, n, values))
        ship_to.setdefault(values["po_number"],
                           {f: values[f] for f in ADDRESS_FIELDS if values.get(f)})
    if not grouped:
        raise ValidationError(f"{path.name}: no purchase order lines")
    return [PoIn(number, tuple(lines), ship_to=ship_to[number])
            for number, lines in grouped.items()]


def _file_line(path: Path, n: int, v: dict) -> LineIn:
    try:
        quantity = Decimal(v["quantity"])
        price = Decimal(v["price"]) if v.get("price") else None
        requested = date.fromisoformat(v["requested_on"]) if v.get("requested_on") else None
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{path.name} row {n}: quantity, price or date unreadable") \
            from None
    if quantity != quantity.to_integral_value() or quantity <= 0:
        raise ValidationError(f"{path.name} row {n}: quantity {v['quantity']} is not whole")
    return LineIn(v["sku"], int(quantity), v.get("po_line") or None,
                  v.get("buyer_part") or None, price, "EA", requested)
