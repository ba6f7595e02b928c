import pytest

from oms_desktop.errors import InsufficientStock, PermissionDenied, ValidationError
from oms_desktop.model import SYSTEM, Actor, Role
from oms_desktop.services.inventory import stock
from tests.factories import small_world

PACKER = Actor("pat", Role.packer)


@pytest.fixture
def world(db):
    small_world(db)
    return db


def test_received_stock_is_on_hand_and_available(world):
    row = stock.receive(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=10)
    assert (row.on_hand, row.reserved, row.available) == (10, 0, 10)
    assert stock.reconcile(world) == []


def test_receiving_by_gtin_finds_the_product(world):
    row = stock.receive(world, actor=PACKER, sku="4006381333931", location="WH1-A-01", quantity=3)
    assert row.sku == "SKU-1"


def test_reserving_more_than_available_is_refused_and_changes_nothing(world):
    stock.receive(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=2)
    result = stock.reserve(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=3)
    assert not result.ok and "Insufficient stock" in result.message
    [row] = stock.levels(world, sku="SKU-1")
    assert row.reserved == 0


def test_reserved_units_cannot_be_moved_away(world):
    stock.receive(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=2)
    assert stock.reserve(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=2).ok
    with pytest.raises(InsufficientStock, match="0 available"):
        stock.move(world, actor=PACKER, sku="SKU-1", source="WH1-A-01", target="WH1-A-02",
                   quantity=1)


def test_release_gives_units_back_and_shipping_consumes_them(world):
    stock.receive(world, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=5)
    first = stock.reserve(world, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=2)
    second = stock.reserve(world, actor=PACKER, sku="SKU-2", location="WH1-A-02", quantity=3)
    stock.release(world, actor=PACKER, reservation_id=first.reservation_id)
    stock.consume(world, actor=PACKER, reservation_id=second.reservation_id, reference="SHP-1")
    [row] = stock.levels(world, sku="SKU-2")
    assert (row.on_hand, row.reserved, row.available) == (2, 0, 2)
    assert stock.reconcile(world) == []


def test_adjustment_needs_a_supervisor_and_a_reason(world):
    with pytest.raises(PermissionDenied, match="supervisor"):
        stock.adjust(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", delta=4,
                     reason_code="found")
    with pytest.raises(ValidationError, match="reason"):
        stock.adjust(world, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", delta=4,
                     reason_code="")
    row = stock.adjust(world, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", delta=4,
                       reason_code="found")
    assert row.on_hand == 4


def test_adjusting_below_reserved_is_refused(world):
    stock.receive(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=3)
    stock.reserve(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=3)
    with pytest.raises(InsufficientStock):
        stock.adjust(world, actor=SYSTEM, sku="SKU-1", location="WH1-A-01", delta=-1,
                     reason_code="damaged")


def test_levels_of_a_site_include_its_bins(world):
    stock.receive(world, actor=PACKER, sku="SKU-1", location="WH1-A-01", quantity=1)
    stock.receive(world, actor=PACKER, sku="SKU-1", location="WH1-A-03", quantity=2)
    assert sum(r.on_hand for r in stock.levels(world, location="WH1")) == 3
