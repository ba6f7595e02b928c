"""Stock and fulfilments going back to the channel; edits to orders already being worked on."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from oms_desktop.model import (
    SYSTEM, AuditEvent, ChannelOutbox, HoldReason, Location, Order, OrderStatus, Reservation,
    ReservationStatus, Shipment, ShipmentLine, ShipmentStatus,
)
from oms_desktop.services.channels import push as channel_push
from oms_desktop.services import events, messagebus
from oms_desktop.services.channels import inventory_push
from oms_desktop.services.inventory import stock
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.channels import sync
from tests.connectors.conftest import (  # noqa: F401 - fixtures
    add_shopify_channel, memory_keyring, shopify, world,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def receive(db, sku, location, qty):
    stock.receive(db, actor=SYSTEM, sku=sku, location=location, quantity=qty)


def reserve(db, sku, location, qty):
    with db.uow() as uow:
        s = uow.session
        loc = s.scalar(sa.select(Location).where(Location.code == location))
        pid = s.execute(sa.text("select id from products where sku = :s"), {"s": sku}).scalar()
        assert stock_ops.try_reserve(s, product_id=pid, location=loc, quantity=qty)
        uow.commit()


def set_buffer(db, code, buffer):
    from oms_desktop.services.channels import setup as channels
    info = channels.get_channel(db, code)
    channels.save_channel(db, actor=SYSTEM, kind=info.kind, name=info.name, code=code,
                          values={}, safety_buffer=buffer)


def test_available_to_sell_counts_only_serving_sites_minus_reservations_and_buffer(
        world, shopify, memory_keyring):
    code = add_shopify_channel(world, shopify)  # served by WH1 only
    set_buffer(world, code, 2)
    receive(world, "SKU-1", "WH1-A-01", 10)
    receive(world, "SKU-1", "WH1-A-02", 5)
    receive(world, "SKU-1", "STORE1", 7)  # not a location of this channel
    receive(world, "SKU-2", "WH1-A-03", 1)
    reserve(world, "SKU-1", "WH1-A-01", 4)
    shopify.add_variant("SKU-1", 3)
    shopify.add_variant("SKU-2", 5)
    summary = inventory_push.push_inventory(world, actor=SYSTEM, code=code)
    assert (shopify.available("SKU-1"), shopify.available("SKU-2")) == (9, 0)
    assert summary.failed == 1 and "KIT-1" in summary.errors  # not listed on the shop
    log = {d.sku: d for d in inventory_push.drift_report(world, code)}
    assert (log["SKU-1"].ours, log["SKU-1"].pushed) == (9, 9)


def test_only_changed_skus_are_pushed_and_drift_is_reported(world, shopify, memory_keyring):
    code = add_shopify_channel(world, shopify)
    receive(world, "SKU-1", "WH1-A-01", 10)
    for sku in ("SKU-1", "SKU-2", "KIT-1"):
        shopify.add_variant(sku, 0)
    inventory_push.push_inventory(world, actor=SYSTEM, code=code)
    calls = len(shopify.log)
    assert inventory_push.push_inventory(world, actor=SYSTEM, code=code).pushed == 0
    assert len(shopify.log) == calls, "nothing changed: nothing sent"
    reserve(world, "SKU-1", "WH1-A-01", 1)
    again = inventory_push.push_inventory(world, actor=SYSTEM, code=code)
    assert (again.pushed, shopify.available("SKU-1")) == (1, 9)
    shopify.variants["SKU-1"]["_levels"][shopify.location_id] = 20  # someone edited the shop
    drift = {d.sku: d.drift for d in inventory_push.check_drift(world, actor=SYSTEM, code=code)}
    assert drift["SKU-1"] == 11 and drift["SKU-2"] == 0


def _import_one(db, shopify, code, lines=(("SKU-1", 2, "12.50"),)):
    o = shopify.add_order(lines=list(lines), updated_at=T0)
    sync.sync_orders(db, actor=SYSTEM, code=code)
    return o


def _start_shipment(db, external_id, *, pack: bool) -> int:
    """Bring the imported order into fulfilment with one shipment reserved at WH1-A-01."""
    with db.uow() as uow:
        s = uow.session
        order = s.scalar(sa.select(Order).where(Order.external_id == external_id))
        for h in order.active_holds:
            order.release(by=SYSTEM)
        if order.status == OrderStatus.new:
            order.verify(by=SYSTEM)
        if order.status == OrderStatus.verified:
            order.start_fulfilment(by=SYSTEM)
        bin_ = s.scalar(sa.select(Location).where(Location.code == "WH1-A-01"))
        shipment = s.scalar(sa.select(Shipment).where(Shipment.order_id == order.id))
        if shipment is None:
            shipment = Shipment(order=order)
            s.add(shipment)
            for line in order.lines:
                shipment.lines.append(ShipmentLine(order_line=line, product_id=line.product_id,
                                                   quantity=line.quantity))
            s.flush()
            for sl in shipment.lines:
                assert stock_ops.try_reserve(s, product_id=sl.product_id, location=bin_,
                                             quantity=sl.quantity, shipment_line_id=sl.id)
        if shipment.status == ShipmentStatus.waiting:
            shipment.assign(bin_, by=SYSTEM)
        if pack:
            shipment.pack(by=SYSTEM)
        uow.commit()
        return shipment.id


def test_a_cancellation_of_an_already_packed_order_is_flagged_not_applied(world, shopify,
                                                                          memory_keyring):
    receive(world, "SKU-1", "WH1-A-01", 10)
    code = add_shopify_channel(world, shopify)
    o = _import_one(world, shopify, code)
    _start_shipment(world, o["id"], pack=True)
    o["cancelledAt"], o["closed"] = "2026-11-02T10:00:00Z", True
    shopify.touch(o)
    result = sync.sync_orders(world, actor=SYSTEM, code=code)
    assert result.flagged == 1
    with world.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == o["id"]))
        assert order.status == OrderStatus.in_fulfilment
        assert [h.reason for h in order.active_holds] == [HoldReason.channel_change]
        actions = uow.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.order_id == order.id)).all()
        assert "channel_change" in actions


def test_a_cancellation_before_packing_cancels_and_frees_the_reserved_stock(world, shopify,
                                                                            memory_keyring):
    receive(world, "SKU-1", "WH1-A-01", 10)
    code = add_shopify_channel(world, shopify)
    o = _import_one(world, shopify, code)
    _start_shipment(world, o["id"], pack=False)
    o["cancelledAt"], o["closed"] = "2026-11-02T10:00:00Z", True
    shopify.touch(o)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    with world.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == o["id"]))
        assert order.status == OrderStatus.cancelled
        active = uow.session.scalar(sa.select(sa.func.count()).select_from(Reservation).where(
            Reservation.status == ReservationStatus.active))
        assert active == 0
    [row] = stock.levels(world, sku="SKU-1", location="WH1-A-01")
    assert row.reserved == 0


def test_an_edit_to_an_order_in_fulfilment_is_flagged_for_a_person(world, shopify,
                                                                   memory_keyring):
    receive(world, "SKU-1", "WH1-A-01", 10)
    code = add_shopify_channel(world, shopify)
    o = _import_one(world, shopify, code)
    _start_shipment(world, o["id"], pack=False)
    shopify.set_lines(o, [("SKU-1", 5, "12.50")])
    shopify.touch(o)
    sync.sync_orders(world, actor=SYSTEM, code=code)
    with world.uow(readonly=True) as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == o["id"]))
        assert [l.quantity for l in order.lines] == [2], "not silently changed"
        assert "lines" in order.active_holds[0].note


def test_a_shipped_shipment_pushes_its_tracking_to_shopify_once(world, shopify, memory_keyring):
    receive(world, "SKU-1", "WH1-A-01", 10)
    code = add_shopify_channel(world, shopify)
    o = _import_one(world, shopify, code, lines=(("SKU-1", 2, "12.50"), ("SKU-2", 1, "3.99")))
    receive(world, "SKU-2", "WH1-A-01", 3)
    shipment_id = _start_shipment(world, o["id"], pack=True)
    with world.uow() as uow:
        shipment = uow.session.get(Shipment, shipment_id)
        shipment.carrier = "UPS"
        shipment.ship(by=SYSTEM, tracking_number="1Z999AA10123456784")
        for _ in range(2):  # published twice: pushed once
            messagebus.publish(uow.session, events.ShipmentShipped(
                actor=SYSTEM, shipment_id=shipment_id, tracking_url="https://ups/1Z"))
        uow.commit()
    result = channel_push.drain_outbox(world, code=code)
    assert (result.sent, result.failed) == (1, 0)
    [f] = shopify.fulfillments
    assert f["trackingInfo"] == [{"company": "UPS", "number": "1Z999AA10123456784",
                                  "url": "https://ups/1Z"}]
    assert shopify.orders[int(o["id"].rsplit("/", 1)[1])]["displayFulfillmentStatus"] == "FULFILLED"
    assert channel_push.drain_outbox(world, code=code).sent == 0


def test_a_refund_and_a_cancellation_enqueued_by_other_services_reach_shopify(world, shopify,
                                                                             memory_keyring):
    code = add_shopify_channel(world, shopify)
    o = _import_one(world, shopify, code)
    with world.uow() as uow:
        order = uow.session.scalar(sa.select(Order).where(Order.external_id == o["id"]))
        channel_push.enqueue_refund(uow.session, order, key="RMA-1",
                                    lines=[(order.lines[0].id, 1)], reason="damaged")
        channel_push.enqueue_cancellation(uow.session, order, reason="customer")
        uow.commit()
    assert channel_push.drain_outbox(world, code=code).sent == 2
    assert shopify.refunds[0]["_input"]["refundLineItems"][0]["quantity"] == 1
    assert shopify.orders[int(o["id"].rsplit("/", 1)[1])]["cancelReason"] == "CUSTOMER"
