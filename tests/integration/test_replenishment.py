import pytest
import sqlalchemy as sa

from oms_desktop.errors import (
    ConcurrentChange, InsufficientStock, PermissionDenied, ValidationError,
)
from oms_desktop.model import (
    SYSTEM, Actor, Location, LocationKind, MoveReason, Product, Role, StockMove,
)
from oms_desktop.services.automation import replenishment
from oms_desktop.services.inventory import stock
from oms_desktop.services.inventory import stock_ops
from oms_desktop.services.inventory.catalog import add_location
from oms_desktop.services.lookup import location_by_code, product_by_sku, virtual_location
from tests.factories import small_world
from oms_desktop.services import events as ev
from tests.integration.rules_helpers import fire

LEAD = Actor("sam", Role.supervisor)
PACKER = Actor("pat", Role.packer)


@pytest.fixture
def world(db):
    """WH1 (warehouse with bins), WH2 (a second warehouse), STORE1, and a supplier for SKU-1."""
    small_world(db)
    with db.uow() as uow:
        s = uow.session
        add_location(s, code="WH2", name="North warehouse", kind=LocationKind.warehouse,
                     parent=location_by_code(s, "BRAND"))
        supplier = add_location(s, code="SUP-ACME", name="Acme Mugs Ltd",
                                kind=LocationKind.supplier)
        product_by_sku(s, "SKU-1").supplier_id = supplier.id
        uow.commit()
    replenishment.set_point(db, actor=LEAD, sku="SKU-1", location="STORE1", reorder_point=5,
                            max_qty=15)
    return db


def stocked(db, location: str, quantity: int, sku: str = "SKU-1") -> None:
    """Stock that was already there: put on the shelf without announcing a change, so the
    test's own suggest() call is the first to look at it."""
    with db.uow() as uow:
        s = uow.session
        stock_ops.move(s, product_id=product_by_sku(s, sku).id,
                       source=virtual_location(s, LocationKind.supplier),
                       target=location_by_code(s, location), quantity=quantity,
                       reason=MoveReason.receipt, by=SYSTEM)
        uow.commit()


def on_hand(db, location: str, sku: str = "SKU-1") -> int:
    return sum(r.on_hand for r in stock.levels(db, sku=sku) if r.location == location)


def test_a_store_below_its_point_gets_a_transfer_from_the_warehouse_with_surplus(world):
    stocked(world, "STORE1", 2)
    stocked(world, "WH1-A-01", 50)
    stocked(world, "WH2", 8)
    replenishment.set_point(world, actor=LEAD, sku="SKU-1", location="WH1", reorder_point=10,
                            max_qty=20)

    [s] = replenishment.suggest(world, actor=LEAD)

    assert (s.kind, s.sku, s.location, s.source, s.quantity) == (
        "transfer", "SKU-1", "STORE1", "WH1", 13)
    assert "2 available, below the reorder point 5" in s.reason


def test_accepting_a_transfer_puts_the_units_in_transit_and_receiving_brings_them_in(world):
    stocked(world, "WH1-A-01", 6)
    stocked(world, "WH1-A-02", 30)
    [s] = replenishment.suggest(world, actor=LEAD, location="STORE1")

    accepted = replenishment.accept(world, actor=LEAD, suggestion=s.reference)

    assert accepted.status == "accepted"
    assert (on_hand(world, "WH1-A-02"), on_hand(world, "WH1-A-01")) == (15, 6)
    assert on_hand(world, "TRANSIT") == 15
    assert stock.reconcile(world) == []
    assert replenishment.suggest(world, actor=LEAD) == []  # in transit counts as coming

    received = replenishment.receive(world, actor=LEAD, suggestion=s.id)

    assert received.status == "received"
    assert (on_hand(world, "TRANSIT"), on_hand(world, "STORE1")) == (0, 15)
    assert stock.reconcile(world) == []


def test_without_surplus_a_draft_purchase_from_the_supplier_fills_up_to_max(world):
    stock.receive(world, actor=LEAD, sku="SKU-1", location="STORE1", quantity=4)
    stock.receive(world, actor=LEAD, sku="SKU-1", location="WH1", quantity=10)
    replenishment.set_point(world, actor=LEAD, sku="SKU-1", location="WH1", reorder_point=10,
                            max_qty=20)

    [s] = replenishment.suggest(world, actor=LEAD, location="STORE1")
    assert (s.kind, s.source, s.quantity) == ("purchase", "SUP-ACME", 11)

    replenishment.accept(world, actor=LEAD, suggestion=s.id)
    assert on_hand(world, "TRANSIT") == 0  # a draft purchase moves nothing yet
    replenishment.receive(world, actor=LEAD, suggestion=s.id, location="STORE1")
    assert on_hand(world, "STORE1") == 15
    with world.uow(readonly=True) as uow:
        came_from = uow.session.scalar(
            sa.select(Location.code).join(StockMove, StockMove.from_location_id == Location.id)
            .where(StockMove.reference == s.reference))
    assert came_from == "SUP-ACME"
    assert stock.reconcile(world) == []


def test_a_small_surplus_is_transferred_and_the_rest_purchased(world):
    stock.receive(world, actor=LEAD, sku="SKU-1", location="WH2", quantity=4)
    found = {s.kind: s for s in replenishment.suggest(world, actor=LEAD)}
    assert (found["transfer"].source, found["transfer"].quantity) == ("WH2", 4)
    assert (found["purchase"].source, found["purchase"].quantity) == ("SUP-ACME", 11)


def test_a_stock_change_event_raises_a_suggestion_once_and_dismissing_removes_it(world):
    stock.receive(world, actor=LEAD, sku="SKU-1", location="STORE1", quantity=9)
    with world.uow(readonly=True) as uow:
        sku1 = uow.session.scalar(sa.select(Product.id).where(Product.sku == "SKU-1"))
    fire(world, ev.StockChanged(actor=SYSTEM, product_ids=(sku1,)))
    assert replenishment.suggestions(world) == []

    stock.adjust(world, actor=LEAD, sku="SKU-1", location="STORE1", delta=-6,
                 reason_code="damaged")
    fire(world, ev.StockChanged(actor=SYSTEM, product_ids=(sku1,)))
    fire(world, ev.StockChanged(actor=SYSTEM, product_ids=(sku1,)))
    [s] = replenishment.suggestions(world)
    assert (s.kind, s.quantity) == ("purchase", 12)

    replenishment.dismiss(world, actor=LEAD, suggestion=s.reference)
    assert replenishment.suggestions(world) == []
    assert [d.id for d in replenishment.suggestions(world, status="dismissed")] == [s.id]
    with pytest.raises(ConcurrentChange, match=f"Cannot accept replenishment {s.reference}: "
                                               f"it was dismissed by {LEAD.name} at"):
        replenishment.accept(world, actor=LEAD, suggestion=s.id)


def test_accepting_a_transfer_whose_surplus_is_gone_moves_nothing(world):
    stock.receive(world, actor=LEAD, sku="SKU-1", location="WH2", quantity=20)
    [s] = replenishment.suggest(world, actor=LEAD)
    stock.reserve(world, actor=LEAD, sku="SKU-1", location="WH2", quantity=15)

    with pytest.raises(InsufficientStock, match="only 5 of 15"):
        replenishment.accept(world, actor=LEAD, suggestion=s.id)

    assert on_hand(world, "WH2") == 20 and on_hand(world, "TRANSIT") == 0
    assert replenishment.suggestions(world)[0].status == "open"
    assert stock.reconcile(world) == []


def test_packers_cannot_decide_and_points_belong_to_sites(world):
    stock.receive(world, actor=LEAD, sku="SKU-1", location="WH2", quantity=20)
    [s] = replenishment.suggest(world, actor=LEAD)
    with pytest.raises(PermissionDenied):
        replenishment.accept(world, actor=PACKER, suggestion=s.id)
    with pytest.raises(ValidationError, match="belong to a warehouse, store or 3PL site"):
        replenishment.set_point(world, actor=LEAD, sku="SKU-1", location="WH1-A-01",
                                reorder_point=1, max_qty=2)


def test_the_command_line_suggests_accepts_and_receives(world, capsys, cli_admin):
    import json

    from oms_desktop.cli import main

    stock.receive(world, actor=LEAD, sku="SKU-1", location="WH2", quantity=40)
    assert main(["replenish", "suggest", "--location", "STORE1", "--db", world.url,
                 "--json"]) == 0
    [s] = json.loads(capsys.readouterr().out)
    assert (s["kind"], s["source"], s["quantity"]) == ("transfer", "WH2", 15)
    assert main(["replenish", "accept", s["reference"], "--db", world.url]) == 0
    assert "accepted" in capsys.readouterr().out
    assert on_hand(world, "TRANSIT") == 15
    assert main(["replenish", "receive", s["reference"], "--db", world.url]) == 0
    assert on_hand(world, "STORE1") == 15 and stock.reconcile(world) == []


def test_narrative_a_backorder_is_filled_when_the_suggested_purchase_is_received(world):
    from oms_desktop.model import FinancialStatus, Order
    from oms_desktop.services.orders import allocation
    from oms_desktop.services.orders import views as orders
    from oms_desktop.services.orders import pipeline
    from tests.integration.rules_helpers import make_order

    # WH1 keeps 2 to 10 mugs; it has none when a paid order for 4 comes in.
    replenishment.set_point(world, actor=LEAD, sku="SKU-1", location="WH1", reorder_point=2,
                            max_qty=10)
    oid = make_order(world, "B1", lines={"SKU-1": 4}, publish_as=SYSTEM)
    with world.uow() as uow:
        o = uow.session.get(Order, oid)
        o.financial_status = FinancialStatus.paid
        o.ship_line1, o.ship_city, o.ship_region, o.ship_postal_code = (
            "1 Main St", "Newark", "NJ", "07102")
        uow.commit()
    pipeline.verify_orders(world, actor=SYSTEM, order_ids=[oid])
    [result] = allocation.allocate_orders(world, actor=SYSTEM, order_ids=[oid]).results
    assert result.backordered == {"SKU-1": 4}
    # The restock check suggests buying up to max from Acme; it is accepted and received.
    [s] = replenishment.suggest(world, actor=LEAD, location="WH1")
    assert (s.kind, s.source, s.quantity) == ("purchase", "SUP-ACME", 10)
    replenishment.accept(world, actor=LEAD, suggestion=s.id)
    replenishment.receive(world, actor=LEAD, suggestion=s.id, location="WH1-A-01")
    # The receipt announced the stock change: the backorder was allocated at once.
    [shipment] = orders.get_order(world, oid).shipments
    assert (shipment.status, shipment.location, list(shipment.lines.values())) == (
        "assigned", "WH1", [4])
    assert stock.reconcile(world) == []
