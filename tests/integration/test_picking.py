import pytest

from oms_desktop.errors import ConcurrentChange, PermissionDenied, ValidationError
from oms_desktop.model import Actor, Role
from oms_desktop.services.orders import views as orders
from oms_desktop.services.floor import picking
from oms_desktop.services.floor import short_picks
from oms_desktop.services.inventory.catalog import add_location
from oms_desktop.services.lookup import location_by_code
from oms_desktop.model import LocationKind
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up

PICKER = Actor("pia", Role.packer, station="PICK-1")
BOSS = Actor("sam", Role.supervisor)


@pytest.fixture
def floor(db):
    small_world(db)
    with db.uow() as uow:
        zone = location_by_code(uow.session, "WH1-A")
        for code in ("A10", "A2"):
            add_location(uow.session, code=code, name=code, kind=LocationKind.bin, parent=zone)
        uow.commit()
    stock_up(db, {("SKU-1", "A10"): 20, ("SKU-2", "A2"): 20, ("SKU-1", "WH1-A-03"): 5,
                  ("KIT-1", "WH1-A-01"): 5})
    return db


def test_a_batch_list_sums_lines_per_bin_and_sku_and_gives_each_order_a_slot(floor):
    o1, s1 = assigned_shipment(floor, {"SKU-1": 2, "SKU-2": 1}, bins={"SKU-1": "A10", "SKU-2": "A2"})
    o2, s2 = assigned_shipment(floor, {"SKU-1": 3}, bins={"SKU-1": "A10"})
    view = picking.create_for_orders(floor, actor=PICKER, orders=[str(o1), str(o2)])
    assert view.kind == "batch" and [s.slot for s in view.slots] == [1, 2]
    assert [(l.bin, l.sku, l.quantity, l.slots) for l in view.lines] == [
        ("A2", "SKU-2", 1, ((1, 1),)), ("A10", "SKU-1", 5, ((1, 2), (2, 3)))]
    assert {sh.status for sh in orders.get_order(floor, o1).shipments} == {"picking"}


def test_walk_sequence_comes_before_natural_order(floor):
    _, s1 = assigned_shipment(floor, {"SKU-1": 1, "KIT-1": 1},
                              bins={"SKU-1": "WH1-A-03", "KIT-1": "WH1-A-01"})
    _, s2 = assigned_shipment(floor, {"SKU-2": 1}, bins={"SKU-2": "A2"})
    view = picking.create_for_shipments(floor, actor=PICKER, shipment_ids=[s1, s2])
    assert [l.bin for l in view.lines] == ["WH1-A-01", "WH1-A-03", "A2"]


def test_a_shipment_cannot_go_on_two_lists(floor):
    _, s1 = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "A10"})
    picking.create_for_shipments(floor, actor=PICKER, shipment_ids=[s1])
    with pytest.raises(ConcurrentChange, match=f"Cannot start picking shipment SHP-{s1}: it was"
                                               r" put on a pick list by pia \(PICK-1\) at"):
        picking.create_for_shipments(floor, actor=PICKER, shipment_ids=[s1])


def test_a_wave_takes_the_carriers_most_urgent_shipments(floor):
    from datetime import date
    assigned_shipment(floor, {"SKU-2": 1}, bins={"SKU-2": "A2"}, carrier="UPS")
    _, late = assigned_shipment(floor, {"SKU-2": 1}, bins={"SKU-2": "A2"}, carrier="DHL",
                                ship_by=date(2026, 12, 3))
    _, soon = assigned_shipment(floor, {"SKU-2": 1}, bins={"SKU-2": "A2"}, carrier="DHL",
                                ship_by=date(2026, 11, 28))
    _, vip = assigned_shipment(floor, {"SKU-2": 1}, bins={"SKU-2": "A2"}, carrier="DHL",
                               priority=5)
    view = picking.create_wave(floor, actor=PICKER, carrier="DHL", limit=2)
    assert view.kind == "wave" and [s.shipment_id for s in view.slots] == [vip, soon]


def test_a_wave_by_zone_takes_only_shipments_reserved_there(floor):
    _, here = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-03"})
    view = picking.create_wave(floor, actor=PICKER, zone="WH1-A", location="WH1")
    assert [s.shipment_id for s in view.slots] == [here]


def _scan(db, pl, value, quantity=1):
    return picking.scan(db, actor=PICKER, pick_list_id=pl, value=value, quantity=quantity)


def test_scan_to_pick_walks_bin_by_bin_and_finishes_the_shipments(floor):
    o1, s1 = assigned_shipment(floor, {"SKU-1": 2, "SKU-2": 1}, bins={"SKU-1": "A10", "SKU-2": "A2"})
    o2, s2 = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "A10"})
    pl = picking.create_for_orders(floor, actor=PICKER, orders=[str(o1), str(o2)]).id
    assert _scan(floor, pl, f"PL-{pl}").message == "Go to bin A2"
    wrong = _scan(floor, pl, "A10")
    assert not wrong.ok and wrong.message == "Wrong bin: scan bin A2 first"
    assert _scan(floor, pl, "A2").view.bin_confirmed
    assert _scan(floor, pl, "036000291452").message == "SKU-2: put 1 into slot 1. Next: bin A10"
    _scan(floor, pl, "A10")
    mismatch = _scan(floor, pl, "SKU-2")
    assert mismatch.result == "wrong_item" and "expected SKU-1" in mismatch.message
    assert _scan(floor, pl, "SKU-1", quantity=9).result == "over_scan"
    done = _scan(floor, pl, "4006381333931", quantity=3)
    assert done.message == "SKU-1: put 2 into slot 1, 1 into slot 2."
    assert done.view.status == "done"
    assert {sh.status for sh in orders.get_order(floor, o1).shipments} == {"picked"}


def test_undo_takes_back_the_last_item_scan(floor):
    o1, _ = assigned_shipment(floor, {"SKU-1": 2}, bins={"SKU-1": "A10"})
    pl = picking.create_for_orders(floor, actor=PICKER, orders=[str(o1)]).id
    _scan(floor, pl, "A10")
    _scan(floor, pl, "SKU-1")
    undone = picking.undo_last(floor, actor=PICKER, pick_list_id=pl)
    assert undone.message == "Undone: 1 x SKU-1"
    assert undone.view.lines[0].picked == 0 and undone.view.bin_confirmed
    assert picking.undo_last(floor, actor=PICKER, pick_list_id=pl).message == "Undone: bin scan"
    with pytest.raises(ValidationError, match="Nothing to undo"):
        picking.undo_last(floor, actor=PICKER, pick_list_id=pl)


def test_a_short_pick_goes_to_the_exception_list_with_its_reason(floor):
    o1, s1 = assigned_shipment(floor, {"SKU-1": 2}, bins={"SKU-1": "A10"})
    o2, s2 = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "A10"})
    pl = picking.create_for_orders(floor, actor=PICKER, orders=[str(o1), str(o2)]).id
    _scan(floor, pl, "A10")
    _scan(floor, pl, "SKU-1", quantity=2)
    feedback = picking.short_pick(floor, actor=PICKER, pick_list_id=pl, reason="bin empty")
    assert feedback.view.status == "done" and feedback.view.lines[0].short == 1
    [exc] = short_picks.exceptions(floor)
    assert (exc.shipment_id, exc.sku, exc.bin, exc.quantity, exc.reason) == (
        s2, "SKU-1", "A10", 1, "bin empty")
    assert [sh.status for sh in orders.get_order(floor, o1).shipments] == ["picked"]
    assert [sh.status for sh in orders.get_order(floor, o2).shipments] == ["picking"]
    with pytest.raises(PermissionDenied):
        short_picks.resolve(floor, actor=PICKER, short_pick_id=exc.id, resolution="found")
    assert short_picks.resolve(floor, actor=BOSS, short_pick_id=exc.id,
                               resolution="found") == "found"
    assert short_picks.exceptions(floor) == []


def test_reallocating_a_short_pick_writes_the_units_off_and_reroutes_them(floor):
    from oms_desktop.services.inventory import stock
    o1, s1 = assigned_shipment(floor, {"SKU-1": 2, "SKU-2": 1},
                               bins={"SKU-1": "A10", "SKU-2": "A2"})
    pl = picking.create_for_orders(floor, actor=PICKER, orders=[str(o1)]).id
    _scan(floor, pl, "A2")
    _scan(floor, pl, "SKU-2")
    _scan(floor, pl, "A10")
    _scan(floor, pl, "SKU-1")
    picking.short_pick(floor, actor=PICKER, pick_list_id=pl, reason="bin empty")
    [exc] = short_picks.exceptions(floor)
    assert short_picks.resolve(floor, actor=BOSS, short_pick_id=exc.id,
                               resolution="reallocate") == "rerouted"
    shipments = orders.get_order(floor, o1).shipments
    assert [(sh.status, sum(sh.lines.values())) for sh in shipments] == [
        ("picked", 2), ("assigned", 1)]
    a10 = [r for r in stock.levels(floor, sku="SKU-1") if r.location == "A10"][0]
    assert a10.on_hand == 19  # the missing unit was written off the bin
    assert stock.reconcile(floor) == []


def test_the_command_line_creates_a_list_with_its_pdf_and_shows_it(floor, tmp_path, capsys,
                                                                  cli_admin):
    import json

    from oms_desktop.cli import main
    o1, _ = assigned_shipment(floor, {"SKU-1": 1}, bins={"SKU-1": "A10"}, carrier="DHL")
    assigned_shipment(floor, {"SKU-2": 2}, bins={"SKU-2": "A2"}, carrier="UPS")
    out = tmp_path / "wave.pdf"
    assert main(["picklist", "create", "--wave", "--carrier", "UPS", "--limit", "5",
                 "--out", str(out), "--db", floor.url, "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert (created["kind"], created["orders"], created["units"]) == ("wave", 1, 2)
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["picklist", "show", created["label"], "--db", floor.url, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(l["bin"], l["sku"], l["quantity"]) for l in shown["lines"]] == [("A2", "SKU-2", 2)]
    assert main(["picklist", "create", "--orders", "ORD-999", "--out", str(out),
                 "--db", floor.url]) == 1
    assert "No order 'ORD-999'" in capsys.readouterr().err
