import pytest

from oms_desktop.errors import InvalidTransition, NotFound, ValidationError
from oms_desktop.model import Actor, Role
from oms_desktop.services.orders import views as orders
from oms_desktop.services.floor import packing
from oms_desktop.services.floor import pickup
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up

CLERK = Actor("cleo", Role.packer, station="STORE1-DESK")


@pytest.fixture
def store(db):
    small_world(db)
    stock_up(db, {("SKU-1", "STORE1"): 5})
    return db


def _packed_pickup(db, number="WEB-55"):
    order_id, sid = assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "STORE1"},
                                      site="STORE1", pickup_at="STORE1", number=number)
    packing.scan_item(db, actor=CLERK, shipment_id=sid, value="SKU-1")
    packing.complete(db, actor=CLERK, shipment_id=sid)
    return order_id, sid


def test_a_packed_pickup_order_is_made_ready_with_a_pickup_code(store):
    _, sid = _packed_pickup(store)
    [waiting] = pickup.waiting(store, store="STORE1")
    assert waiting.status == "packed" and waiting.pickup_code is None
    ready = pickup.mark_ready(store, actor=CLERK, shipment_id=sid)
    assert ready.status == "ready_for_pickup" and len(ready.pickup_code) == 6


def test_handover_by_pickup_code_records_the_collector(store):
    order_id, sid = _packed_pickup(store)
    code = pickup.mark_ready(store, actor=CLERK, shipment_id=sid).pickup_code
    done = pickup.hand_over(store, actor=CLERK, store="STORE1", value=code.lower(),
                            collected_by="Grace Hopper")
    assert (done.status, done.collected_by) == ("picked_up", "Grace Hopper")
    assert pickup.waiting(store, store="STORE1") == []
    timeline = orders.get_order(store, order_id).timeline
    assert timeline[-1].action == "hand_over" and timeline[-1].station == "STORE1-DESK"


def test_handover_by_order_number_or_order_barcode(store):
    order_id, sid = _packed_pickup(store, number="WEB-56")
    pickup.mark_ready(store, actor=CLERK, shipment_id=sid)
    done = pickup.hand_over(store, actor=CLERK, store="STORE1", value=f"ORD-{order_id}",
                            collected_by="Ada")
    assert done.status == "picked_up"


def test_handover_needs_a_name_and_a_ready_order(store):
    _, sid = _packed_pickup(store)
    with pytest.raises(NotFound):
        pickup.hand_over(store, actor=CLERK, store="STORE1", value="WEB-55", collected_by="X")
    pickup.mark_ready(store, actor=CLERK, shipment_id=sid)
    with pytest.raises(ValidationError, match="name"):
        pickup.hand_over(store, actor=CLERK, store="STORE1", value="WEB-55", collected_by=" ")
    with pytest.raises(InvalidTransition):
        pickup.mark_ready(store, actor=CLERK, shipment_id=sid)


def test_a_delivery_order_cannot_be_made_ready_for_pickup(store):
    _, sid = assigned_shipment(store, {"SKU-1": 1}, bins={"SKU-1": "STORE1"}, site="STORE1")
    packing.scan_item(store, actor=CLERK, shipment_id=sid, value="SKU-1")
    packing.complete(store, actor=CLERK, shipment_id=sid)
    with pytest.raises(ValidationError, match="not a pickup order"):
        pickup.mark_ready(store, actor=CLERK, shipment_id=sid)
