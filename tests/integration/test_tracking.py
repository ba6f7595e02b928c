"""Tracking polled through the carrier emulators on SQLite and PostgreSQL: shipments move to
shipped and delivered, exceptions are kept and reach the order timeline, polling twice adds
nothing new."""

import pytest

from oms_desktop.carriers.credentials import store_api_key
from oms_desktop.model import SYSTEM, Actor, Role
from oms_desktop.services import events
from oms_desktop.services.orders import views as orders
from oms_desktop.services import settings
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.inventory import stock
from oms_desktop.services.shipping import tracking
from tests.carriers.conftest import easypost, memory_keyring, shippo  # noqa: F401 - fixtures
from tests.carriers.world import packed_shipment, shipping_world

PACKER = Actor("pat", Role.packer)


@pytest.fixture
def world(db, easypost, shippo, memory_keyring):
    shipping_world(db, carriers=("easypost",), easypost={"base_url": easypost.url},
                   shippo={"base_url": shippo.url, "tracking_carrier": "shippo"})
    store_api_key("easypost", easypost.api_key)
    store_api_key("shippo", shippo.token)
    return db


def test_a_delivered_package_is_shipped_then_delivered(world, easypost, published):
    easypost.tracking_codes = iter(["EZ4000000004"])
    sid = packed_shipment(world)
    shipping.create_label(world, actor=PACKER, shipment_id=sid)
    result = tracking.poll(world, actor=SYSTEM)
    assert (result.shipped, result.delivered, result.exceptions) == ([sid], [sid], [])
    assert result.new_events == 4
    assert orders.get_order(world, "1001").shipments[0].status == "delivered"
    assert [type(e) for e in published] == [events.ShipmentShipped]
    assert stock.reconcile(world) == []
    assert [e.status for e in tracking.events(world, sid)][0] == "delivered"


def test_a_return_to_sender_is_an_exception_on_the_screen_and_the_timeline(world, easypost):
    easypost.tracking_codes = iter(["EZ5000000005"])
    sid = packed_shipment(world)
    shipping.create_label(world, actor=PACKER, shipment_id=sid)
    result = tracking.poll(world, actor=SYSTEM)
    assert result.exceptions == [sid]
    [exception] = tracking.exceptions(world)
    assert (exception.shipment_id, exception.status, exception.order) == (sid, "returned", "1001")
    timeline = orders.get_order(world, "1001").timeline
    assert any(e.action == "tracking_exception" and e.detail["status"] == "returned"
               for e in timeline)


def test_polling_again_records_nothing_twice(world, easypost):
    easypost.tracking_codes = iter(["EZ2000000002"])
    sid = packed_shipment(world)
    shipping.create_label(world, actor=PACKER, shipment_id=sid)
    assert tracking.poll(world, actor=SYSTEM).new_events == 2
    again = tracking.poll(world, actor=SYSTEM)
    assert (again.checked, again.new_events, again.shipped) == (1, 0, [])
    assert orders.get_order(world, "1001").shipments[0].status == "shipped"


def test_shippo_failures_are_tracked_too_and_pre_transit_does_not_ship(world, shippo):
    shippo.tracking_numbers = iter(["SHIPPO_FAILURE", "SHIPPO_PRE_TRANSIT"])
    failed = packed_shipment(world, number="2001")
    waiting = packed_shipment(world, number="2002")
    for sid in (failed, waiting):
        shipping.create_label(world, actor=PACKER, shipment_id=sid, carrier="shippo")
    result = tracking.poll(world, actor=SYSTEM)
    assert result.exceptions == [failed] and result.shipped == [failed]
    assert orders.get_order(world, "2002").shipments[0].status == "packed"


def test_a_carrier_that_fails_is_reported_and_the_others_still_polled(world, easypost,
                                                                      shippo):
    easypost.tracking_codes = iter(["EZ4000000004"])
    a = packed_shipment(world, number="3001")
    shipping.create_label(world, actor=PACKER, shipment_id=a)
    b = packed_shipment(world, number="3002")
    shipping.create_label(world, actor=PACKER, shipment_id=b, carrier="shippo")
    shippo.token = "revoked"
    result = tracking.poll(world, actor=SYSTEM)
    assert "shippo" in result.errors and result.delivered == [a]
