"""A customer returns 2 of 3 items, one of them damaged."""

from decimal import Decimal

import pytest

from oms_desktop.errors import PermissionDenied, ValidationError
from oms_desktop.model import Actor, Role
from oms_desktop.services.orders import views as orders
from oms_desktop.services.inventory import stock
from oms_desktop.services.returns.refunds import issue_refund, preview
from oms_desktop.services.returns.intake import finish_intake, receive_unit
from oms_desktop.services.returns.rmas import RequestedLine, create_rma
from tests.factories import small_world
from tests.returns_fixtures import shipped_order

SUPERVISOR = Actor("sam", Role.supervisor, station="RETURNS-1")
PACKER = Actor("pat", Role.packer, station="RETURNS-1")
MANAGER = Actor("max", Role.manager)


@pytest.fixture
def world(db):
    small_world(db)
    return db


def test_two_of_three_items_come_back_one_restocked_one_quarantined_partial_refund(world):
    db = world
    # The customer bought one mug and two spoons, shipped from the main warehouse.
    order_id = shipped_order(db, {"SKU-1": 1, "SKU-2": 2})

    # Customer service authorises the return of the mug and one spoon: she changed her mind.
    rma = create_rma(db, actor=SUPERVISOR, order=order_id, lines=[
        RequestedLine("SKU-1", 1, "changed_mind"), RequestedLine("SKU-2", 1, "changed_mind")])
    assert rma.status == "authorized" and rma.rma_number.startswith("RMA-")

    # At the intake bench the packer scans each unit: the mug by its GTIN, resellable, back
    # on the shelf; the spoon arrived damaged, into quarantine.
    receive_unit(db, actor=PACKER, rma=rma.rma_number, code="4006381333931",
                 condition="resellable", disposition="restock", location="WH1-A-02")
    receive_unit(db, actor=PACKER, rma=rma.rma_number, code="SKU-2",
                 condition="damaged", disposition="quarantine", location="WH1")
    done = finish_intake(db, actor=PACKER, rma=rma.rma_number)
    assert done.status == "inspected"

    # The mug is available to sell again at once; the damaged spoon is held, not sellable.
    levels = {(r.sku, r.location): r for r in stock.levels(db)}
    assert levels[("SKU-1", "WH1-A-02")].available == 1
    assert levels[("SKU-2", "WH1-QUARANTINE")].on_hand == 1

    # The refund: mug 40 + 10% tax; spoon 10 + 1 tax less a 25% restocking fee on the
    # damaged, changed-mind spoon (2.50); no shipping back (not our fault).
    money = preview(db, rma.rma_number)
    assert (money.items, money.tax, money.fee, money.shipping) == (
        Decimal("50.00"), Decimal("5.00"), Decimal("2.50"), Decimal("0.00"))
    assert money.total == Decimal("52.50")

    # A packer may not refund; a supervisor may, within the approval limit.
    with pytest.raises(PermissionDenied):
        issue_refund(db, actor=PACKER, rma=rma.rma_number, outside=True)
    refund = issue_refund(db, actor=SUPERVISOR, rma=rma.rma_number, outside=True)
    assert refund.amount == Decimal("52.50") and refund.status == "issued_outside"

    # The order shows it partially refunded, the timeline tells the story, the books balance.
    detail = orders.get_order(db, order_id)
    assert detail.financial_status == "partially_refunded"
    assert [e.action for e in detail.timeline if e.entity == "return"] == [
        "authorize", "receive", "inspect", "intake_summary", "refund"]
    assert stock.reconcile(db) == []


def test_returning_more_than_was_shipped_is_refused_with_the_numbers(world):
    order_id = shipped_order(world, {"SKU-2": 2})
    create_rma(world, actor=SUPERVISOR, order=order_id,
               lines=[RequestedLine("SKU-2", 1, "too_small")])
    with pytest.raises(ValidationError, match="1 shipped and not yet returned"):
        create_rma(world, actor=SUPERVISOR, order=order_id,
                   lines=[RequestedLine("SKU-2", 2, "too_small")])


def test_a_refund_above_the_limit_needs_a_manager(world):
    order_id = shipped_order(world, {"SKU-1": 8})  # 8 x 40 = 320 + tax
    rma = create_rma(world, actor=SUPERVISOR, order=order_id,
                     lines=[RequestedLine("SKU-1", 8, "defective")])
    for _ in range(8):
        receive_unit(world, actor=PACKER, rma=rma.rma_number, code="SKU-1",
                     condition="defective", disposition="return_to_vendor", location="WH1")
    finish_intake(world, actor=PACKER, rma=rma.rma_number)
    with pytest.raises(PermissionDenied, match="above the approval limit of 250"):
        issue_refund(world, actor=SUPERVISOR, rma=rma.rma_number, outside=True)
    refund = issue_refund(world, actor=MANAGER, rma=rma.rma_number, outside=True)
    # Defective and everything returned: shipping is refunded too, no restocking fee.
    assert refund.amount == Decimal("320.00") + Decimal("32.00") + Decimal("8.00")
    assert stock.reconcile(world) == []


def test_an_unexpected_item_is_recorded_and_not_refunded(world):
    order_id = shipped_order(world, {"SKU-1": 1})
    rma = create_rma(world, actor=SUPERVISOR, order=order_id,
                     lines=[RequestedLine("SKU-1", 1, "changed_mind")])
    result = receive_unit(world, actor=PACKER, rma=rma.rma_number, code="SKU-2",
                          condition="resellable", disposition="restock", location="WH1")
    assert not result.ok and "unexpected" in result.message
    done = finish_intake(world, actor=PACKER, rma=rma.rma_number)
    [expected, surprise] = done.lines
    assert (expected.sku, expected.missing) == ("SKU-1", 1)
    assert (surprise.sku, surprise.unexpected, surprise.received) == ("SKU-2", True, 1)
    assert preview(world, rma.rma_number).total == Decimal("0.00")


def test_a_damaged_unit_cannot_be_restocked_as_sellable(world):
    order_id = shipped_order(world, {"SKU-1": 1})
    rma = create_rma(world, actor=SUPERVISOR, order=order_id,
                     lines=[RequestedLine("SKU-1", 1, "defective")])
    with pytest.raises(ValidationError, match="cannot be restocked"):
        receive_unit(world, actor=PACKER, rma=rma.rma_number, code="SKU-1",
                     condition="damaged", disposition="restock", location="WH1")
