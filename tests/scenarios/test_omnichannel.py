"""Omnichannel days at Acme Outdoor: a web shop on BigCommerce, a second on Magento, and the
downtown store's till on Square, all selling the same stock, on SQLite and PostgreSQL. Each
channel talks to its strict emulator through the connector the program builds from its
settings and keyring, as a workstation's sync does."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, Actor, Location, Order, OrderStatus, Refund, Role, Shipment
from oms_desktop.services.channels import inventory_push, push, sync
from oms_desktop.services.floor import pickup
from oms_desktop.services.inventory import stock
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.refunds import issue_refund
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from oms_desktop.services.shipping.labels import ship
from tests.connectors.marketplaces import (
    BigCommercePlatform, MagentoPlatform, SquarePlatform, add_channel,
)
from tests.connectors.test_square import _packed_at_the_store
from tests.factories import small_world
from tests.integration.test_sync_push import _start_shipment, receive
from tests.keyrings import memory_keyring_installed

CLERK = Actor("cleo", Role.supervisor, station="STORE1-TILL")
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def acme(db):
    """The shops and the till, each on its emulator; web channels sell the warehouse's and
    the store's stock, the till the store's."""
    small_world(db)
    shops = {"web": BigCommercePlatform(), "mage": MagentoPlatform(), "till": SquarePlatform()}
    with memory_keyring_installed():
        add_channel(db, shops["web"], code="web", locations=["WH1", "STORE1"])
        add_channel(db, shops["mage"], code="mage", locations=["WH1", "STORE1"])
        add_channel(db, shops["till"], code="till", locations=["STORE1"])
        yield db, shops
    for shop in shops.values():
        shop.stop()


def one_sync_round(db) -> dict[str, int]:
    """What the sync worker does each round: every channel's orders, then every channel's
    available-to-sell, then what is owed to the channels (tracking, pickups, refunds).
    Returns the SKU levels each channel was sent."""
    for result in sync.sync_all(db, actor=SYSTEM):
        assert result.ok, result.error
    sent = {}
    for code in ("web", "mage", "till"):
        summary = inventory_push.push_inventory(db, actor=SYSTEM, code=code)
        assert summary.failed == 0 or set(summary.errors) == {"SKU-2", "KIT-1"}, summary.errors
        sent[code] = summary.pushed
        push.drain_outbox(db, code=code)
    return sent


def on_hand(db, sku: str, location: str) -> int:
    return sum(r.on_hand for r in stock.levels(db) if (r.sku, r.location) == (sku, location))


def listed(shops) -> dict[str, int | None]:
    return {code: shop.listed("SKU-1") for code, shop in shops.items()}


def test_a_sale_at_the_till_lowers_available_to_sell_on_every_online_channel_in_one_round(acme):
    db, shops = acme
    # Morning: 5 mugs in the warehouse, 10 on the store's shelf; every channel lists them.
    receive(db, "SKU-1", "WH1-A-01", 5)
    receive(db, "SKU-1", "STORE1", 10)
    for shop in shops.values():
        shop.list_sku("SKU-1", 0)
    one_sync_round(db)
    assert listed(shops) == {"web": 15, "mage": 15, "till": 10}

    # A customer buys 3 mugs at the till and walks out with them.
    sale = shops["till"].emu.sell_at_till([("SKU-1", 3, "12.50")], updated=T0)

    # One sync round later the store's shelf is 3 down and no channel can oversell them.
    one_sync_round(db)
    assert on_hand(db, "SKU-1", "STORE1") == 7
    assert listed(shops) == {"web": 12, "mage": 12, "till": 7}
    with db.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == sale["id"]))
        assert order.status == OrderStatus.completed  # never picked, never shipped by us

    # The next round has nothing new to tell anyone, and the sale is not taken twice.
    assert one_sync_round(db) == {"web": 0, "mage": 0, "till": 0}
    assert on_hand(db, "SKU-1", "STORE1") == 7


def test_an_order_placed_online_is_picked_up_in_the_store(acme):
    db, shops = acme
    receive(db, "SKU-1", "STORE1", 4)
    for shop in shops.values():
        shop.list_sku("SKU-1", 0)
    # Ana orders a mug online for pickup at the downtown store.
    placed = shops["till"].emu.add_pickup([("SKU-1", 1, "12.50")])
    one_sync_round(db)
    with db.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == placed["id"]))
        store = uow.session.scalar(sa.select(Location).where(Location.code == "STORE1"))
        assert order.pickup_location_id == store.id and order.status == OrderStatus.new

    # The store takes the mug off its own shelf and packs it; the online channels stop
    # offering it at once.
    shipment_id = _packed_at_the_store(db, placed["id"])
    one_sync_round(db)
    assert listed(shops) == {"web": 3, "mage": 3, "till": 3}

    # Ready: the till shows the order as prepared for pickup.
    code = pickup.mark_ready(db, actor=CLERK, shipment_id=shipment_id).pickup_code
    one_sync_round(db)
    fulfilment = shops["till"].emu.orders[placed["id"]]["fulfillments"][0]
    assert fulfilment["state"] == "PREPARED" and fulfilment["pickup_details"]["ready_at"]

    # Ana shows her code at the counter and takes the mug: the till completes the order, the
    # unit has left the store.
    pickup.hand_over(db, actor=CLERK, store="STORE1", value=code, collected_by="Ana Pick")
    one_sync_round(db)
    square_order = shops["till"].emu.orders[placed["id"]]
    assert (square_order["state"], square_order["fulfillments"][0]["state"]) == \
        ("COMPLETED", "COMPLETED")
    assert on_hand(db, "SKU-1", "STORE1") == 3 and listed(shops)["web"] == 3
    with db.uow(readonly=True) as uow:
        assert uow.session.get(Shipment, shipment_id).collected_by == "Ana Pick"
        assert not uow.session.get(Shipment, shipment_id).order.active_holds


def test_an_online_order_returned_at_the_till_is_refunded_on_its_channel_and_restocked_there(
        acme):
    db, shops = acme
    web = shops["web"]
    receive(db, "SKU-1", "WH1-A-01", 5)
    for shop in shops.values():
        shop.list_sku("SKU-1", 0)
    # Bo buys two mugs on the BigCommerce shop; the warehouse ships them.
    placed = web.add_order([("SKU-1", 2, "12.50")], at=T0)
    one_sync_round(db)
    shipment_id = _start_shipment(db, str(placed["id"]), pack=True)
    with db.uow() as uow:
        shipment = uow.session.get(Shipment, shipment_id)
        shipment.carrier, shipment.tracking_number = "UPS", "1Z999AA10123456784"
        ship(uow.session, shipment, by=SYSTEM)
        uow.commit()
    one_sync_round(db)
    assert placed["status_id"] == 2  # shipped on BigCommerce

    # A week later Bo brings one mug back to the downtown store: it is fine, back on the
    # store's shelf.
    rma = create_rma(db, actor=CLERK, order=str(placed["id"]),
                     lines=[RequestedLine("SKU-1", 1, "changed_mind")])
    receive_unit(db, actor=CLERK, rma=rma.rma_number, code="SKU-1", condition="resellable",
                 disposition="restock", location="STORE1")
    finish_intake(db, actor=CLERK, rma=rma.rma_number)
    refund = issue_refund(db, actor=CLERK, rma=rma.rma_number)
    assert refund.status == "approved"  # queued for the channel that took the money

    # The next round refunds Bo on BigCommerce, where he paid, for the mug he brought back;
    # the store has it for sale and every web channel offers it again.
    one_sync_round(db)
    [bc_refund] = placed["_refunds"]
    assert Decimal(str(bc_refund["total_amount"])) == refund.amount
    assert bc_refund["items"] == [{"item_type": "PRODUCT", "item_id": placed["_products"][0]["id"],
                                   "quantity": 1}]
    assert placed["_products"][0]["quantity_refunded"] == 1 and placed["status_id"] == 14
    assert on_hand(db, "SKU-1", "STORE1") == 1 and web.listed("SKU-1") == 4
    with db.uow(readonly=True) as uow:
        assert uow.session.scalar(sa.select(Refund.status)).value == "issued"
    one_sync_round(db)  # the refund is not sent twice
    assert len(placed["_refunds"]) == 1
