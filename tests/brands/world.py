"""A business with two brands and franchise stores: Cork (stores CORK-A and CORK-B, each a
franchise with its own till channel, and a web shop selling from both) and Clay (store
CLAY-1 and its web shop). Products MUG and BOWL; stock in every store's bin; orders on every
channel; each brand with a logo (a PNG written byte by byte)."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Channel, Location, LocationKind, Order
from oms_desktop.services.brands import profiles
from oms_desktop.services.inventory import stock
from oms_desktop.services.inventory.catalog import add_location, add_product
from oms_desktop.services.users import accounts
from oms_desktop.storage import Database
from tests.integration.pipeline_world import T0, place_order

STORES = {"CORK-A": "CORK", "CORK-B": "CORK", "CLAY-1": "CLAY"}
CHANNELS = {"TILL-A": ("CORK", ("CORK-A",)), "TILL-B": ("CORK", ("CORK-B",)),
            "WEB-CORK": ("CORK", ("CORK-A", "CORK-B")), "WEB-CLAY": ("CLAY", ("CLAY-1",))}
PINS = {"fran-a": "1357", "fran-b": "2468", "cork-boss": "9753", "owner": "8642"}


def logo_png(path: Path, rgb=(180, 60, 30), size=(240, 80)) -> Path:
    """A small PNG (a coloured band with a white bar), written byte by byte."""
    w, h = size
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            bar = h // 3 < y < 2 * h // 3 and w // 6 < x < 5 * w // 6
            row += bytes((255, 255, 255) if bar else rgb)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2,
                                                                      0, 0, 0))
                     + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return path


def franchise_world(db: Database, folder: Path) -> dict[str, list[int]]:
    """The places, products, brands, channels, stock, orders and people; the order ids per
    channel."""
    _places(db)
    _brands(db, folder)
    for store in STORES:
        for sku in ("MUG", "BOWL"):
            stock.receive(db, actor=SYSTEM, sku=sku, location=f"{store}-R1", quantity=20)
    orders = {code: [_order(db, code, i) for i in range(1, 4)] for code in CHANNELS}
    _people(db)
    return orders


def _order(db: Database, channel: str, i: int) -> int:
    who = f"{channel.title()} Customer {i}"
    return place_order(db, {"MUG": 1}, customer=who, channel_id=_channel_id(db, channel),
                       number=f"{channel}-{i}", ship_name=who, ship_country="GB",
                       ship_city="Bristol", ship_postal_code="BS1 5TR",
                       email=f"{channel.lower()}-{i}@example.com",
                       placed_at=T0 + timedelta(hours=i, minutes=len(channel)))


def _places(db: Database) -> None:
    with db.uow() as uow:
        s = uow.session
        org = add_location(s, code="ORG", name="Cork & Clay", kind=LocationKind.organisation)
        brands = {code: add_location(s, code=code, name=name, kind=LocationKind.brand,
                                     parent=org)
                  for code, name in (("CORK", "Cork Homeware"), ("CLAY", "Clay Studio"))}
        for store, brand in STORES.items():
            site = add_location(s, code=store, name=f"{store.title()} store",
                                kind=LocationKind.store, parent=brands[brand], country="GB",
                                city="Bristol", postal_code="BS1 4DJ",
                                address_line1=f"{store[-1]} Park Street")
            add_location(s, code=f"{store}-R1", name="Back room", kind=LocationKind.bin,
                         parent=site)
        add_product(s, sku="MUG", name="Stoneware mug", price=Decimal("14.00"), weight_g=400,
                    barcodes=("4006381333931",))
        add_product(s, sku="BOWL", name="Serving bowl", price=Decimal("32.00"), weight_g=900)
        for code, (_, sites) in CHANNELS.items():
            channel = Channel(code=code, name=f"{code.title()} channel", kind="manual",
                              currency="GBP")
            channel.locations = [s.scalar(sa.select(Location).where(Location.code == c))
                                 for c in sites]
            s.add(channel)
        uow.commit()


def _brands(db: Database, folder: Path) -> None:
    profiles.add_brand(db, actor=SYSTEM, code="CORK", name="Cork Homeware",
                       sender_name="Cork Homeware Ltd", address_line1="1 Harbour Road",
                       city="Cork", postal_code="T12 X70", country="IE",
                       email_sender="Cork Homeware <hello@cork.example>",
                       logo_path=str(logo_png(folder / "cork.png")),
                       return_instructions="Cork returns: within 60 days, free of charge.")
    profiles.add_brand(db, actor=SYSTEM, code="CLAY", name="Clay Studio",
                       sender_name="Clay Studio", email_sender="Clay <studio@clay.example>",
                       logo_path=str(logo_png(folder / "clay.png", rgb=(40, 90, 160))))
    for code, (brand, _) in CHANNELS.items():
        profiles.assign_channel(db, actor=SYSTEM, channel=code, brand=brand)


def _people(db: Database) -> None:
    accounts.create_first_admin(db, username="owner", display_name="Owner",
                                secret=PINS["owner"])
    for name, role, places in (("fran-a", "supervisor", ["CORK-A"]),
                               ("fran-b", "supervisor", ["CORK-B"]),
                               ("cork-boss", "manager", ["CORK"])):
        made = accounts.create_user(db, actor=SYSTEM, username=name, display_name=name,
                                    role=role, secret=PINS[name])
        accounts.set_sites(db, actor=SYSTEM, user_id=made.id, locations=places)


def _channel_id(db: Database, code: str) -> int:
    with db.uow(readonly=True) as uow:
        return uow.session.scalar(sa.select(Channel.id).where(Channel.code == code))


def actor(db: Database, name: str):
    from oms_desktop.services.users import signin

    return signin.sign_in(db, username=name, secret=PINS[name], station="TILL")


def order_channels(db: Database, ids) -> set[str]:
    with db.uow(readonly=True) as uow:
        return set(uow.session.scalars(sa.select(Channel.code).join(
            Order, Order.channel_id == Channel.id).where(Order.id.in_(list(ids)))))


def ship(db: Database, order_id: int) -> None:
    """Verify, allocate, pack and ship an order the way the floor would, from its store."""
    from oms_desktop.model import LocationKind as Kind, Reservation, Shipment
    from oms_desktop.services.inventory import stock_ops
    from oms_desktop.services.lookup import virtual_location
    from oms_desktop.services.orders import allocation, pipeline

    pipeline.verify_orders(db, actor=SYSTEM, order_ids=[order_id])
    allocation.allocate_orders(db, actor=SYSTEM, order_ids=[order_id])
    with db.uow() as uow:
        s = uow.session
        customer = virtual_location(s, Kind.customer)
        for shipment in s.scalars(sa.select(Shipment).where(Shipment.order_id == order_id)):
            held = s.scalars(sa.select(Reservation).where(Reservation.shipment_line_id.in_(
                [line.id for line in shipment.lines]), Reservation.status == "active"))
            for reservation in list(held):
                stock_ops.consume(s, reservation, target=customer, by=SYSTEM)
            shipment.pack(by=SYSTEM)
            shipment.ship(by=SYSTEM, tracking_number=f"1Z{order_id:08d}")
        s.get(Order, order_id).complete(by=SYSTEM)
        uow.commit()
