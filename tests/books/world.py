"""Orders shipped and refunded through the real services (the events their handlers turn
into postings), the two emulated targets set up with their secrets and mappings."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from oms_desktop.model import (
    SYSTEM, Channel, FinancialStatus, LocationKind, Order, OrderLine, Product,
    Shipment, ShipmentLine,
)
from oms_desktop.services import messagebus
from oms_desktop.services.books import mappings, status, targets
from oms_desktop.services.events import ShipmentPickedUp
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.lookup import location_by_code, virtual_location
from oms_desktop.services.shipping.labels import ship
from oms_desktop.storage import Database
from tests.books import emulator, qbo_emulator, xero_emulator
from tests.factories import small_world

PRICES = {"SKU-1": Decimal("40.00"), "SKU-2": Decimal("10.00")}
CHAIN = "Corner Stores Inc"  # a business customer, on 2/10 net 30
QBO_MAP = {"customer": {"WEB": "58", "MKT": "59", CHAIN: "61"},
           "tax": {"US": "TAX", "DE": "7", "GB": "8", "EXEMPT": "NON"},
           "item": {"SKU-1": "1", "SKU-2": "2"},
           "account": {"deposit": "35", "shipping": "90", "discount": "86", "postage": "60",
                       "fees": "62", "payment_discount": "91"},
           "vendor": {"carrier:manual": "70", "channel:MKT": "71"}}
XERO_MAP = {"customer": {"WEB": str(xero_emulator.uuid.UUID(int=1)),
                         "MKT": str(xero_emulator.uuid.UUID(int=2)),
                         CHAIN: str(xero_emulator.uuid.UUID(int=3))},
            "tax": {"US": "OUTPUT", "DE": "OUTPUT2", "GB": "EXEMPTOUTPUT", "PURCHASES": "INPUT",
                    "EXEMPT": "EXEMPTOUTPUT"},
            "item": {"SKU-1": "SKU-1", "SKU-2": "SKU-2"},
            "account": {"income": "200", "shipping": "260", "discount": "400", "bank": "090",
                        "postage": "429", "fees": "404", "payment_discount": "400"},
            "vendor": {"carrier:manual": str(xero_emulator.uuid.UUID(int=4)),
                       "channel:MKT": str(xero_emulator.uuid.UUID(int=5))}}


def books_world(db: Database) -> None:
    """The small world plus a marketplace channel MKT selling in euros."""
    small_world(db)
    with db.uow() as uow:
        uow.session.add(Channel(code="MKT", name="Marketplace", kind="manual", currency="EUR"))
        uow.commit()


def secrets_env(monkeypatch, *names: str) -> None:
    targets._rotated.clear()
    for name in names:
        for field, value in (("client_id", emulator.CLIENT_ID),
                             ("client_secret", emulator.CLIENT_SECRET),
                             ("refresh_token", emulator.FIRST_REFRESH)):
            monkeypatch.setenv(targets.secret_ref(name, field).env_name, value)


def set_up_quickbooks(db: Database, qbo, *, skip: tuple = ()) -> None:
    targets.set_up(db, actor=SYSTEM, name="quickbooks", values={
        "realm_id": qbo_emulator.REALM, "base_url": qbo.url,
        "token_url": qbo.url + qbo.token_path})
    _map(db, "quickbooks", QBO_MAP, skip)


def set_up_xero(db: Database, xero, *, skip: tuple = ()) -> None:
    targets.set_up(db, actor=SYSTEM, name="xero", values={
        "tenant_id": xero_emulator.TENANT, "base_url": xero.url + "/api.xro/2.0",
        "token_url": xero.url + xero.token_path})
    _map(db, "xero", XERO_MAP, skip)


def _map(db, target, table, skip) -> None:
    for kind, pairs in table.items():
        for key, value in pairs.items():
            if (kind, key) not in skip:
                mappings.set_mapping(db, actor=SYSTEM, target=target, kind=kind, key=key,
                                     value=value)


def business_customer(db: Database, *, terms: str = "2/10 net 30") -> int:
    """The chain's account: its invoices are owed on its terms."""
    from oms_desktop.services.b2b import accounts
    return accounts.set_account(db, actor=SYSTEM, customer=CHAIN, terms=terms,
                                credit_limit=Decimal("100000")).customer_id


def shipped(db: Database, lines: dict[str, int], *, channel: str = "WEB", currency: str = "USD",
            country: str = "US", shipping: str = "8.00", discount: str = "0.00",
            tax_rate: str = "0.10", number: str | None = None, pickup: bool = False,
            split: bool = False, customer_id: int | None = None, pack_only: bool = False,
            stock_in: bool = True) -> int:
    """An order placed, verified and shipped through the shipping service (which publishes
    ShipmentShipped); returns the order's id."""
    with db.uow() as uow:
        s = uow.session
        count = s.scalar(sa.select(sa.func.count(Order.id))) or 0
        name = number or f"#{1001 + count}"
        order = Order(number=name, channel=s.scalar(sa.select(Channel).where(
            Channel.code == channel)), external_id=f"ext-{name}", currency=currency,
            shipping_total=Decimal(shipping), financial_status=FinancialStatus.paid,
            ship_name="Zoë Müller", ship_country=country, customer_id=customer_id)
        rate = Decimal(tax_rate)
        for no, (sku, qty) in enumerate(lines.items(), 1):
            product = s.scalar(sa.select(Product).where(Product.sku == sku))
            order.lines.append(OrderLine(
                line_no=no, product_id=product.id, sku=sku, name=product.name, quantity=qty,
                unit_price=PRICES[sku], discount=Decimal(discount) if no == 1 else Decimal(0),
                tax=((PRICES[sku] * qty - (Decimal(discount) if no == 1 else 0)) * rate)
                .quantize(Decimal("0.01"))))
        order.subtotal = sum(l.unit_price * l.quantity - l.discount for l in order.lines)
        order.tax_total = sum(l.tax for l in order.lines)
        order.discount_total = Decimal(discount)
        order.total = order.subtotal + order.tax_total + order.shipping_total
        s.add(order)
        s.flush()
        order.verify(by=SYSTEM)
        if split:  # two shipments: the one made first leaves second
            first = _shipment(s, order, order.lines[:1])
            _ship(s, order, lines=order.lines[1:], complete=False)
            _ship(s, order, shipment=first)
        else:
            _ship(s, order, pickup=pickup, pack_only=pack_only, stock_in=stock_in)
        uow.commit()
        return order.id


def _shipment(s, order: Order, lines) -> Shipment:
    shipment = Shipment(order=order)
    for line in lines:
        shipment.lines.append(ShipmentLine(order_line=line, product_id=line.product_id,
                                           quantity=line.quantity))
    s.add(shipment)
    s.flush()
    return shipment


def _ship(s, order: Order, *, pickup: bool = False, lines=None, complete: bool = True,
          shipment: Shipment | None = None, pack_only: bool = False,
          stock_in: bool = True) -> None:
    bin_ = location_by_code(s, "WH1-A-01")
    supplier = virtual_location(s, LocationKind.supplier)
    shipment = shipment or _shipment(s, order, lines or order.lines)
    if order.status.value == "verified":
        order.start_fulfilment(by=SYSTEM)
    shipment.assign(bin_.parent.parent, by=SYSTEM)
    for sl in shipment.lines:
        if stock_in:  # else it ships what is on hand (the stock valuation's tests)
            stock_ops.move(s, product_id=sl.product_id, source=supplier, target=bin_,
                           quantity=sl.quantity, reason="receipt", by=SYSTEM)
        stock_ops.try_reserve(s, product_id=sl.product_id, location=bin_,
                              quantity=sl.quantity, shipment_line_id=sl.id)
    shipment.pack(by=SYSTEM)
    if pack_only:  # a label is bought next (tests/books/trade_world.py)
        return
    if pickup:  # click & collect: handed over at the counter, never "shipped"
        shipment.ready_for_pickup(by=SYSTEM)
        shipment.hand_over(by=SYSTEM, collected_by="Zoë")
        s.flush()
        messagebus.publish(s, ShipmentPickedUp(actor=SYSTEM, order_id=order.id,
                                               shipment_id=shipment.id, collected_by="Zoë"))
        return
    shipment.tracking_number = "1Z999AA10123456784"
    ship(s, shipment, by=SYSTEM)
    if complete:
        order.complete(by=SYSTEM)


def postings(db: Database, target: str | None = None) -> list[status.PostingView]:
    return status.list_postings(db, target=target)


def refunded_unit(db: Database, order_id: int, sku: str) -> str:
    """One unit of `sku` sent back defective, received, inspected and refunded; the RMA."""
    from oms_desktop.services.returns.intake import finish_intake, receive_unit
    from oms_desktop.services.returns.refunds import issue_refund
    from oms_desktop.services.returns.rmas import RequestedLine, create_rma

    rma = create_rma(db, actor=SYSTEM, order=order_id,
                     lines=[RequestedLine(sku, 1, "defective")]).rma_number
    receive_unit(db, actor=SYSTEM, rma=rma, code=sku, condition="defective",
                 disposition="return_to_vendor", location="WH1")
    finish_intake(db, actor=SYSTEM, rma=rma)
    issue_refund(db, actor=SYSTEM, rma=rma)
    return rma


SAP_MAP = {"customer": {"WEB": "C-WEB", "MKT": "C-MKT", CHAIN: "C-CORNER"},
           "tax": {"US": "X10", "DE": "X19", "EXEMPT": "EX"},
           "item": {"SKU-1": "SKU-1", "SKU-2": "SKU-2"},
           "account": {"shipping": "SHIP", "discount": "DISC"}}


def set_up_sap(db: Database, sap, monkeypatch, *, skip: tuple = ()) -> None:
    from tests.books import sap_emulator
    for field, value in (("username", sap_emulator.USER), ("password", sap_emulator.PASSWORD)):
        monkeypatch.setenv(targets.secret_ref("sapb1", field).env_name, value)
    targets.set_up(db, actor=SYSTEM, name="sapb1", values={
        "base_url": sap.url + "/b1s/v1", "company_db": sap_emulator.COMPANY})
    _map(db, "sapb1", SAP_MAP, skip)
